package dev.shippingresilience.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads only the fields an {@link ExtractionPlan} names from a JSON body prefix, with Jackson's streaming parser.
 * Subtrees that cannot contain a wanted field are skipped unread; reading stops as soon as every wanted field was
 * found. Never throws on body content: the {@link Extraction.Outcome} says how reading ended. Thread-safe.
 */
public final class StreamingExtractor {
  /** Longest scalar value kept, in characters; longer values (a carrier's essay) are cut. */
  public static final int MAX_VALUE_LENGTH = 4096;

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private StreamingExtractor() {}

  /** Reads {@code plan}'s fields from the first {@code length} bytes of {@code body}. */
  public static Extraction extract(byte[] body, int length, ExtractionPlan plan) {
    Reader reader = new Reader(plan);
    if (isBlank(body, length)) {
      return reader.result(Extraction.Outcome.EMPTY, false);
    }
    boolean started = false;
    try (JsonParser parser = FACTORY.createParser(body, 0, length)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return reader.result(Extraction.Outcome.EMPTY, false);
      }
      started = true;
      reader.rootIsArray = first == JsonToken.START_ARRAY;
      boolean complete = reader.walk(parser, first, "");
      if (!complete) {
        return reader.result(Extraction.Outcome.STOPPED_EARLY, reader.rootIsArray);
      }
      return reader.result(Extraction.Outcome.COMPLETE, reader.rootIsArray);
    } catch (JsonEOFException e) {
      return reader.result(Extraction.Outcome.TRUNCATED, reader.rootIsArray);
    } catch (StreamReadException e) {
      return reader.result(started ? Extraction.Outcome.MALFORMED : Extraction.Outcome.NOT_JSON, reader.rootIsArray);
    } catch (IOException | RuntimeException e) {
      // Jackson's limits (nesting depth, number length) and anything else the content provokes
      return reader.result(started ? Extraction.Outcome.MALFORMED : Extraction.Outcome.NOT_JSON, reader.rootIsArray);
    }
  }

  private static boolean isBlank(byte[] body, int length) {
    int start = 0;
    if (length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
      start = 3;
    }
    for (int i = start; i < length; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static final class Reader {
    private final ExtractionPlan plan;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> present = new HashSet<>();
    private final Map<String, List<Extraction.Item>> items = new LinkedHashMap<>();
    private int found;
    private boolean rootIsArray;

    Reader(ExtractionPlan plan) {
      this.plan = plan;
    }

    Extraction result(Extraction.Outcome outcome, boolean rootArray) {
      return new Extraction(outcome, Map.copyOf(values), Set.copyOf(present), Map.copyOf(items), rootArray);
    }

    private boolean done() {
      return found >= plan.targets();
    }

    /** Walks the value starting at {@code token}; returns false when reading should stop (all found). */
    boolean walk(JsonParser parser, JsonToken token, String path) throws IOException {
      if (token == JsonToken.VALUE_NULL) {
        return true;
      }
      if (plan.presencePointers.contains(path) && present.add(path)) {
        found++;
      }
      if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
        int itemIndex = token == JsonToken.START_ARRAY ? plan.itemIndexFor(path) : -1;
        if (itemIndex >= 0) {
          readItems(parser, path, itemIndex);
          found++;
          return !done();
        }
        if (!plan.interest.contains(path)) {
          parser.skipChildren();
          return !done();
        }
        if (token == JsonToken.START_OBJECT) {
          JsonToken t;
          while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String child = path + "/" + JsonPointers.escape(parser.currentName());
            if (!walk(parser, parser.nextToken(), child)) {
              return false;
            }
          }
          requireEnd(t, JsonToken.END_OBJECT);
        } else {
          int index = 0;
          JsonToken t;
          while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
              throw new JsonEOFException(parser, null, "end of input inside an array");
            }
            if (!walk(parser, t, path + "/" + index++)) {
              return false;
            }
          }
        }
        return !done();
      }
      if (plan.scalarPointers.contains(path) && values.putIfAbsent(path, scalarText(parser, token)) == null) {
        found++;
      }
      return !done();
    }

    private void readItems(JsonParser parser, String path, int itemIndex) throws IOException {
      ExtractionPlan.ItemPlan itemPlan = plan.items.get(itemIndex);
      Set<String> interest = plan.itemInterest.get(itemIndex);
      List<Extraction.Item> list = new ArrayList<>();
      items.put(path, list);
      JsonToken t;
      while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new JsonEOFException(parser, null, "end of input inside an item array");
        }
        Map<String, String> itemValues = new HashMap<>();
        Set<String> itemPresent = new HashSet<>();
        walkItem(parser, t, "", itemPlan, interest, itemValues, itemPresent);
        list.add(new Extraction.Item(Map.copyOf(itemValues), Set.copyOf(itemPresent)));
      }
    }

    private void walkItem(JsonParser parser, JsonToken token, String path, ExtractionPlan.ItemPlan itemPlan,
        Set<String> interest, Map<String, String> itemValues, Set<String> itemPresent) throws IOException {
      if (token == JsonToken.VALUE_NULL) {
        return;
      }
      if (itemPlan.presencePointers().contains(path)) {
        itemPresent.add(path);
      }
      if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
        if (!interest.contains(path)) {
          parser.skipChildren();
          return;
        }
        if (token == JsonToken.START_OBJECT) {
          JsonToken t;
          while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String child = path + "/" + JsonPointers.escape(parser.currentName());
            walkItem(parser, parser.nextToken(), child, itemPlan, interest, itemValues, itemPresent);
          }
          requireEnd(t, JsonToken.END_OBJECT);
        } else {
          int index = 0;
          JsonToken t;
          while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
              throw new JsonEOFException(parser, null, "end of input inside an array");
            }
            walkItem(parser, t, path + "/" + index++, itemPlan, interest, itemValues, itemPresent);
          }
        }
        return;
      }
      if (itemPlan.scalarPointers().contains(path)) {
        itemValues.putIfAbsent(path, scalarText(parser, token));
      }
    }

    private static void requireEnd(JsonToken actual, JsonToken expected) throws IOException {
      if (actual == null) {
        throw new JsonEOFException(null, null, "end of input, expected " + expected);
      }
    }
  }

  private static String scalarText(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_NUMBER_INT:
        return parser.getText();
      case VALUE_NUMBER_FLOAT: {
        String text = parser.getText();
        try {
          BigDecimal value = new BigDecimal(text);
          if (value.signum() == 0) {
            return "0";
          }
          return value.stripTrailingZeros().scale() <= 0
              ? value.stripTrailingZeros().toPlainString()
              : text;
        } catch (NumberFormatException e) {
          return text;
        }
      }
      case VALUE_TRUE:
        return "true";
      case VALUE_FALSE:
        return "false";
      default: {
        String text = parser.getText();
        if (text == null) {
          return "";
        }
        text = text.strip();
        return text.length() > MAX_VALUE_LENGTH ? text.substring(0, MAX_VALUE_LENGTH) : text;
      }
    }
  }
}
