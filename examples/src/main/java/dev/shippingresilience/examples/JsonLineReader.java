package dev.shippingresilience.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfiles;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads one {@code classify --jsonl} input line:
 * {@code {"provider"?, "method"?, "url", "status", "headers"?, "body"?, "requestBody"?}}. Unknown fields,
 * duplicate fields and trailing content are rejected, so a typo ({@code "header"}) is reported rather than
 * silently ignored.
 *
 * <p>Jackson's read limits are set here rather than left to its defaults, so each has a message: numbers of at
 * most {@value #MAX_NUMBER_LENGTH} digits, nesting at most {@value #MAX_NESTING_DEPTH} deep, field names of at
 * most {@value #MAX_NAME_LENGTH} characters. Strings have no limit of their own: the line's length bounds them
 * ({@link ClassifyCommand#MAX_LINE_BYTES}). A line beyond a limit is one error, never an exception.
 * Thread-safe.
 */
final class JsonLineReader {
  /** The most digits a number may have: {@value}. */
  static final int MAX_NUMBER_LENGTH = 1000;

  /** The deepest nesting of arrays and objects a line may have: {@value} (a valid line needs 3). */
  static final int MAX_NESTING_DEPTH = 32;

  /** The longest field name (and header name) a line may have, in characters: {@value}. */
  static final int MAX_NAME_LENGTH = 1024;

  private static final Set<String> FIELDS =
      Set.of("provider", "method", "url", "status", "headers", "body", "requestBody");
  private static final String EXPECTED = "provider, method, url, status, headers, body, requestBody";

  private final ObjectMapper mapper = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNumberLength(MAX_NUMBER_LENGTH)
              .maxNestingDepth(MAX_NESTING_DEPTH)
              .maxNameLength(MAX_NAME_LENGTH)
              .maxStringLength(ClassifyCommand.MAX_LINE_BYTES)
              .build())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private final ProviderProfiles profiles;
  private final int peekLimit;

  /**
   * Creates a reader.
   *
   * @param profiles the profiles a {@code provider} field may name
   * @param peekLimit the body bytes the classifier reads; a longer {@code body} is kept to that many bytes
   */
  JsonLineReader(ProviderProfiles profiles, int peekLimit) {
    this.profiles = profiles;
    this.peekLimit = peekLimit;
  }

  /**
   * Returns the exchange {@code line} describes.
   *
   * @throws UsageException naming the bad field or the limit the line broke; never quoting a header or body value
   */
  ClassifyInput read(String line) throws UsageException {
    JsonNode root;
    try {
      root = mapper.readTree(line);
    } catch (StreamConstraintsException e) {
      throw new UsageException(brokenLimit(e));
    } catch (JsonProcessingException e) {
      // Jackson's own message quotes the offending token, which may be a secret: give the position only.
      JsonLocation at = e.getLocation();
      throw new UsageException("not valid JSON" + (at == null || at.getColumnNr() < 1 ? ""
          : " (at column " + at.getColumnNr() + ")"));
    }
    if (root == null || !root.isObject()) {
      throw new UsageException("the line must be a JSON object");
    }
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      if (!FIELDS.contains(name)) {
        throw new UsageException("unknown field '" + ClassifyInput.quote(name) + "' (expected " + EXPECTED + ")");
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
    byte[] bytes = body == null ? new byte[0] : ClassifyInput.bodyHead(body, peekLimit);
    String requestBody = optionalString(root, "requestBody");
    byte[] requestHead = requestBody == null ? null
        : ClassifyInput.bodyHead(requestBody, ClassifyInput.MAX_REQUEST_BODY);
    return ClassifyInput.of(provider, method, url, status, headers, bytes, peekLimit,
        ClassifyInput.requestBody(requestHead));
  }

  /**
   * Names the read limit {@code e} reports. Jackson tells which limit only in its message (which quotes lengths,
   * never content); an unknown message gets a general sentence.
   */
  private static String brokenLimit(StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.startsWith("Number value length")) {
      return "number longer than " + MAX_NUMBER_LENGTH + " digits";
    }
    if (message.startsWith("Document nesting depth")) {
      return "nested deeper than " + MAX_NESTING_DEPTH + " levels";
    }
    if (message.startsWith("Name length")) {
      return "field name longer than " + MAX_NAME_LENGTH + " characters";
    }
    if (message.startsWith("String value length")) {
      return "string longer than " + ClassifyCommand.MAX_LINE_BYTES + " characters";
    }
    return "beyond the JSON reader's size limits";
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
          + (field.equals("body") ? " (the response body as text: JSON-encode an object body)"
              : field.equals("requestBody") ? " (the request body as text: JSON-encode an object body)" : ""));
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
            throw new UsageException("headers." + ClassifyInput.quote(field.getKey()) + " must hold strings only");
          }
          values.add(element.textValue());
        }
      } else {
        throw new UsageException("headers." + ClassifyInput.quote(field.getKey())
            + " must be a string or an array of strings");
      }
    }
    return HeaderValues.of(fields);
  }
}
