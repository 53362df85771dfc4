package dev.shippingresilience.internal;

/** UTF-8 helpers for body prefixes. */
final class Utf8 {
  private Utf8() {}

  /**
   * Returns {@code length}, shortened so that the prefix does not end inside a multi-byte UTF-8 sequence: a prefix
   * cut by the peek limit then reads as truncated JSON, not as invalid UTF-8. At most three bytes are dropped. The
   * prefix is the {@code length} bytes of {@code bytes} from {@code offset}.
   */
  static int completeLength(byte[] bytes, int offset, int length) {
    // walk back over continuation bytes (10xxxxxx) to the lead byte of the last sequence
    int i = offset + length - 1;
    int continuation = 0;
    while (i >= offset && continuation < 3 && (bytes[i] & 0xC0) == 0x80) {
      i--;
      continuation++;
    }
    if (i < offset) {
      return length;
    }
    int lead = bytes[i] & 0xFF;
    int needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    return needed > continuation ? i - offset : length;
  }
}
