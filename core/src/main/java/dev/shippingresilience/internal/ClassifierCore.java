package dev.shippingresilience.internal;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.ItemClassification;
import dev.shippingresilience.Redaction;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.internal.ProfileModel.CodeRule;
import dev.shippingresilience.internal.ProfileModel.ItemSpec;
import dev.shippingresilience.internal.ProfileModel.Match;
import dev.shippingresilience.internal.ProfileModel.MessageOverride;
import dev.shippingresilience.internal.ProfileModel.OperationSpec;
import dev.shippingresilience.internal.ProfileModel.Refine;
import dev.shippingresilience.internal.ProfileModel.ScopeKind;
import dev.shippingresilience.internal.ProfileModel.ScopeSource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * The classification rules, in precedence order. A pure function of the profile, the request and the response
 * snapshot; never throws on response content.
 */
public final class ClassifierCore {
  private static final CodeRule NO_RULE_FAIL =
      new CodeRule(Decision.FAIL, "no rule for this status", ScopeKind.PROVIDER, false, false);

  /** An extraction holding nothing, for reading the carrier before any response exists. */
  public static final Extraction NO_EXTRACTION = Extraction.NONE;

  private ClassifierCore() {}

  /** Fields to read from response bodies of one profile operation. */
  public static ExtractionPlan responsePlan(CompiledProfile profile, @Nullable OperationSpec op) {
    Set<String> scalars = new HashSet<>();
    // arrays read element by element: the profile's item arrays (every element), and the arrays of '*' pointers
    // (codes inside arrays, matches; the first Verdicts.MAX_ELEMENTS elements), one plan per array
    Map<String, ArrayFields> arrays = new LinkedHashMap<>();
    for (ItemSpec item : profile.items()) {
      ArrayFields a = arrays.computeIfAbsent(item.arrayPointer(), k -> new ArrayFields());
      a.everyElement = true;
      addIfPresent(a.scalars, item.idPointer());
      addIfPresent(a.scalars, item.codePointer());
      addIfPresent(a.scalars, item.messagePointer());
      addIfPresent(a.presence, item.successPointer());
    }
    List<String> read = new ArrayList<>(profile.codePointers());
    read.addAll(profile.messagePointers());
    for (Match m : profile.matches()) {
      m.when().forEach(c -> read.add(c.pointer()));
      addIfPresent(read, m.carrierPointer());
    }
    for (ScopeSource s : profile.carrierSources()) {
      if (s.source() == ScopeSource.Source.RESPONSE_BODY) {
        read.add(s.location());
      }
    }
    for (String pointer : read) {
      String array = JsonPointers.everyArray(pointer);
      if (array == null) {
        scalars.add(pointer);
      } else {
        arrays.computeIfAbsent(array, k -> new ArrayFields()).scalars.add(JsonPointers.everyElement(pointer));
      }
    }
    if (profile.retryablePointer() != null) {
      scalars.add(profile.retryablePointer());
    }
    Refine refine = op != null && op.refine() != null ? op.refine() : profile.refine();
    if (refine != null) {
      scalars.add(refine.pointer());
    }
    Set<String> presence = new HashSet<>();
    if (profile.successPointer() != null) {
      presence.add(profile.successPointer());
    }
    List<ExtractionPlan.ItemPlan> items = new ArrayList<>();
    arrays.forEach((array, a) -> items.add(new ExtractionPlan.ItemPlan(array, a.scalars, a.presence,
        a.everyElement ? Integer.MAX_VALUE : Verdicts.MAX_ELEMENTS)));
    return new ExtractionPlan(scalars, presence, items);
  }

  /** The fields read in each element of one array, while a plan is built. */
  private static final class ArrayFields {
    final Set<String> scalars = new HashSet<>();
    final Set<String> presence = new HashSet<>();
    /** Whether an item spec reads this array: then every element is read, not only the first few. */
    boolean everyElement;
  }

  /** Fields to read from request bodies (carrier scope sources), or {@code null} when none are needed. */
  public static @Nullable ExtractionPlan requestPlan(CompiledProfile profile) {
    return requestPlan(profile, null);
  }

