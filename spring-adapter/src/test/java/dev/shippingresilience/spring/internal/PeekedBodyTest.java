package dev.shippingresilience.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.spring.testing.CountingDataBufferFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.util.context.Context;

/**
 * {@link PeekedBody} against a spec-checking {@link TestPublisher} (it fails on a buffer sent without demand): the
 * peek asks for one buffer at a time and nothing more once past the limit, the subscriber sets the pace, and every
 * buffer is released exactly once however the body ends.
 */
class PeekedBodyTest {
  private static final int LIMIT = 10;

  private final CountingDataBufferFactory buffers = new CountingDataBufferFactory();
  private final TestPublisher<DataBuffer> source = TestPublisher.create();
  private final AtomicReference<PeekedBody> peeked = new AtomicReference<>();

  private DataBuffer buffer(String text) {
    return buffers.wrap(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
  }

  private static String text(DataBuffer buffer) {
    String text = buffer.toString(StandardCharsets.US_ASCII);
    DataBufferUtils.release(buffer);
    return text;
  }

  /** Starts the peek and feeds it three buffers of four bytes: the third takes it past the limit of ten. */
  private PeekedBody peekedPastTheLimit() {
    PeekedBody body = PeekedBody.peek(source.flux(), LIMIT, Context.empty(), peeked::set);
    source.next(buffer("aaaa"), buffer("bbbb"), buffer("cccc"));
    return body;
  }

  @AfterEach
  void everyBufferWasReleasedOnce() {
    assertThat(buffers.unreleased()).as("buffers never released").isZero();
  }

  @Test
  void peekStopsAskingPastTheLimitThenTheSubscriberSetsThePace() {
    // when
    PeekedBody body = peekedPastTheLimit();

    // then the prefix is the limit's bytes, nothing more was asked for
    assertThat(peeked.get()).isSameAs(body);
    assertThat(new String(body.prefix(), StandardCharsets.US_ASCII)).isEqualTo("aaaabbbbcc");
    assertThat(body.cut()).isTrue();
    assertThat(body.broken()).isFalse();
    source.assertMaxRequested(0);

    // and the subscriber gets the prefix as it asks, then the rest from the source
    StepVerifier.create(body.map(PeekedBodyTest::text), 0)
        .thenRequest(2)
        .expectNext("aaaa", "bbbb")
        .thenRequest(2)
        .expectNext("cccc")
        .then(() -> source.assertMinRequested(1).next(buffer("dddd")))
        .expectNext("dddd")
        .then(() -> source.assertMaxRequested(0).complete())
        .verifyComplete();
  }

  @Test
  void endThatArrivesBeforeTheSubscriberFollowsThePrefix() {
    PeekedBody body = peekedPastTheLimit();
    source.complete();

    StepVerifier.create(body.map(PeekedBodyTest::text)).expectNext("aaaa", "bbbb", "cccc").verifyComplete();
  }

  @Test
  void bodyWithinTheLimitIsNotCut() {
    PeekedBody body = PeekedBody.peek(source.flux(), LIMIT, Context.empty(), peeked::set);
    source.next(buffer("aaaa")).complete();

    assertThat(new String(body.prefix(), StandardCharsets.US_ASCII)).isEqualTo("aaaa");
    assertThat(body.cut()).isFalse();
    StepVerifier.create(body.map(PeekedBodyTest::text)).expectNext("aaaa").verifyComplete();
  }

  @Test
  void failureWhilePeekingIsABrokenBodyWhoseSubscriberGetsThePrefixThenTheFailure() {
    PeekedBody body = PeekedBody.peek(source.flux(), LIMIT, Context.empty(), peeked::set);
    source.next(buffer("aaaa")).error(new IOException("connection reset"));

    assertThat(body.broken()).isTrue();
    assertThat(body.cut()).isFalse();
    StepVerifier.create(body.map(PeekedBodyTest::text)).expectNext("aaaa")
        .verifyErrorMessage("connection reset");
  }

  @Test
  void cancellingThePeekCancelsTheSourceAndReleasesWhatArrived() {
    PeekedBody body = PeekedBody.peek(source.flux(), LIMIT, Context.empty(), peeked::set);
    source.next(buffer("aaaa"));

    body.dispose();

    source.assertCancelled();
    assertThat(peeked.get()).isNull();
    assertThat(body.isDisposed()).isTrue();
  }

  @Test
  void cancellingAPeekThatEndedChangesNothing() {
    PeekedBody body = peekedPastTheLimit();

    body.dispose();

    source.assertNotCancelled();
    StepVerifier.create(body.map(PeekedBodyTest::text), 3).expectNext("aaaa", "bbbb", "cccc").thenCancel().verify();
    source.assertCancelled();
  }

  @Test
  void subscriberCancellingDuringThePrefixReleasesTheRestAndCancelsTheSource() {
    PeekedBody body = peekedPastTheLimit();

    StepVerifier.create(body.map(PeekedBodyTest::text), 1).expectNext("aaaa").thenCancel().verify();

    source.assertCancelled();
  }

  @Test
  void discardDrainsAPeekedBodyReleasingEveryBuffer() {
    PeekedBody body = peekedPastTheLimit();

    body.discard();
    source.assertMinRequested(1).next(buffer("dddd"), buffer("eeee")).complete();

    assertThat(buffers.made()).isEqualTo(5);
  }

  @Test
  void bodyCanBeSubscribedOnlyOnce() {
    PeekedBody body = peekedPastTheLimit();
    source.complete();
    StepVerifier.create(body.map(PeekedBodyTest::text)).expectNextCount(3).verifyComplete();

    StepVerifier.create(body).verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only once"));
    body.discard(); // a body already read: nothing to release
  }
}
