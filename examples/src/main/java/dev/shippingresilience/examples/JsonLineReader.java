package dev.shippingresilience.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfiles;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads one {@code classify --jsonl} input line:
 * {@code {"provider"?, "method"?, "url", "status", "headers"?, "body"?}}. Unknown fields, duplicate fields and
 * trailing content are rejected, so a typo ({@code "header"}) is reported rather than silently ignored.
 * Thread-safe.
 */
final class JsonLineReader {
  private static final Set<String> FIELDS = Set.of("provider", "method", "url", "status", "headers", "body");
  private static final String EXPECTED = "provider, method, url, status, headers, body";

  private final ObjectMapper mapper = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private final ProviderProfiles profiles;

  JsonLineReader(ProviderProfiles profiles) {
    this.profiles = profiles;
  }

  /**
   * Returns the exchange {@code line} describes.
   *
   * @throws UsageException naming the bad field; never quoting a header or body value
   */
  ClassifyInput read(String line) throws UsageException {
    JsonNode root;
    try {
      root = mapper.readTree(line);
    } catch (JsonProcessingException e) {
      // Jackson's own message quotes the offending token, which may be a secret: give the position only.
      throw new UsageException("not valid JSON (at column " + e.getLocation().getColumnNr() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new UsageException("the line must be a JSON object");
    }
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      if (!FIELDS.contains(name)) {
        throw new UsageException("unknown field '" + Printable.text(name) + "' (expected " + EXPECTED + ")");
      }
    }
    URI url = ClassifyInput.url("url", requiredString(root, "url"));
    int status = status(root.get("status"));
    String method = optionalString(root, "method");
    method = ClassifyInput.method("method", method == null ? ClassifyInput.DEFAULT_METHOD : method);
    String provider = optionalString(root, "provider");
    if (provider != null) {
      ClassifyInput.provider("provider", provider, profiles);
    }
    HeaderValues headers = headers(root.get("headers"));
    String body = optionalString(root, "body");
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    return new ClassifyInput(provider, method, url, status, headers, bytes);
  }

  private static String requiredString(JsonNode root, String field) throws UsageException {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw new UsageException("missing " + field);
    }
    if (!node.isTextual()) {
      throw new UsageException(field + " must be a string");
    }
    return node.textValue();
  }

  private static @Nullable String optionalString(JsonNode root, String field) throws UsageException {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new UsageException(field + " must be a string"
          + (field.equals("body") ? " (the response body as text: JSON-encode an object body)" : ""));
    }
    return node.textValue();
  }

  private static int status(@Nullable JsonNode node) throws UsageException {
    if (node == null || node.isNull()) {
      throw new UsageException("missing status");
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new UsageException("status must be an integer 100..599");
    }
    return ClassifyInput.status("status", node.longValue());
  }

  private static HeaderValues headers(@Nullable JsonNode node) throws UsageException {
    if (node == null || node.isNull()) {
      return HeaderValues.empty();
    }
    if (!node.isObject()) {
      throw new UsageException("headers must be an object of name to string or array of strings");
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      List<String> values = fields.computeIfAbsent(field.getKey(), k -> new ArrayList<>());
      JsonNode value = field.getValue();
      if (value.isTextual()) {
        values.add(value.textValue());
      } else if (value.isArray()) {
        for (JsonNode element : value) {
          if (!element.isTextual()) {
            throw new UsageException("headers." + Printable.text(field.getKey()) + " must hold strings only");
          }
          values.add(element.textValue());
        }
      } else {
        throw new UsageException("headers." + Printable.text(field.getKey()) + " must be a string or an array of strings");
      }
    }
    return HeaderValues.of(fields);
  }
}
