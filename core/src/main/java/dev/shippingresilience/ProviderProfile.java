package dev.shippingresilience;

import dev.shippingresilience.internal.ClassifierCore;
import dev.shippingresilience.internal.Codes;
import dev.shippingresilience.internal.CompiledProfile;
import dev.shippingresilience.internal.Extraction;
import dev.shippingresilience.internal.ExtractionPlan;
import dev.shippingresilience.internal.ProfileModel;
import dev.shippingresilience.internal.ProfileModel.CodeRule;
import dev.shippingresilience.internal.ProfileModel.OperationSpec;
import dev.shippingresilience.internal.ProfileModel.ScopeKind;
import dev.shippingresilience.internal.Reconciliation;
import dev.shippingresilience.internal.StreamingExtractor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One provider's profile: hosts, where its codes live, its code tables and its engine defaults. Immutable and
 * thread-safe; load with {@link ProviderProfiles}.
 */
public final class ProviderProfile {
  /** One row of a profile's tables, for documentation and tooling. */
  public record TableEntry(String table, String code, Decision decision, String reason, String scope,
      boolean duplicate, boolean notProcessed) {}

  private final CompiledProfile compiled;
  private final ExtractionPlan defaultPlan;
  private final Map<String, ExtractionPlan> plansByOperation;
  private final @Nullable ExtractionPlan requestPlan;
  /** Per operation with a business key in its request body, the plan that reads it. */
  /** Per operation with a business key in the request body: the carriers' pointers and the key's. */
  private final Map<String, ExtractionPlan> requestPlans;
  /** Per operation with a reconcile lookup, the lookup compiled. */
  private final Map<String, Reconciliation> reconciliations;
  private final Redaction redaction;

  ProviderProfile(CompiledProfile compiled) {
    this.compiled = compiled;
    this.defaultPlan = ClassifierCore.responsePlan(compiled, null);
    Map<String, ExtractionPlan> plans = new HashMap<>();
    Map<String, ExtractionPlan> requestPlans = new HashMap<>();
    ExtractionPlan carriersPlan = ClassifierCore.requestPlan(compiled);
    Map<String, Reconciliation> lookups = new HashMap<>();
    for (OperationSpec op : compiled.operations()) {
      if (op.reconcile() != null) {
        lookups.put(op.name(), new Reconciliation(op.reconcile()));
      }
      plans.put(op.name(), ClassifierCore.responsePlan(compiled, op));
      ProfileModel.ScopeSource key = op.businessKey();
      if (key != null && key.source() == ProfileModel.ScopeSource.Source.REQUEST_BODY) {
        // the business key and the carriers come from one reading of the request body
        requestPlans.put(op.name(), ClassifierCore.requestPlan(compiled, key.location()));
      }
    }
    this.plansByOperation = Map.copyOf(plans);
    this.requestPlans = Map.copyOf(requestPlans);
    this.reconciliations = Map.copyOf(lookups);
    this.requestPlan = carriersPlan;
    this.redaction = Redaction.defaults().with(compiled.secrets().query(), compiled.secrets().headers(),
        compiled.secrets().bodyFields());
  }

  /** {@return the profile id, e.g. {@code clickpost}} */
  public String id() {
    return compiled.id();
  }

  /** {@return the display name, e.g. {@code Clickpost}} */
  public String name() {
    return compiled.name();
  }

  /** {@return the host suffixes that select this profile} */
  public List<String> hosts() {
    return compiled.hosts();
  }

  /** {@return the names of the profile's operations, in match order} */
  public List<String> operations() {
    List<String> out = new ArrayList<>();
    for (OperationSpec op : compiled.operations()) {
      out.add(op.name());
    }
    return out;
  }

  /** {@return the file or resource the profile was loaded from} */
  public String source() {
    return compiled.source();
  }

  /** {@return the redaction for this provider: the defaults plus the profile's own secret names} */
  public Redaction redaction() {
    return redaction;
  }

  /**
   * {@return {@code true} when {@code host} is one of this profile's hosts or a subdomain of one}
   *
   * @param host the request's host name, any case
   */
  public boolean matchesHost(String host) {
    return matchLength(host) > 0;
  }

  int matchLength(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    int best = 0;
    List<String> hosts = compiled.hosts();
    for (int i = 0; i < hosts.size(); i++) {
      String suffix = hosts.get(i);
      if (h.endsWith(suffix)
          && (h.length() == suffix.length() || h.charAt(h.length() - suffix.length() - 1) == '.')) {
        best = Math.max(best, suffix.length());
      }
    }
    return best;
  }

  /**
   * {@return a copy where {@code code} in the default table means {@code decision}}
   *
   * @param code the provider's business code, as the body carries it
   * @param decision what the code means
   * @param reason the rule's reason, as a sentence for logs and exceptions
   * @throws IllegalArgumentException if {@code code} is not a code a body can carry (an optional '-', then 1 to 64
   *     of {@code A-Z a-z 0-9 _ . : -}) or {@code reason} is blank
   */
  public ProviderProfile withCode(String code, Decision decision, String reason) {
    return withCode(null, code, decision, reason);
  }

