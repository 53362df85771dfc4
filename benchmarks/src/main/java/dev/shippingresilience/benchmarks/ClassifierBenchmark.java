package dev.shippingresilience.benchmarks;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.ProviderProfile;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import java.io.IOException;
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
 * Classification cost per provider and body size, against a baseline measured in the same run: Jackson's
 * {@code ObjectMapper.readTree} of the whole body plus one JSON Pointer lookup of the code. The classifier does more
 * than the baseline (operation match, code table, item decisions, reason), but stops reading once it has what it
 * needs. The bodies are built by {@link BenchmarkBodies}; setup checks that each classifies as SUCCEED and that the
 * baseline finds the code.
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
}
