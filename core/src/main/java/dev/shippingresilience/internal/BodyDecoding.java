package dev.shippingresilience.internal;

import dev.shippingresilience.HeaderValues;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * Undoes a response's {@code Content-Encoding} on the peeked body prefix, so the classifier reads the JSON and not
 * the compressed bytes (an HTTP client told to leave decoding to the app hands the engine gzip).
 *
 * <ul>
 *   <li>Codings: {@code gzip} and {@code x-gzip} (RFC 1952, concatenated members too, CRC and size checked when the
 *       trailer is in the prefix), {@code deflate} (zlib-wrapped per RFC 9110, or raw deflate as browsers accept),
 *       {@code identity}; names in any case, one or more header lines, comma-separated, undone last to first.
 *       At most {@value #MAX_LAYERS} layers besides {@code identity}.
 *   <li>Not decodable, so {@link Status#UNSUPPORTED}: {@code br} (no Brotli decoder on core's classpath),
 *       {@code zstd}, {@code compress} and any other coding, and more than {@value #MAX_LAYERS} layers.
 *   <li>Bounded: only the given prefix is read, and inflating stops at {@code peekLimit + 1} output bytes, so a
 *       compression bomb costs at most about twice the peek limit in memory and a peek limit's worth of work.
 *   <li>A prefix that ends inside the compressed stream gives the bytes decoded so far: marked cut when the prefix
 *       itself was cut by the peek limit, else a truncated body (the classifier then sees truncated JSON).
 *   <li>{@link Status#UNSUPPORTED} and {@link Status#CORRUPT} hand back the input untouched: its compressed bytes
 *       do not read as JSON, so a 200 from a provider whose bodies carry the answer is never a success.
 * </ul>
 *
 * <p>Stateless and thread-safe; never throws on response content.
 */
public final class BodyDecoding {
  /** The most codings, besides {@code identity}, that one body may carry: {@value}. */
  public static final int MAX_LAYERS = 2;

  // Lower case, so HeaderValues' lookup does not allocate a lower-cased copy.
  private static final String CONTENT_ENCODING = "content-encoding";
  private static final String IDENTITY = "identity";
  private static final int FIRST_CHUNK = 8192;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final int GZIP_TRAILER = 8;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int RESERVED_FLAGS = 0xE0;

  private BodyDecoding() {}

  /** How decoding went. */
  public enum Status {
    /** No coding besides {@code identity}: the input, untouched. */
    IDENTITY,
    /** Decoded (possibly only a part: see {@link Decoded#cutByPeek()}). */
    DECODED,
    /** A coding this library cannot undo, or too many layers: the input, untouched. */
    UNSUPPORTED,
    /** The bytes are not valid for the named coding: the input, untouched. */
    CORRUPT
  }

  /**
   * A decoded body prefix.
   *
   * @param bytes the bytes; only {@code length} of them from {@code offset} count, and the array may be the caller's
   *     input (or a transport's buffer)
   * @param offset where the body starts in {@code bytes}
   * @param length how many bytes of {@code bytes} hold the body, at most the peek limit
   * @param cutByPeek {@code true} when the body continues past {@code length} bytes
   * @param status how decoding went
   */
  public record Decoded(byte[] bytes, int offset, int length, boolean cutByPeek, Status status) {
    /**
     * A body read from the start of {@code bytes}.
     *
     * @param bytes the bytes
     * @param length how many of them hold the body
     * @param cutByPeek {@code true} when the body continues past them
     * @param status how decoding went
     */
    public Decoded(byte[] bytes, int length, boolean cutByPeek, Status status) {
      this(bytes, 0, length, cutByPeek, status);
    }

    /** {@return these bytes starting at index 0 of their array: this, or a copy of the region} */
    public Decoded fromStart() {
      return offset == 0 ? this
          : new Decoded(java.util.Arrays.copyOfRange(bytes, offset, offset + length), 0, length, cutByPeek, status);
    }
  }

  /**
   * Returns {@code true} when {@code headers} name a {@code Content-Encoding} other than {@code identity}. Allocates
   * nothing, so callers can test it before {@link #decode} on the hot path.
   */
  public static boolean needsDecoding(HeaderValues headers) {
    List<String> values = headers.all(CONTENT_ENCODING);
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      int start = 0;
      while (start <= value.length()) {
        int comma = value.indexOf(',', start);
        int end = comma < 0 ? value.length() : comma;
        while (start < end && isSpace(value.charAt(start))) {
          start++;
        }
        while (end > start && isSpace(value.charAt(end - 1))) {
          end--;
        }
        boolean identity = end - start == IDENTITY.length()
            && value.regionMatches(true, start, IDENTITY, 0, IDENTITY.length());
        if (end > start && !identity) {
          return true;
        }
        start = (comma < 0 ? value.length() : comma) + 1;
      }
    }
    return false;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * Undoes {@code headers}' {@code Content-Encoding} on {@code prefix}.
   *
   * @param headers the response headers
   * @param prefix the peeked body prefix; never modified, and returned as it is unless decoded
   * @param length how many bytes of {@code prefix} to read
   * @param cutByPeek {@code true} when the body continues past {@code length} bytes
   * @param peekLimit the most decoded bytes to produce; a longer body is cut there and marked cut
   * @throws IndexOutOfBoundsException if {@code length} is outside {@code prefix}
   * @throws IllegalArgumentException if {@code peekLimit} is not positive
   */
  public static Decoded decode(HeaderValues headers, byte[] prefix, int length, boolean cutByPeek, int peekLimit) {
    Objects.checkFromIndexSize(0, length, prefix.length);
    if (peekLimit < 1) {
      throw new IllegalArgumentException("Invalid peekLimit (" + peekLimit + "): must be >= 1");
    }
    Decoded input = new Decoded(prefix, length, cutByPeek, Status.IDENTITY);
    if (!needsDecoding(headers)) {
      return input;
    }
    Coding[] codings = codings(headers);
    if (codings == null) {
      return new Decoded(prefix, length, cutByPeek, Status.UNSUPPORTED);
    }
    Decoded current = input;
    for (int i = codings.length - 1; i >= 0; i--) {
      Decoded next = codings[i] == Coding.GZIP ? gunzip(current, peekLimit) : inflateDeflate(current, peekLimit);
      if (next == null) {
        return new Decoded(prefix, length, cutByPeek, Status.CORRUPT);
      }
      current = next;
    }
    return current;
  }

  private enum Coding { GZIP, DEFLATE }

  /** Returns the codings in header order without {@code identity}, or {@code null} when one is not decodable. */
  private static Coding @Nullable [] codings(HeaderValues headers) {
    Coding[] found = new Coding[MAX_LAYERS];
    int count = 0;
    for (String value : headers.all(CONTENT_ENCODING)) {
      for (String token : value.split(",", -1)) {
        String name = token.strip();
        if (name.isEmpty() || name.equalsIgnoreCase(IDENTITY)) {
          continue;
        }
        Coding coding;
        if (name.equalsIgnoreCase("gzip") || name.equalsIgnoreCase("x-gzip")) {
          coding = Coding.GZIP;
        } else if (name.equalsIgnoreCase("deflate")) {
          coding = Coding.DEFLATE;
        } else {
          return null;
        }
        if (count == MAX_LAYERS) {
          return null;
        }
        found[count++] = coding;
      }
    }
    return Arrays.copyOf(found, count);
  }

  /** Output of one layer, at most {@code limit + 1} bytes so a cut is visible. */
  private static final class Output {
    private final int limit;
    private byte[] buffer;
    private int size;

    Output(int limit, int inputLength) {
      this.limit = Math.min(limit, MAX_ARRAY - 1);
      this.buffer = new byte[(int) Math.min(limit + 1L, Math.max(FIRST_CHUNK, inputLength * 4L))];
    }

    boolean full() {
      return size > limit;
    }

    /** Inflates into the free space; returns the number of bytes produced. */
    int inflate(Inflater inflater) throws DataFormatException {
      if (size == buffer.length) {
        buffer = Arrays.copyOf(buffer, (int) Math.min(limit + 1L, buffer.length * 2L));
      }
      int n = inflater.inflate(buffer, size, buffer.length - size);
      size += n;
      return n;
    }

    Decoded result(boolean cut) {
      return full() ? new Decoded(buffer, limit, true, Status.DECODED)
          : new Decoded(buffer, size, cut, Status.DECODED);
    }
  }

  /** Why an inflate run stopped. */
  private enum Stop { FULL, FINISHED, NEEDS_INPUT }

  /** Inflates {@code in[from, to)} into {@code out}; returns why it stopped, or {@code null} on corrupt data. */
  private static @Nullable Stop inflate(Inflater inflater, byte[] in, int from, int to, Output out) {
    inflater.setInput(in, from, to - from);
    try {
      while (!out.full()) {
        long read = inflater.getBytesRead();
        int n = out.inflate(inflater);
        if (inflater.finished()) {
          return Stop.FINISHED;
        }
        if (n == 0 && inflater.needsDictionary()) {
          return null;
        }
        if (n == 0 && (inflater.needsInput() || inflater.getBytesRead() == read)) {
          // No input left, or none taken: the prefix ends inside the stream.
          return Stop.NEEDS_INPUT;
        }
      }
      return Stop.FULL;
    } catch (DataFormatException e) {
      return null;
    }
  }

  /** {@code deflate}: zlib-wrapped, or raw deflate when the first two bytes are no zlib header. */
  private static @Nullable Decoded inflateDeflate(Decoded in, int peekLimit) {
    byte[] b = in.bytes();
    int len = in.length();
    if (len < 2) {
      return new Decoded(b, 0, in.cutByPeek(), Status.DECODED);
    }
    int cmf = b[0] & 0xFF;
    int flg = b[1] & 0xFF;
    boolean zlib = (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0;
    Decoded decoded = zlib ? inflateOnce(in, false, peekLimit) : null;
    // Some servers send raw deflate whose first bytes happen to pass the zlib header check.
    return decoded != null ? decoded : inflateOnce(in, true, peekLimit);
  }

  private static @Nullable Decoded inflateOnce(Decoded in, boolean raw, int peekLimit) {
    Inflater inflater = new Inflater(raw);
    try {
      Output out = new Output(peekLimit, in.length());
      Stop stop = inflate(inflater, in.bytes(), 0, in.length(), out);
      if (stop == null) {
        return null;
      }
      // Bytes after the end of the stream are ignored, like every HTTP client does.
      return out.result(stop == Stop.NEEDS_INPUT && in.cutByPeek());
    } finally {
      inflater.end();
    }
  }

  /** {@code gzip}: one or more members, each header, deflate data and trailer (RFC 1952). */
  private static @Nullable Decoded gunzip(Decoded in, int peekLimit) {
    byte[] b = in.bytes();
    int len = in.length();
    Output out = new Output(peekLimit, len);
    Inflater inflater = new Inflater(true);
    try {
      int pos = 0;
      boolean first = true;
      while (true) {
        if (!first && (len - pos < 2 || (b[pos] & 0xFF) != 0x1F || (b[pos + 1] & 0xFF) != 0x8B)) {
          // Garbage after a complete member is ignored, as GZIPInputStream does; a cut prefix may hide more.
          return out.result(len - pos < 2 && in.cutByPeek());
        }
        int dataStart = gzipHeader(b, pos, len);
        if (dataStart == CORRUPT_HEADER) {
          return null;
        }
        if (dataStart == SHORT) {
          return out.result(in.cutByPeek());
        }
        int memberStart = out.size;
        inflater.reset();
        Stop stop = inflate(inflater, b, dataStart, len, out);
        if (stop == null) {
          return null;
        }
        if (stop != Stop.FINISHED) {
          return out.result(in.cutByPeek());
        }
        int trailer = len - inflater.getRemaining();
        if (len - trailer < GZIP_TRAILER) {
          return out.result(in.cutByPeek());
        }
        if (!trailerMatches(b, trailer, out.buffer, memberStart, out.size - memberStart, inflater)) {
          return null;
        }
        pos = trailer + GZIP_TRAILER;
        first = false;
      }
    } finally {
      inflater.end();
    }
  }

  private static final int CORRUPT_HEADER = -1;
  private static final int SHORT = -2;

  /** Returns where the deflate data of the member at {@code pos} starts, {@link #SHORT} or {@link #CORRUPT_HEADER}. */
  private static int gzipHeader(byte[] b, int pos, int len) {
    if (len - pos < 10) {
      // Too short to tell, but what is there must already look like gzip.
      for (int i = 0; i < len - pos && i < 3; i++) {
        if ((b[pos + i] & 0xFF) != (i == 0 ? 0x1F : i == 1 ? 0x8B : 8)) {
          return CORRUPT_HEADER;
        }
      }
      return SHORT;
    }
    int flags = b[pos + 3] & 0xFF;
    if ((b[pos] & 0xFF) != 0x1F || (b[pos + 1] & 0xFF) != 0x8B || b[pos + 2] != 8 || (flags & RESERVED_FLAGS) != 0) {
      return CORRUPT_HEADER;
    }
    int p = pos + 10;
    if ((flags & FEXTRA) != 0) {
      if (len - p < 2) {
        return SHORT;
      }
      p += 2 + ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8);
    }
    for (int flag : new int[] {FNAME, FCOMMENT}) {
      if ((flags & flag) != 0) {
        while (p < len && b[p] != 0) {
          p++;
        }
        p++;
      }
    }
    if ((flags & FHCRC) != 0) {
      if (p + 2 > len) {
        return SHORT;
      }
      CRC32 crc = new CRC32();
      crc.update(b, pos, p - pos);
      if (((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8) != (int) (crc.getValue() & 0xFFFF)) {
        return CORRUPT_HEADER;
      }
      p += 2;
    }
    return p > len ? SHORT : p;
  }

  private static boolean trailerMatches(byte[] b, int at, byte[] data, int from, int count, Inflater inflater) {
    CRC32 crc = new CRC32();
    crc.update(data, from, count);
    return readInt(b, at) == (int) crc.getValue() && readInt(b, at + 4) == (int) inflater.getBytesWritten();
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
  }
}
