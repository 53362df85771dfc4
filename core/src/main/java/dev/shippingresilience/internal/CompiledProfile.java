package dev.shippingresilience.internal;

import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.internal.ProfileModel.CodeRange;
import dev.shippingresilience.internal.ProfileModel.CodeRule;
import dev.shippingresilience.internal.ProfileModel.Defaults;
import dev.shippingresilience.internal.ProfileModel.ItemSpec;
import dev.shippingresilience.internal.ProfileModel.Match;
import dev.shippingresilience.internal.ProfileModel.MessageOverride;
import dev.shippingresilience.internal.ProfileModel.OperationSpec;
import dev.shippingresilience.internal.ProfileModel.Refine;
import dev.shippingresilience.internal.ProfileModel.ScopeSource;
import dev.shippingresilience.internal.ProfileModel.Secrets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A validated profile, ready for the classifier. Immutable. */
public record CompiledProfile(
    String source,
    String id,
    String name,
    List<String> hosts,
    List<String> codePointers,
    List<String> messagePointers,
    @Nullable String retryablePointer,
    @Nullable String successPointer,
    boolean bodySignalsSuccess,
    Map<String, CodeRule> codes,
    List<CodeRange> codeRanges,
    Map<String, CodeRule> httpStatuses,
    List<MessageOverride> overrides,
    List<Match> matches,
    List<ItemSpec> items,
    @Nullable Refine refine,
    List<OperationSpec> operations,
    List<ScopeSource> carrierSources,
    boolean scopeByHost,
    Secrets secrets,
    Defaults defaults) {

  /** Copies the collections. */
  public CompiledProfile {
    hosts = List.copyOf(hosts);
    codePointers = List.copyOf(codePointers);
    messagePointers = List.copyOf(messagePointers);
    codes = CodeRule.table(codes);
    codeRanges = List.copyOf(codeRanges);
    httpStatuses = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(httpStatuses));
    overrides = List.copyOf(overrides);
    matches = List.copyOf(matches);
    items = List.copyOf(items);
    operations = operations.stream().map(op -> op.withCodes(CodeRule.table(op.codes()))).toList();
    carrierSources = List.copyOf(carrierSources);
  }

  /**
   * Returns the provider-level scope of {@code request}: the profile id, plus {@link #hostScope} (empty
   * unless {@code scope.byHost}).
   */
  public String providerScope(RequestSnapshot request) {
    return scopeByHost ? id + hostScope(request) : id;
  }

  /**
   * Returns {@code "/host:<host[:port]>"} with {@code scope.byHost} (the generic fallback, which serves unrelated
   * hosts), else the empty string: appended to the provider scope and to the rate-limit account, so one failing or
   * throttling host neither opens a breaker nor pauses calls for the others.
   */
  public String hostScope(RequestSnapshot request) {
    if (!scopeByHost) {
      return "";
    }
    String host = request.host() == null ? "unknown" : request.host().toLowerCase(java.util.Locale.ROOT);
    return "/host:" + (request.port() < 0 ? host : host + ":" + request.port());
  }

  /** Returns the first operation matching {@code method} and {@code path}, or {@code null}. */
  public @Nullable OperationSpec operationFor(String method, String path) {
    for (OperationSpec op : operations) {
      if ((op.method() == null || op.method().equalsIgnoreCase(method)) && op.path().matches(path)) {
        return op;
      }
    }
    return null;
  }

  /** Returns the operation named {@code name}, or {@code null}. */
  public @Nullable OperationSpec operationNamed(String name) {
    for (OperationSpec op : operations) {
      if (op.name().equals(name)) {
        return op;
      }
    }
    return null;
  }

  /** Returns the rule for {@code code} in {@code operation}'s table, then the default table, then ranges. */
  public @Nullable CodeRule rule(@Nullable OperationSpec operation, String code) {
    if (operation != null) {
      CodeRule r = operation.codes().get(code);
      if (r != null) {
        return r;
      }
    }
    CodeRule r = codes.get(code);
    if (r != null || codeRanges.isEmpty()) {
      return r;
    }
    long numeric;
    try {
      numeric = Long.parseLong(code);
    } catch (NumberFormatException e) {
      return null;
    }
    for (CodeRange range : codeRanges) {
      if (range.contains(numeric)) {
        return range.rule();
      }
    }
    return null;
  }

  /**
   * Returns whether a rule of this profile pauses one operation rather than the provider ({@code pauseUntil} with
   * scope {@code operation}): only then does a call look up its operation's pause.
   */
  public boolean pausesOperations() {
    List<CodeRule> rules = new java.util.ArrayList<>(codes.values());
    rules.addAll(httpStatuses.values());
    codeRanges.forEach(r -> rules.add(r.rule()));
    overrides.forEach(o -> rules.add(o.rule()));
    matches.forEach(m -> rules.add(m.rule()));
    for (OperationSpec op : operations) {
      rules.addAll(op.codes().values());
      if (op.refine() != null) {
        rules.addAll(op.refine().values().values());
      }
    }
    if (refine != null) {
      rules.addAll(refine.values().values());
    }
    for (CodeRule r : rules) {
      if (r.pauseUntil() != null && r.scope() == ProfileModel.ScopeKind.OPERATION) {
        return true;
      }
    }
    return false;
  }

  /** Returns the HTTP-status rule: exact status, then its class ("5xx"), or {@code null}. */
  public @Nullable CodeRule statusRule(int status) {
    CodeRule r = httpStatuses.get(Integer.toString(status));
    return r != null ? r : httpStatuses.get((status / 100) + "xx");
  }

  /** Returns a copy with {@code code} set to {@code rule} in {@code operation}'s table, or the default table. */
  public CompiledProfile withCode(@Nullable String operation, String code, CodeRule rule) {
    if (operation == null) {
      Map<String, CodeRule> c = new LinkedHashMap<>(codes);
      c.put(code, rule);
      return new CompiledProfile(source, id, name, hosts, codePointers, messagePointers, retryablePointer,
          successPointer, bodySignalsSuccess, c, codeRanges, httpStatuses, overrides, matches, items, refine,
          operations,
          carrierSources, scopeByHost, secrets, defaults);
    }
    List<OperationSpec> ops = new java.util.ArrayList<>();
    boolean found = false;
    for (OperationSpec op : operations) {
      if (op.name().equals(operation)) {
        Map<String, CodeRule> c = new LinkedHashMap<>(op.codes());
        c.put(code, rule);
        ops.add(op.withCodes(java.util.Collections.unmodifiableMap(c)));
        found = true;
      } else {
        ops.add(op);
      }
    }
    if (!found) {
      throw new IllegalArgumentException("Unknown operation '" + operation + "' in profile " + id);
    }
    return new CompiledProfile(source, id, name, hosts, codePointers, messagePointers, retryablePointer,
        successPointer, bodySignalsSuccess, codes, codeRanges, httpStatuses, overrides, matches, items, refine, ops,
        carrierSources, scopeByHost, secrets, defaults);
  }
}
