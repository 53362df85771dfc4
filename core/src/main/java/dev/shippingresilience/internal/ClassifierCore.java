package dev.shippingresilience.internal;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.ItemClassification;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.internal.ProfileModel.CodeRule;
import dev.shippingresilience.internal.ProfileModel.ItemSpec;
import dev.shippingresilience.internal.ProfileModel.MessageOverride;
import dev.shippingresilience.internal.ProfileModel.OperationSpec;
import dev.shippingresilience.internal.ProfileModel.Refine;
import dev.shippingresilience.internal.ProfileModel.ScopeKind;
import dev.shippingresilience.internal.ProfileModel.ScopeSource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The classification rules, in precedence order. A pure function of the profile, the request and the response
 * snapshot; never throws on response content.
 */
public final class ClassifierCore {
  private static final Pattern PLAIN_CODE = Pattern.compile("-?[0-9A-Za-z_.:-]{1,40}");
  private static final Pattern PLAIN_CARRIER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final CodeRule NO_RULE_FAIL =
      new CodeRule(Decision.FAIL, "no rule for this status", ScopeKind.PROVIDER, false, false);

  /** An extraction holding nothing, for reading the carrier before any response exists. */
  public static final Extraction NO_EXTRACTION =
      new Extraction(Extraction.Outcome.EMPTY, Map.of(), Set.of(), Map.of(), false);

  private ClassifierCore() {}

  /** Fields to read from response bodies of one profile operation. */
  public static ExtractionPlan responsePlan(CompiledProfile profile, @Nullable OperationSpec op) {
    Set<String> scalars = new HashSet<>(profile.codePointers());
    scalars.addAll(profile.messagePointers());
    if (profile.retryablePointer() != null) {
      scalars.add(profile.retryablePointer());
    }
    Refine refine = op != null && op.refine() != null ? op.refine() : profile.refine();
    if (refine != null) {
      scalars.add(refine.pointer());
    }
    for (ScopeSource s : profile.carrierSources()) {
      if (s.source() == ScopeSource.Source.RESPONSE_BODY) {
        scalars.add(s.location());
      }
    }
    Set<String> presence = new HashSet<>();
    if (profile.successPointer() != null) {
      presence.add(profile.successPointer());
    }
    List<ExtractionPlan.ItemPlan> items = new ArrayList<>();
    for (ItemSpec item : profile.items()) {
      Set<String> itemScalars = new HashSet<>();
      Set<String> itemPresence = new HashSet<>();
      addIfPresent(itemScalars, item.idPointer());
      addIfPresent(itemScalars, item.codePointer());
      addIfPresent(itemScalars, item.messagePointer());
      addIfPresent(itemPresence, item.successPointer());
      items.add(new ExtractionPlan.ItemPlan(item.arrayPointer(), itemScalars, itemPresence));
    }
    return new ExtractionPlan(scalars, presence, items);
  }

  /** Fields to read from request bodies (carrier scope sources), or {@code null} when none are needed. */
  public static @Nullable ExtractionPlan requestPlan(CompiledProfile profile) {
    Set<String> scalars = new HashSet<>();
    for (ScopeSource s : profile.carrierSources()) {
      if (s.source() == ScopeSource.Source.REQUEST_BODY) {
        scalars.add(s.location());
      }
    }
    return scalars.isEmpty() ? null : new ExtractionPlan(scalars, Set.of(), List.of());
  }

  private static void addIfPresent(Set<String> set, @Nullable String value) {
    if (value != null) {
      set.add(value);
    }
  }

  /** Everything one classification needs besides the snapshots. */
  public record Context(CompiledProfile profile, CompiledProfile fallback, @Nullable OperationSpec operation,
      String operationName, ExtractionPlan responsePlan, @Nullable ExtractionPlan requestPlan, int peekLimit,
      Instant now, @Nullable String carrierOverride) {}

