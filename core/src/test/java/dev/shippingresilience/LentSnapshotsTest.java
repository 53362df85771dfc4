package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.CallRules.Next;
import dev.shippingresilience.testing.EngineScenarios;
import dev.shippingresilience.testing.FixedRandom;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What a transport may lend the engine instead of copying: the request's URL as parts (the {@link URI} made only
 * when asked for) and the response body as a region of its own buffer (read in place, copied only to be kept).
 */
class LentSnapshotsTest {
  private static final String SUCCESS = "{\"meta\":{\"status\":200,\"message\":\"ok\"},\"result\":{\"waybill\":\"W\"}}";
  private static final String PENDING = "{\"meta\":{\"status\":102,\"message\":\"processing\"}}";

  private static CallRules<String> rules(RequestSnapshot request, Consumer<ShippingPolicy.Builder> custom) {
    ShippingPolicy.Builder b = ShippingPolicy.builder(ProviderProfiles.builtIn().require("clickpost"))
        .clock(Fixtures.fixedClock()).meterRegistry(new SimpleMeterRegistry()).random(new FixedRandom());
    custom.accept(b);
    return new CallRules<>(b.build().settings, request, CallOptions.none(), false);
  }

  /** A request given by parts, counting how often its URI is made. */
  private static RequestSnapshot byParts(String method, String url, AtomicInteger urisMade) {
    URI uri = URI.create(url);
    return RequestSnapshot.ofParts(method, uri.getHost(), uri.getPort(), uri.getRawPath(), uri.getRawQuery(), () -> {
      urisMade.incrementAndGet();
      return uri;
    }, HeaderValues.empty(), null);
  }

  /**
   * A response lending a region of a larger buffer, as OkHttp's segment, which it overwrites when closed (the
   * segment goes back to a pool and serves another call).
   */
  private static final class LendingResponse implements ProviderResponse<String> {
    private final byte[] buffer;
    private final ResponseSnapshot snapshot;

    LendingResponse(String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      buffer = new byte[bytes.length + 20];
      Arrays.fill(buffer, (byte) '}');
      System.arraycopy(bytes, 0, buffer, 7, bytes.length);
      snapshot = ResponseSnapshot.lent(200, HeaderValues.empty(), buffer, 7, bytes.length, false);
    }

    @Override
    public ResponseSnapshot snapshot() {
      return snapshot;
    }

    @Override
    public String unwrap() {
      return "lent";
    }

    @Override
    public void close() {
      Arrays.fill(buffer, (byte) 'x');
    }
  }

  @Test
  void aSuccessfulCallNeverMakesTheUriOfARequestGivenByParts() {
    AtomicInteger urisMade = new AtomicInteger();
    CallRules<String> rules = rules(byParts("GET", EngineScenarios.CLICKPOST_CREATE, urisMade), b -> { });

    assertThat(rules.start()).isEqualTo(Next.SEND);
    assertThat(rules.answered(new LendingResponse(SUCCESS))).isEqualTo(Next.RETURN);
    assertThat(rules.result().classification().decision()).isEqualTo(Decision.SUCCEED);
    assertThat(rules.result().classification().operation()).isEqualTo("fetch-order");
    assertThat(urisMade).hasValue(0);

    assertThat(rules.request().uri()).isEqualTo(URI.create(EngineScenarios.CLICKPOST_CREATE));
    assertThat(urisMade).hasValue(1);
  }

  @Test
  void theUriOfARequestGivenByPartsIsMadeOnceHoweverOftenItIsAskedFor() {
    AtomicInteger urisMade = new AtomicInteger();
    RequestSnapshot request = byParts("get", "https://a.example:8443/x%20y?key=K&q=1", urisMade);

    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.uri()).isSameAs(request.uri());
    assertThat(request.toString()).doesNotContain("K&").contains("/x%20y");
    assertThat(urisMade).hasValue(1);
  }

  @Test
  void aSnapshotOfAUriHasTheUrisOwnParts() {
    for (String url : new String[] {"https://a.example/p?q=1", "http://[::1]:8080/a/b", "https://a.example",
        "https://a.example/%7Bx%7D?", "http://a.example:80/x"}) {
      URI uri = URI.create(url);
      RequestSnapshot request = RequestSnapshot.of("GET", uri, HeaderValues.empty(), null);

      assertThat(request.host()).as(url).isEqualTo(uri.getHost());
      assertThat(request.port()).as(url).isEqualTo(uri.getPort());
      assertThat(request.rawPath()).as(url).isEqualTo(uri.getRawPath());
      assertThat(request.rawQuery()).as(url).isEqualTo(uri.getRawQuery());
      assertThat(request.uri()).as(url).isSameAs(uri);
    }
  }

  @Test
  void aLentBodyIsReadInPlaceAndCopiedOnlyWhenAskedForOrKept() {
    LendingResponse lent = new LendingResponse(SUCCESS);
    ResponseSnapshot snapshot = lent.snapshot();

    assertThat(snapshot.bodyOffset()).isEqualTo(7);
    assertThat(snapshot.bodyLength()).isEqualTo(SUCCESS.length());
    assertThat(new String(snapshot.bodyPrefix(), StandardCharsets.UTF_8)).isEqualTo(SUCCESS);
    assertThat(ResponseClassifier.builder().build().classify("clickpost",
        RequestSnapshot.of("GET", EngineScenarios.CLICKPOST_CREATE), snapshot).decision())
        .isEqualTo(Decision.SUCCEED);

    ResponseSnapshot kept = snapshot.detached();
    lent.close();
    assertThat(new String(kept.bodyPrefix(), StandardCharsets.UTF_8)).isEqualTo(SUCCESS);
    assertThat(kept.detached()).isSameAs(kept);
    assertThat(kept.toString()).isEqualTo(snapshot.toString());
  }

  @Test
  void aPollThatRunsOutKeepsTheLentBodyAsItWasBeforeTheResponseClosed() {
    CallRules<String> rules = rules(EngineScenarios.post(EngineScenarios.CLICKPOST_CREATE, "{}"),
        b -> b.maxPolls(1));

    assertThat(rules.start()).isEqualTo(Next.SEND);
    assertThat(rules.answered(new LendingResponse(PENDING))).isEqualTo(Next.WAIT);
    assertThat(rules.waited()).isEqualTo(Next.SEND);
    assertThat(rules.answered(new LendingResponse(PENDING))).isEqualTo(Next.THROW);
    assertThat(rules.failure()).isInstanceOfSatisfying(PollTimeoutException.class, e -> assertThat(
        new String(e.lastResponse().bodyPrefix(), StandardCharsets.UTF_8)).isEqualTo(PENDING));
  }

  @Test
  void aRegionOutsideItsBufferIsRefused() {
    assertThatThrownBy(() -> ResponseSnapshot.lent(200, HeaderValues.empty(), new byte[4], 2, 3, false))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
