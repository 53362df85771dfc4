package dev.shippingresilience.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads only the fields an {@link ExtractionPlan} names from a JSON body prefix, with Jackson's streaming parser.
 *
 * <p>The whole prefix is always scanned, so that {@link Extraction.Outcome#COMPLETE} means "one complete, valid JSON
 * document and nothing after it", and so that a wanted member named twice is seen: subtrees that cannot contain a
 * wanted field are skipped without building values. Time and memory are bounded by the prefix length: numbers are
 * never expanded (a number with a large exponent or more than {@value #MAX_NUMBER_LENGTH} characters is
 * "unreadable", not a code), strings longer than {@value #MAX_VALUE_LENGTH} characters are cut, and nesting depth,
 * number and string lengths are capped by Jackson's default {@link com.fasterxml.jackson.core.StreamReadConstraints}
 * (a document beyond them is {@link Extraction.Outcome#MALFORMED}, as it is for a Jackson tree read).
 *
 * <p>Never throws on body content: the {@link Extraction.Outcome} says how reading ended. Thread-safe.
 */
public final class StreamingExtractor {
  /** Longest scalar value kept, in characters; longer values (a carrier's essay) are cut. */
  public static final int MAX_VALUE_LENGTH = 4096;

  /**
   * Longest number text that can be a code, in characters ({@value}); longer numbers are unreadable. Codes have at
   * most 40 digits (longer codes are text), so this leaves room for a fraction or an exponent that cancels out
   * ({@code 3.22e2}).
   */
  public static final int MAX_NUMBER_LENGTH = 48;

  /** Largest exponent magnitude expanded ({@value}): beyond it a number cannot be a code of 40 digits. */
  static final int MAX_EXPONENT = 40;

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private StreamingExtractor() {}

  /**
   * Reads {@code plan}'s fields from the first {@code length} bytes of {@code body}: a complete, valid UTF-8 document
   * without repeated wanted members is read by {@link ByteExtractor} straight from the bytes; anything else (and
   * anything that reader is unsure of) by Jackson's streaming parser. Both give the same {@link Extraction}.
   */
  public static Extraction extract(byte[] body, int length, ExtractionPlan plan) {
    return extract(body, 0, length, plan);
  }

  /**
   * As {@link #extract(byte[], int, ExtractionPlan)}, for the {@code length} bytes of {@code body} from
   * {@code offset} (a region of a transport's buffer, read in place).
   */
  public static Extraction extract(byte[] body, int offset, int length, ExtractionPlan plan) {
    if (!isBlank(body, offset, length)) {
      Extraction fast = ByteExtractor.extract(body, offset, length, plan);
      if (fast != null) {
        return fast;
      }
    }
    if (offset != 0) {
      // the reference reading, rare (bodies the byte reader is unsure of), reads from index 0
      return extractWithJackson(java.util.Arrays.copyOfRange(body, offset, offset + length), length, plan);
    }
    return extractWithJackson(body, length, plan);
  }

  /** Reads with Jackson's streaming parser only (the reference reading; tests compare the fast path to it). */
  static Extraction extractWithJackson(byte[] body, int length, ExtractionPlan plan) {
    Sink top = new Sink(plan.scalarPointers, plan.presencePointers, plan.interest);
    Reader reader = new Reader(plan, top, length);
    if (isBlank(body, 0, length)) {
      return reader.result(Extraction.Outcome.EMPTY);
    }
    boolean started = false;
    try (JsonParser parser = FACTORY.createParser(body, 0, length)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return reader.result(Extraction.Outcome.EMPTY);
      }
      started = true;
      reader.rootIsArray = first == JsonToken.START_ARRAY;
      reader.walk(parser, first, "", top, true);
      reader.endOfInputNumber = null; // the document is complete: a number that ends it is whole
      if (parser.nextToken() != null) {
        return reader.result(Extraction.Outcome.MALFORMED); // content after the document
      }
      return reader.result(Extraction.Outcome.COMPLETE);
    } catch (JsonEOFException e) {
      return reader.result(Extraction.Outcome.TRUNCATED);
    } catch (StreamReadException e) {
      return reader.result(started ? Extraction.Outcome.MALFORMED : Extraction.Outcome.NOT_JSON);
    } catch (IOException | RuntimeException e) {
      // Jackson's limits (nesting depth, number and string length) and anything else the content provokes
      return reader.result(started ? Extraction.Outcome.MALFORMED : Extraction.Outcome.NOT_JSON);
    }
  }

  private static boolean isBlank(byte[] body, int offset, int length) {
    int start = offset;
    int end = offset + length;
    if (length >= 3 && (body[offset] & 0xFF) == 0xEF && (body[offset + 1] & 0xFF) == 0xBB
        && (body[offset + 2] & 0xFF) == 0xBF) {
      start += 3;
    }
    for (int i = start; i < end; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** What was read at one level (the document, or one item of an item array). */
  private static final class Sink {
    /** Marks a container in {@link #seen}: two containers at one pointer always conflict. */
    private static final String CONTAINER = "\0";
    final Set<String> scalars;
    final Set<String> presence;
    final Set<String> interest;
    final Map<String, String> values = new HashMap<>(4);
    final Set<String> present = new HashSet<>(4);
    /** Each wanted member seen so far, as shown in a conflict: its value, "null", or what kind of value. */
    final Map<String, String> seen = new HashMap<>(8);
    @Nullable Set<String> unreadable;
    @Nullable Map<String, String> conflicts;

    Sink(Set<String> scalars, Set<String> presence, Set<String> interest) {
      this.scalars = scalars;
      this.presence = presence;
      this.interest = interest;
    }

    /**
     * Records one occurrence of a wanted member. {@code shown} is how the value reads in a conflict, {@code value}
     * the usable scalar (null when none). A second occurrence that differs makes the member a conflict.
     */
    void occurrence(String path, String shown, @Nullable String value, boolean scalarWanted, boolean presentValue,
        boolean comparable) {
      String before = seen.putIfAbsent(path, comparable ? shown : CONTAINER + shown);
      if (before != null) {
        boolean beforeContainer = before.startsWith(CONTAINER);
        if (!comparable || beforeContainer || !before.equals(shown)) {
          String beforeShown = beforeContainer ? before.substring(CONTAINER.length()) : shorten(before);
          // bounded: a body naming one member thousands of times must not build a long text
          conflicts().merge(path, beforeShown + ", " + shorten(shown),
              (a, b) -> a.length() > 120 ? a : a + ", " + shorten(shown));
          values.remove(path);
          present.remove(path);
          if (unreadable != null) {
            unreadable.remove(path);
          }
        }
        return;
      }
      if (presentValue && presence.contains(path)) {
        present.add(path);
      }
      if (scalarWanted) {
        if (value != null) {
          values.put(path, value);
        } else if (presentValue) {
          unreadable().add(path);
        }
      }
    }

    /** Returns {@code value} as shown in a conflict: short code-like text as is, anything else by its size. */
    private static String shorten(String value) {
      if (value.equals("an object") || value.equals("an array")) {
        return value;
      }
      if (value.length() <= 40 && value.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'
          || c >= 'a' && c <= 'z' || c == '-' || c == '_' || c == '.' || c == ':' || c == ' ')) {
        return value;
      }
      return "a value of " + value.length() + " characters";
    }

    void markUnreadable(String path) {
      if (values.remove(path) != null) {
        unreadable().add(path);
      }
    }

    Set<String> unreadable() {
      if (unreadable == null) {
        unreadable = new HashSet<>(2);
      }
      return unreadable;
    }

    Map<String, String> conflicts() {
      if (conflicts == null) {
        conflicts = new LinkedHashMap<>(2);
      }
      return conflicts;
    }

    Set<String> unreadableOrEmpty() {
      return unreadable == null ? Set.of() : Set.copyOf(unreadable);
    }

    Map<String, String> conflictsOrEmpty() {
      return conflicts == null ? Map.of() : Map.copyOf(conflicts);
    }
  }

  private static final class Reader {
    private final ExtractionPlan plan;
    private final Sink top;
    private final int length;
    private final Map<String, List<Extraction.Item>> items = new LinkedHashMap<>();
    /** Per item array, the elements after its plan's maxItems, only checked. */
    private final Map<String, Integer> skipped = new LinkedHashMap<>(2);
    private boolean rootIsArray;
    /** The wanted number read last if it ended exactly at the end of the input, with its sink. */
    @Nullable String endOfInputNumber;
    @Nullable Sink endOfInputSink;

    Reader(ExtractionPlan plan, Sink top, int length) {
      this.plan = plan;
      this.top = top;
      this.length = length;
    }

    Extraction result(Extraction.Outcome outcome) {
      if (endOfInputNumber != null && endOfInputSink != null) {
        // the input ended inside or right after this number: its last digits may be missing
        endOfInputSink.markUnreadable(endOfInputNumber);
      }
      return new Extraction(outcome, Map.copyOf(top.values), Set.copyOf(top.present), Map.copyOf(items),
          rootIsArray, top.unreadableOrEmpty(), top.conflictsOrEmpty(), Map.copyOf(skipped));
    }

    /** Walks the value starting at {@code token} at {@code path}, relative to {@code sink}'s level. */
    void walk(JsonParser parser, JsonToken token, String path, Sink sink, boolean topLevel) throws IOException {
      boolean container = token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY;
      boolean scalarWanted = sink.scalars.contains(path);
      boolean wanted = scalarWanted || sink.presence.contains(path);
      int itemIndex = topLevel && token == JsonToken.START_ARRAY ? plan.itemIndexFor(path) : -1;
      if (token == JsonToken.VALUE_NULL) {
        if (wanted || sink.interest.contains(path)) {
          sink.occurrence(path, "null", null, scalarWanted, false, true);
        }
        return;
      }
      if (container) {
        if (wanted || sink.interest.contains(path) || itemIndex >= 0) {
          sink.occurrence(path, token == JsonToken.START_OBJECT ? "an object" : "an array", null, scalarWanted,
              true, false);
        }
        if (itemIndex >= 0) {
          readItems(parser, path, itemIndex);
        } else if (!sink.interest.contains(path)) {
          parser.skipChildren();
        } else if (token == JsonToken.START_OBJECT) {
          JsonToken t;
          while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String child = path + "/" + JsonPointers.escape(parser.currentName());
            walk(parser, parser.nextToken(), child, sink, topLevel);
          }
          requireEnd(parser, t);
        } else {
          int index = 0;
          JsonToken t;
          while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            requireEnd(parser, t);
            walk(parser, t, path + "/" + index++, sink, topLevel);
          }
        }
        return;
      }
      if (!wanted) {
        return;
      }
      if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
        String text = parser.getText();
        String value = canonicalNumber(text);
        String shown = value != null ? value : "a number that cannot be a code";
        sink.occurrence(path, shown, value, scalarWanted, true, true);
        if (value != null && parser.currentLocation().getByteOffset() >= length) {
          endOfInputNumber = path;
          endOfInputSink = sink;
        }
        return;
      }
      String value = scalarText(parser, token);
      sink.occurrence(path, value, value, scalarWanted, true, true);
    }

    private void readItems(JsonParser parser, String path, int itemIndex) throws IOException {
      ExtractionPlan.ItemPlan itemPlan = plan.items.get(itemIndex);
      Set<String> interest = plan.itemInterest.get(itemIndex);
      List<Extraction.Item> list = new ArrayList<>();
      items.put(path, list);
      skipped.remove(path); // a repeated array: the last one read is the one kept, as its items are
      JsonToken t;
      while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
        requireEnd(parser, t);
        if (list.size() >= itemPlan.maxItems()) {
          // past the bound: checked by the parser, never read
          parser.skipChildren();
          skipped.merge(path, 1, Integer::sum);
          continue;
        }
        Sink sink = new Sink(itemPlan.scalarPointers(), itemPlan.presencePointers(), interest);
        walk(parser, t, "", sink, false);
        list.add(new Extraction.Item(Map.copyOf(sink.values), Set.copyOf(sink.present), sink.unreadableOrEmpty(),
            sink.conflictsOrEmpty()));
      }
    }

    private static void requireEnd(JsonParser parser, @Nullable JsonToken actual) throws IOException {
      if (actual == null) {
        throw new JsonEOFException(parser, null, "end of input inside an object or array");
      }
    }
  }

  private static String scalarText(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_TRUE:
        return "true";
      case VALUE_FALSE:
        return "false";
      default: {
        String text = parser.getText();
        if (text == null) {
          return "";
        }
        return kept(text);
      }
    }
  }

  /** Returns a string value as both readers keep it: stripped, cut at {@value #MAX_VALUE_LENGTH} characters. */
  static String kept(String text) {
    String stripped = text.strip();
    return stripped.length() > MAX_VALUE_LENGTH ? stripped.substring(0, MAX_VALUE_LENGTH) : stripped;
  }

  /**
   * Returns a JSON number's canonical text: an integral value in plain digits ({@code 322.0}, {@code 3.22e2} and
   * {@code 322} all read "322"; {@code -0} reads "0"), any other value as written. Returns {@code null} when the
   * number cannot be a code: longer than {@value #MAX_NUMBER_LENGTH} characters or with an exponent beyond
   * {@value #MAX_EXPONENT}. Work and memory are bounded by those limits: nothing is ever expanded.
   */
  static @Nullable String canonicalNumber(String text) {
    int n = text.length();
    if (n == 0 || n > MAX_NUMBER_LENGTH) {
      return null;
    }
    if (isPlainInteger(text)) {
      return text; // the usual code: already canonical
    }
    int i = 0;
    boolean negative = text.charAt(0) == '-';
    if (negative) {
      i++;
    }
    int intStart = i;
    while (i < n && isDigit(text.charAt(i))) {
      i++;
    }
    int intEnd = i;
    int fracStart = i;
    int fracEnd = i;
    if (i < n && text.charAt(i) == '.') {
      fracStart = ++i;
      while (i < n && isDigit(text.charAt(i))) {
        i++;
      }
      fracEnd = i;
    }
    int exponent = 0;
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      boolean negativeExponent = false;
      if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        negativeExponent = text.charAt(i) == '-';
        i++;
      }
      int expStart = i;
      while (i < n && isDigit(text.charAt(i))) {
        exponent = exponent * 10 + (text.charAt(i) - '0');
        if (exponent > MAX_EXPONENT) {
          return null;
        }
        i++;
      }
      if (i == expStart) {
        return null;
      }
      exponent = negativeExponent ? -exponent : exponent;
    }
    if (i != n || intEnd == intStart) {
      return null; // not a JSON number: the parser would not have produced it
    }
    String digits = text.substring(intStart, intEnd) + text.substring(fracStart, fracEnd);
    int point = (intEnd - intStart) + exponent; // digits before the decimal point
    for (int k = Math.max(point, 0); k < digits.length(); k++) {
      if (digits.charAt(k) != '0') {
        return text; // not an integer: a code never has a fraction, so it stays as written
      }
    }
    if (point <= 0) {
      return "0";
    }
    StringBuilder plain = new StringBuilder(point + 1);
    plain.append(digits, 0, Math.min(point, digits.length()));
    for (int k = digits.length(); k < point; k++) {
      plain.append('0');
    }
    return stripLeadingZeros(negative, plain.toString());
  }

  private static String stripLeadingZeros(boolean negative, String digits) {
    int k = 0;
    while (k < digits.length() - 1 && digits.charAt(k) == '0') {
      k++;
    }
    String magnitude = digits.substring(k);
    return negative && !magnitude.equals("0") ? "-" + magnitude : magnitude;
  }

  /** Whether {@code text} is an integer as canonical text writes it: digits without a leading zero, "-" allowed. */
  private static boolean isPlainInteger(String text) {
    int start = text.charAt(0) == '-' ? 1 : 0;
    int n = text.length();
    if (start == n || text.charAt(start) == '0' && (n - start > 1 || start == 1)) {
      return false; // "-", "-0", "01": canonicalNumber decides
    }
    for (int i = start; i < n; i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
