package dev.shippingresilience.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A JSON value read with jackson-core's streaming parser alone: the small, immutable tree {@link ProfileParser}
 * validates, so core needs no jackson-databind. Objects keep their members in document order; numbers keep the text
 * they were written as, so messages quote what the user wrote.
 */
final class JsonValue {
  /** The kinds of JSON value; {@link #toString()} of each is the word messages use ("object", "number"). */
  enum Kind {
    OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

  private final Kind kind;
  /** A string's value, a number's text as written, or "true", "false" or "null". */
  private final String text;
  private final Map<String, JsonValue> members;
  private final List<JsonValue> elements;
  /** An integer's value; {@code null} for every other value. */
  private final @Nullable BigInteger integer;
  /** A number's value as a double (an integer's too). */
  private final double number;

  private JsonValue(Kind kind, String text, Map<String, JsonValue> members, List<JsonValue> elements,
      @Nullable BigInteger integer, double number) {
    this.kind = kind;
    this.text = text;
    this.members = members;
    this.elements = elements;
    this.integer = integer;
    this.number = number;
  }

  private static JsonValue scalar(Kind kind, String text) {
    return new JsonValue(kind, text, Map.of(), List.of(), null, 0);
  }

  /**
   * Reads the value at the parser's current token, leaving the parser on the value's last token. Errors in the
   * document (including repeated keys, when the parser detects them) come from the parser, which still knows where
   * it stopped.
   */
  static JsonValue read(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new IllegalStateException("the parser is not on a token");
    }
    switch (token) {
      case START_OBJECT -> {
        Map<String, JsonValue> members = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          members.put(name, read(parser));
        }
        return new JsonValue(Kind.OBJECT, "", Collections.unmodifiableMap(members), List.of(), null, 0);
      }
      case START_ARRAY -> {
        List<JsonValue> elements = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          elements.add(read(parser));
        }
        return new JsonValue(Kind.ARRAY, "", Map.of(), Collections.unmodifiableList(elements), null, 0);
      }
      case VALUE_STRING -> {
        return scalar(Kind.STRING, parser.getText());
      }
      case VALUE_NUMBER_INT -> {
        BigInteger value = parser.getBigIntegerValue();
        return new JsonValue(Kind.NUMBER, parser.getText(), Map.of(), List.of(), value, value.doubleValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return new JsonValue(Kind.NUMBER, parser.getText(), Map.of(), List.of(), null, parser.getDoubleValue());
      }
      case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {
        return scalar(token == JsonToken.VALUE_NULL ? Kind.NULL : Kind.BOOLEAN, token.asString());
      }
      default -> throw new IllegalStateException("not the start of a value: " + token);
    }
  }

  Kind kind() {
    return kind;
  }

  boolean isObject() {
    return kind == Kind.OBJECT;
  }

  boolean isArray() {
    return kind == Kind.ARRAY;
  }

  boolean isString() {
    return kind == Kind.STRING;
  }

  boolean isNumber() {
    return kind == Kind.NUMBER;
  }

  boolean isBoolean() {
    return kind == Kind.BOOLEAN;
  }

  boolean isNull() {
    return kind == Kind.NULL;
  }

  /** Returns an object's member, or {@code null} when absent (or when this is not an object). */
  @Nullable JsonValue get(String name) {
    return members.get(name);
  }

  /** Returns an object's members in document order; empty for anything else. */
  Map<String, JsonValue> members() {
    return members;
  }

  /** Returns an array's elements; empty for anything else. */
  List<JsonValue> elements() {
    return elements;
  }

  /** Returns a string's value. */
  String text() {
    return text;
  }

  boolean booleanValue() {
    return kind == Kind.BOOLEAN && text.equals("true");
  }

  /** Whether this is a number written without a fraction or exponent. */
  boolean isInteger() {
    return integer != null;
  }

  /** Whether this is an integer from {@link Integer#MIN_VALUE} to {@link Integer#MAX_VALUE}. */
  boolean isInt() {
    return integer != null && integer.compareTo(INT_MIN) >= 0 && integer.compareTo(INT_MAX) <= 0;
  }

  /** Whether this is an integer that fits a {@code long}. */
  boolean isLong() {
    return integer != null && integer.bitLength() < Long.SIZE;
  }

  /** Returns an integer's value as an {@code int}; meaningful only when {@link #isInt()}. */
  int intValue() {
    return integer == null ? 0 : integer.intValue();
  }

  /** Returns an integer's value as a {@code long}; meaningful only when {@link #isLong()}. */
  long longValue() {
    return integer == null ? 0 : integer.longValue();
  }

  /** Returns a number's value as a {@code double} (infinite when too large). */
  double doubleValue() {
    return number;
  }

  /** The value as a message shows it: a number as written, a quoted string, or the kind of a container. */
  @Override
  public String toString() {
    return switch (kind) {
      case STRING -> "\"" + ProfileSyntax.shown(text) + "\"";
      case OBJECT, ARRAY -> kind.toString();
      default -> text;
    };
  }
}