  /**
   * Returns the plan that reads the request body's carrier sources and {@code alsoRead} (an operation's business
   * key; {@code null}: none) in one pass, or {@code null} when there is nothing to read.
   */
  public static @Nullable ExtractionPlan requestPlan(CompiledProfile profile, @Nullable String alsoRead) {
    Set<String> scalars = new HashSet<>();
    addIfPresent(scalars, alsoRead);
    for (ScopeSource s : profile.carrierSources()) {
      if (s.source() == ScopeSource.Source.REQUEST_BODY) {
        scalars.add(s.location());
      }
    }
    return scalars.isEmpty() ? null : new ExtractionPlan(scalars, Set.of(), List.of());
  }

  private static void addIfPresent(java.util.Collection<String> set, @Nullable String value) {
    if (value != null) {
      set.add(value);
    }
  }

  /**
   * Everything one classification needs besides the snapshots. {@code requestRead} is the request body as read by
   * {@code requestPlan} (or a plan that holds its pointers) when the caller read it already, else {@code null}: it is
   * then read when a carrier source needs it.
   */
  public record Context(CompiledProfile profile, CompiledProfile fallback, @Nullable OperationSpec operation,
      String operationName, ExtractionPlan responsePlan, @Nullable ExtractionPlan requestPlan, int peekLimit,
      Instant now, @Nullable String carrierOverride, Redaction redaction, @Nullable Extraction requestRead) {}

  /**
   * Returns the part of a response body the classifier reads: at most {@code peekLimit} bytes, decoded when the
   * response names a {@code Content-Encoding} (decoded size capped at the peek limit too), and, when the peek limit
   * cut it, shortened so it does not end inside a UTF-8 sequence. The snapshot's bytes are not copied or changed.
   */
  public static BodyDecoding.Decoded readableBody(ResponseSnapshot response, int peekLimit) {
    byte[] prefix = response.bodyArray();
    int offset = response.bodyOffset();
    int length = Math.min(response.bodyLength(), peekLimit);
    boolean cutByPeek = response.cutByPeekLimit() || response.bodyLength() > peekLimit;
    BodyDecoding.Status status = BodyDecoding.Status.IDENTITY;
    if (BodyDecoding.needsDecoding(response.headers())) {
      if (offset != 0) {
        prefix = Arrays.copyOfRange(prefix, offset, offset + length); // a lent region: the decoders read from 0
        offset = 0;
      }
      BodyDecoding.Decoded d = BodyDecoding.decode(response.headers(), prefix, length, cutByPeek, peekLimit);
      prefix = d.bytes();
      length = d.length();
      cutByPeek = d.cutByPeek();
      status = d.status();
    }
    if (cutByPeek) {
      length = Utf8.completeLength(prefix, offset, length);
    }
    return new BodyDecoding.Decoded(prefix, offset, length, cutByPeek, status);
  }

