package dev.ferry.sync;

/**
 * Binary COPY rows (see {@code statements.BinaryCopy}) rewritten for the target: the field count one less where the
 * hash (a bigint, the last field) is cut off and summed, and each jsonb value, which the source sends as its text,
 * given the version byte jsonb's binary form starts with. The file header (which the source sends in front of the
 * first row) and the trailer pass as they are. Each message holds whole rows: PostgreSQL sends one per message.
 */
final class BinaryCopyRows implements CopyRows {
  /** "PGCOPY\n\377\r\n\0", then flags and the header extension's length (both 32-bit). */
  private static final int SIGNATURE = 11;
  private static final byte JSONB_VERSION = 1;
  private final boolean[] jsonb;
  private final boolean hashed;
  private final int jsonbColumns;
  private boolean headerSeen;

  /** @param jsonb per target column, whether it is jsonb sent as text */
  BinaryCopyRows(boolean[] jsonb, boolean hashed) {
    this.jsonb = jsonb.clone();
    this.hashed = hashed;
    int n = 0;
    for (boolean j : jsonb) {
      n += j ? 1 : 0;
    }
    this.jsonbColumns = n;
  }

  @Override
  public int room(byte[] message) {
    return message.length + jsonbColumns;
  }

  @Override
  public int write(byte[] in, byte[] out, int at, StreamDigest digest) {
    int pos = 0;
    int start = at;
    if (!headerSeen) {
      int header = SIGNATURE + 8 + (in.length >= SIGNATURE + 8 ? int32(in, SIGNATURE + 4) : 0);
      check(in.length >= header && in[0] == 'P' && in[5] == 'Y', "a binary COPY without its header");
      System.arraycopy(in, 0, out, at, header);
      at += header;
      pos = header;
      headerSeen = true;
    }
    while (pos < in.length) {
      check(pos + 2 <= in.length, "a binary COPY row cut short");
      int fields = int16(in, pos);
      if (fields == -1) { // the trailer
        out[at++] = in[pos++];
        out[at++] = in[pos++];
        continue;
      }
      int columns = hashed ? fields - 1 : fields;
      if (columns != jsonb.length) { // not check(…): its message would be built for every row
        throw new IllegalStateException("a binary COPY row of " + fields + " fields, not " + jsonb.length);
      }
      pos += 2;
      putInt16(out, at, columns);
      at += 2;
      for (int i = 0; i < columns; i++) {
        check(pos + 4 <= in.length, "a binary COPY row cut short");
        int length = int32(in, pos);
        pos += 4;
        if (length < 0) { // NULL
          putInt32(out, at, length);
          at += 4;
          continue;
        }
        check(pos + length <= in.length, "a binary COPY row cut short");
        if (jsonb[i]) {
          putInt32(out, at, length + 1);
          out[at + 4] = JSONB_VERSION;
          at += 5;
        } else {
          putInt32(out, at, length);
          at += 4;
        }
        System.arraycopy(in, pos, out, at, length);
        at += length;
        pos += length;
      }
      if (hashed) {
        check(pos + 12 <= in.length && int32(in, pos) == 8, "a binary COPY row without its hash");
        digest.add(int64(in, pos + 4));
        pos += 12;
      } else {
        digest.add(0);
      }
    }
    return at - start;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private static int int16(byte[] b, int i) {
    return (short) (((b[i] & 0xff) << 8) | (b[i + 1] & 0xff));
  }

  private static int int32(byte[] b, int i) {
    return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
  }

  private static long int64(byte[] b, int i) {
    return ((long) int32(b, i) << 32) | (int32(b, i + 4) & 0xffffffffL);
  }

  private static void putInt16(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 8);
    b[i + 1] = (byte) v;
  }

  private static void putInt32(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }
}
