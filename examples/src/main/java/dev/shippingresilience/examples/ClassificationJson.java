package dev.shippingresilience.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shippingresilience.Classification;
import dev.shippingresilience.ItemClassification;
import java.util.List;

/**
 * The JSON shape {@code classify} prints for one {@link Classification}. Only values the classifier produced
 * appear (never headers or body text), and the reasons are secret-free by contract.
 */
final class ClassificationJson {
  /** The output fields, in output order. */
  static final List<String> FIELDS = List.of(
      "provider", "operation", "action", "httpStatus", "code", "retryAfterMs", "scope", "duplicate", "reason",
      "items");

  /** The fields of each {@code items} element, in output order. */
  static final List<String> ITEM_FIELDS = List.of("id", "action", "code", "reason");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ClassificationJson() {}

  /** Returns {@code c} as an object with {@link #FIELDS} in that order; absent values are JSON {@code null}. */
  static ObjectNode of(Classification c) {
    ObjectNode out = NODES.objectNode();
    out.put("provider", c.provider());
    out.put("operation", c.operation());
    out.put("action", c.decision().name());
    out.put("httpStatus", c.httpStatus());
    out.put("code", c.code());
    if (c.retryAfter() == null) {
      out.putNull("retryAfterMs");
    } else {
      out.put("retryAfterMs", c.retryAfter().toMillis());
    }
    out.put("scope", c.scope());
    out.put("duplicate", c.duplicate());
    out.put("reason", c.reason());
    ArrayNode items = out.putArray("items");
    for (ItemClassification item : c.items()) {
      ObjectNode node = items.addObject();
      node.put("id", item.id());
      node.put("action", item.decision().name());
      node.put("code", item.code());
      node.put("reason", item.reason());
    }
    return out;
  }

  /** Returns {@code {"error": message}}. */
  static ObjectNode error(String message) {
    return NODES.objectNode().put("error", message);
  }
}
