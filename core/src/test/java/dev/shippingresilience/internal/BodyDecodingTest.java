package dev.shippingresilience.internal;

import static dev.shippingresilience.testing.Compression.deflate;
import static dev.shippingresilience.testing.Compression.gzip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.Classification;
import dev.shippingresilience.Decision;
import dev.shippingresilience.Fixtures;
import dev.shippingresilience.HeaderValues;
import dev.shippingresilience.RequestSnapshot;
import dev.shippingresilience.ResponseClassifier;
import dev.shippingresilience.ResponseSnapshot;
import dev.shippingresilience.internal.BodyDecoding.Decoded;
import dev.shippingresilience.internal.BodyDecoding.Status;
import dev.shippingresilience.testing.Allocations;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BodyDecodingTest {
  private static final int PEEK = ResponseSnapshot.DEFAULT_PEEK_LIMIT;
  private static final byte[] JSON = Fixtures.body("clickpost", "create-order-success.json");

  private static HeaderValues encoding(String... values) {
    return HeaderValues.of(Map.of("Content-Encoding", List.of(values)));
  }

  private static Decoded decode(HeaderValues headers, byte[] body, boolean cut, int peekLimit) {
    return BodyDecoding.decode(headers, body, body.length, cut, peekLimit);
  }

  private static Decoded decode(String coding, byte[] body) {
    return decode(encoding(coding), body, false, PEEK);
  }

  private static byte[] bytes(Decoded d) {
    return Arrays.copyOf(d.bytes(), d.length());
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] le32(long v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }

  /** A gzip member with every optional header field (FEXTRA, FNAME, FCOMMENT, FHCRC). */
  private static byte[] gzipWithAllHeaderFields(byte[] plain) {
    byte[] header = concat(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3},
        new byte[] {3, 0, 'a', 'b', 'c'}, "body.json\0".getBytes(StandardCharsets.ISO_8859_1),
        "a comment\0".getBytes(StandardCharsets.ISO_8859_1));
    CRC32 headerCrc = new CRC32();
    headerCrc.update(header);
    CRC32 crc = new CRC32();
    crc.update(plain);
    return concat(header, new byte[] {(byte) headerCrc.getValue(), (byte) (headerCrc.getValue() >> 8)},
        deflate(plain, true), le32(crc.getValue()), le32(plain.length));
  }

  @Nested
  class Codings {
    @Test
    void gzipIsDecoded() {
      Decoded d = decode("gzip", gzip(JSON));
      assertThat(d.status()).isEqualTo(Status.DECODED);
      assertThat(bytes(d)).isEqualTo(JSON);
      assertThat(d.cutByPeek()).isFalse();
    }

    @Test
    void xGzipIsDecodedLikeGzip() {
      assertThat(bytes(decode("x-gzip", gzip(JSON)))).isEqualTo(JSON);
    }

    @Test
    void zlibWrappedDeflateIsDecoded() {
      Decoded d = decode("deflate", deflate(JSON, false));
      assertThat(d.status()).isEqualTo(Status.DECODED);
      assertThat(bytes(d)).isEqualTo(JSON);
    }

    @Test
    void rawDeflateIsDecodedAsBrowsersDo() {
      Decoded d = decode("deflate", deflate(JSON, true));
      assertThat(d.status()).isEqualTo(Status.DECODED);
      assertThat(bytes(d)).isEqualTo(JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GZIP", "Gzip", " gzip ", "X-GZIP", "gzip, identity", "identity,gzip", "\tgzip,,"})
    void codingNamesAreCaseInsensitiveAndIdentityIsSkipped(String header) {
      assertThat(bytes(decode(header, gzip(JSON)))).isEqualTo(JSON);
    }

    @Test
    void listedCodingsAreUndoneLastToFirst() {
      byte[] body = gzip(deflate(JSON, false));
      assertThat(bytes(decode("deflate, gzip", body))).isEqualTo(JSON);
      assertThat(bytes(decode(encoding("deflate", "GZIP"), body, false, PEEK))).isEqualTo(JSON);
      assertThat(decode("gzip, deflate", body).status()).isEqualTo(Status.CORRUPT);
    }

    @Test
    void moreThanTwoLayersAreUnsupported() {
      byte[] body = gzip(gzip(gzip(JSON)));
      Decoded d = decode("gzip, gzip, gzip", body);
      assertThat(d.status()).isEqualTo(Status.UNSUPPORTED);
      assertThat(d.bytes()).isSameAs(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"br", "zstd", "compress", "x-compress", "gzip;q=1", "BR, identity", "gzip, br"})
    void codingsWithoutADecoderAreUnsupportedAndTheInputIsHandedBack(String header) {
      byte[] body = gzip(JSON);
      Decoded d = decode(header, body);
      assertThat(d.status()).isEqualTo(Status.UNSUPPORTED);
      assertThat(d.bytes()).isSameAs(body);
      assertThat(d.length()).isEqualTo(body.length);
    }

    @Test
    void identityOrNoHeaderHandsBackTheSameArrayWithoutDecoding() {
      byte[] body = JSON.clone();
      for (HeaderValues headers : List.of(HeaderValues.empty(), encoding("identity"), encoding(" IDENTITY , "))) {
        assertThat(BodyDecoding.needsDecoding(headers)).isFalse();
        Decoded d = BodyDecoding.decode(headers, body, 10, true, PEEK);
        assertThat(d.status()).isEqualTo(Status.IDENTITY);
        assertThat(d.bytes()).isSameAs(body);
        assertThat(d.length()).isEqualTo(10);
        assertThat(d.cutByPeek()).isTrue();
      }
      assertThat(BodyDecoding.needsDecoding(encoding("identity", "gzip"))).isTrue();
      assertThat(BodyDecoding.needsDecoding(encoding("identityx"))).isTrue();
    }

    @Test
    void concatenatedGzipMembersAreOneBody() {
      byte[] first = "{\"meta\":{\"status\":".getBytes(StandardCharsets.UTF_8);
      byte[] second = "200}}".getBytes(StandardCharsets.UTF_8);
      assertThat(bytes(decode("gzip", concat(gzip(first), gzip(second))))).isEqualTo(concat(first, second));
    }

    @Test
    void gzipHeaderFieldsAreSkippedAndTheirCrcChecked() {
      byte[] body = gzipWithAllHeaderFields(JSON);
      assertThat(bytes(decode("gzip", body))).isEqualTo(JSON);
      body[20] ^= 1; // inside the file name: the header CRC no longer matches
      assertThat(decode("gzip", body).status()).isEqualTo(Status.CORRUPT);
    }

    @Test
    void bytesAfterTheLastGzipMemberAreIgnored() {
      assertThat(bytes(decode("gzip", concat(gzip(JSON), "\r\n\r\n".getBytes(StandardCharsets.UTF_8)))))
          .isEqualTo(JSON);
    }

    @Test
    void emptyBodyWithAnEncodingIsAnEmptyBody() {
      Decoded d = decode("gzip", new byte[0]);
      assertThat(d.status()).isEqualTo(Status.DECODED);
      assertThat(d.length()).isZero();
      assertThat(decode("deflate", new byte[0]).length()).isZero();
    }
  }

  @Nested
  class CorruptBodies {
    private void assertCorrupt(String coding, byte[] body) {
      Decoded d = decode(coding, body);
      assertThat(d.status()).isEqualTo(Status.CORRUPT);
      assertThat(d.bytes()).isSameAs(body);
      assertThat(d.length()).isEqualTo(body.length);
    }

    @Test
    void plainJsonLabelledGzipIsCorruptAndHandedBackAsItIs() {
      assertCorrupt("gzip", JSON);
    }

    @Test
    void wrongCompressionMethodOrReservedFlagsAreCorrupt() {
      byte[] wrongMethod = gzip(JSON);
      wrongMethod[2] = 7;
      assertCorrupt("gzip", wrongMethod);
      byte[] reserved = gzip(JSON);
      reserved[3] = (byte) 0x80;
      assertCorrupt("gzip", reserved);
    }

    @Test
    void gzipTrailerWithAWrongCrcOrSizeIsCorrupt() {
      byte[] badCrc = gzip(JSON);
      badCrc[badCrc.length - 8] ^= 1;
      assertCorrupt("gzip", badCrc);
      byte[] badSize = gzip(JSON);
      badSize[badSize.length - 4] ^= 1;
      assertCorrupt("gzip", badSize);
    }

    @Test
    void garbageDeflateDataIsCorrupt() {
      byte[] body = gzip(JSON);
      Arrays.fill(body, 10, body.length - 8, (byte) 0xFF);
      assertCorrupt("gzip", body);
      assertCorrupt("deflate", new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    }

    @Test
    void zlibStreamNeedingAPresetDictionaryIsCorrupt() {
      Deflater deflater = new Deflater();
      deflater.setDictionary("meta status".getBytes(StandardCharsets.UTF_8));
      deflater.setInput(JSON);
      deflater.finish();
      byte[] out = new byte[4096];
      int n = deflater.deflate(out);
      deflater.end();
      assertCorrupt("deflate", Arrays.copyOf(out, n));
    }
  }

  @Nested
  class Truncation {
    private void everyTruncationDecodesToAPrefix(String coding, byte[] body, byte[] plain) {
      for (int peekLimit : new int[] {64, PEEK}) {
        for (boolean cut : new boolean[] {true, false}) {
          for (int offset = 0; offset <= body.length; offset++) {
            Decoded d = BodyDecoding.decode(encoding(coding), body, offset, cut, peekLimit);
            String at = coding + " cut at " + offset + " of " + body.length + ", peek limit " + peekLimit;
            assertThat(d.status()).as(at).isEqualTo(Status.DECODED);
            assertThat(d.length()).as(at).isLessThanOrEqualTo(peekLimit);
            assertThat(bytes(d)).as(at).isEqualTo(Arrays.copyOf(plain, d.length()));
            int decodable = BodyDecoding.decode(encoding(coding), body, offset, false, 1 << 20).length();
            // bytes after a complete deflate stream are ignored; after a gzip member another member may follow
            boolean deflateEnded = coding.equals("deflate") && offset == body.length;
            assertThat(d.cutByPeek()).as(at).isEqualTo(cut && !deflateEnded || decodable > peekLimit);
          }
        }
      }
    }

    @Test
    void everyTruncationOfAGzipBodyGivesTheBytesSoFarAndNeverThrows() {
      everyTruncationDecodesToAPrefix("gzip", gzip(JSON), JSON);
      everyTruncationDecodesToAPrefix("gzip", gzipWithAllHeaderFields(JSON), JSON);
    }

    @Test
    void everyTruncationOfADeflateBodyGivesTheBytesSoFarAndNeverThrows() {
      everyTruncationDecodesToAPrefix("deflate", deflate(JSON, false), JSON);
    }

    @Test
    void compressedStreamThatEndsEarlyIsATruncatedBodyNotACut() {
      byte[] body = gzip(JSON);
      Decoded d = BodyDecoding.decode(encoding("gzip"), body, body.length / 2, false, PEEK);
      assertThat(d.status()).isEqualTo(Status.DECODED);
      assertThat(d.cutByPeek()).isFalse();
      assertThat(d.length()).isPositive().isLessThan(JSON.length);
    }

    @Test
    void decodedBodyLongerThanThePeekLimitIsCutThere() {
      byte[] plain = "x".repeat(10_000).getBytes(StandardCharsets.UTF_8);
      Decoded d = decode(encoding("gzip"), gzip(plain), false, 1000);
      assertThat(d.length()).isEqualTo(1000);
      assertThat(d.cutByPeek()).isTrue();
    }

    @Test
    void decodedBodyOfExactlyThePeekLimitIsNotCut() {
      byte[] plain = "y".repeat(1000).getBytes(StandardCharsets.UTF_8);
      Decoded d = decode(encoding("deflate"), deflate(plain, false), false, 1000);
      assertThat(d.length()).isEqualTo(1000);
      assertThat(d.cutByPeek()).isFalse();
    }
  }

  @Nested
  class Bombs {
    private final byte[] zeros = new byte[10 * 1024 * 1024];

    private void boundedByThePeekLimit(String coding, byte[] bomb) {
      decode(encoding(coding), bomb, false, PEEK); // warm-up: class loading allocates too
      Decoded[] result = new Decoded[1];
      long allocated = Allocations.bytesAllocatedBy(() -> result[0] = decode(encoding(coding), bomb, false, PEEK));
      assertThat(result[0].length()).isEqualTo(PEEK);
      assertThat(result[0].cutByPeek()).isTrue();
      assertThat(allocated).as("bytes allocated decoding a %d-byte bomb", bomb.length)
          .isLessThan(4L * PEEK + 256 * 1024);
    }

    @Test
    void gzipBombCostsNoMoreThanThePeekLimit() {
      byte[] bomb = gzip(zeros);
      assertThat(bomb.length).isLessThan(PEEK);
      boundedByThePeekLimit("gzip", bomb);
    }

    @Test
    void nestedBombCostsNoMoreThanThePeekLimit() {
      byte[] bomb = gzip(deflate(zeros, false));
      assertThat(bomb.length).isLessThan(1024);
      boundedByThePeekLimit("deflate, gzip", bomb);
    }
  }

  /** Issue 11 item 6: a 200 with {@code Content-Encoding: gzip} was BREAK for every provider profile. */
  @Nested
  class ThroughTheClassifier {
    private final ResponseClassifier classifier = ResponseClassifier.builder().clock(Fixtures.fixedClock()).build();

    private Classification classify(String url, String coding, byte[] body, boolean cut) {
      return classifier.classify(RequestSnapshot.of("POST", url),
          ResponseSnapshot.of(200, HeaderValues.of("Content-Encoding", coding), body, cut));
    }

    @ParameterizedTest(name = "{0} {1} ({2}) -> {3}")
    @CsvSource({
        "https://www.clickpost.in/api/v3/create-order/, clickpost/create-order-success.json, gzip, SUCCEED, 200",
        "https://www.clickpost.in/api/v3/create-order/, clickpost/create-order-processing.json, gzip, POLL, 102",
        "https://www.clickpost.in/api/v3/create-order/, clickpost/auth-failed.json, deflate, FAIL, 301",
        "https://api.aftership.com/postmen/v3/labels, aftership-shipping/label-created.json, gzip, SUCCEED, 200",
        "https://api.aftership.com/postmen/v3/labels, aftership-shipping/invalid-request.json, x-gzip, FAIL, 4104",
        "https://api.aftership.com/postmen/v3/labels, aftership-shipping/label-creating.json, gzip, POLL, 3001",
        "https://api.17track.net/track/v2.2/register, 17track/register-success.json, gzip, SUCCEED, 0",
        "https://api.17track.net/track/v2.2/register, 17track/too-many-numbers.json, deflate, FAIL, -18010014",
        "https://admin.abicart.se/backend/jsonrpc/v1/, abicart/order-get-success.json, gzip, SUCCEED, ",
        "https://admin.abicart.se/backend/jsonrpc/v1/, abicart/external-server-error.json, GZIP, BREAK, 9005",
    })
    void compressedProviderBodiesAreClassifiedOnTheirJson(String url, String fixture, String coding,
        Decision decision, String code) {
      String[] parts = fixture.split("/");
      byte[] plain = Fixtures.body(parts[0], parts[1]);
      byte[] body = coding.equalsIgnoreCase("deflate") ? deflate(plain, false) : gzip(plain);
      Classification c = classify(url, coding, body, false);
      assertThat(c.decision()).as(c.reason()).isEqualTo(decision);
      assertThat(c.code()).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"br", "zstd"})
    void successBodyInACodingWithoutADecoderIsNeverASuccess(String coding) {
      Classification c = classify("https://www.clickpost.in/api/v3/create-order/", coding, gzip(JSON), false);
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
    }

    @Test
    void corruptGzipSuccessIsNeverASuccess() {
      byte[] body = gzip(JSON);
      body[body.length - 8] ^= 1;
      Classification c = classify("https://www.clickpost.in/api/v3/create-order/", "gzip", body, false);
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
    }

    @Test
    void gzipBodyThatEndsEarlyIsATruncatedBody() {
      byte[] body = gzip(("{\"result\":{\"waybill\":\"785578015860\",\"label\":\"https://example.com/l.pdf\"},"
          + "\"meta\":{\"status\":200,\"message\":\"SUCCESS\",\"success\":true}}").getBytes(StandardCharsets.UTF_8));
      Classification c = classify("https://www.clickpost.in/api/v3/create-order/", "gzip",
          Arrays.copyOf(body, body.length * 2 / 3), false);
      assertThat(c.decision()).isEqualTo(Decision.BREAK);
      assertThat(c.reason()).contains("truncated");
    }

    @Test
    void compressedCodeBeyondThePeekLimitLetsTheStatusDecideLikeAPlainBody() {
      ResponseClassifier small = ResponseClassifier.builder().peekLimit(1024).build();
      String big = "{\"result\":{\"label\":\"" + "x".repeat(50_000) + "\"},\"meta\":{\"status\":322}}";
      Classification c = small.classify(RequestSnapshot.of("POST", "https://www.clickpost.in/api/v3/create-order/"),
          ResponseSnapshot.of(200, HeaderValues.of("Content-Encoding", "gzip"),
              gzip(big.getBytes(StandardCharsets.UTF_8)), false));
      assertThat(c.decision()).isEqualTo(Decision.SUCCEED);
      assertThat(c.reason()).contains("peek limit").contains("1024 bytes");
    }
  }
}