  /** Classifies one response. */
  public static Classification classify(Context ctx, RequestSnapshot request, ResponseSnapshot response) {
    CompiledProfile profile = ctx.profile();
    BodyDecoding.Decoded body = readableBody(response, ctx.peekLimit());
    int length = body.length();
    boolean cutByPeek = body.cutByPeek();
    Extraction ext = StreamingExtractor.extract(body.bytes(), body.offset(), length, ctx.responsePlan());
    int status = response.status();
    Duration retryAfter = RateLimitHeaders.retryAfter(response.headers(), ctx.now());
    Echo echo = new Echo(request, ctx.redaction());

    Verdicts parts = Verdicts.of(ctx, ext, status, echo);
    boolean codeUnreadable = parts.codeUnreadable();
    String code = null;

    CodeRule rule;
    String reason;
    Verdicts.Verdict decisive = null;
    if (parts.decided()) {
      // the code, each element of an array of codes, the matches: the worst decides
      decisive = parts.worst();
      rule = decisive.rule();
      reason = parts.reason();
      code = decisive.code();
    } else if (!codeUnreadable && profile.successPointer() != null
        && ext.present().contains(profile.successPointer())) {
      rule = SUCCEED;
      reason = "the body carries the success member " + profile.successPointer();
    } else if (!codeUnreadable && hasAnyItem(profile, ext)
        && (ext.rootIsArray() || profile.codePointers().isEmpty())) {
      // a batch answers with an array of envelopes: there is no top-level code to read
      rule = SUCCEED;
      reason = "batch response";
    } else if (status == 204 && ext.outcome() == Extraction.Outcome.EMPTY && profile.statusRule(204) != null) {
      // 204 No Content carries no body by definition (RFC 9110 section 15.3.5): the profile's status rule decides
      rule = profile.statusRule(204);
      reason = statusReason(status, "", rule);
    } else if (status >= 200 && status < 300 && profile.bodySignalsSuccess()) {
      if (cutByPeek && ext.outcome() == Extraction.Outcome.TRUNCATED && !codeUnreadable) {
        rule = statusRule(ctx, status);
        reason = "no code in the first " + length + " bytes (the peek limit cut the body), so HTTP " + status
            + " decides: " + rule.reason();
      } else {
        rule = switch (ext.outcome()) {
          case EMPTY, NOT_JSON, TRUNCATED, MALFORMED -> new CodeRule(Decision.BREAK, "", ScopeKind.PROVIDER,
              false, false);
          default -> new CodeRule(Decision.FAIL, "", ScopeKind.PROVIDER, false, false);
        };
        reason = switch (ext.outcome()) {
          case EMPTY -> "HTTP " + status + " with an empty body, where " + profile.id()
              + " always sends a code: not a success";
          case NOT_JSON -> "HTTP " + status + " with a body that is not JSON (an HTML or text page), where "
              + profile.id() + " always sends a code: not a success";
          case TRUNCATED -> "HTTP " + status + " with a JSON body that ends early (truncated) before any code: "
              + "not a success";
          case MALFORMED -> "HTTP " + status + " with malformed JSON before any code: not a success";
          default -> codeUnreadable
              ? "HTTP " + status + " with a code at " + String.join(" or ", profile.codePointers())
                  + " that cannot be a code (not a plain code, an object, or a number out of range): not a "
                  + "recognised " + profile.id() + " response"
              : "HTTP " + status + " with a JSON body that has no code at "
                  + String.join(" or ", profile.codePointers()) + ": not a recognised " + profile.id() + " response";
        };
      }
    } else {
      rule = statusRule(ctx, status);
      String note = codeUnreadable ? " (the body's code is not a plain code)"
          : ext.isJson() || ext.outcome() == Extraction.Outcome.EMPTY ? "" : " (no readable code in the body)";
      reason = statusReason(status, note, rule);
    }

    if (decisive == null) {
      reason = reason + parts.notes();
    }

    boolean bodyComplete = ext.outcome() == Extraction.Outcome.COMPLETE;
    if (rule.decision() == Decision.SUCCEED) {
      Refine refine = ctx.operation() != null && ctx.operation().refine() != null
          ? ctx.operation().refine() : profile.refine();
      if (refine != null) {
        String value = ext.value(refine.pointer());
        CodeRule refined = value == null ? null : refine.values().get(value);
        if (refined != null) {
          rule = refined;
          reason = reason + "; then " + refine.pointer() + " = " + value + ": " + refined.reason();
        } else if (value == null && (!bodyComplete || ext.unreadable().contains(refine.pointer()))) {
          rule = new CodeRule(Decision.FAIL, "", ScopeKind.PROVIDER, false, false);
          reason = reason + "; but " + refine.pointer() + " was not read (" + notReadBecause(ext, refine.pointer())
              + "), so a finished answer cannot be told from a pending or failed one: handed back to the caller";
        }
      }
    }

    List<ItemClassification> items = List.of();
    if (!profile.items().isEmpty() && (rule.decision() == Decision.SUCCEED)) {
      BatchItems batchItems = items(ctx, ext, echo);
      if (!batchItems.isEmpty()) {
        items = batchItems;
        BatchOutcome batch = batch(batchItems, ctx, "batch response".equals(reason) ? null : reason);
        if (batch.rule.decision() != rule.decision() || "batch response".equals(reason)) {
          rule = batch.rule;
        }
        reason = batch.reason;
      }
    }

    if (!ext.conflicts().isEmpty()) {
      String seen = echo.scrub(conflicts(ext.conflicts()));
      if (rule.decision() == Decision.SUCCEED) {
        rule = new CodeRule(Decision.FAIL, "", ScopeKind.PROVIDER, false, false);
        reason = reason + "; but the body " + seen + ": ambiguous, so not a success";
      } else {
        reason = reason + "; the body " + seen;
      }
    } else if (rule.decision() == Decision.SUCCEED
        // whoever decided (a code, or the HTTP status where the body carries none), a JSON body that breaks off or
        // is broken is an answer the caller cannot read: a created label whose answer was cut off is no success
        && (ext.outcome() == Extraction.Outcome.MALFORMED
            || ext.outcome() == Extraction.Outcome.TRUNCATED && !cutByPeek)) {
      rule = new CodeRule(Decision.BREAK, "", ScopeKind.PROVIDER, false, false);
      reason = reason + "; but the body " + (ext.outcome() == Extraction.Outcome.TRUNCATED
          ? "ends early (truncated)" : "is not valid JSON") + ", so the answer is incomplete: not a success";
    }

    if (!ext.isJson() && (body.status() == BodyDecoding.Status.UNSUPPORTED
        || body.status() == BodyDecoding.Status.CORRUPT)) {
      reason = reason + "; the body's Content-Encoding " + (body.status() == BodyDecoding.Status.UNSUPPORTED
          ? "is one this library cannot decode" : "does not match its bytes (corrupt)");
    }

    boolean decided = decisive != null && rule == decisive.rule();
    String carrier = carrier(ctx, request, ext, decided ? decisive.array() : null, decided ? decisive.item() : null);
    if (ctx.carrierOverride() == null && decided && decisive.carrier() != null) {
      carrier = decisive.carrier(); // the part that decided names its carrier (a match's carrierPointer)
    }
    if (rule.decision() == Decision.BREAK && rule.scope() == ScopeKind.CARRIER && carrier == null
        && ctx.carrierOverride() == null) {
      // An unidentified carrier cannot share a breaker with other carriers, nor trip the provider's own.
      rule = new CodeRule(Decision.RETRY, "", ScopeKind.PROVIDER, rule.duplicate(), rule.notProcessed());
      reason = reason + "; the carrier is not named in the request or response, so no carrier breaker can count"
          + " it: treated as transient (RETRY)";
    }
    if (rule.pauseUntil() != null) {
      // the provider's own words name the reset ("Retry after 12:00AM GMT"): wait for it, or a later header's
      Duration untilReset = rule.pauseUntil().after(ctx.now());
      if (retryAfter == null || untilReset.compareTo(retryAfter) > 0) {
        retryAfter = untilReset;
      }
      reason = reason + "; the provider resets at " + rule.pauseUntil() + ", in " + untilReset;
    }
    if (rule.credentialsExpired()) {
      reason = reason + "; the credentials expired, so refreshed credentials may succeed";
    }
    List<ItemClassification> signals = parts.signals();
    if (!signals.isEmpty()) {
      List<ItemClassification> all = new ArrayList<>(items);
      all.addAll(signals);
      items = all;
    }
    String scope = scope(ctx, ctx.profile().providerScope(request), rule, carrier);
    return new Classification(profile.id(), ctx.operationName(), status, code, rule.decision(),
        reason, retryAfter, scope, rule.duplicate(), rule.notProcessed(), items, rule.credentialsExpired());
  }

