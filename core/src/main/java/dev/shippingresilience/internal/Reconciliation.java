package dev.shippingresilience.internal;

import dev.shippingresilience.internal.ProfileModel.ReconcileSpec;
import dev.shippingresilience.internal.ProfileModel.ScopeSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One operation's reconcile lookup, compiled: builds the lookup URL from the original request and reads the
 * lookup's answer as found, absent or unknown. Used only after a create lost its answer, never on the path of a
 * successful call. Immutable and thread-safe.
 */
public final class Reconciliation {
  /** What a lookup's answer says. */
  public enum Verdict {
    /** The resource exists: the create was processed. */
    FOUND,
    /** No such resource: the create was not processed, so it may be sent again. */
    ABSENT,
    /** Neither was proven. */
    UNKNOWN
  }

  /**
   * The lookup URL, or why none could be built.
   *
   * @param uri the URL to send the lookup to, or {@code null}
   * @param missing when {@code uri} is null: what the request lacks, e.g. {@code /order_number in the request body}
   */
  public record Lookup(@Nullable URI uri, @Nullable String missing) {}

  private final ReconcileSpec spec;
  /** Reads the body variables from the request. */
  private final @Nullable ExtractionPlan requestPlan;
  /** Reads the found and status pointers from the answer. */
  private final ExtractionPlan foundPlan;
  /** Reads the absent array (one element is enough to know it is not empty). */
  private final ExtractionPlan absentPlan;

  /** Compiles {@code spec}. */
  public Reconciliation(ReconcileSpec spec) {
    this.spec = spec;
    Set<String> bodyPointers = new java.util.HashSet<>();
    for (ScopeSource s : spec.variables().values()) {
      if (s.source() == ScopeSource.Source.REQUEST_BODY) {
        bodyPointers.add(s.location());
      }
    }
    this.requestPlan = bodyPointers.isEmpty() ? null : new ExtractionPlan(bodyPointers, Set.of(), List.of());
    Set<String> scalars = new java.util.HashSet<>();
    scalars.add(spec.found());
    if (spec.statusPointer() != null) {
      scalars.add(spec.statusPointer());
    }
    this.foundPlan = new ExtractionPlan(scalars, Set.of(), List.of());
    this.absentPlan = new ExtractionPlan(Set.of(), Set.of(),
        List.of(new ExtractionPlan.ItemPlan(spec.absent(), Set.of(), Set.of(), 1)));
  }

  /** {@return the lookup's method} */
  public String method() {
    return spec.method();
  }

  /** {@return what the lookup found, for reasons: the found pointer, then the profile's reason, if any} */
  public String foundText() {
    return spec.found() + (spec.reason() == null ? "" : "; " + spec.reason());
  }

  /**
   * Builds the lookup URL: the template's variables read from the request and percent-encoded, its path put after
   * the original path's prefix (e.g. {@code /postmen/v3}), the original query (which may hold credentials) after the
   * template's own.
   *
   * @param original the original request's URL
   * @param body the original request's body, or {@code null}
   * @param peekLimit how much of the body may be read
   */
  public Lookup lookup(URI original, byte @Nullable [] body, int peekLimit) {
    Extraction fromBody = requestPlan == null || body == null ? Extraction.NONE
        : StreamingExtractor.extract(body, Math.min(body.length, peekLimit), requestPlan);
    String built = spec.template();
    for (Map.Entry<String, ScopeSource> v : spec.variables().entrySet()) {
      ScopeSource source = v.getValue();
      String value = source.source() == ScopeSource.Source.QUERY
          ? ClassifierCore.queryParameter(original.getRawQuery(), source.location())
          : fromBody.value(source.location());
      if (value == null || value.isBlank()) {
        return new Lookup(null, source.source() == ScopeSource.Source.QUERY
            ? "query parameter " + source.location() : source.location() + " in the request body");
      }
      built = built.replace(v.getKey(), encode(value));
    }
    int q = built.indexOf('?');
    String path = q < 0 ? built : built.substring(0, q);
    String query = q < 0 ? null : built.substring(q + 1);
    URI uri = derived(original, spec.template(), path, query);
    return uri == null ? new Lookup(null, "values that make the lookup a valid URL") : new Lookup(uri, null);
  }

  /**
   * Reads a lookup's answer: a 2xx whose found pointer holds a value (of an accepted status, when the spec names
   * some) is found; a 2xx whose absent pointer is an empty array (and no found value) is absent; anything else is
   * unknown.
   *
   * @param httpStatus the answer's status
   * @param body the answer's readable bytes
   * @param length how many of them to read
   */
  public Verdict verdict(int httpStatus, byte[] body, int length) {
    if (httpStatus < 200 || httpStatus > 299) {
      return Verdict.UNKNOWN;
    }
    Extraction found = StreamingExtractor.extract(body, length, foundPlan);
    if (found.outcome() != Extraction.Outcome.COMPLETE) {
      return Verdict.UNKNOWN;
    }
    String id = found.value(spec.found());
    if (id != null && !id.isEmpty()) {
      if (spec.statusPointer() == null) {
        return Verdict.FOUND;
      }
      String status = found.value(spec.statusPointer());
      return status != null && spec.statuses().contains(status) ? Verdict.FOUND : Verdict.UNKNOWN;
    }
    Extraction absent = StreamingExtractor.extract(body, length, absentPlan);
    List<Extraction.Item> items = absent.items().get(spec.absent());
    return absent.outcome() == Extraction.Outcome.COMPLETE && items != null && items.isEmpty()
        && !absent.skippedItems().containsKey(spec.absent()) ? Verdict.ABSENT : Verdict.UNKNOWN;
  }

  /** Returns {@code query} followed by the parameters of {@code originalQuery} whose names it does not hold. */
  private static String withOriginalQuery(String query, @Nullable String originalQuery) {
    if (originalQuery == null || originalQuery.isEmpty()) {
      return query;
    }
    Set<String> names = new java.util.HashSet<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      names.add(eq < 0 ? pair : pair.substring(0, eq));
    }
    StringBuilder out = new StringBuilder(query);
    for (String pair : originalQuery.split("&")) {
      int eq = pair.indexOf('=');
      if (!pair.isEmpty() && !names.contains(eq < 0 ? pair : pair.substring(0, eq))) {
        out.append('&').append(pair);
      }
    }
    return out.toString();
  }

  /** Percent-encodes a value for a path segment or a query value. */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Returns the URL of a request the profile builds from {@code original}: same scheme and authority, the original
   * path's prefix before the template's first segment (e.g. {@code /postmen/v3} for {@code /labels/...}), then
   * {@code path}, then {@code query} (if any) and the original query's parameters it does not name (credentials such
   * as Clickpost's {@code key} go along).
   *
   * @param original the original request's URL
   * @param template the template, whose first path segment locates the prefix
   * @param path the built path, starting with '/'
   * @param query the built query, or {@code null}
   * @return the URL, or {@code null} when it is not valid
   */
  public static @Nullable URI derived(URI original, String template, String path, @Nullable String query) {
    String rawPath = original.getRawPath() == null ? "" : original.getRawPath();
    String firstSegment = template.split("[/?]")[1];
    int at = rawPath.lastIndexOf("/" + firstSegment);
    String prefix = at > 0 ? rawPath.substring(0, at) : "";
    String fullQuery = query == null || query.isEmpty() ? original.getRawQuery()
        : withOriginalQuery(query, original.getRawQuery());
    try {
      return new URI(original.getScheme() + "://" + original.getRawAuthority() + prefix + path
          + (fullQuery == null ? "" : "?" + fullQuery));
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