  /**
   * {@return a copy where {@code code} means {@code decision} for {@code operation} (or the default table when
   * {@code operation} is {@code null})} The breaker scope of a BREAK is the provider.
   *
   * @param operation one of the profile's operation names, or {@code null} for the default table
   * @param code the provider's business code, as the body carries it
   * @param decision what the code means
   * @param reason the rule's reason, as a sentence for logs and exceptions
   * @throws IllegalArgumentException if the operation does not exist, {@code code} is not a code a body can carry
   *     (an optional '-', then 1 to 64 of {@code A-Z a-z 0-9 _ . : -}) or {@code reason} is blank
   */
  public ProviderProfile withCode(@Nullable String operation, String code, Decision decision, String reason) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(decision, "decision");
    if (!Codes.isPlain(code)) {
      throw new IllegalArgumentException("Invalid code (" + code + "): could never be read, "
          + Codes.PLAIN_CODE_WORDS);
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("Invalid reason for code " + code + ": must not be blank");
    }
    CodeRule rule = new CodeRule(decision, reason, ScopeKind.PROVIDER, false, false);
    return new ProviderProfile(compiled.withCode(operation, code, rule));
  }

  /**
   * {@return every table row: the default table ({@code codes}), ranges ({@code codeRanges}), matches
   * ({@code matches}, the conditions in place of a code, e.g. {@code /errors/*}{@code /error_type = system}),
   * HTTP statuses ({@code httpStatuses}) and each operation's table ({@code operation:NAME})}
   */
  public List<TableEntry> tableEntries() {
    List<TableEntry> out = new ArrayList<>();
    compiled.codes().forEach((code, rule) -> out.add(entry("codes", code, rule)));
    for (ProfileModel.CodeRange range : compiled.codeRanges()) {
      out.add(entry("codeRanges", range.from() + ".." + range.to(), range.rule()));
    }
    for (ProfileModel.Match match : compiled.matches()) {
      List<String> when = new ArrayList<>();
      match.when().forEach(c -> when.add(c.pointer() + " = " + String.join(" | ", c.values())));
      out.add(entry(match.signal() ? "matches (signal)" : "matches", String.join(", ", when), match.rule()));
    }
    for (OperationSpec op : compiled.operations()) {
      op.codes().forEach((code, rule) -> out.add(entry("operation:" + op.name(), code, rule)));
    }
    compiled.httpStatuses().forEach((code, rule) -> out.add(entry("httpStatuses", code, rule)));
    return out;
  }

  private static TableEntry entry(String table, String code, CodeRule rule) {
    return new TableEntry(table, code, rule.decision(), rule.reason(), rule.scope().name().toLowerCase(Locale.ROOT),
        rule.duplicate(), rule.notProcessed());
  }

  CompiledProfile compiled() {
    return compiled;
  }

  ExtractionPlan plan(@Nullable OperationSpec operation) {
    return operation == null ? defaultPlan : plansByOperation.getOrDefault(operation.name(), defaultPlan);
  }

  @Nullable ExtractionPlan requestPlan() {
    return requestPlan;
  }

  /**
   * Reads the first {@code peekLimit} bytes of {@code request}'s body once for everything a call takes from it (the
   * carriers, and {@code operation}'s business key); {@code null} when it has no body or nothing is read from it.
   */
  @Nullable Extraction readRequest(@Nullable OperationSpec operation, RequestSnapshot request, int peekLimit) {
    byte[] body = request.body();
    ExtractionPlan plan = operation == null ? requestPlan : requestPlans.getOrDefault(operation.name(), requestPlan);
    return body == null || plan == null ? null
        : StreamingExtractor.extract(body, Math.min(body.length, peekLimit), plan);
  }

  /**
   * Returns the business key {@code operation} declares as {@code request} carries it (in its body as
   * {@link #readRequest} read it into {@code requestRead}, or its query), or {@code null} when it carries none.
   */
  @Nullable String businessKey(OperationSpec operation, RequestSnapshot request, @Nullable Extraction requestRead) {
    ProfileModel.ScopeSource key = operation.businessKey();
    if (key == null) {
      return null;
    }
    if (key.source() == ProfileModel.ScopeSource.Source.QUERY) {
      return ClassifierCore.queryParameter(request.rawQuery(), key.location());
    }
    return requestRead == null ? null : requestRead.value(key.location());
  }

  /** Returns {@code operation}'s reconcile lookup, or {@code null} when it declares none. */
  @Nullable Reconciliation reconciliation(@Nullable OperationSpec operation) {
    return operation == null || operation.reconcile() == null ? null : reconciliations.get(operation.name());
  }

  @Override
  public String toString() {
    return "ProviderProfile{" + compiled.id() + " from " + compiled.source() + "}";
  }
}
