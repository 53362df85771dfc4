package dev.shippingresilience.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** Compresses test bodies the way servers do for {@code Content-Encoding}, with the JDK's own encoders. */
public final class Compression {
  private Compression() {}

  /** Returns {@code plain} as one gzip member ({@code Content-Encoding: gzip}). */
  public static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(plain, out, true, false);
    return out.toByteArray();
  }

  /** Returns {@code plain} as a zlib stream ({@code Content-Encoding: deflate}), or as raw deflate when {@code raw}. */
  public static byte[] deflate(byte[] plain, boolean raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(plain, out, false, raw);
    return out.toByteArray();
  }

  private static void write(byte[] plain, OutputStream sink, boolean gzip, boolean raw) {
    try (OutputStream out = gzip ? new GZIPOutputStream(sink)
        : new DeflaterOutputStream(sink, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      out.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