  /** Classifies one response. */
  public static Classification classify(Context ctx, RequestSnapshot request, ResponseSnapshot response) {
    CompiledProfile profile = ctx.profile();
    byte[] prefix = response.bodyPrefix();
    int length = Math.min(prefix.length, ctx.peekLimit());
    boolean cutByPeek = response.cutByPeekLimit() || prefix.length > ctx.peekLimit();
    if (BodyDecoding.needsDecoding(response.headers())) {
      BodyDecoding.Decoded d = BodyDecoding.decode(response.headers(), prefix, length, cutByPeek, ctx.peekLimit());
      prefix = d.bytes();
      length = d.length();
      cutByPeek = d.cutByPeek();
    }
    Extraction ext = StreamingExtractor.extract(prefix, length, ctx.responsePlan());
    int status = response.status();
    Duration retryAfter = RateLimitHeaders.retryAfter(response.headers(), ctx.now());

    String rawCode = first(ext, profile.codePointers());
    String code = rawCode != null && PLAIN_CODE.matcher(rawCode).matches() ? rawCode : null;
    String message = first(ext, profile.messagePointers());

    CodeRule rule;
    String reason;
    if (code != null) {
      CodeRule tableRule = profile.rule(ctx.operation(), code);
      if (tableRule != null) {
        rule = tableRule;
        reason = "code " + code + ": " + tableRule.reason();
        MessageOverride override = override(profile, code, message);
        if (override != null) {
          rule = override.rule();
          reason = "code " + code + " with a message matching the override pattern: " + override.rule().reason();
        }
      } else if ("true".equals(valueOrNull(ext, profile.retryablePointer()))) {
        rule = new CodeRule(Decision.RETRY, "", ScopeKind.PROVIDER, false, false);
        reason = "unrecognised code " + code + ", which the provider marks retryable";
      } else if (status >= 500 || status == 429 || status == 408) {
        rule = statusRule(ctx, status);
        reason = "unrecognised code " + code + " with " + statusReason(status, "", rule);
      } else {
        rule = new CodeRule(Decision.FAIL, "", ScopeKind.PROVIDER, false, false);
        reason = "unrecognised code " + code;
      }
    } else if (profile.successPointer() != null && ext.present().contains(profile.successPointer())) {
      rule = new CodeRule(Decision.SUCCEED, "", ScopeKind.PROVIDER, false, false);
      reason = "the body carries the success member " + profile.successPointer();
    } else if (!ext.items().isEmpty() && hasAnyItem(ext)) {
      rule = new CodeRule(Decision.SUCCEED, "", ScopeKind.PROVIDER, false, false);
      reason = "batch response";
    } else if (status >= 200 && status < 300 && profile.bodySignalsSuccess()) {
      if (cutByPeek && ext.outcome() == Extraction.Outcome.TRUNCATED) {
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
          default -> "HTTP " + status + " with a JSON body that has no code at "
              + String.join(" or ", profile.codePointers()) + ": not a recognised " + profile.id() + " response";
        };
      }
    } else {
      rule = statusRule(ctx, status);
      String note = rawCode != null && code == null ? " (the body's code is not a plain code)"
          : ext.isJson() || ext.outcome() == Extraction.Outcome.EMPTY ? "" : " (no readable code in the body)";
      reason = statusReason(status, note, rule);
    }

    if (rule.decision() == Decision.SUCCEED) {
      Refine refine = ctx.operation() != null && ctx.operation().refine() != null
          ? ctx.operation().refine() : profile.refine();
      if (refine != null) {
        String value = ext.value(refine.pointer());
        CodeRule refined = value == null ? null : refine.values().get(value);
        if (refined != null) {
          rule = refined;
          reason = reason + "; then " + refine.pointer() + " = " + value + ": " + refined.reason();
        }
      }
    }

    List<ItemClassification> items = List.of();
    if (!profile.items().isEmpty() && (rule.decision() == Decision.SUCCEED)) {
      items = items(ctx, ext);
      if (!items.isEmpty()) {
        BatchOutcome batch = batch(items, ctx, ext);
        if (batch.rule.decision() != rule.decision() || "batch response".equals(reason)) {
          rule = batch.rule;
          reason = ("batch response".equals(reason) ? "" : reason + "; ") + batch.reason;
        } else {
          reason = reason + "; " + batch.reason;
        }
      }
    }

