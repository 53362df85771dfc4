package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the built-in provider profiles against the providers' own error-code documents (the seeds, copied
 * byte-identical into {@code src/test/resources/seeds/}). Reads both as raw text / raw JSON, so it depends on no
 * other class of the project.
 */
class SeedCoverageTest {

    private static final String PROFILE_DIR = "/dev/shippingresilience/profiles/";
    private static final List<String> KNOWN_PROFILES =
            List.of("clickpost", "generic-http", "aftership-shipping", "17track", "abicart");
    private static final Set<String> DECISIONS = Set.of("SUCCEED", "RETRY", "POLL", "BREAK", "FAIL");
    private static final Set<String> SCOPES = Set.of("provider", "carrier", "operation");

    /** Fails on a key repeated inside one JSON object, so "a code appears once per table" is checked too. */
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** One seed document: the provider it belongs to, how to parse it, and how many codes it must yield. */
    enum Seed {
        CLICKPOST_ERROR_CODES("clickpost", "clickpost-error-codes.txt",
                SeedCoverageTest::parseClickpostErrorCodes, 35, 11, 0),
        CLICKPOST_META_CODES("clickpost", "clickpost-meta-codes.txt",
                SeedCoverageTest::parseClickpostMetaCodes, 31, 0, 0),
        AFTERSHIP_SHIPPING("aftership-shipping", "aftership-shipping-request-errors.txt",
                SeedCoverageTest::parseAftershipRequestErrors, 43, 7, 0),
        SEVENTEEN_TRACK("17track", "17track-error-codes.txt",
                SeedCoverageTest::parse17trackErrorCodes, 44, 6, 0),
        ABICART("abicart", "abicart-errors.txt",
                SeedCoverageTest::parseAbicartErrors, 45, 3, 1);

        final String provider;
        final String file;
        final Function<String, SeedCodes> parser;
        final int minBusinessCodes;
        final int minHttpStatuses;
        final int minRanges;

        Seed(String provider, String file, Function<String, SeedCodes> parser,
             int minBusinessCodes, int minHttpStatuses, int minRanges) {
            this.provider = provider;
            this.file = file;
            this.parser = parser;
            this.minBusinessCodes = minBusinessCodes;
            this.minHttpStatuses = minHttpStatuses;
            this.minRanges = minRanges;
        }

        SeedCodes codes() {
            return parser.apply(readSeed(file));
        }
    }

    /** What one seed lists: business codes (body), HTTP statuses (transport) and numeric code ranges. */
    record SeedCodes(Set<String> businessCodes, Set<String> httpStatuses, List<Range> ranges) {
        SeedCodes() {
            this(new TreeSet<>(), new TreeSet<>(), new ArrayList<>());
        }
    }

    /** An inclusive numeric range, normalised so that from <= to. */
    record Range(long from, long to) {
        static Range of(long a, long b) {
            return new Range(Math.min(a, b), Math.max(a, b));
        }

        @Override
        public String toString() {
            return from + ".." + to;
        }
    }

    // ------------------------------------------------------------------------------------------------ the tests

