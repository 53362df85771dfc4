package dev.shippingresilience.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.shippingresilience.Decision;
import dev.shippingresilience.InvalidProfileException;
import dev.shippingresilience.internal.ProfileModel.BreakerSpec;
import dev.shippingresilience.internal.ProfileModel.CodeRange;
import dev.shippingresilience.internal.ProfileModel.CodeRule;
import dev.shippingresilience.internal.ProfileModel.Condition;
import dev.shippingresilience.internal.ProfileModel.Defaults;
import dev.shippingresilience.internal.ProfileModel.IdempotencyKeySpec;
import dev.shippingresilience.internal.ProfileModel.ItemSpec;
import dev.shippingresilience.internal.ProfileModel.Match;
import dev.shippingresilience.internal.ProfileModel.MessageOverride;
import dev.shippingresilience.internal.ProfileModel.OperationLimit;
import dev.shippingresilience.internal.ProfileModel.OperationSpec;
import dev.shippingresilience.internal.ProfileModel.PauseUntil;
import dev.shippingresilience.internal.ProfileModel.PollSpec;
import dev.shippingresilience.internal.ProfileModel.RateLimitSpec;
import dev.shippingresilience.internal.ProfileModel.ReconcileSpec;
import dev.shippingresilience.internal.ProfileModel.Refine;
import dev.shippingresilience.internal.ProfileModel.ScopeKind;
import dev.shippingresilience.internal.ProfileModel.ScopeSource;
import dev.shippingresilience.internal.ProfileModel.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Parses and validates a profile document. Every problem becomes an {@link InvalidProfileException} naming the
 * source, the field path and the problem; unknown fields are rejected so typos cannot pass silently, and every value
 * is checked against what the engine can use, so a profile that loads cannot break at the first call.
 */
public final class ProfileParser {
  /** The shortest duration a profile may set: 1 ms, the resolution of the breaker and the backoff. */
  private static final Duration MIN_DURATION = Duration.ofMillis(1);
  /** The longest initialBackoff, maxBackoff and pollInterval: 1 h. */
  private static final Duration MAX_WAIT = Duration.ofHours(1);
  /** The longest maxPollDuration and breaker waitDurationInOpenState: 1 day. */
  private static final Duration MAX_LONG_WAIT = Duration.ofDays(1);
  /** The longest rateLimit period: 31 days, room for a monthly quota. */
  private static final Duration MAX_RATE_PERIOD = Duration.ofDays(31);
  /** The most maxAttempts: {@value}. */
  private static final int MAX_ATTEMPTS = 100;
  /** The most maxPolls: {@value}. */
  private static final int MAX_POLLS = 10_000;
  /** The most rateLimit limitForPeriod: {@value}. */
  private static final int MAX_LIMIT_FOR_PERIOD = 1_000_000;
  /** The largest breaker exponentialBackoffMultiplier: {@value}. */
  static final double MAX_OPEN_WAIT_MULTIPLIER = 10;
  /** The largest breaker slidingWindowSize: {@value} (each breaker keeps an array of this many calls). */
  private static final int MAX_SLIDING_WINDOW = 1_000;

  /** Repeated keys are errors: a code listed twice would silently keep only its last rule. */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
      .build();
  /** ISO-8601 durations, told apart from the simple form as Spring Boot does: a {@code P} after an optional sign. */
  private static final Pattern ISO_DURATION = Pattern.compile("[+-]?[pP].*");
  /** Spring Boot's simple duration form: a whole number and a unit of at most two letters ({@code 30s}). */
  private static final Pattern SIMPLE_DURATION = Pattern.compile("([+-]?[0-9]+)([a-zA-Z]{0,2})");
  /** The simple form's units, as Spring Boot reads them (case-insensitive). */
  private static final Map<String, ChronoUnit> SIMPLE_UNITS = orderedUnits();
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern STATUS_KEY = Pattern.compile("[1-5]([0-9][0-9]|xx)");
  private static final String DECISIONS = Arrays.toString(Decision.values()).replaceAll("[\\[\\]]", "");

  private final String source;

  private static Map<String, ChronoUnit> orderedUnits() {
    Map<String, ChronoUnit> units = new LinkedHashMap<>();
    units.put("ns", ChronoUnit.NANOS);
    units.put("us", ChronoUnit.MICROS);
    units.put("ms", ChronoUnit.MILLIS);
    units.put("s", ChronoUnit.SECONDS);
    units.put("m", ChronoUnit.MINUTES);
    units.put("h", ChronoUnit.HOURS);
    units.put("d", ChronoUnit.DAYS);
    return java.util.Collections.unmodifiableMap(units);
  }

  private ProfileParser(String source) {
    this.source = source;
  }

  /**
   * Parses one profile.
   *
   * @param source the file or resource name, used in error messages
   * @param in the JSON document; not closed
   * @throws InvalidProfileException when the document is not a valid profile
   */
  public static CompiledProfile parse(String source, InputStream in) {
    ProfileParser p = new ProfileParser(source);
    JsonValue root;
    try {
      byte[] bytes = in.readAllBytes();
      try (JsonParser parser = FACTORY.createParser(bytes)) {
        if (parser.nextToken() == null) {
          throw p.error("", "the document is empty");
        }
        root = JsonValue.read(parser);
        p.rejectTrailingContent(bytes, parser.currentLocation().getByteOffset());
      }
    } catch (JsonParseException e) {
      throw new InvalidProfileException(source, pathOf(e.getProcessor()), "not valid JSON: "
          + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")");
    } catch (JsonProcessingException e) {
      throw new InvalidProfileException(source, "", "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidProfileException(source, "", "could not be read: " + e.getMessage());
    }
    return p.profile(root);
  }

  /** Rejects anything but white space after the profile: a second object or a stray token was ignored before. */
  private void rejectTrailingContent(byte[] bytes, long end) {
    int at = (int) Math.max(0, Math.min(end, bytes.length));
    while (at < bytes.length && (bytes[at] == ' ' || bytes[at] == '\t' || bytes[at] == '\n' || bytes[at] == '\r')) {
      at++;
    }
    if (at == bytes.length) {
      return;
    }
    int line = 1;
    int column = 1;
    for (int i = 0; i < at; i++) {
      if (bytes[i] == '\n') {
        line++;
        column = 1;
      } else if ((bytes[i] & 0xC0) != 0x80) {
        column++; // count characters, not the continuation bytes of UTF-8
      }
    }
    throw error("", "trailing content after the profile at line " + line + ", column " + column
        + " (one profile per document)");
  }

  private static String pathOf(Object processor) {
    if (!(processor instanceof JsonParser parser)) {
      return "";
    }
    Deque<String> parts = new ArrayDeque<>();
    JsonStreamContext ctx = parser.getParsingContext();
    while (ctx != null && !ctx.inRoot()) {
      if (ctx.inObject() && ctx.getCurrentName() != null) {
        parts.addFirst(segment(ctx.getCurrentName()));
      } else if (ctx.inArray()) {
        parts.addFirst("[" + Math.max(ctx.getCurrentIndex(), 0) + "]");
      }
      ctx = ctx.getParent();
    }
    return String.join(".", parts).replace(".[", "[");
  }

  private static String segment(String name) {
    return name.matches("[A-Za-z][A-Za-z0-9]*") ? name : "\"" + ProfileSyntax.shown(name) + "\"";
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? segment(name) : path + "." + segment(name);
  }

  private InvalidProfileException error(String field, String problem) {
    return new InvalidProfileException(source, field, problem);
  }

  private void allowOnly(JsonValue node, String path, String... allowed) {
    if (!node.isObject()) {
      throw error(path, "expected an object, got " + node.kind());
    }
    Set<String> ok = new HashSet<>(Arrays.asList(allowed));
    for (String n : node.members().keySet()) {
      if (!ok.contains(n)) {
        throw error(child(path, n), "unknown field (allowed here: " + String.join(", ", allowed) + ")");
      }
    }
  }

  private String requiredText(JsonValue parent, String path, String name) {
    JsonValue n = parent.get(name);
    if (n == null || n.isNull()) {
      throw error(child(path, name), "is required");
    }
    if (!n.isString() || n.text().isBlank()) {
      throw error(child(path, name), "expected a non-empty string, got " + n.kind());
    }
    return n.text();
  }

  private @Nullable String optionalText(JsonValue parent, String path, String name) {
    JsonValue n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isString()) {
      throw error(child(path, name), "expected a string, got " + n.kind());
    }
    return n.text();
  }