    String carrier = carrier(ctx, request, ext);
    String scope = scope(ctx, ctx.profile().providerScope(request.uri()), rule, carrier);
    return new Classification(profile.id(), ctx.operationName(), status, code, rule.decision(), reason, retryAfter,
        scope, rule.duplicate(), rule.notProcessed(), items);
  }

  private static boolean hasAnyItem(Extraction ext) {
    for (List<Extraction.Item> list : ext.items().values()) {
      if (!list.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Returns "HTTP 503: reason", without repeating the status when the profile's reason already names it. */
  private static String statusReason(int status, String note, CodeRule rule) {
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

  private static CodeRule statusRule(Context ctx, int status) {
    CodeRule rule = ctx.profile().statusRule(status);
    if (rule == null) {
      rule = ctx.fallback().statusRule(status);
    }
    return rule != null ? rule : NO_RULE_FAIL;
  }

  private static @Nullable MessageOverride override(CompiledProfile profile, String code, @Nullable String message) {
    if (message == null || profile.overrides().isEmpty()) {
      return null;
    }
    for (MessageOverride o : profile.overrides()) {
      if (o.code().equals(code) && o.pattern().matcher(message).find()) {
        return o;
      }
    }
    return null;
  }

  private static @Nullable String first(Extraction ext, List<String> pointers) {
    for (String p : pointers) {
      String v = ext.value(p);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  private static @Nullable String valueOrNull(Extraction ext, @Nullable String pointer) {
    return pointer == null ? null : ext.value(pointer);
  }

  private record BatchOutcome(CodeRule rule, String reason) {}

  private static List<ItemClassification> items(Context ctx, Extraction ext) {
    List<ItemClassification> out = new ArrayList<>();
    for (ItemSpec spec : ctx.profile().items()) {
      List<Extraction.Item> list = ext.items().get(spec.arrayPointer());
      if (list == null) {
        continue;
      }
      for (Extraction.Item item : list) {
        String id = spec.idPointer() == null ? null : item.value(spec.idPointer());
        String rawCode = spec.codePointer() == null ? null : item.value(spec.codePointer());
        String code = rawCode != null && PLAIN_CODE.matcher(rawCode).matches() ? rawCode : null;
        if (code != null) {
          CodeRule rule = ctx.profile().rule(ctx.operation(), code);
          String message = spec.messagePointer() == null ? null : item.value(spec.messagePointer());
          MessageOverride o = rule == null ? null : override(ctx.profile(), code, message);
          if (o != null) {
            out.add(new ItemClassification(id, o.rule().decision(), code,
                "code " + code + " with a message matching the override pattern: " + o.rule().reason(),
                o.rule().duplicate()));
          } else if (rule != null) {
            out.add(new ItemClassification(id, rule.decision(), code, "code " + code + ": " + rule.reason(),
                rule.duplicate()));
          } else {
            out.add(new ItemClassification(id, Decision.FAIL, code, "unrecognised code " + code, false));
          }
        } else if (spec.successPointer() != null && item.present().contains(spec.successPointer())) {
          out.add(new ItemClassification(id, Decision.SUCCEED, null,
              "the item carries the success member " + spec.successPointer(), false));
        } else if (spec.fixed() != null) {
          out.add(new ItemClassification(id, spec.fixed().decision(), null, spec.fixed().reason(),
              spec.fixed().duplicate()));
        } else {
          out.add(new ItemClassification(id, Decision.FAIL, null, "the item has neither a code nor a result",
              false));
        }
      }
    }
    return out;
  }

  private static BatchOutcome batch(List<ItemClassification> items, Context ctx, Extraction ext) {
    Map<Decision, Integer> counts = new EnumMap<>(Decision.class);
    for (ItemClassification item : items) {
      counts.merge(item.decision(), 1, Integer::sum);
    }
    StringBuilder tally = new StringBuilder("batch of " + items.size() + " items (");
    boolean firstEntry = true;
    for (Map.Entry<Decision, Integer> e : counts.entrySet()) {
      tally.append(firstEntry ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey());
      firstEntry = false;
    }
    tally.append(')');
    for (Decision d : new Decision[] {Decision.SUCCEED, Decision.POLL, Decision.RETRY, Decision.BREAK}) {
      if (counts.containsKey(d)) {
        String why = switch (d) {
          case SUCCEED -> "at least one item succeeded; the caller handles the rest per item";
          case POLL -> "no item succeeded and some are still pending";
          case RETRY -> "no item succeeded or is pending and some are transient";
          default -> "no item succeeded and some point at an unhealthy upstream";
        };
        CodeRule itemRule = d == Decision.BREAK ? breakRule(items, ctx) : simpleRule(d);
        return new BatchOutcome(itemRule, tally + ": " + d + " because " + why);
      }
    }
    return new BatchOutcome(simpleRule(Decision.FAIL), tally + ": FAIL because every item failed");
  }

  private static CodeRule simpleRule(Decision d) {
    return new CodeRule(d, "", ScopeKind.PROVIDER, false, false);
  }

  private static CodeRule breakRule(List<ItemClassification> items, Context ctx) {
    for (ItemClassification item : items) {
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
    if (rule.decision() == Decision.BREAK) {
      switch (rule.scope()) {
        case CARRIER:
          return id + "/carrier:" + (carrier == null ? "unknown" : carrier);
        case OPERATION:
          return id + "/operation:" + ctx.operationName();
        default:
          return id;
      }
    }
    return carrier == null ? id : id + "/carrier:" + carrier;
  }

  /** Returns the carrier id the request or response names, or {@code null}. */
  public static @Nullable String carrier(Context ctx, RequestSnapshot request, Extraction responseExtraction) {
    if (ctx.carrierOverride() != null) {
      return sanitizeCarrier(ctx.carrierOverride());
    }
    Extraction requestExtraction = null;
    for (ScopeSource source : ctx.profile().carrierSources()) {
      String raw = null;
      switch (source.source()) {
        case REQUEST_BODY -> {
          byte[] body = request.body();
          if (body != null && ctx.requestPlan() != null) {
            if (requestExtraction == null) {
              requestExtraction = StreamingExtractor.extract(body, Math.min(body.length, ctx.peekLimit()),
                  ctx.requestPlan());
            }
            raw = requestExtraction.value(source.location());
          }
        }
        case QUERY -> raw = queryParameter(request.uri().getRawQuery(), source.location());
        case RESPONSE_BODY -> raw = responseExtraction.value(source.location());
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

  private static @Nullable String sanitizeCarrier(String raw) {
    String v = raw.strip();
    return PLAIN_CARRIER.matcher(v).matches() ? v : null;
  }

  /** Returns the first value of query parameter {@code name} in a raw query string, decoded, or {@code null}. */
  public static @Nullable String queryParameter(@Nullable String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException e) {
        // a malformed escape in someone else's parameter: skip it
      }
    }
    return null;
  }
}
