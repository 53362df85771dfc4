package dev.shippingresilience.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.LinkedMultiValueMap;

class PeekingResponseTest {
  private static final int PEEK = 1024;

  /** A transport response (not our code) over a stream that counts what was read from it and how often it closed. */
  private static final class Source implements ClientHttpResponse {
    final AtomicLong read = new AtomicLong();
    final AtomicInteger closes = new AtomicInteger();
    private final InputStream body;
    private final HttpHeaders headers = new HttpHeaders();

    Source(InputStream in) {
      this.body = new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            read.incrementAndGet();
          }
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) {
            read.addAndGet(n);
          }
          return n;
        }
      };
      headers.add("Retry-After", "5");
    }

    Source(byte[] body) {
      this(new ByteArrayInputStream(body));
    }

    @Override
    public HttpStatusCode getStatusCode() {
      return HttpStatusCode.valueOf(200);
    }

    @Override
    public String getStatusText() {
      return "OK";
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }

    @Override
    public InputStream getBody() {
      return body;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  void readsNoMoreThanThePeekLimitPlusOneByteBeforeTheCallerReads() throws IOException {
    // given
    byte[] body = new byte[PEEK * 50];
    new Random(1).nextBytes(body);
    Source source = new Source(body);

    // when
    PeekingResponse response = PeekingResponse.peek(source, PEEK);

    // then
    assertThat(source.read.get()).isEqualTo(PEEK + 1);
    ResponseSnapshot snapshot = response.snapshot();
    assertThat(snapshot.bodyPrefix()).hasSize(PEEK).isEqualTo(java.util.Arrays.copyOf(body, PEEK));
    assertThat(snapshot.cutByPeekLimit()).isTrue();
    assertThat(snapshot.headers().first("retry-after")).isEqualTo("5");
    assertThat(response.getBody().readAllBytes()).isEqualTo(body);
  }

  @Test
  void shortBodyIsWholeAndNotCut() throws IOException {
    byte[] body = "{\"meta\":{\"status\":200}}".getBytes(StandardCharsets.UTF_8);
    PeekingResponse response = PeekingResponse.peek(new Source(body), PEEK);
    assertThat(response.snapshot().cutByPeekLimit()).isFalse();
    assertThat(response.snapshot().bodyPrefix()).isEqualTo(body);
    assertThat(response.getBody().readAllBytes()).isEqualTo(body);
  }

  @Test
  void bodyExactlyAtThePeekLimitIsNotCut() throws IOException {
    byte[] body = new byte[PEEK];
    PeekingResponse response = PeekingResponse.peek(new Source(body), PEEK);
    assertThat(response.snapshot().cutByPeekLimit()).isFalse();
    assertThat(response.getBody().readAllBytes()).hasSize(PEEK);
  }

  @Test
  void getBodyReturnsTheSameStreamSoPartialReadsContinue() throws IOException {
    PeekingResponse response = PeekingResponse.peek(new Source("abcdef".getBytes(StandardCharsets.UTF_8)), PEEK);
    assertThat(response.getBody().read()).isEqualTo('a');
    assertThat(new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bcdef");
  }

  @Test
  void closeClosesTheOriginalOnceHoweverOftenItIsCalled() throws IOException {
    Source source = new Source(new byte[10]);
    PeekingResponse response = PeekingResponse.peek(source, PEEK);
    response.close();
    response.close();
    assertThat(source.closes.get()).isEqualTo(1);
    assertThat(response.isClosed()).isTrue();
  }

  @Test
  void bodyThatBreaksWhilePeekingIsReadAsEndingEarlyNotAsCutByThePeekLimit() throws IOException {
    // issue 11: marked "cut by the peek limit", a success code followed by a broken connection was SUCCEED
    byte[] arrived = "{\"meta\":{\"status\":200},\"result\":{".getBytes(StandardCharsets.UTF_8);
    InputStream breaking = new InputStream() {
      private int sent;

      @Override
      public int read() throws IOException {
        if (sent < arrived.length) {
          return arrived[sent++];
        }
        throw new IOException("connection reset");
      }
    };
    PeekingResponse response = PeekingResponse.peek(new Source(breaking), PEEK);
    assertThat(response.snapshot().bodyPrefix()).hasSize(arrived.length);
    assertThat(response.snapshot().cutByPeekLimit()).isFalse();
    Classification c = ResponseClassifier.builder().build().classify(
        RequestSnapshot.of("POST", "https://www.clickpost.in/api/v3/create-order/"), response.snapshot());
    assertThat(c.decision()).isNotEqualTo(Decision.SUCCEED);
    InputStream body = response.getBody();
    assertThat(body.readNBytes(arrived.length)).hasSize(arrived.length);
    assertThatThrownBy(body::read).isInstanceOf(IOException.class);
  }

  @Test
  void addedHeadersDoNotTouchTheOriginalResponse() throws IOException {
    Source source = new Source(new byte[0]);
    PeekingResponse response = PeekingResponse.peek(source, PEEK);
    response.setHeader("X-Shipping-Resilience-Decision", "SUCCEED");
    assertThat(response.getHeaders().getFirst("X-Shipping-Resilience-Decision")).isEqualTo("SUCCEED");
    assertThat(source.getHeaders().containsHeader("X-Shipping-Resilience-Decision")).isFalse();
  }

  @Test
  void headersAreReadAsSpringIteratesThemEvenWhenStoredUnderTwoSpellings() {
    HttpHeaders usual = new HttpHeaders();
    usual.add("Accept", "application/json");
    usual.add("X-Id", "1");
    usual.add("x-id", "2");
    // a map that keeps names as sent, as some servers' header adapters do
    HttpHeaders asSent = new HttpHeaders(new LinkedMultiValueMap<>());
    asSent.add("Accept", "application/json");
    asSent.add("X-Id", "1");
    asSent.add("x-id", "2");
    for (HttpHeaders headers : List.of(usual, asSent)) {
      Map<String, List<String>> springSees = new LinkedHashMap<>();
      headers.forEach(springSees::put);
      assertThat(PeekingResponse.headerValues(headers)).isEqualTo(HeaderValues.of(springSees));
    }
  }

  @Test
  void callerHeadersKeepTheirSpellingAndAreFoundInAnyCase() throws IOException {
    Source source = new Source(new byte[0]);
    source.getHeaders().add("Content-Type", "application/json");
    source.getHeaders().add("x-custom", "a");
    source.getHeaders().add("X-Odd-Name", "b");
    source.getHeaders().add("\u017Fet-Cookie", "c"); // a long s: not Set-Cookie, though equal ignoring case
    PeekingResponse response = PeekingResponse.peek(source, PEEK);
    response.setHeader("X-Shipping-Resilience-Decision", "SUCCEED");
    HttpHeaders headers = response.getHeaders();
    assertThat(headers.headerNames()).containsExactly("Retry-After", "Content-Type", "x-custom", "X-Odd-Name",
        "\u017Fet-Cookie", "X-Shipping-Resilience-Decision");
    assertThat(headers.get("Set-Cookie")).isNull();
    assertThat(headers.getFirst("CONTENT-type")).isEqualTo("application/json");
    assertThat(headers.getFirst("X-CUSTOM")).isEqualTo("a");
    assertThat(headers.getFirst("x-odd-name")).isEqualTo("b");
    assertThat(headers.getFirst("x-shipping-resilience-decision")).isEqualTo("SUCCEED");
    headers.set("content-type", "text/plain");
    assertThat(headers.get("Content-Type")).containsExactly("text/plain");
    assertThat(headers.size()).isEqualTo(6);
  }
}