  private boolean optionalBoolean(JsonValue parent, String path, String name, boolean dflt) {
    JsonValue n = parent.get(name);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw error(child(path, name), "expected true or false, got " + n.kind());
    }
    return n.booleanValue();
  }

  private List<String> stringList(JsonValue parent, String path, String name) {
    JsonValue n = parent.get(name);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw error(child(path, name), "expected an array of strings, got " + n.kind());
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.elements().size(); i++) {
      JsonValue e = n.elements().get(i);
      if (!e.isString()) {
        throw error(child(path, name) + "[" + i + "]", "expected a string, got " + e.kind());
      }
      out.add(e.text());
    }
    return out;
  }

  private String pointer(String field, String value) {
    checked(field, value, JsonPointers.problem(value));
    if (JsonPointers.everyCount(value) > 0) {
      throw error(field, "'" + ProfileSyntax.shown(value) + "': a '*' segment (every element of an array) is "
          + "allowed only in envelope.codePointers, envelope.messagePointers, matches and responseBody carrier "
          + "sources");
    }
    return value;
  }

  /** A pointer that may have one {@code *} segment: every element of one array, e.g. {@code /errors/*}{@code /code}. */
  private String everyPointer(String field, String value) {
    checked(field, value, JsonPointers.problem(value));
    if (JsonPointers.everyCount(value) > 1) {
      throw error(field, "'" + ProfileSyntax.shown(value) + "' has more than one '*' segment: one array is read "
          + "element by element, not arrays inside its elements");
    }
    return value;
  }

  /** Returns {@code value}, or throws naming {@code field} when {@code problem} is not {@code null}. */
  private String checked(String field, String value, @Nullable String problem) {
    if (problem != null) {
      throw error(field, problem);
    }
    return value;
  }

  /** Reads a list of strings and checks each with {@code check}, naming the element that fails. */
  private List<String> checkedList(JsonValue parent, String path, String name,
      java.util.function.Function<String, @Nullable String> check) {
    List<String> values = stringList(parent, path, name);
    for (int i = 0; i < values.size(); i++) {
      checked(child(path, name) + "[" + i + "]", values.get(i), check.apply(values.get(i)));
    }
    return values;
  }

  private @Nullable String optionalPointer(JsonValue parent, String path, String name) {
    String value = optionalText(parent, path, name);
    return value == null ? null : pointer(child(path, name), value);
  }

  private CompiledProfile profile(JsonValue root) {
    allowOnly(root, "", "$schema", "id", "name", "description", "hosts", "envelope", "codes", "codeRanges",
        "httpStatuses", "messageOverrides", "matches", "items", "refine", "operations", "scope", "secrets",
        "defaults");
    optionalText(root, "", "$schema"); // for editors (profile.schema.json); the loader needs no schema
    String id = requiredText(root, "", "id");
    if (!ID.matcher(id).matches()) {
      throw error("id", "'" + id + "' must be lowercase letters, digits and '-'");
    }
    String name = requiredText(root, "", "name");
    optionalText(root, "", "description");
    List<String> hosts = new ArrayList<>();
    for (String h : checkedList(root, "", "hosts", ProfileSyntax::hostProblem)) {
      hosts.add(h.toLowerCase(Locale.ROOT));
    }

    JsonValue env = root.get("envelope");
    List<String> codePointers = List.of();
    List<String> messagePointers = List.of();
    String retryablePointer = null;
    String successPointer = null;
    boolean bodySignalsSuccess = false;
    if (env != null) {
      allowOnly(env, "envelope", "codePointers", "messagePointers", "retryablePointer", "successPointer",
          "bodySignalsSuccess");
      codePointers = everyPointers(env, "envelope", "codePointers");
      messagePointers = everyPointers(env, "envelope", "messagePointers");
      retryablePointer = optionalPointer(env, "envelope", "retryablePointer");
      successPointer = optionalPointer(env, "envelope", "successPointer");
      bodySignalsSuccess = optionalBoolean(env, "envelope", "bodySignalsSuccess", false);
      if (bodySignalsSuccess && codePointers.isEmpty() && successPointer == null) {
        throw error("envelope.bodySignalsSuccess",
            "is true but neither codePointers nor successPointer says where the success signal is");
      }
      if (retryablePointer != null && codePointers.isEmpty()) {
        throw error("envelope.retryablePointer", "is set but there are no codePointers: the hint is only read "
            + "for codes missing from the tables, so it could never be used");
      }
    }

    Map<String, CodeRule> codes = codeTable(root, "", "codes", false);
    List<CodeRange> ranges = ranges(root);
    Map<String, CodeRule> statuses = codeTable(root, "", "httpStatuses", true);
    List<MessageOverride> overrides = overrides(root);
    List<Match> matches = matches(root);
    List<ItemSpec> items = items(root);
    Refine refine = refine(root.get("refine"), "refine");
    List<OperationSpec> operations = operations(root);
    List<ScopeSource> carrierSources = scope(root);
    JsonValue scopeNode = root.get("scope");
    boolean scopeByHost = scopeNode != null && scopeNode.isObject()
        && optionalBoolean(scopeNode, "scope", "byHost", false);
    Secrets secrets = secrets(root);
    Defaults defaults = defaults(root);
    CompiledProfile compiled = new CompiledProfile(source, id, name, hosts, codePointers, messagePointers,
        retryablePointer, successPointer, bodySignalsSuccess, codes, ranges, statuses, overrides, matches, items,
        refine, operations, carrierSources, scopeByHost, secrets, defaults);
    checkOverridesCanApply(compiled);
    checkNothingIsInsideAnArrayReadByElement(compiled);
    return compiled;
  }

  /** An override applies only to a code some table knows, and only when a message is read from somewhere. */
  private void checkOverridesCanApply(CompiledProfile profile) {
    if (profile.overrides().isEmpty()) {
      return;
    }
    boolean messageRead = !profile.messagePointers().isEmpty();
    for (ItemSpec item : profile.items()) {
      messageRead |= item.messagePointer() != null;
    }
    if (!messageRead) {
      throw error("messageOverrides", "no envelope.messagePointers nor item messagePointer says where the message "
          + "is, so no override could ever apply");
    }
    for (int i = 0; i < profile.overrides().size(); i++) {
      String code = profile.overrides().get(i).code();
      boolean known = profile.rule(null, code) != null;
      for (OperationSpec op : profile.operations()) {
        known |= op.codes().containsKey(code);
      }
      if (!known) {
        throw error("messageOverrides[" + i + "].code", "no code table or range has code '" + code
            + "', so the override could never apply (overrides refine a code's rule)");
      }
    }
  }

  private List<String> everyPointers(JsonValue parent, String path, String name) {
    List<String> values = stringList(parent, path, name);
    for (int i = 0; i < values.size(); i++) {
      everyPointer(child(path, name) + "[" + i + "]", values.get(i));
    }
    return values;
  }

  private Map<String, CodeRule> codeTable(JsonValue parent, String path, String name, boolean statuses) {
    JsonValue table = parent.get(name);
    String tablePath = child(path, name);
    Map<String, CodeRule> out = new LinkedHashMap<>();
    if (table == null || table.isNull()) {
      return out;
    }
    if (!table.isObject()) {
      throw error(tablePath, "expected an object of code to rule, got " + table.kind());
    }
    for (Map.Entry<String, JsonValue> e : table.members().entrySet()) {
      String code = e.getKey();
      String codePath = child(tablePath, code);
      if (statuses && !STATUS_KEY.matcher(code).matches()) {
        throw error(codePath, "an HTTP status key must be a status like \"429\" or a class like \"5xx\"");
      }
      if (!statuses) {
        code(codePath, code);
      }
      out.put(code, rule(e.getValue(), codePath, Set.of()));
    }
    return out;
  }

  /** The fields of a rule, wherever one is written. */
  private static final List<String> RULE_FIELDS = List.of("decision", "reason", "scope", "duplicate", "notProcessed",
      "pauseUntil", "credentials");

  /** Returns {@link #RULE_FIELDS} followed by {@code extra}, for {@link #allowOnly}. */
  private static String[] ruleFieldsAnd(String... extra) {
    List<String> all = new ArrayList<>(List.of(extra));
    all.addAll(RULE_FIELDS);
    return all.toArray(String[]::new);
  }

  private CodeRule rule(JsonValue node, String path, Set<String> extraFields) {
    List<String> allowed = new ArrayList<>(RULE_FIELDS);
    allowed.addAll(extraFields);
    allowOnly(node, path, allowed.toArray(String[]::new));
    String decisionText = requiredText(node, path, "decision");
    Decision decision;
    try {
      decision = Decision.valueOf(decisionText);
    } catch (IllegalArgumentException ex) {
      throw error(child(path, "decision"),
          "unknown decision '" + decisionText + "' (expected one of " + DECISIONS + ")");
    }
    String reason = requiredText(node, path, "reason");
    String scopeText = optionalText(node, path, "scope");
    ScopeKind scope = ScopeKind.PROVIDER;
    if (scopeText != null) {
      try {
        scope = ScopeKind.valueOf(scopeText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException ex) {
        throw error(child(path, "scope"),
            "unknown scope '" + scopeText + "' (expected one of provider, carrier, operation)");
      }
    }
    boolean duplicate = optionalBoolean(node, path, "duplicate", false);
    if (duplicate && decision != Decision.SUCCEED) {
      throw error(child(path, "duplicate"), "only a SUCCEED can mean duplicate-is-done, not " + decision);
    }
    boolean notProcessed = optionalBoolean(node, path, "notProcessed", false);
    PauseUntil pauseUntil = pauseUntil(node.get("pauseUntil"), child(path, "pauseUntil"), decision, scope);
    boolean credentialsExpired = credentials(node, path, decision);
    // a provider that names its reset refused the request: it was not processed
    return new CodeRule(decision, reason, scope, duplicate, notProcessed || pauseUntil != null, pauseUntil,
        credentialsExpired);
  }

  private @Nullable PauseUntil pauseUntil(@Nullable JsonValue n, String path, Decision decision, ScopeKind scope) {
    if (n == null || n.isNull()) {
      return null;
    }
    allowOnly(n, path, "timeOfDay", "zone");
    String timeText = requiredText(n, path, "timeOfDay");
    LocalTime time;
    try {
      time = LocalTime.parse(timeText);
    } catch (DateTimeParseException e) {
      throw error(child(path, "timeOfDay"), "expected a time of day like 00:00 or 23:59:30 (24-hour), got '"
          + ProfileSyntax.shown(timeText) + "'");
    }
    String zoneText = requiredText(n, path, "zone");
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneText);
    } catch (java.time.DateTimeException e) {
      throw error(child(path, "zone"), "unknown time zone '" + ProfileSyntax.shown(zoneText)
          + "' (expected e.g. GMT, UTC, +05:30 or Europe/Stockholm)");
    }
    if (decision != Decision.RETRY) {
      throw error(path, "needs decision RETRY (the engine pauses until then and asks again), not " + decision);
    }
    if (scope == ScopeKind.CARRIER) {
      throw error(path, "a pause holds the provider or one operation (scope provider or operation), not a carrier");
    }
    return new PauseUntil(time, zone);
  }

  private boolean credentials(JsonValue node, String path, Decision decision) {
    String value = optionalText(node, path, "credentials");
    if (value == null) {
      return false;
    }
    if (!value.equals("expired")) {
      throw error(child(path, "credentials"), "unknown value '" + ProfileSyntax.shown(value)
          + "' (expected expired)");
    }
    if (decision != Decision.FAIL) {
      throw error(child(path, "credentials"), "needs decision FAIL (what the call ends with when nothing refreshes "
          + "the credentials), not " + decision);
    }
    return true;
  }

  /** Returns the elements of the optional top-level array {@code name}: none when it is absent or null. */
  private List<JsonValue> optionalArray(JsonValue root, String name) {
    JsonValue n = root.get(name);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw error(name, "expected an array, got " + n.kind());
    }
    return n.elements();
  }

  private List<CodeRange> ranges(JsonValue root) {
    List<JsonValue> elements = optionalArray(root, "codeRanges");
    List<CodeRange> out = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      String path = "codeRanges[" + i + "]";
      JsonValue r = elements.get(i);
      allowOnly(r, path, ruleFieldsAnd("from", "to"));
      long from = requiredLong(r, path, "from");
      long to = requiredLong(r, path, "to");
      if (from > to) {
        throw error(path, "'from' (" + from + ") must not be greater than 'to' (" + to + ")");
      }
      for (int j = 0; j < out.size(); j++) {
        CodeRange earlier = out.get(j);
        if (from <= earlier.to() && earlier.from() <= to) {
          throw error(path, "overlaps codeRanges[" + j + "] (" + earlier.from() + ".." + earlier.to()
              + "): the first range would win, so write ranges that do not overlap");
        }
      }
      out.add(new CodeRange(from, to, rule(r, path, Set.of("from", "to"))));
    }
    return out;
  }

  private long requiredLong(JsonValue parent, String path, String name) {
    JsonValue n = parent.get(name);
    if (n == null || !n.isLong()) {
      throw error(child(path, name), "expected an integer");
    }
    return n.longValue();
  }

  private List<MessageOverride> overrides(JsonValue root) {
    List<JsonValue> elements = optionalArray(root, "messageOverrides");
    List<MessageOverride> out = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      String path = "messageOverrides[" + i + "]";
      JsonValue o = elements.get(i);
      allowOnly(o, path, ruleFieldsAnd("code", "pattern"));
      String code = code(child(path, "code"), requiredText(o, path, "code"));
      Pattern pattern = regex(child(path, "pattern"), requiredText(o, path, "pattern"));
      out.add(new MessageOverride(code, pattern, rule(o, path, Set.of("code", "pattern"))));
    }
    return out;
  }

  /** Checks a code the way the classifier reads one ({@link Codes#PLAIN_CODE}). */
  private String code(String field, String code) {
    return checked(field, code, Codes.isPlain(code) ? null
        : "'" + ProfileSyntax.shown(code) + "' can never be read: " + Codes.PLAIN_CODE_WORDS);
  }

  private Pattern regex(String field, String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw error(field, "not a valid regular expression: " + e.getDescription());
    }
  }

  private List<ItemSpec> items(JsonValue root) {
    List<JsonValue> elements = optionalArray(root, "items");
    List<ItemSpec> out = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      String path = "items[" + i + "]";
      JsonValue it = elements.get(i);
      allowOnly(it, path, "arrayPointer", "idPointer", "codePointer", "messagePointer", "successPointer",
          "decision", "reason", "scope", "duplicate", "notProcessed");
      JsonValue arrayPointer = it.get("arrayPointer");
      if (arrayPointer == null || !arrayPointer.isString()) {
        throw error(child(path, "arrayPointer"), "is required (\"\" for a top-level array)");
      }
      String array = pointer(child(path, "arrayPointer"), arrayPointer.text());
      String idPointer = optionalPointer(it, path, "idPointer");
      String codePointer = optionalPointer(it, path, "codePointer");
      String messagePointer = optionalPointer(it, path, "messagePointer");
      String successPointer = optionalPointer(it, path, "successPointer");
      CodeRule fixed = it.get("decision") == null ? null : rule(it, path, Set.of("arrayPointer", "idPointer",
          "codePointer", "messagePointer", "successPointer"));
      if (fixed == null && codePointer == null && successPointer == null) {
        throw error(path, "needs a fixed decision, a codePointer or a successPointer");
      }
      out.add(new ItemSpec(array, idPointer, codePointer, messagePointer, successPointer, fixed));
    }
    return out;
  }

  private @Nullable Refine refine(@Nullable JsonValue n, String path) {
    if (n == null || n.isNull()) {
      return null;
    }
    allowOnly(n, path, "pointer", "values");
    String pointer = pointer(child(path, "pointer"), requiredText(n, path, "pointer"));
    Map<String, CodeRule> values = new LinkedHashMap<>();
    JsonValue v = n.get("values");
    if (v == null || !v.isObject() || v.members().isEmpty()) {
      throw error(child(path, "values"), "expected a non-empty object of value to rule");
    }
    for (Map.Entry<String, JsonValue> e : v.members().entrySet()) {
      String value = e.getKey();
      String field = child(child(path, "values"), value);
      values.put(readableValue(field, value), rule(e.getValue(), field, Set.of()));
    }
    return new Refine(pointer, java.util.Collections.unmodifiableMap(values));
  }

  /** Returns {@code value}, or throws when no body value could ever read as it (stripped, cut at 4096). */
  private String readableValue(String field, String value) {
    if (!value.equals(value.strip())) {
      throw error(field, "'" + ProfileSyntax.shown(value)
          + "' can never match: values are read with surrounding white space removed");
    }
    if (value.length() > StreamingExtractor.MAX_VALUE_LENGTH) {
      throw error(field, "can never match: values are read up to " + StreamingExtractor.MAX_VALUE_LENGTH
          + " characters");
    }
    return value;
  }

  private List<Match> matches(JsonValue root) {
    List<JsonValue> elements = optionalArray(root, "matches");
    List<Match> out = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      String path = "matches[" + i + "]";
      JsonValue m = elements.get(i);
      allowOnly(m, path, ruleFieldsAnd("when", "carrierPointer", "signal"));
      JsonValue when = m.get("when");
      String whenPath = child(path, "when");
      if (when == null || !when.isObject() || when.members().isEmpty()) {
        throw error(whenPath, "expected a non-empty object of JSON Pointer to value, e.g. "
            + "{\"/errors/*/error_type\": \"system\"}");
      }
      List<Condition> conditions = new ArrayList<>();
      String array = null;
      String arrayFrom = null;
      for (Map.Entry<String, JsonValue> e : when.members().entrySet()) {
        String field = child(whenPath, e.getKey());
        String pointer = everyPointer(field, e.getKey());
        String own = JsonPointers.everyArray(pointer);
        if (own != null) {
          if (array != null && !array.equals(own)) {
            throw error(field, "reads the array " + shownPointer(own) + " but " + arrayFrom + " reads "
                + shownPointer(array) + ": a match reads the elements of one array");
          }
          array = own;
          arrayFrom = "\"" + ProfileSyntax.shown(pointer) + "\"";
        }
        JsonValue v = e.getValue();
        if (v.isObject()) {
          allowOnly(v, field, "not");
          JsonValue not = v.get("not");
          if (not == null) {
            throw error(field, "expected a value, an array of values or {\"not\": value or values}");
          }
          conditions.add(new Condition(pointer, conditionValues(child(field, "not"), not), true));
        } else {
          conditions.add(new Condition(pointer, conditionValues(field, v)));
        }
      }
      if (conditions.stream().allMatch(Condition::negated)) {
        throw error(whenPath, "needs a condition that names a value the field must have: with only \"not\" "
            + "conditions, bodies without those fields would match too");
      }
      String carrierPointer = optionalText(m, path, "carrierPointer");
      if (carrierPointer != null) {
        everyPointer(child(path, "carrierPointer"), carrierPointer);
        String own = JsonPointers.everyArray(carrierPointer);
        if (own != null && !own.equals(array)) {
          throw error(child(path, "carrierPointer"), "reads the array " + shownPointer(own) + ", which the "
              + "conditions in when do not read element by element (" + (array == null ? "they read the document"
              : "they read " + shownPointer(array)) + ")");
        }
      }
      boolean signal = optionalBoolean(m, path, "signal", false);
      if (signal && array == null) {
        throw error(child(path, "signal"), "a signal is reported per element: when needs a condition with a '*' "
            + "segment, e.g. /messages/*/type");
      }
      out.add(new Match(conditions, array, carrierPointer, signal,
          rule(m, path, Set.of("when", "carrierPointer", "signal"))));
    }
    return out;
  }

  private static String shownPointer(String pointer) {
    return pointer.isEmpty() ? "at the root" : ProfileSyntax.shown(pointer);
  }

  /** Reads a condition's value or values as the reader keeps them: strings stripped, numbers canonical. */
  private List<String> conditionValues(String field, JsonValue v) {
    List<JsonValue> given = v.isArray() ? v.elements() : List.of(v);
    if (given.isEmpty()) {
      throw error(field, "expected a value or a non-empty array of values");
    }
    List<String> out = new ArrayList<>();
    for (int k = 0; k < given.size(); k++) {
      JsonValue e = given.get(k);
      String at = v.isArray() ? field + "[" + k + "]" : field;
      if (e.isString()) {
        out.add(readableValue(at, e.text()));
      } else if (e.isNumber()) {
        String canonical = StreamingExtractor.canonicalNumber(e.text());
        if (canonical == null) {
          throw error(at, "can never match: the number " + e + " is not read as a value (too long or too large)");
        }
        out.add(canonical);
      } else if (e.isBoolean()) {
        out.add(e.text());
      } else {
        throw error(at, "expected a string, a number or a boolean, got " + e.kind()
            + (e.isNull() ? " (null and an absent member both read as no value, so null can never match)" : ""));
      }
    }
    return out;
  }

  /**
   * Refuses a pointer that goes through an array read element by element ({@code /errors/0/code} beside
   * {@code /errors/*}{@code /code}, or inside an item array): the reader reads such an array as items, so the
   * pointer would never be read. The top-level array ({@code ""}) is exempt: a document is an object or an array.
   */
  private void checkNothingIsInsideAnArrayReadByElement(CompiledProfile p) {
    Map<String, String> arrays = new LinkedHashMap<>(); // array -> the field that reads it by element
    for (int i = 0; i < p.items().size(); i++) {
      arrays.putIfAbsent(p.items().get(i).arrayPointer(), "items[" + i + "].arrayPointer");
    }
    Map<String, String> read = new LinkedHashMap<>(); // field -> document-level pointer
    listed(read, "envelope.codePointers", p.codePointers());
    listed(read, "envelope.messagePointers", p.messagePointers());
    putIfSet(read, "envelope.retryablePointer", p.retryablePointer());
    putIfSet(read, "envelope.successPointer", p.successPointer());
    putIfSet(read, "refine.pointer", p.refine() == null ? null : p.refine().pointer());
    for (int i = 0; i < p.operations().size(); i++) {
      Refine r = p.operations().get(i).refine();
      putIfSet(read, "operations[" + i + "].refine.pointer", r == null ? null : r.pointer());
    }
    for (int i = 0; i < p.carrierSources().size(); i++) {
      ScopeSource s = p.carrierSources().get(i);
      if (s.source() == ScopeSource.Source.RESPONSE_BODY) {
        read.put("scope.carrier[" + i + "].pointer", s.location());
      }
    }
    for (int i = 0; i < p.matches().size(); i++) {
      Match m = p.matches().get(i);
      for (Condition c : m.when()) {
        read.put(child("matches[" + i + "].when", c.pointer()), c.pointer());
      }
      putIfSet(read, "matches[" + i + "].carrierPointer", m.carrierPointer());
    }
    for (Map.Entry<String, String> e : read.entrySet()) {
      String array = JsonPointers.everyArray(e.getValue());
      if (array != null) {
        arrays.putIfAbsent(array, e.getKey());
      }
    }
    for (int i = 0; i < p.items().size(); i++) {
      read.put("items[" + i + "].arrayPointer", p.items().get(i).arrayPointer());
    }
    for (Map.Entry<String, String> e : read.entrySet()) {
      String pointer = e.getValue();
      String own = JsonPointers.everyArray(pointer);
      String documentPart = own != null ? own : pointer;
      for (Map.Entry<String, String> a : arrays.entrySet()) {
        String array = a.getKey();
        if (!array.isEmpty() && documentPart.startsWith(array + "/")) {
          String inElement = pointer.substring(array.length()).replaceFirst("^/[0-9]+(?=/|$)", "/*");
          throw error(e.getKey(), "'" + ProfileSyntax.shown(pointer) + "' is inside " + array + ", which "
              + a.getValue() + " reads element by element, so it would never be read"
              + (inElement.startsWith("/*") && own == null ? ": write " + ProfileSyntax.shown(array + inElement)
              + " to read it in each element" : ""));
        }
      }
    }
  }

  private static void listed(Map<String, String> read, String field, List<String> pointers) {
    for (int i = 0; i < pointers.size(); i++) {
      read.put(field + "[" + i + "]", pointers.get(i));
    }
  }

  private static void putIfSet(Map<String, String> read, String field, @Nullable String pointer) {
    if (pointer != null) {
      read.put(field, pointer);
    }
  }

  private List<OperationSpec> operations(JsonValue root) {
    List<JsonValue> elements = optionalArray(root, "operations");
    List<OperationSpec> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Map<String, RateLimitSpec> buckets = new HashMap<>();
    for (int i = 0; i < elements.size(); i++) {
      String path = "operations[" + i + "]";
      JsonValue op = elements.get(i);
      allowOnly(op, path, "name", "method", "path", "repeatSafe", "businessKey", "idempotencyKey", "codes", "refine",
          "poll", "reconcile", "rateLimit");
      String name = requiredText(op, path, "name");
      if (!ID.matcher(name).matches()) {
        throw error(child(path, "name"), "'" + name + "' must be lowercase letters, digits and '-'");
      }
      if (!names.add(name)) {
        throw error(child(path, "name"), "duplicate operation name '" + name + "'");
      }
      String method = optionalText(op, path, "method");
      if (method != null) {
        checked(child(path, "method"), method, ProfileSyntax.methodProblem(method));
      }
      String pathText = requiredText(op, path, "path");
      checked(child(path, "path"), pathText, ProfileSyntax.pathProblem(pathText));
      PathPattern pattern;
      try {
        pattern = PathPattern.compile(pathText);
      } catch (IllegalArgumentException e) {
        throw error(child(path, "path"), e.getMessage());
      }
      boolean repeatSafe = optionalBoolean(op, path, "repeatSafe", false);
      Map<String, CodeRule> codes = codeTable(op, path, "codes", false);
      Refine refine = refine(op.get("refine"), child(path, "refine"));
      PollSpec poll = poll(op.get("poll"), child(path, "poll"));
      ScopeSource businessKey = businessKey(op.get("businessKey"), child(path, "businessKey"));
      if (businessKey != null && repeatSafe) {
        throw error(child(path, "businessKey"), "repeatSafe already makes every request of the operation "
            + "repeatable; businessKey makes only those carrying the key repeatable: keep one of the two");
      }
      IdempotencyKeySpec key = idempotencyKey(op.get("idempotencyKey"), child(path, "idempotencyKey"));
      ReconcileSpec reconcile = reconcile(op.get("reconcile"), child(path, "reconcile"));
      if (reconcile != null && repeatSafe) {
        throw error(child(path, "reconcile"), "repeatSafe already makes a request whose answer was lost safe to "
            + "send again, so there is nothing to reconcile: keep one of the two");
      }
      OperationLimit limit = operationLimit(op, path, name, buckets);
      out.add(new OperationSpec(name, method == null ? null : method.toUpperCase(Locale.ROOT), pattern,
          repeatSafe, java.util.Collections.unmodifiableMap(codes), refine, poll, businessKey, key, reconcile, limit));
    }
    return out;
  }

  /**
   * Reads an operation's {@code rateLimit} ({@code limitForPeriod}, {@code period}, optional {@code bucket}); the
   * operations naming one bucket must give it the same limit.
   */
  private @Nullable OperationLimit operationLimit(JsonValue op, String path, String name,
      Map<String, RateLimitSpec> buckets) {
    JsonValue n = op.get("rateLimit");
    if (n == null || n.isNull()) {
      return null;
    }
    String rp = child(path, "rateLimit");
    allowOnly(n, rp, "limitForPeriod", "period", "bucket");
    RateLimitSpec limit = rateLimit(n, rp);
    String bucket = optionalText(n, rp, "bucket");
    if (bucket == null) {
      bucket = name;
    } else if (!ID.matcher(bucket).matches()) {
      throw error(child(rp, "bucket"), "'" + bucket + "' must be lowercase letters, digits and '-'");
    }
    RateLimitSpec earlier = buckets.putIfAbsent(bucket, limit);
    if (earlier != null && !earlier.equals(limit)) {
      throw error(rp, "bucket '" + bucket + "' is already " + earlier.limitForPeriod() + " per " + earlier.period()
          + " in an earlier operation: operations sharing a bucket share its limit, so give them the same one");
    }
    return new OperationLimit(bucket, limit);
  }

  /** Reads {@code limitForPeriod} and {@code period}, both required. */
  private RateLimitSpec rateLimit(JsonValue rl, String rp) {
    Integer limit = boundedInt(rl, rp, "limitForPeriod", MAX_LIMIT_FOR_PERIOD);
    Duration period = duration(rl, rp, "period", MAX_RATE_PERIOD);
    if (limit == null || period == null) {
      throw error(rp, "needs both limitForPeriod and period");
    }
    return new RateLimitSpec(limit, period);
  }

  private @Nullable ScopeSource businessKey(@Nullable JsonValue n, String path) {
    if (n == null || n.isNull()) {
      return null;
    }
    allowOnly(n, path, "source", "pointer", "name");
    ScopeSource key = source(n, path);
    if (key.source() == ScopeSource.Source.RESPONSE_BODY) {
      throw error(child(path, "source"), "a business key is read from the request (requestBody or query), so that "
          + "it is known before the first send");
    }
    return key;
  }

  private @Nullable IdempotencyKeySpec idempotencyKey(@Nullable JsonValue n, String path) {
    if (n == null || n.isNull()) {
      return null;
    }
    allowOnly(n, path, "header", "required", "generate");
    String header = requiredText(n, path, "header");
    checked(child(path, "header"), header, ProfileSyntax.headerNameProblem(header));
    return new IdempotencyKeySpec(header, optionalBoolean(n, path, "required", false),
        optionalBoolean(n, path, "generate", true));
  }

  /** A placeholder of a reconcile template: {@code {requestBody:/pointer}} or {@code {query:name}}. */
  private static final Pattern RECONCILE_VARIABLE = Pattern.compile("\\{([^{}:]*):([^{}]*)}");

  private @Nullable ReconcileSpec reconcile(@Nullable JsonValue n, String path) {
    if (n == null || n.isNull()) {
      return null;
    }
    allowOnly(n, path, "method", "path", "found", "status", "absent", "reason");
    String methodText = requiredText(n, path, "method");
    String method = checked(child(path, "method"), methodText, ProfileSyntax.methodProblem(methodText))
        .toUpperCase(Locale.ROOT);
    if (!method.equals("GET")) {
      throw error(child(path, "method"), "'" + ProfileSyntax.shown(methodText) + "' is not GET: a lookup only reads, "
          + "so that sending it can never create what it looks for");
    }
    String template = requiredText(n, path, "path");
    String field = child(path, "path");
    if (template.length() < 2 || template.charAt(0) != '/' || template.charAt(1) == '/' || template.charAt(1) == '?') {
      throw error(field, "'" + ProfileSyntax.shown(template)
          + "' must start with '/' and a first segment, e.g. /labels?order_number={requestBody:/order_number}");
    }
    Map<String, ScopeSource> variables = new LinkedHashMap<>();
    java.util.regex.Matcher m = RECONCILE_VARIABLE.matcher(template);
    StringBuilder plain = new StringBuilder();
    while (m.find()) {
      String spec = m.group(2);
      ScopeSource source = switch (m.group(1)) {
        case "requestBody" -> new ScopeSource(ScopeSource.Source.REQUEST_BODY, pointer(field, spec), null);
        case "query" -> new ScopeSource(ScopeSource.Source.QUERY,
            checked(field, spec, ProfileSyntax.queryNameProblem(spec)), null);
        default -> throw error(field, "unknown variable source '" + ProfileSyntax.shown(m.group(1))
            + "' in " + ProfileSyntax.shown(m.group()) + " (expected {requestBody:/pointer} or {query:name})");
      };
      variables.put(m.group(), source);
      m.appendReplacement(plain, "x");
    }
    m.appendTail(plain);
    String withoutVariables = plain.toString();
    if (withoutVariables.indexOf('{') >= 0 || withoutVariables.indexOf('}') >= 0) {
      throw error(field, "'" + ProfileSyntax.shown(template) + "' has a '{' or '}' that is not a variable "
          + "({requestBody:/pointer} or {query:name})");
    }
    if (variables.isEmpty()) {
      throw error(field, "'" + ProfileSyntax.shown(template) + "' names no variable from the request "
          + "({requestBody:/pointer} or {query:name}), so the lookup could not tell this request's resource from others");
    }
    int q = withoutVariables.indexOf('?');
    checked(field, template, ProfileSyntax.pathProblem(q < 0 ? withoutVariables : withoutVariables.substring(0, q)));
    if (q >= 0) {
      for (String pair : withoutVariables.substring(q + 1).split("&", -1)) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        checked(field, template, ProfileSyntax.queryNameProblem(name));
        if (pair.indexOf('#') >= 0 || pair.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
          throw error(field, "'" + ProfileSyntax.shown(template) + "' may not hold a fragment, spaces or control "
              + "characters in its query");
        }
      }
    }
    String found = pointer(child(path, "found"), requiredText(n, path, "found"));
    String absent = pointer(child(path, "absent"), requiredText(n, path, "absent"));
    String statusPointer = null;
    Set<String> statuses = Set.of();
    JsonValue status = n.get("status");
    if (status != null && !status.isNull()) {
      String statusPath = child(path, "status");
      allowOnly(status, statusPath, "pointer", "values");
      statusPointer = pointer(child(statusPath, "pointer"), requiredText(status, statusPath, "pointer"));
      List<String> values = stringList(status, statusPath, "values");
      if (values.isEmpty()) {
        throw error(child(statusPath, "values"), "names no status, so nothing could ever be found");
      }
      statuses = Set.copyOf(values);
    }
    String reason = optionalText(n, path, "reason");
    return new ReconcileSpec(method, template, java.util.Collections.unmodifiableMap(variables), found,
        statusPointer, statuses, absent, reason);
  }

  private @Nullable PollSpec poll(@Nullable JsonValue n, String path) {
    if (n == null || n.isNull()) {
      return null;
    }
    allowOnly(n, path, "method", "path", "variables");
    String methodText = requiredText(n, path, "method");
    String method = checked(child(path, "method"), methodText, ProfileSyntax.methodProblem(methodText))
        .toUpperCase(Locale.ROOT);
    String template = requiredText(n, path, "path");
    if (template.length() < 2 || template.charAt(0) != '/' || template.charAt(1) == '/') {
      throw error(child(path, "path"), "'" + ProfileSyntax.shown(template)
          + "' must start with '/' and a first segment, e.g. /labels/{id}");
    }
    checked(child(path, "path"), template, ProfileSyntax.pathProblem(template));
    Map<String, String> variables = new LinkedHashMap<>();
    JsonValue v = n.get("variables");
    if (v != null && !v.isNull()) {
      if (!v.isObject()) {
        throw error(child(path, "variables"), "expected an object of name to JSON Pointer");
      }
      for (Map.Entry<String, JsonValue> e : v.members().entrySet()) {
        String field = child(child(path, "variables"), e.getKey());
        if (!e.getValue().isString()) {
          throw error(field, "expected a JSON Pointer string");
        }
        variables.put(e.getKey(), pointer(field, e.getValue().text()));
      }
    }
    java.util.regex.Matcher m = Pattern.compile("\\{([^}]*)}").matcher(template);
    while (m.find()) {
      if (!variables.containsKey(m.group(1))) {
        throw error(child(path, "path"), "uses {" + m.group(1) + "} but variables does not define it");
      }
    }
    return new PollSpec(method, template, java.util.Collections.unmodifiableMap(variables));
  }

  private List<ScopeSource> scope(JsonValue root) {
    JsonValue n = root.get("scope");
    List<ScopeSource> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    allowOnly(n, "scope", "carrier", "byHost");
    JsonValue carrier = n.get("carrier");
    if (carrier == null || carrier.isNull()) {
      return out;
    }
    if (!carrier.isArray()) {
      throw error("scope.carrier", "expected an array of sources");
    }
    for (int i = 0; i < carrier.elements().size(); i++) {
      String path = "scope.carrier[" + i + "]";
      JsonValue s = carrier.elements().get(i);
      allowOnly(s, path, "source", "pointer", "name", "pattern");
      ScopeSource where = source(s, path);
      String patternText = optionalText(s, path, "pattern");
      Pattern pattern = patternText == null ? null : regex(child(path, "pattern"), patternText);
      if (pattern != null && pattern.matcher("").groupCount() < 1) {
        throw error(child(path, "pattern"), "needs a capturing group for the carrier id");
      }
      out.add(new ScopeSource(where.source(), where.location(), pattern));
    }
    return out;
  }

  /** Reads {@code source} with its {@code pointer} (request or response body) or {@code name} (query). */
  private ScopeSource source(JsonValue s, String path) {
    String sourceText = requiredText(s, path, "source");
    return switch (sourceText) {
      case "requestBody" -> new ScopeSource(ScopeSource.Source.REQUEST_BODY,
          pointer(child(path, "pointer"), requiredText(s, path, "pointer")), null);
      // a carrier in the response may be read in the element that decided (/errors/*/carrier_id)
      case "responseBody" -> new ScopeSource(ScopeSource.Source.RESPONSE_BODY,
          everyPointer(child(path, "pointer"), requiredText(s, path, "pointer")), null);
      case "query" -> new ScopeSource(ScopeSource.Source.QUERY, requiredText(s, path, "name"), null);
      default -> throw error(child(path, "source"),
          "unknown source '" + sourceText + "' (expected requestBody, responseBody or query)");
    };
  }

  private Secrets secrets(JsonValue root) {
    JsonValue n = root.get("secrets");
    if (n == null || n.isNull()) {
      return Secrets.NONE;
    }
    allowOnly(n, "secrets", "query", "headers", "bodyFields");
    return new Secrets(checkedList(n, "secrets", "query", ProfileSyntax::queryNameProblem),
        checkedList(n, "secrets", "headers", ProfileSyntax::headerNameProblem),
        checkedList(n, "secrets", "bodyFields", ProfileParser::bodyFieldProblem));
  }

  private static @Nullable String bodyFieldProblem(String name) {
    if (name.isEmpty()) {
      return "must not be empty";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\' || Character.isISOControl(c)) {
        return "'" + ProfileSyntax.shown(name) + "' can never match: a JSON member name is matched as written, "
            + "and '\"', '\\' and control characters are escaped in JSON text";
      }
    }
    return null;
  }

  private Defaults defaults(JsonValue root) {
    JsonValue n = root.get("defaults");
    if (n == null || n.isNull()) {
      return Defaults.NONE;
    }
    String p = "defaults";
    allowOnly(n, p, "maxAttempts", "initialBackoff", "maxBackoff", "pollInterval", "maxPollDuration", "maxPolls",
        "rateLimit", "breaker", "idempotencyKeyHeader", "learnRateLimitWindow");
    Integer maxAttempts = boundedInt(n, p, "maxAttempts", MAX_ATTEMPTS);
    Duration initialBackoff = duration(n, p, "initialBackoff", MAX_WAIT);
    Duration maxBackoff = duration(n, p, "maxBackoff", MAX_WAIT);
    if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
      throw error(child(p, "maxBackoff"), "must not be shorter than initialBackoff");
    }
    Duration pollInterval = duration(n, p, "pollInterval", MAX_WAIT);
    Duration maxPollDuration = duration(n, p, "maxPollDuration", MAX_LONG_WAIT);
    if (pollInterval != null && maxPollDuration != null && pollInterval.compareTo(maxPollDuration) > 0) {
      throw error(child(p, "pollInterval"), "is longer than maxPollDuration (" + maxPollDuration
          + "), so no poll could ever be sent");
    }
    Integer maxPolls = boundedInt(n, p, "maxPolls", MAX_POLLS);
    RateLimitSpec rateLimit = null;
    JsonValue rl = n.get("rateLimit");
    if (rl != null && !rl.isNull()) {
      String rp = child(p, "rateLimit");
      allowOnly(rl, rp, "limitForPeriod", "period");
      rateLimit = rateLimit(rl, rp);
    }
    BreakerSpec breaker = null;
    JsonValue br = n.get("breaker");
    if (br != null && !br.isNull()) {
      String bp = child(p, "breaker");
      allowOnly(br, bp, "failureRateThreshold", "minimumNumberOfCalls", "slidingWindowSize",
          "waitDurationInOpenState", "permittedNumberOfCallsInHalfOpenState", "exponentialBackoffMultiplier",
          "exponentialMaxWaitDurationInOpenState");
      JsonValue rateValue = br.get("failureRateThreshold");
      float rate = rateValue == null || !rateValue.isNumber() ? Float.NaN : (float) rateValue.doubleValue();
      if (!(rate > 0 && rate <= 100)) {
        throw error(child(bp, "failureRateThreshold"), "expected a percentage in (0, 100]");
      }
      Integer window = boundedInt(br, bp, "slidingWindowSize", MAX_SLIDING_WINDOW);
      Integer minCalls = boundedInt(br, bp, "minimumNumberOfCalls", MAX_SLIDING_WINDOW);
      if (minCalls != null && window != null && minCalls > window) {
        throw error(child(bp, "minimumNumberOfCalls"), "must not exceed slidingWindowSize (" + window
            + "): the breaker never holds more calls than its window");
      }
      Duration wait = duration(br, bp, "waitDurationInOpenState", MAX_LONG_WAIT);
      if (minCalls == null || window == null || wait == null) {
        throw error(bp, "needs failureRateThreshold, minimumNumberOfCalls, slidingWindowSize and "
            + "waitDurationInOpenState");
      }
      Integer halfOpen = boundedInt(br, bp, "permittedNumberOfCallsInHalfOpenState", MAX_SLIDING_WINDOW);
      Double multiplier = null;
      JsonValue m = br.get("exponentialBackoffMultiplier");
      if (m != null && !m.isNull()) {
        if (!m.isNumber() || !(m.doubleValue() >= 1 && m.doubleValue() <= MAX_OPEN_WAIT_MULTIPLIER)) {
          throw error(child(bp, "exponentialBackoffMultiplier"), "expected a number from 1 to "
              + (int) MAX_OPEN_WAIT_MULTIPLIER + ", got " + m);
        }
        multiplier = m.doubleValue();
      }
      Duration longest = duration(br, bp, "exponentialMaxWaitDurationInOpenState", MAX_LONG_WAIT);
      if (longest != null && longest.compareTo(wait) < 0) {
        throw error(child(bp, "exponentialMaxWaitDurationInOpenState"), "must be at least waitDurationInOpenState ("
            + wait + "), got " + longest);
      }
      breaker = new BreakerSpec(rate, minCalls, window, wait, halfOpen, multiplier, longest);
    }
    String keyHeader = optionalText(n, p, "idempotencyKeyHeader");
    if (keyHeader != null) {
      checked(child(p, "idempotencyKeyHeader"), keyHeader, ProfileSyntax.headerNameProblem(keyHeader));
    }
    boolean learnWindow = optionalBoolean(n, p, "learnRateLimitWindow", true);
    return new Defaults(maxAttempts, initialBackoff, maxBackoff, pollInterval, maxPollDuration, maxPolls,
        rateLimit, breaker, keyHeader, learnWindow);
  }

  /** Reads an optional integer from 1 to {@code max}. */
  private @Nullable Integer boundedInt(JsonValue parent, String path, String name, int max) {
    JsonValue n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isInt() || n.intValue() < 1 || n.intValue() > max) {
      throw error(child(path, name), "expected an integer from 1 to " + max + ", got " + n);
    }
    return n.intValue();
  }

  /**
   * Reads an optional duration from {@link #MIN_DURATION} to {@code max}, in ISO-8601 ({@code PT30S}) or in Spring
   * Boot's simple form ({@code 30s}), so a duration is written the same way in a profile and in Spring properties.
   */
  private @Nullable Duration duration(JsonValue parent, String path, String name, Duration max) {
    JsonValue n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    String field = child(path, name);
    if (!n.isString()) {
      throw error(field, "expected a duration string like \"5s\" or \"PT5S\", got " + n.kind()
          + (n.isNumber() ? " " + n + " (write the unit, e.g. \"" + n + "ms\" or \"" + n + "s\")" : ""));
    }
    String text = n.text();
    Duration d = parseDuration(field, text);
    if (d == null || d.compareTo(MIN_DURATION) < 0 || d.compareTo(max) > 0) {
      throw error(field, "must be from " + MIN_DURATION + " to " + max + ", got " + ProfileSyntax.shown(text));
    }
    return d;
  }

  /**
   * Parses a duration the way Spring Boot's {@code DurationStyle} tells the two forms apart: text starting with
   * {@code P} (after an optional sign) is ISO-8601, a whole number and a unit is the simple form. Returns
   * {@code null} for a simple duration too long for {@link Duration}.
   */
  private @Nullable Duration parseDuration(String field, String text) {
    java.util.regex.Matcher simple = SIMPLE_DURATION.matcher(text);
    if (!ISO_DURATION.matcher(text).matches() && simple.matches()) {
      String amount = simple.group(1);
      String suffix = simple.group(2);
      ChronoUnit unit = SIMPLE_UNITS.get(suffix.toLowerCase(Locale.ROOT));
      if (unit == null) {
        throw error(field, (suffix.isEmpty() ? "'" + text + "' has no unit" : "unknown unit '"
            + ProfileSyntax.shown(suffix) + "' in '" + ProfileSyntax.shown(text) + "'") + ": write e.g. " + amount
            + "ms or " + amount + "s (units " + String.join(", ", SIMPLE_UNITS.keySet()) + ")");
      }
      try {
        return Duration.of(Long.parseLong(amount), unit);
      } catch (NumberFormatException | ArithmeticException e) {
        return null;
      }
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw error(field, "expected an ISO-8601 duration like PT5S or a simple one like 5s, 500ms or 2m (a whole "
          + "number and one of the units " + String.join(", ", SIMPLE_UNITS.keySet()) + "), got '"
          + ProfileSyntax.shown(text) + "'");
    }
  }
}