  private static final CodeRule SUCCEED = new CodeRule(Decision.SUCCEED, "", ScopeKind.PROVIDER, false, false);


  private static String notReadBecause(Extraction ext, String pointer) {
    if (ext.unreadable().contains(pointer)) {
      return "its value is not a plain value";
    }
    return switch (ext.outcome()) {
      case TRUNCATED -> "the body ends before it, or the peek limit cut it";
      case MALFORMED -> "the body is not valid JSON";
      default -> "the body could not be read";
    };
  }

  /** Describes conflicting members, e.g. "names /meta/status twice with different values (200, 322)". */
  static String conflicts(Map<String, String> conflicts) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : conflicts.entrySet()) {
      out.append(out.length() == 0 ? "names " : " and ").append(e.getKey().isEmpty() ? "its root" : e.getKey())
          .append(" more than once with different values (").append(e.getValue()).append(')');
      if (out.length() > 300) {
        out.append(" and more");
        break;
      }
    }
    return out.toString();
  }

  /** Whether an item array of the profile's {@code items} holds an element (arrays of codes do not count). */
  private static boolean hasAnyItem(CompiledProfile profile, Extraction ext) {
    for (int k = 0; k < profile.items().size(); k++) {
      ItemSpec item = profile.items().get(k);
      List<Extraction.Item> list = ext.items().get(item.arrayPointer());
      if (list != null && !list.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Returns "HTTP 503: reason", without repeating the status when the profile's reason already names it. */
  static String statusReason(int status, String note, CodeRule rule) {
    String prefix = "HTTP " + status;
    String text = rule.reason();
    if (text.startsWith(prefix)) {
      return prefix + note + text.substring(prefix.length());
    }
    if (text.startsWith(status + " ")) {
      return prefix + note + text.substring(Integer.toString(status).length());
    }
    return prefix + note + ": " + text;
  }

  static CodeRule statusRule(Context ctx, int status) {
    CodeRule rule = ctx.profile().statusRule(status);
    if (rule == null) {
      rule = ctx.fallback().statusRule(status);
    }
    return rule != null ? rule : NO_RULE_FAIL;
  }

  static @Nullable MessageOverride override(CompiledProfile profile, String code, @Nullable String message) {
    if (message == null || profile.overrides().isEmpty()) {
      return null;
    }
    for (int k = 0; k < profile.overrides().size(); k++) {
      MessageOverride o = profile.overrides().get(k);
      if (o.code().equals(code) && o.pattern().matcher(message).find()) {
        return o;
      }
    }
    return null;
  }



  private record BatchOutcome(CodeRule rule, String reason) {}

  /**
   * Classifies each item of the profile's item arrays. Items that say the same share one
   * {@link ItemClassification} without id (an item array with a fixed decision, a run of one code), so that a batch
   * of 40 accepted numbers makes 40 ids and nothing else.
   */
  private static BatchItems items(Context ctx, Extraction ext, Echo echo) {
    List<ItemSpec> specs = ctx.profile().items();
    int count = 0;
    for (int k = 0; k < specs.size(); k++) {
      List<Extraction.Item> list = ext.items().get(specs.get(k).arrayPointer());
      count += list == null ? 0 : list.size();
    }
    if (count == 0) {
      return BatchItems.NONE;
    }
    BatchItems out = new BatchItems(count);
    for (int k = 0; k < specs.size(); k++) {
      ItemSpec spec = specs.get(k);
      List<Extraction.Item> list = ext.items().get(spec.arrayPointer());
      if (list == null) {
        continue;
      }
      ItemClassification fixed = null;
      String lastCode = null;
      ItemClassification lastCoded = null;
      for (int i = 0; i < list.size(); i++) {
        String rawId = spec.idPointer() == null ? null : Extraction.value(list, i, spec.idPointer());
        String id = rawId == null ? null : echo.id(rawId);
        String rawCode = spec.codePointer() == null ? null : Extraction.value(list, i, spec.codePointer());
        String code = rawCode != null && Codes.isPlain(rawCode) ? rawCode : null;
        boolean unreadable = rawCode != null && code == null
            || spec.codePointer() != null && Extraction.unreadable(list, i, spec.codePointer());
        Map<String, String> conflicts = Extraction.conflicts(list, i);
        if (!conflicts.isEmpty()) {
          out.add(id, new ItemClassification(null, Decision.FAIL, null,
              "the item " + echo.scrub(conflicts(conflicts)) + ": ambiguous, so not a success", false));
        } else if (code != null) {
          CodeRule rule = ctx.profile().rule(ctx.operation(), code);
          String message = spec.messagePointer() == null ? null : Extraction.value(list, i, spec.messagePointer());
          MessageOverride o = rule == null ? null : override(ctx.profile(), code, message);
          if (o != null) {
            out.add(id, new ItemClassification(null, o.rule().decision(), code,
                "code " + code + " with a message matching the override pattern: " + o.rule().reason(),
                o.rule().duplicate()));
          } else if (rule != null) {
            if (!code.equals(lastCode)) {
              lastCode = code;
              lastCoded = new ItemClassification(null, rule.decision(), code,
                  rule.codeReason() != null ? rule.codeReason() : "code " + code + ": " + rule.reason(),
                  rule.duplicate());
            }
            out.add(id, lastCoded);
          } else {
            String shown = echo.showsCode(code) ? code : null;
            out.add(id, new ItemClassification(null, Decision.FAIL, shown,
                "unrecognised code " + (shown != null ? shown : echo.code(code)), false));
          }
        } else if (unreadable) {
          out.add(id, new ItemClassification(null, Decision.FAIL, null,
              "the item's code at " + spec.codePointer() + " cannot be a code", false));
        } else if (spec.successPointer() != null && Extraction.present(list, i, spec.successPointer())) {
          out.add(id, new ItemClassification(null, Decision.SUCCEED, null,
              "the item carries the success member " + spec.successPointer(), false));
        } else if (spec.fixed() != null) {
          if (fixed == null) {
            fixed = new ItemClassification(null, spec.fixed().decision(), null, spec.fixed().reason(),
                spec.fixed().duplicate());
          }
          out.add(id, fixed);
        } else {
          out.add(id, new ItemClassification(null, Decision.FAIL, null, "the item has neither a code nor a result",
              false));
        }
      }
    }
    return out;
  }

  /**
   * Decides which values read from a body may be echoed into a reason, a code field or a header: a provider that
   * echoes the caller's API key at the code position must not leak it. Built per classification; reads the
   * request's secret values only when something needs checking.
   */
  static final class Echo {
    private static final int MAX_ID_LENGTH = 64;
    private final RequestSnapshot request;
    private final Redaction redaction;
    private @Nullable List<String> secrets;

    Echo(RequestSnapshot request, Redaction redaction) {
      this.request = request;
      this.redaction = redaction;
    }

    /**
     * Returns whether an unrecognised plain code looks like a code ({@code 4101}, {@code -18019909},
     * {@code RATE_LIMITED}, {@code InvalidRequest}, {@code E1001}) rather than a random token: at most 32
     * characters, at most 12 digits (6 beside letters), few switches between letters and digits and few case
     * changes, and no secret of the request in it.
     */
    boolean showsCode(String code) {
      if (code.length() > 32) {
        return false;
      }
      int digits = 0;
      int letters = 0;
      int caseChanges = 0;
      int switches = 0;
      char previous = 0;
      for (int i = 0; i < code.length(); i++) {
        char c = code.charAt(i);
        boolean digit = c >= '0' && c <= '9';
        boolean letter = Character.isLetter(c);
        digits += digit ? 1 : 0;
        letters += letter ? 1 : 0;
        if (i > 0 && (digit && Character.isLetter(previous) || letter && previous >= '0' && previous <= '9')) {
          switches++;
        }
        if (letter && Character.isLowerCase(previous) && Character.isUpperCase(c)) {
          caseChanges++;
        }
        previous = c;
      }
      boolean codeLike = letters == 0 ? digits <= 12 : digits <= 6 && switches <= 2 && caseChanges <= 4;
      return codeLike && !containsSecret(code);
    }

    /** Returns the code as shown in a reason: itself when it looks like a code, else a placeholder. */
    String code(String code) {
      return showsCode(code) ? code : "(not shown: it does not look like a code)";
    }

    /** Returns the item id when it looks like an id and is no secret of the request, else {@code null}. */
    @Nullable String id(String raw) {
      return Redaction.isShowableToken(raw, MAX_ID_LENGTH) && !containsSecret(raw) ? raw : null;
    }

    /** Returns {@code reason} with any secret value of the request masked. */
    String scrub(String reason) {
      String out = reason;
      List<String> secrets = secrets();
      for (int k = 0; k < secrets.size(); k++) {
        String secret = secrets.get(k);
        if (out.contains(secret)) {
          out = out.replace(secret, Redaction.MASK);
        }
      }
      return out;
    }

    private boolean containsSecret(String value) {
      List<String> secrets = secrets();
      for (int k = 0; k < secrets.size(); k++) {
        String secret = secrets.get(k);
        if (value.contains(secret)) {
          return true;
        }
      }
      return false;
    }

    private List<String> secrets() {
      if (secrets == null) {
        secrets = redaction.secretValues(request);
      }
      return secrets;
    }
  }

  private static final Decision[] DECISIONS = Decision.values();
  /** The decisions an item can lend the whole batch, the first present winning (FAIL only when every item failed). */
  private static final Decision[] BATCH_ORDER = {Decision.SUCCEED, Decision.POLL, Decision.RETRY, Decision.BREAK};

  /** The items' tally and what it decides, with the reason {@code before + "; batch of N items (...): ..."}. */
  private static BatchOutcome batch(BatchItems items, Context ctx, @Nullable String before) {
    int[] counts = new int[DECISIONS.length];
    for (int i = 0; i < items.size(); i++) {
      counts[items.kind(i).decision().ordinal()]++;
    }
    // the tally "3 SUCCEED, 1 POLL": the first two decisions present go straight into the reason
    Decision first = null;
    Decision second = null;
    int distinct = 0;
    for (Decision d : DECISIONS) {
      if (counts[d.ordinal()] > 0) {
        distinct++;
        second = first != null && second == null ? d : second;
        first = first == null ? d : first;
      }
    }
    Decision decided = Decision.FAIL;
    String why = "every item failed";
    for (Decision d : BATCH_ORDER) {
      if (counts[d.ordinal()] > 0) {
        decided = d;
        why = switch (d) {
          case SUCCEED -> "at least one item succeeded; the caller handles the rest per item";
          case POLL -> "no item succeeded and some are still pending";
          case RETRY -> "no item succeeded or is pending and some are transient";
          default -> "no item succeeded and some point at an unhealthy upstream";
        };
        break;
      }
    }
    CodeRule rule = decided == Decision.BREAK ? breakRule(items, ctx) : simpleRule(decided);
    // one concatenation: the reason's text is made once, in its final size
    String head = before == null ? "" : before;
    String sep = before == null ? "" : "; ";
    String text = distinct == 1
        ? head + sep + "batch of " + items.size() + " items (" + counts[first.ordinal()] + ' ' + first + "): "
            + decided + " because " + why
        : distinct == 2
        ? head + sep + "batch of " + items.size() + " items (" + counts[first.ordinal()] + ' ' + first + ", "
            + counts[second.ordinal()] + ' ' + second + "): " + decided + " because " + why
        : head + sep + "batch of " + items.size() + " items (" + tally(counts) + "): " + decided + " because " + why;
    return new BatchOutcome(rule, text);
  }

  /** The tally of decisions, "3 SUCCEED, 1 POLL", in the order of {@link Decision}. */
  private static String tally(int[] counts) {
    StringBuilder out = new StringBuilder(48);
    for (Decision d : DECISIONS) {
      if (counts[d.ordinal()] > 0) {
        out.append(out.length() == 0 ? "" : ", ").append(counts[d.ordinal()]).append(' ').append(d);
      }
    }
    return out.toString();
  }

  private static CodeRule simpleRule(Decision d) {
    return new CodeRule(d, "", ScopeKind.PROVIDER, false, false);
  }

  private static CodeRule breakRule(BatchItems items, Context ctx) {
    for (int i = 0; i < items.size(); i++) {
      ItemClassification item = items.kind(i);
      if (item.decision() == Decision.BREAK && item.code() != null) {
        CodeRule r = ctx.profile().rule(ctx.operation(), item.code());
        if (r != null) {
          return r;
        }
      }
    }
    return simpleRule(Decision.BREAK);
  }

  private static String scope(Context ctx, String id, CodeRule rule, @Nullable String carrier) {
    if (rule.pauseUntil() != null && rule.scope() == ScopeKind.OPERATION) {
      return id + "/operation:" + ctx.operationName(); // the pause holds this operation only
    }
    if (rule.decision() == Decision.BREAK) {
      switch (rule.scope()) {
        case CARRIER:
          return carrierScope(id, carrier == null ? "unknown" : carrier);
        case OPERATION:
          return id + "/operation:" + ctx.operationName();
        default:
          return id;
      }
    }
    return carrier == null ? id : carrierScope(id, carrier);
  }

  /** Carrier scopes already made, per profile id: a successful call names its carrier's scope without a new string. */
  private static final ConcurrentHashMap<String, ConcurrentHashMap<String, String>> CARRIER_SCOPES =
      new ConcurrentHashMap<>();
  /** Bounds of {@link #CARRIER_SCOPES}: profiles, and carriers per profile (carriers come from bodies). */
  private static final int MAX_SCOPED_PROFILES = 64;
  private static final int MAX_SCOPED_CARRIERS = 512;

  /** Returns {@code id + "/carrier:" + carrier}, the same string for the same pair while the cache has room. */
  static String carrierScope(String id, String carrier) {
    ConcurrentHashMap<String, String> scopes = CARRIER_SCOPES.get(id);
    if (scopes == null) {
      if (CARRIER_SCOPES.size() >= MAX_SCOPED_PROFILES) {
        return id + "/carrier:" + carrier;
      }
      scopes = CARRIER_SCOPES.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
    }
    String scope = scopes.get(carrier);
    if (scope == null) {
      scope = id + "/carrier:" + carrier;
      if (scopes.size() < MAX_SCOPED_CARRIERS) {
        scopes.putIfAbsent(carrier, scope);
      }
    }
    return scope;
  }

  /**
   * Returns the carrier id the request names, or {@code null}, for gating before a send: {@code override} when set,
   * else the profile's request sources (its response sources find nothing yet).
   *
   * @param requestRead the request body already read by {@code requestPlan}, or {@code null} to read it here
   */
  public static @Nullable String requestCarrier(CompiledProfile profile, RequestSnapshot request,
      @Nullable String override, @Nullable ExtractionPlan requestPlan, @Nullable Extraction requestRead,
      int peekLimit) {
    return carrier(profile, override, requestPlan, requestRead, peekLimit, request, NO_EXTRACTION, null, null);
  }

  /**
   * Returns the carrier id the request or response names, or {@code null}; a response source with a {@code *}
   * segment ({@code /errors/*}{@code /carrier_id}) is read in {@code element} of {@code array}, the part of the
   * answer that decided, and only there.
   */
  private static @Nullable String carrier(Context ctx, RequestSnapshot request, Extraction responseExtraction,
      @Nullable String array, Extraction.@Nullable Item element) {
    return carrier(ctx.profile(), ctx.carrierOverride(), ctx.requestPlan(), ctx.requestRead(), ctx.peekLimit(),
        request, responseExtraction, array, element);
  }

  private static @Nullable String carrier(CompiledProfile profile, @Nullable String override,
      @Nullable ExtractionPlan requestPlan, @Nullable Extraction requestRead, int peekLimit, RequestSnapshot request,
      Extraction responseExtraction, @Nullable String array, Extraction.@Nullable Item element) {
    if (override != null) {
      return sanitizeCarrier(override);
    }
    Extraction requestExtraction = requestRead;
    List<ScopeSource> sources = profile.carrierSources();
    for (int k = 0; k < sources.size(); k++) {
      ScopeSource source = sources.get(k);
      String raw = null;
      switch (source.source()) {
        case REQUEST_BODY -> {
          byte[] body = request.body();
          if (body != null && requestPlan != null) {
            if (requestExtraction == null) {
              requestExtraction = StreamingExtractor.extract(body, Math.min(body.length, peekLimit),
                  requestPlan);
            }
            raw = requestExtraction.value(source.location());
          }
        }
        case QUERY -> raw = queryParameter(request.rawQuery(), source.location());
        case RESPONSE_BODY -> {
          String own = JsonPointers.everyArray(source.location());
          raw = own == null ? responseExtraction.value(source.location())
              : own.equals(array) && element != null ? element.value(JsonPointers.everyElement(source.location()))
              : null;
        }
        default -> raw = null;
      }
      if (raw == null || raw.isEmpty()) {
        continue;
      }
      if (source.pattern() != null) {
        Matcher m = source.pattern().matcher(raw);
        if (!m.find() || m.group(1) == null) {
          continue;
        }
        raw = m.group(1);
      }
      String clean = sanitizeCarrier(raw);
      if (clean != null) {
        return clean;
      }
    }
    return null;
  }

  /** Returns the carrier id stripped when it is 1 to 64 of {@code A-Z a-z 0-9 _ . -}, else {@code null}. */
  static @Nullable String sanitizeCarrier(String raw) {
    String v = raw.strip();
    if (v.isEmpty() || v.length() > 64) {
      return null;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '.'
          || c == '-')) {
        return null;
      }
    }
    return v;
  }

  /** Returns the first value of query parameter {@code name} in a raw query string, decoded, or {@code null}. */
  public static @Nullable String queryParameter(@Nullable String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    int from = 0;
    while (from <= rawQuery.length()) {
      int amp = rawQuery.indexOf('&', from);
      int end = amp < 0 ? rawQuery.length() : amp;
      int eq = rawQuery.indexOf('=', from);
      int keyEnd = eq < 0 || eq > end ? end : eq;
      if (keyIs(rawQuery, from, keyEnd, name)) {
        try {
          return keyEnd == end ? "" : URLDecoder.decode(rawQuery.substring(keyEnd + 1, end), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          // a malformed escape in the value: not a usable value, try a later occurrence
        }
      }
      if (amp < 0) {
        break;
      }
      from = amp + 1;
    }
    return null;
  }

  /** Whether the raw key {@code query[from, to)} decodes to {@code name}; decodes only keys with escapes. */
  private static boolean keyIs(String query, int from, int to, String name) {
    boolean plain = true;
    for (int i = from; i < to; i++) {
      char c = query.charAt(i);
      if (c == '%' || c == '+') {
        plain = false;
        break;
      }
    }
    if (plain) {
      return to - from == name.length() && query.regionMatches(from, name, 0, name.length());
    }
    try {
      return URLDecoder.decode(query.substring(from, to), StandardCharsets.UTF_8).equals(name);
    } catch (IllegalArgumentException e) {
      return false; // a malformed escape in someone else's parameter
    }
  }
}