    @ParameterizedTest(name = "{0}")
    @EnumSource(Seed.class)
    void theParserFindsAPlausibleNumberOfCodesInTheSeed(Seed seed) {
        SeedCodes codes = seed.codes();

        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(codes.businessCodes())
                    .as("%s: business codes parsed from %s", seed.provider, seed.file)
                    .hasSizeGreaterThanOrEqualTo(seed.minBusinessCodes);
            softly.assertThat(codes.httpStatuses())
                    .as("%s: HTTP statuses parsed from %s", seed.provider, seed.file)
                    .hasSizeGreaterThanOrEqualTo(seed.minHttpStatuses);
            softly.assertThat(codes.ranges())
                    .as("%s: code ranges parsed from %s", seed.provider, seed.file)
                    .hasSizeGreaterThanOrEqualTo(seed.minRanges);
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Seed.class)
    void everyBusinessCodeOfTheSeedIsInTheProvidersProfile(Seed seed) {
        JsonNode profile = loadProfile(seed.provider);

        List<String> missing = seed.codes().businessCodes().stream()
                .filter(code -> !coversBusinessCode(profile, code))
                .toList();

        assertThat(missing)
                .as("provider %s: codes listed in seed %s but missing from codes, operations[].codes and codeRanges"
                        + " of %s.json", seed.provider, seed.file, seed.provider)
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Seed.class)
    void everyHttpStatusOfTheSeedIsInTheProvidersHttpStatuses(Seed seed) {
        JsonNode profile = loadProfile(seed.provider);
        JsonNode httpStatuses = profile.path("httpStatuses");

        List<String> missing = seed.codes().httpStatuses().stream()
                .filter(status -> !httpStatuses.has(status))
                .toList();

        assertThat(missing)
                .as("provider %s: HTTP statuses listed in seed %s but missing from httpStatuses of %s.json",
                        seed.provider, seed.file, seed.provider)
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Seed.class)
    void everyCodeRangeOfTheSeedIsCoveredByCodeRangesOrCodes(Seed seed) {
        JsonNode profile = loadProfile(seed.provider);
        List<Range> covering = coveringRanges(profile);

        List<Range> uncovered = seed.codes().ranges().stream()
                .filter(range -> !covers(covering, range))
                .toList();

        assertThat(uncovered)
                .as("provider %s: code ranges listed in seed %s but not fully covered by codeRanges or codes of %s.json",
                        seed.provider, seed.file, seed.provider)
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profileIds")
    void everyProfileParsesWithoutARepeatedKey(String id) {
        assertThat(loadProfile(id).path("id").asText())
                .as("profile %s.json: the id member", id)
                .isEqualTo(id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profileIds")
    void everyEntryOfTheProfileHasAKnownDecisionAndANonBlankReason(String id) {
        JsonNode profile = loadProfile(id);
        Map<String, JsonNode> entries = decisionEntries(profile);
        List<String> problems = new ArrayList<>();

        entries.forEach((where, entry) -> {
            if (!entry.isObject()) {
                problems.add(where + ": not an object");
                return;
            }
            String decision = entry.path("decision").asText("");
            if (!DECISIONS.contains(decision)) {
                problems.add(where + ": decision '" + decision + "' is not one of " + new TreeSet<>(DECISIONS));
            }
            if (!entry.path("reason").isTextual() || entry.path("reason").asText().isBlank()) {
                problems.add(where + ": reason is missing or blank");
            }
            if (entry.has("scope") && !SCOPES.contains(entry.path("scope").asText())) {
                problems.add(where + ": scope '" + entry.path("scope").asText() + "' is not one of " + new TreeSet<>(SCOPES));
            }
            for (String flag : List.of("duplicate", "notProcessed")) {
                if (entry.has(flag) && !entry.get(flag).isBoolean()) {
                    problems.add(where + ": " + flag + " is not a boolean");
                }
            }
        });
        JsonNode items = profile.path("items");
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.has("decision") && !item.has("codePointer") && !item.has("successPointer")) {
                problems.add("items/" + i + ": neither a decision nor a codePointer or successPointer");
            }
        }

        assertThat(entries).as("profile %s.json has no decision entries at all", id).isNotEmpty();
        assertThat(problems).as("profile %s.json", id).isEmpty();
    }

    // ------------------------------------------------------------- the parsers, checked on small samples first

    @Test
    void aRunTogetherAftershipRowIsSplitIntoHttpStatusAndMetaCode() {
        SeedCodes codes = parseAftershipRequestErrors("""
                Status codeMeta codeRetryableMessage
                200200OK
                429429TRUEYou have exceeded the API call rate limit.
                2003001FALSEThe request has been accepted for processing.
                2004101TRUEInternal Error
                preparing...
                """);

        assertThat(codes.httpStatuses()).containsExactlyInAnyOrder("200", "429");
        assertThat(codes.businessCodes()).containsExactlyInAnyOrder("200", "429", "3001", "4101");
    }

    @Test
    void aMarkdownTableRowWithABoldFirstCellIsReadAsACode() {
        SeedCodes codes = parseClickpostMetaCodes("""
                | Meta Code | HTTP Code | Description |
                | :--- | :--- | :--- |
                | **102** | 200 | processing |
                | 323 | 200 | duplicate |
                """);

        assertThat(codes.businessCodes()).containsExactlyInAnyOrder("102", "323");
    }

    @Test
    void aMarkdownTableIsReadAsHttpStatusesOnlyUnderItsHttpHeading() {
        SeedCodes codes = parse17trackErrorCodes("""
                HTTP Status Code
                | Code | Description |
                |---|---|
                | 429 | Too many. |
                Error Codes
                Some explanation.
                | Code | Description |
                |---|---|
                | 0 | Success |
                | -18019909 | No tracking info at the moment. |
                """);

        assertThat(codes.httpStatuses()).containsExactly("429");
        assertThat(codes.businessCodes()).containsExactlyInAnyOrder("0", "-18019909");
    }

    @Test
    void theAbicartRangeRowIsReadAsARangeAndTransportErrorsAsHttpStatuses() {
        SeedCodes codes = parseAbicartErrors("""
                # -32760 to -32000: Predefined JSON-RPC 2 errors
                Code Message Description
                -32603 Internal error Internal JSON-RPC error.
                -32099 to -32000 Server errors. See below.
                # 9000 to 9999: Common errors
                9005 External server error The API has made a request to an external server which have failed.
                # Transport errors
                There might be transport errors (HTTP error codes) when initiating a JSON-RPC call.
                Code Message Description
                401 Bad auth token The auth token has expired or is faulty.
                """);

        assertThat(codes.businessCodes()).containsExactlyInAnyOrder("-32603", "9005");
        assertThat(codes.ranges()).containsExactly(new Range(-32099, -32000));
        assertThat(codes.httpStatuses()).containsExactly("401");
    }

    @Test
    void aRangeIsCoveredOnlyWhenCodeRangesAndCodesLeaveNoGap() {
        List<Range> covering = List.of(new Range(-32099, -32001), new Range(-32000, -32000));

        assertThat(covers(covering, new Range(-32099, -32000))).isTrue();
        assertThat(covers(List.of(new Range(-32099, -32002), new Range(-32000, -32000)), new Range(-32099, -32000)))
                .isFalse();
    }

    // ------------------------------------------------------------------------------------------ seed parsers

    private static final Pattern NUMERIC_CODE = Pattern.compile("-?\\d+");

    /** Seed 000: markdown tables; the one headed "Server Response Code" lists HTTP statuses, the others meta codes. */
    static SeedCodes parseClickpostErrorCodes(String text) {
        SeedCodes codes = new SeedCodes();
        for (Table table : parseMarkdownTables(text)) {
            boolean http = !table.header().isEmpty()
                    && table.header().get(0).toLowerCase(Locale.ROOT).contains("server response code");
            (http ? codes.httpStatuses() : codes.businessCodes()).addAll(table.codes());
        }
        return codes;
    }

    /** Seed 001: markdown tables whose first cell is the meta code, often in bold; all are body codes. */
    static SeedCodes parseClickpostMetaCodes(String text) {
        SeedCodes codes = new SeedCodes();
        for (Table table : parseMarkdownTables(text)) {
            codes.businessCodes().addAll(table.codes());
        }
        return codes;
    }

    /** Seed 003: a table under the line "HTTP Status Code" (transport) and one under "Error Codes" (body). */
    static SeedCodes parse17trackErrorCodes(String text) {
        SeedCodes codes = new SeedCodes();
        for (Table table : parseMarkdownTables(text)) {
            boolean http = table.precedingText().stream()
                    .anyMatch(line -> line.toLowerCase(Locale.ROOT).contains("http status code"));
            (http ? codes.httpStatuses() : codes.businessCodes()).addAll(table.codes());
        }
        return codes;
    }

    /**
     * Seed 002: the table lost its cell separators, so a row reads {@code 2004101TRUEInternal Error} (HTTP 200,
     * meta 4101, retryable TRUE). The HTTP status is always three digits; the meta code is either the same
     * three digits (401401) or four digits under HTTP 200.
     */
    static SeedCodes parseAftershipRequestErrors(String text) {
        Pattern row = Pattern.compile("^(\\d+)(?:TRUE|FALSE)?\\D.*$");
        SeedCodes codes = new SeedCodes();
        for (String line : lines(text)) {
            Matcher m = row.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            String digits = m.group(1);
            String status = digits.substring(0, Math.min(3, digits.length()));
            String meta = digits.substring(status.length());
            boolean mirrored = meta.length() == 3 && meta.equals(status);
            boolean businessUnder200 = meta.length() == 4 && status.equals("200");
            if (!mirrored && !businessUnder200) {
                throw new IllegalArgumentException("cannot split AfterShip row into HTTP status and meta code: " + line);
            }
            codes.httpStatuses().add(status);
            codes.businessCodes().add(meta);
        }
        return codes;
    }

    /**
     * Seed 004: lines that start with a code and then the message ({@code 9005 External server error ...});
     * {@code -32099 to -32000 ...} is a range; codes under the heading "# Transport errors" are HTTP statuses.
     */
    static SeedCodes parseAbicartErrors(String text) {
        Pattern range = Pattern.compile("^(-?\\d+)\\s+to\\s+(-?\\d+)\\b.*$", Pattern.CASE_INSENSITIVE);
        Pattern code = Pattern.compile("^(-?\\d+)\\s+\\S.*$");
        SeedCodes codes = new SeedCodes();
        boolean transport = false;
        for (String raw : lines(text)) {
            String line = raw.strip();
            if (line.startsWith("#")) {
                transport = line.toLowerCase(Locale.ROOT).contains("transport");
                continue;
            }
            Matcher r = range.matcher(line);
            if (r.matches()) {
                codes.ranges().add(Range.of(Long.parseLong(r.group(1)), Long.parseLong(r.group(2))));
                continue;
            }
            Matcher c = code.matcher(line);
            if (c.matches()) {
                (transport ? codes.httpStatuses() : codes.businessCodes()).add(canonical(c.group(1)));
            }
        }
        return codes;
    }

    /** One markdown table: the text lines since the previous table, its header cells, its body rows' cells. */
    record Table(List<String> precedingText, List<String> header, List<List<String>> rows) {
        /** The first cell of every body row that holds a number, markdown emphasis removed. */
        Set<String> codes() {
            Set<String> codes = new LinkedHashSet<>();
            for (List<String> row : rows) {
                String first = row.isEmpty() ? "" : row.get(0).replace("*", "").replace("`", "").strip();
                if (NUMERIC_CODE.matcher(first).matches()) {
                    codes.add(canonical(first));
                }
            }
            return codes;
        }
    }

    /** Markdown tables with or without outer pipes; a table ends at the first line without a pipe. */
    static List<Table> parseMarkdownTables(String text) {
        List<Table> tables = new ArrayList<>();
        List<String> preceding = new ArrayList<>();
        List<String> header = null;
        List<List<String>> rows = new ArrayList<>();
        for (String raw : lines(text)) {
            String line = raw.strip();
            if (line.contains("|")) {
                List<String> cells = cells(line);
                if (header == null) {
                    header = cells;
                    rows = new ArrayList<>();
                } else if (!isSeparator(cells)) {
                    rows.add(cells);
                }
            } else {
                if (header != null) {
                    tables.add(new Table(List.copyOf(preceding), header, rows));
                    preceding.clear();
                    header = null;
                }
                if (!line.isEmpty()) {
                    preceding.add(line);
                }
            }
        }
        if (header != null) {
            tables.add(new Table(List.copyOf(preceding), header, rows));
        }
        return tables;
    }

    private static List<String> cells(String line) {
        String inner = line;
        if (inner.startsWith("|")) {
            inner = inner.substring(1);
        }
        if (inner.endsWith("|")) {
            inner = inner.substring(0, inner.length() - 1);
        }
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static boolean isSeparator(List<String> cells) {
        return cells.stream().allMatch(cell -> cell.matches(":?-{3,}:?"));
    }

    private static List<String> lines(String text) {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return List.of(body.split("\\R", -1));
    }

    /** Codes as the profiles key them: "322", "-18019909", no leading zeros. */
    private static String canonical(String code) {
        return Long.toString(Long.parseLong(code.strip()));
    }

    // ---------------------------------------------------------------------------------------- profile helpers

    static Stream<String> profileIds() {
        Set<String> ids = new TreeSet<>(KNOWN_PROFILES);
        URL dir = SeedCoverageTest.class.getResource(PROFILE_DIR);
        if (dir != null && "file".equals(dir.getProtocol())) {
            try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
                files.map(path -> path.getFileName().toString())
                        .filter(name -> name.endsWith(".json"))
                        .map(name -> name.substring(0, name.length() - ".json".length()))
                        .forEach(ids::add);
            } catch (IOException | URISyntaxException e) {
                throw new IllegalStateException("cannot list " + dir, e);
            }
        }
        return ids.stream();
    }

    private static JsonNode loadProfile(String id) {
        String resource = PROFILE_DIR + id + ".json";
        try (InputStream in = SeedCoverageTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("profile resource %s on the test classpath", resource).isNotNull();
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("profile " + resource + " is not valid JSON (or repeats a key): " + e.getMessage(), e);
        }
    }

    private static String readSeed(String file) {
        String resource = "/seeds/" + file;
        try (InputStream in = SeedCoverageTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("seed resource %s on the test classpath", resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read seed " + resource, e);
        }
    }

    private static boolean coversBusinessCode(JsonNode profile, String code) {
        if (profile.path("codes").has(code)) {
            return true;
        }
        for (JsonNode operation : profile.path("operations")) {
            if (operation.path("codes").has(code)) {
                return true;
            }
        }
        if (!NUMERIC_CODE.matcher(code).matches()) {
            return false;
        }
        long value = Long.parseLong(code);
        return codeRanges(profile).stream().anyMatch(r -> r.from() <= value && value <= r.to());
    }

    private static List<Range> codeRanges(JsonNode profile) {
        List<Range> ranges = new ArrayList<>();
        for (JsonNode range : profile.path("codeRanges")) {
            if (range.path("from").canConvertToLong() && range.path("to").canConvertToLong()) {
                ranges.add(Range.of(range.path("from").asLong(), range.path("to").asLong()));
            }
        }
        return ranges;
    }

    /** The profile's codeRanges plus every numeric code key (default table and operations) as a one-code range. */
    private static List<Range> coveringRanges(JsonNode profile) {
        List<Range> covering = new ArrayList<>(codeRanges(profile));
        List<JsonNode> tables = new ArrayList<>();
        tables.add(profile.path("codes"));
        profile.path("operations").forEach(operation -> tables.add(operation.path("codes")));
        for (JsonNode table : tables) {
            for (Map.Entry<String, JsonNode> field : table.properties()) {
                String key = field.getKey();
                if (NUMERIC_CODE.matcher(key).matches()) {
                    long value = Long.parseLong(key);
                    covering.add(new Range(value, value));
                }
            }
        }
        return covering;
    }

    /** True when the union of {@code covering} contains every integer of {@code target}. */
    static boolean covers(List<Range> covering, Range target) {
        long next = target.from();
        List<Range> sorted = covering.stream().sorted(Comparator.comparingLong(Range::from)).toList();
        for (Range range : sorted) {
            if (next > target.to()) {
                break;
            }
            if (range.from() > next) {
                break;
            }
            if (range.to() >= next) {
                next = range.to() + 1;
            }
        }
        return next > target.to();
    }

    /** Every object that carries a decision, keyed by where it sits in the profile. */
    private static Map<String, JsonNode> decisionEntries(JsonNode profile) {
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        addTable(entries, "codes", profile.path("codes"));
        addTable(entries, "httpStatuses", profile.path("httpStatuses"));
        addTable(entries, "refine/values", profile.path("refine").path("values"));
        addArray(entries, "codeRanges", profile.path("codeRanges"));
        addArray(entries, "messageOverrides", profile.path("messageOverrides"));
        JsonNode items = profile.path("items");
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).has("decision") || items.get(i).has("reason")) {
                entries.put("items/" + i, items.get(i));
            }
        }
        JsonNode operations = profile.path("operations");
        for (int i = 0; i < operations.size(); i++) {
            String name = "operations/" + operations.get(i).path("name").asText(String.valueOf(i));
            addTable(entries, name + "/codes", operations.get(i).path("codes"));
            addTable(entries, name + "/refine/values", operations.get(i).path("refine").path("values"));
        }
        return entries;
    }

    private static void addTable(Map<String, JsonNode> entries, String where, JsonNode table) {
        table.properties().forEach(field -> entries.put(where + "/" + field.getKey(), field.getValue()));
    }

    private static void addArray(Map<String, JsonNode> entries, String where, JsonNode array) {
        for (int i = 0; i < array.size(); i++) {
            entries.put(where + "/" + i, array.get(i));
        }
    }
}
