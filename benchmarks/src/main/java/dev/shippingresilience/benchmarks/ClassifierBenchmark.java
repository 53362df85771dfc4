package dev.shippingresilience.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.internal.Extraction;
import dev.shippingresilience.internal.ExtractionPlan;
import dev.shippingresilience.internal.StreamingExtractor;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Classification cost per provider and body size, against baselines measured in the same run: Jackson's
 * {@code ObjectMapper.readTree} of the whole body plus one JSON Pointer lookup of the code; and two lower bounds
 * with Jackson's streaming parser: a full scan of every token (what any reader that must tell a complete body from
 * a truncated one pays) and a scan that stops at the code (what a reader that trusts the rest of the body pays); and
 * the library's own reader with nothing to read ({@link #validateOnly}): what checking that the body is one complete,
 * valid document costs alone, which the hardening rule (a truncated or malformed body is never SUCCEED) makes every
 * classification pay. The
 * classifier does more than the baselines (operation match, code table, item decisions, reason) and reads the whole
 * peek, so that a truncated body, content after the document or a member named twice is seen. The bodies are built
 * by {@link BenchmarkBodies}; setup checks that each classifies as SUCCEED and that the baselines find the code.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClassifierBenchmark {
  @Param({"clickpost", "aftership-shipping", "17track", "abicart"})
  public String provider;

  @Param({"typical", "large"})
  public String size;

  private final ResponseClassifier classifier = ResponseClassifier.builder().build();
  private static final JsonFactory STREAMING = JsonFactory.builder().build();
  /** A plan that reads nothing: the reader only checks that the body is one complete, valid JSON document. */
  private static final ExtractionPlan NOTHING = new ExtractionPlan(Set.of(), Set.of(), List.of());
  private final ObjectMapper mapper = new ObjectMapper();
  private ProviderProfile profile;
  private RequestSnapshot request;
  private ResponseSnapshot response;
  private byte[] body;
  private JsonPointer pointer;

  @Setup
  public void setUp() throws IOException {
    profile = classifier.profiles().require(provider);
    request = BenchmarkBodies.request(provider);
    body = BenchmarkBodies.body(provider, size);
    response = ResponseSnapshot.of(200, HeaderValues.of("Content-Type", "application/json"), body, false);
    pointer = JsonPointer.compile(BenchmarkBodies.codePointer(provider));
    Classification c = classify();
    if (c.decision() != Decision.SUCCEED) {
      throw new IllegalStateException(provider + " " + size + " body classified " + c.summary());
    }
    if (readTreeBaseline().isMissingNode()) {
      throw new IllegalStateException(provider + " " + size + ": the baseline found no " + pointer);
    }
    if (validateOnly().outcome() != Extraction.Outcome.COMPLETE) {
      throw new IllegalStateException(provider + " " + size + ": the reader found the body incomplete");
    }
    if (scanToCode() == null) {
      throw new IllegalStateException(provider + " " + size + ": the scan found no " + pointer);
    }
  }

  /** The library: what the engine does for every response (explicit profile, as a policy does). */
  @Benchmark
  public Classification classify() {
    return classifier.classify(profile, request, response, null, null);
  }

  /** The baseline: parse the whole body into a tree, then look the code up. */
  @Benchmark
  public JsonNode readTreeBaseline() throws IOException {
    return mapper.readTree(body).at(pointer);
  }

  /** Lower bound for reading the whole body: every token of it with the streaming parser, nothing kept. */
  @Benchmark
  public int fullScan() throws IOException {
    int tokens = 0;
    try (JsonParser parser = STREAMING.createParser(body)) {
      while (parser.nextToken() != null) {
        tokens++;
      }
    }
    return tokens;
  }

  /**
   * Lower bound for any classification that must tell a complete, valid body from a truncated or malformed one:
   * the library's reader checking the whole body while reading nothing.
   */
  @Benchmark
  public Extraction validateOnly() {
    return StreamingExtractor.extract(body, 0, body.length, NOTHING);
  }

  /**
   * Lower bound for reading up to the code: the streaming parser stops at the first value at the code's pointer (an
   * object for a success member such as Abicart's {@code /result}).
   */
  @Benchmark
  public String scanToCode() throws IOException {
    String last = pointer.last().getMatchingProperty();
    try (JsonParser parser = STREAMING.createParser(body)) {
      JsonToken t;
      while ((t = parser.nextToken()) != null) {
        if ((t.isScalarValue() || t.isStructStart()) && last.equals(parser.currentName())
            && parser.getParsingContext().pathAsPointer().equals(pointer)) {
          return parser.getText();
        }
      }
    }
    return null;
  }
}
