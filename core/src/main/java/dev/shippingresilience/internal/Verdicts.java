package dev.shippingresilience.internal;

import dev.shippingresilience.Decision;
import dev.shippingresilience.ItemClassification;
import dev.shippingresilience.internal.ProfileModel.CodeRule;
import dev.shippingresilience.internal.ProfileModel.Condition;
import dev.shippingresilience.internal.ProfileModel.Match;
import dev.shippingresilience.internal.ProfileModel.MessageOverride;
import dev.shippingresilience.internal.ProfileModel.ScopeKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the parts of one answer say, when there is more than one part to hear: the document's code, each element of
 * an array of codes ({@code /errors/*}{@code /code}) and the profile's {@code matches}. Each part that says something
 * is a {@link Verdict}; the worst decides the answer ({@link #severity}), and its reason names the part.
 *
 * <p>Only the first {@value #MAX_ELEMENTS} elements of an array are heard; the rest are ignored with a note. Built
 * once per classification from an {@link Extraction}; never throws on body content.
 */
final class Verdicts {
  /** The most elements of one array classified: {@value}; the reader does not even read later ones. */
  static final int MAX_ELEMENTS = 20;
  /** The most parts a reason lists beside the deciding one. */
  private static final int MAX_LISTED = 6;

  /**
   * What one part of the answer says.
   *
   * @param rule the rule that fired
   * @param reason the sentence, naming the part ("errors[1] code timeout: ...")
   * @param code the part's code when it may be shown, else {@code null}
   * @param carrier the carrier the part names (a match's {@code carrierPointer}), or {@code null}
   * @param unit the part, as the reason names it ("errors[1]", "the body")
   * @param array the array the part is an element of, or {@code null} for the document
   * @param item the element, or {@code null} for the document
   */
  record Verdict(CodeRule rule, String reason, @Nullable String code, @Nullable String carrier, String unit,
      @Nullable String array, Extraction.@Nullable Item item) {}

  private final ClassifierCore.Context ctx;
  private final CompiledProfile profile;
  private final Extraction ext;
  private final int status;
  private final ClassifierCore.Echo echo;
  private final List<Verdict> verdicts = new ArrayList<>(2);
  /** Notes about arrays read only in part; made at the first. */
  private @Nullable Set<String> notes;
  private List<ItemClassification> signals = List.of();
  private boolean codeUnreadable;

  private Verdicts(ClassifierCore.Context ctx, Extraction ext, int status, ClassifierCore.Echo echo) {
    this.ctx = ctx;
    this.profile = ctx.profile();
    this.ext = ext;
    this.status = status;
    this.echo = echo;
  }

  /**
   * Hears every part of the answer: the first code pointer that finds a code (a plain one, or an array of codes),
   * then the matches on the document and on arrays.
   */
  static Verdicts of(ClassifierCore.Context ctx, Extraction ext, int status, ClassifierCore.Echo echo) {
    Verdicts v = new Verdicts(ctx, ext, status, echo);
    v.hear();
    v.signals = v.hearSignals();
    return v;
  }

  /**
   * Returns the severity of a decision when parts of one answer disagree: FAIL (the request itself must change,
   * so no repeat can succeed) over BREAK (repeat later, and count the outage) over RETRY (repeat) over POLL (the
   * work is pending) over SUCCEED.
   */
  static int severity(Decision d) {
    return switch (d) {
      case FAIL -> 4;
      case BREAK -> 3;
      case RETRY -> 2;
      case POLL -> 1;
      default -> 0;
    };
  }

  /** Whether some part said something: then {@link #worst()} decides. */
  boolean decided() {
    return !verdicts.isEmpty();
  }

  /** Whether a plain code pointer held a value that cannot be a code (an object, a number out of range). */
  boolean codeUnreadable() {
    return codeUnreadable;
  }

  /** The deciding part: the most severe, the first of equals. */
  Verdict worst() {
    Verdict worst = verdicts.get(0);
    for (int k = 1; k < verdicts.size(); k++) {
      Verdict v = verdicts.get(k);
      if (severity(v.rule().decision()) > severity(worst.rule().decision())) {
        worst = v;
      }
    }
    return worst;
  }

  /** The deciding part's reason, the others in brief, and what was not read. */
  String reason() {
    Verdict worst = worst();
    if (verdicts.size() == 1 && notes == null) {
      return worst.reason(); // the common answer: one code, nothing left unread
    }
    StringBuilder out = new StringBuilder(worst.reason());
    if (verdicts.size() > 1) {
      out.append("; the worst of ").append(verdicts.size()).append(" (");
      int listed = 0;
      for (Verdict v : verdicts) {
        if (listed == MAX_LISTED) {
          out.append(", and ").append(verdicts.size() - listed).append(" more");
          break;
        }
        out.append(listed == 0 ? "" : ", ").append(v.unit()).append(' ').append(v.rule().decision());
        listed++;
      }
      out.append(')');
    }
    return out.append(notes()).toString();
  }

  /** Notes about elements past {@link #MAX_ELEMENTS}, each starting with "; ", or "". */
  String notes() {
    if (notes == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    notes.forEach(n -> out.append("; ").append(n));
    return out.toString();
  }

  /** One entry per element that a {@code signal} match picks out: reported, never deciding the answer. */
  List<ItemClassification> signals() {
    return signals;
  }

  private List<ItemClassification> hearSignals() {
    if (profile.matches().isEmpty()) {
      return List.of();
    }
    List<ItemClassification> out = new ArrayList<>();
    for (String array : arrays(true)) {
      List<Extraction.Item> list = elements(array);
      for (int i = 0; i < list.size(); i++) {
        Extraction.Item item = list.get(i);
        Verdict v = elementMatch(array, item, i, true, null);
        if (v != null) {
          out.add(new ItemClassification(v.carrier(), v.rule().decision(), null, v.reason(), v.rule().duplicate()));
        }
      }
    }
    return out;
  }

  private void hear() {
    String plain = null;
    String codeArray = null;
    String codeInElement = null;
    List<String> codePointers = profile.codePointers();
    for (int k = 0; k < codePointers.size(); k++) {
      String pointer = codePointers.get(k);
      String array = JsonPointers.everyArray(pointer);
      if (array == null) {
        codeUnreadable |= ext.unreadable().contains(pointer);
        String value = ext.value(pointer);
        if (plain == null && codeArray == null && value != null && !value.isEmpty()) {
          plain = value;
        }
      } else if (plain == null && codeArray == null && anyCode(array, JsonPointers.everyElement(pointer))) {
        codeArray = array;
        codeInElement = JsonPointers.everyElement(pointer);
      }
    }
    String code = plain != null && Codes.isPlain(plain) ? plain : null;
    codeUnreadable |= plain != null && code == null;

    // the document: its code, unless a match on the document says more
    Verdict document = code == null ? null : code(code, message(null, null), "", "the body", null, null);
    Match documentMatch = documentMatch();
    if (documentMatch != null) {
      document = matched(documentMatch, null, null, "", "the body", code);
    }
    if (document != null) {
      verdicts.add(document);
    }
    // each element of the array of codes: its code, unless a match on that array says more
    if (codeArray != null) {
      List<Extraction.Item> list = elements(codeArray);
      for (int i = 0; i < list.size(); i++) {
        Verdict v = element(codeArray, codeInElement, list.get(i), i);
        if (v != null) {
          verdicts.add(v);
        }
      }
    }
    // the elements of other arrays that a match picks out
    if (profile.matches().isEmpty()) {
      return; // nothing to pick out: not even an iterator over no arrays
    }
    for (String array : arrays(false)) {
      if (!array.equals(codeArray)) {
        List<Extraction.Item> list = elements(array);
        for (int i = 0; i < list.size(); i++) {
          Verdict v = elementMatch(array, list.get(i), i, false, null);
          if (v != null) {
            verdicts.add(v);
          }
        }
      }
    }
  }

  /** Whether an element read of {@code array} has a code (or a value where one should be) at {@code inElement}. */
  private boolean anyCode(String array, String inElement) {
    List<Extraction.Item> list = ext.items().getOrDefault(array, List.of());
    for (Extraction.Item item : list.subList(0, Math.min(list.size(), MAX_ELEMENTS))) {
      String value = item.value(inElement);
      if (value != null && !value.isEmpty() || item.unreadable().contains(inElement)
          || item.conflicts().containsKey(inElement)) {
        return true;
      }
    }
    return false;
  }

  /** Returns the elements of {@code array} to classify (the first {@value #MAX_ELEMENTS}), noting any beyond. */
  private List<Extraction.Item> elements(String array) {
    List<Extraction.Item> list = ext.items().get(array);
    if (list == null) {
      return List.of();
    }
    int beyond = Math.max(0, list.size() - MAX_ELEMENTS) + ext.skippedItems().getOrDefault(array, 0);
    if (beyond > 0) {
      int read = Math.min(list.size(), MAX_ELEMENTS);
      if (notes == null) {
        notes = new LinkedHashSet<>(2);
      }
      notes.add("only the first " + read + " of " + (read + beyond) + " elements of " + label(array)
          + " were read, the rest ignored");
    }
    return list.size() > MAX_ELEMENTS ? list.subList(0, MAX_ELEMENTS) : list;
  }

  /** The verdict of one element of the array of codes. */
  private @Nullable Verdict element(String array, String inElement, Extraction.Item item, int index) {
    String unit = label(array) + "[" + index + "]";
    if (!item.conflicts().isEmpty()) {
      return ambiguous(unit, array, item);
    }
    String raw = item.value(inElement);
    String code = raw != null && Codes.isPlain(raw) ? raw : null;
    Verdict matched = elementMatch(array, item, index, false, code);
    if (matched != null) {
      return matched;
    }
    if (code != null) {
      return code(code, message(array, item), unit + " ", unit, array, item);
    }
    if (raw != null && !raw.isEmpty() || item.unreadable().contains(inElement)) {
      String what = unit + "'s code at " + (inElement.isEmpty() ? "the element" : inElement) + " cannot be a code";
      if (status >= 500 || status == 429 || status == 408) {
        CodeRule rule = ClassifierCore.statusRule(ctx, status);
        return new Verdict(rule, what + ", and " + ClassifierCore.statusReason(status, "", rule), null, null, unit,
            array, item);
      }
      return new Verdict(simple(Decision.FAIL), what + " (not a plain code, an object, or a number out of range)",
          null, null, unit, array, item);
    }
    return null;
  }

  /**
   * The verdict of the first match on {@code array} ({@code signal} or not) that {@code item} satisfies, an
   * ambiguous one when the item names a member those matches read twice, or {@code null}.
   */
  private @Nullable Verdict elementMatch(String array, Extraction.Item item, int index, boolean signal,
      @Nullable String code) {
    String unit = label(array) + "[" + index + "]";
    for (Match m : profile.matches()) {
      if (array.equals(m.array()) && m.signal() == signal && readsAConflict(m, item)) {
        return ambiguous(unit, array, item);
      }
    }
    Match m = firstMatchOf(array, item, signal);
    return m == null ? null : matched(m, array, item, unit + " ", unit, code);
  }

  private boolean readsAConflict(Match m, Extraction.Item item) {
    if (item.conflicts().isEmpty()) {
      return false;
    }
    for (Condition c : m.when()) {
      if (item.conflicts().containsKey(JsonPointers.everyElement(c.pointer()))) {
        return true;
      }
    }
    return m.carrierPointer() != null && item.conflicts().containsKey(JsonPointers.everyElement(m.carrierPointer()));
  }

  private Verdict ambiguous(String unit, String array, Extraction.Item item) {
    return new Verdict(simple(Decision.FAIL), unit + " " + echo.scrub(ClassifierCore.conflicts(item.conflicts()))
        + ": ambiguous, so not a success", null, null, unit, array, item);
  }

  /** The verdict of a code: the tables, a message override, the provider's retry hint or the HTTP status. */
  private Verdict code(String code, @Nullable String message, String prefix, String unit, @Nullable String array,
      Extraction.@Nullable Item item) {
    CodeRule tableRule = profile.rule(ctx.operation(), code);
    String shownCode = tableRule != null || echo.showsCode(code) ? code : null;
    if (tableRule != null) {
      MessageOverride override = ClassifierCore.override(profile, code, message);
      if (override != null) {
        return new Verdict(override.rule(), prefix + "code " + code + " with a message matching the override "
            + "pattern: " + override.rule().reason(), shownCode, null, unit, array, item);
      }
      String reason = prefix.isEmpty() && tableRule.codeReason() != null ? tableRule.codeReason()
          : prefix + "code " + code + ": " + tableRule.reason();
      return new Verdict(tableRule, reason, shownCode, null, unit, array, item);
    }
    String shown = echo.code(code);
    if (profile.retryablePointer() != null && "true".equals(ext.value(profile.retryablePointer()))) {
      return new Verdict(simple(Decision.RETRY), prefix + "unrecognised code " + shown
          + ", which the provider marks retryable", shownCode, null, unit, array, item);
    }
    if (status >= 500 || status == 429 || status == 408) {
      CodeRule rule = ClassifierCore.statusRule(ctx, status);
      return new Verdict(rule, prefix + "unrecognised code " + shown + " with "
          + ClassifierCore.statusReason(status, "", rule), shownCode, null, unit, array, item);
    }
    return new Verdict(simple(Decision.FAIL), prefix + "unrecognised code " + shown, shownCode, null, unit, array,
        item);
  }

  /** The verdict of a match: its rule, its reason after the values that chose it. */
  private Verdict matched(Match m, @Nullable String array, Extraction.@Nullable Item item, String prefix, String unit,
      @Nullable String code) {
    StringBuilder what = new StringBuilder(prefix);
    String shownCode = code != null && echo.showsCode(code) ? code : null;
    if (shownCode != null) {
      what.append("code ").append(shownCode).append(" with ");
    } else if (!prefix.isEmpty()) {
      what.append("with ");
    }
    for (int i = 0; i < m.when().size(); i++) {
      Condition c = m.when().get(i);
      boolean inElement = item != null && JsonPointers.everyArray(c.pointer()) != null;
      String relative = JsonPointers.everyElement(c.pointer());
      String name = !inElement ? c.pointer() : relative.isEmpty() ? "the element" : relative.substring(1);
      String value = valueAt(c.pointer(), item);
      what.append(i == 0 ? "" : " and ").append(name).append(value == null ? " absent" : " = " + value);
    }
    String carrier = null;
    if (m.carrierPointer() != null) {
      String raw = valueAt(m.carrierPointer(), item);
      String shown = raw == null ? null : echo.id(raw); // never a secret of the request, as item ids
      carrier = shown == null ? null : ClassifierCore.sanitizeCarrier(shown);
    }
    return new Verdict(m.rule(), what + ": " + m.rule().reason(), shownCode, carrier, unit, array, item);
  }

  /** The first match on the document (not a signal) that holds, or {@code null}. */
  private @Nullable Match documentMatch() {
    List<Match> matches = profile.matches();
    for (int k = 0; k < matches.size(); k++) {
      Match m = matches.get(k);
      if (m.array() == null && !m.signal() && holds(m, null)) {
        return m;
      }
    }
    return null;
  }

  /** The first match on {@code array} of the kind asked for that {@code item} satisfies, or {@code null}. */
  private @Nullable Match firstMatchOf(String array, Extraction.Item item, boolean signal) {
    for (Match m : profile.matches()) {
      if (array.equals(m.array()) && m.signal() == signal && holds(m, item)) {
        return m;
      }
    }
    return null;
  }

  private boolean holds(Match m, Extraction.@Nullable Item item) {
    for (Condition c : m.when()) {
      if (!c.holdsFor(valueAt(c.pointer(), item))) {
        return false;
      }
    }
    return true;
  }

  /** The value at a pointer: in {@code item} when it has a {@code *} segment, else in the document. */
  private @Nullable String valueAt(String pointer, Extraction.@Nullable Item item) {
    if (JsonPointers.everyArray(pointer) != null) {
      return item == null ? null : item.value(JsonPointers.everyElement(pointer));
    }
    return ext.value(pointer);
  }

  /**
   * The message for an override: the first message pointer with a value, read in {@code item} when it points into
   * the same array, in the first element with one when it points into another, else in the document.
   */
  private @Nullable String message(@Nullable String array, Extraction.@Nullable Item item) {
    List<String> messagePointers = profile.messagePointers();
    for (int k = 0; k < messagePointers.size(); k++) {
      String pointer = messagePointers.get(k);
      String own = JsonPointers.everyArray(pointer);
      String value = null;
      if (own == null) {
        value = ext.value(pointer);
      } else if (own.equals(array) && item != null) {
        value = item.value(JsonPointers.everyElement(pointer));
      } else {
        for (Extraction.Item e : ext.items().getOrDefault(own, List.of())) {
          value = e.value(JsonPointers.everyElement(pointer));
          if (value != null && !value.isEmpty()) {
            break;
          }
        }
      }
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return null;
  }

  /** The arrays the matches of one kind read, in the order the matches name them. */
  private Set<String> arrays(boolean signal) {
    if (profile.matches().isEmpty()) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (Match m : profile.matches()) {
      if (m.array() != null && m.signal() == signal) {
        out.add(m.array());
      }
    }
    return out;
  }

  /**
   * How a reason names an array: {@code errors} for {@code /errors}, {@code error.errors} for
   * {@code /error/errors}, nothing for the top-level array (its elements read {@code [0]}, {@code [1]}).
   */
  static String label(String array) {
    if (array.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String segment : array.substring(1).split("/", -1)) {
      out.append(out.length() == 0 ? "" : ".").append(JsonPointers.unescape(segment));
    }
    return out.toString();
  }

  private static CodeRule simple(Decision d) {
    return new CodeRule(d, "", ScopeKind.PROVIDER, false, false);
  }
}
