package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.control.ControlSchema;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.IndependentCheck;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rows that travel as binary COPY (every column of a built-in type with the same binary form on every server) land
 * with exactly the text the source stores, the edge values of each type included; a table with any other column
 * goes as text. Checked without Ferry ({@link IndependentCheck}).
 */
class BinaryCopyTest {
  private static final String SCHEMA = """
      CREATE TABLE every_type (
        id bigint PRIMARY KEY, s smallint, i integer, b boolean, r real, d double precision, n numeric,
        n2 numeric(10,2), t text, v varchar(20), c char(5), bin bytea, u uuid, day date, ts timestamp,
        tstz timestamptz(3), tm time, span interval, doc jsonb, doc2 jsonb);
      CREATE TABLE with_array (id int PRIMARY KEY, tags text[]);""";

  private static final String DATA = """
      INSERT INTO every_type VALUES
        (1, 32767, -2147483648, true, 'NaN', 'Infinity', 'NaN', 12345678.90, '', '', '', '\\x', gen_random_uuid(),
         'infinity', '-infinity', 'infinity', '24:00:00', '0', '{}', '[]'),
        (2, -32768, 2147483647, false, '-Infinity', '-0', 'Infinity', -0.01, E'tab\\there\\nnew\\\\line ü 🐕',
         'twenty characters!!!', 'ab', '\\x00ff0a5c', '00000000-0000-0000-0000-000000000000', '0001-01-01 BC',
         '1999-12-31 23:59:59.999999', '2024-02-29 12:00:00.123+05:30', '00:00:00.000001',
         '1 year 2 mons -3 days 04:05:06.789', '{"p": 1.50, "q": 1e3, "s": "tab\\there \\u00fc", "n": null,
         "a": [1, 2.0, {"x": []}]}', '"just a string"'),
        (3, NULL, NULL, NULL, 1.1, 0.1, 1.50, 1.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         'null', NULL);
      INSERT INTO every_type (id, n, doc, t)
        SELECT g, g / 7.0, jsonb_build_object('g', g, 'half', g / 2.0), repeat('x', g % 5000)
        FROM generate_series(4, 3000) g;
      INSERT INTO with_array VALUES (1, ARRAY['a', NULL, 'b c']), (2, '{}'), (3, NULL);""";

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("binary_src");
    target = dbs.create("binary_tgt");
    dbs.execute(source, SCHEMA + DATA);
    dbs.execute(target, SCHEMA);
    ControlSchema.migrate(target);
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  @Test
  void everyBuiltInTypesEdgeValuesArriveWithTheirExactText() {
    FerryConfig config = TestConfig.of(source, target);
    RunSummary run = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    assertEquals(List.of(), new IndependentCheck(dbs).differences(source, target));
    assertEquals("binary COPY into empty table", table(run, "every_type").path());
    assertEquals("COPY into empty table", table(run, "with_array").path());
    assertEquals(3000, table(run, "every_type").inserted());
    // The text itself, beyond the check's comparison: jsonb's numbers keep their scale, floats their specials.
    assertEquals("{\"a\": [1, 2.0, {\"x\": []}], \"n\": null, \"p\": 1.50, \"q\": 1000, \"s\": \"tab\\there ü\"}",
        dbs.text(target, "SELECT doc::text FROM every_type WHERE id = 2"));
    assertEquals("NaN|-0|-Infinity|Infinity", dbs.text(target,
        "SELECT concat_ws('|', (SELECT r FROM every_type WHERE id = 1), (SELECT d FROM every_type WHERE id = 2),"
            + " (SELECT r FROM every_type WHERE id = 2), (SELECT n FROM every_type WHERE id = 2))"));
  }

  @Test
  void malformedBinaryRowsAreAnErrorNotAGuess() {
    BinaryCopyRows rows = new BinaryCopyRows(new boolean[] {false, true}, true);
    StreamDigest digest = new StreamDigest();
    byte[] header = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    // header + a row of 3 fields: int4 7, jsonb text "{}", hash 5; then one of 2 fields (no hash); then the trailer
    byte[] good = concat(header, row(3, int4(7), bytes("{}"), int8(5)));
    byte[] out = new byte[rows.room(good)];
    int n = rows.write(good, out, 0, digest);
    assertEquals(1, digest.rows());
    assertEquals("5", digest.value());
    byte[] expected = concat(header, row(2, int4(7), concat(new byte[] {1}, bytes("{}"))));
    assertEquals(new String(expected, java.nio.charset.StandardCharsets.ISO_8859_1),
        new String(out, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThrows(IllegalStateException.class, () -> rows.write(row(2, int4(7), bytes("{}")), new byte[64], 0, digest));
    byte[] cut = row(3, int4(7), bytes("{}"), int8(5));
    assertThrows(IllegalStateException.class,
        () -> rows.write(java.util.Arrays.copyOf(cut, cut.length - 3), new byte[64], 0, digest));
    byte[] trailer = {(byte) 0xff, (byte) 0xff};
    assertEquals(2, rows.write(trailer, new byte[2], 0, digest));
    assertThrows(IllegalStateException.class, () -> new BinaryCopyRows(new boolean[] {false}, false)
        .write(row(1, int4(1)), new byte[64], 0, new StreamDigest()));
    assertTrue(digest.rows() == 1);
  }

  private static TableResult table(RunSummary run, String name) {
    return run.tables().stream().filter(t -> t.table().endsWith(name)).findFirst().orElseThrow();
  }

  private static byte[] row(int fields, byte[]... values) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(fields >>> 8);
    b.write(fields);
    for (byte[] v : values) {
      b.writeBytes(int4(v.length));
      b.writeBytes(v);
    }
    return b.toByteArray();
  }

  private static byte[] int4(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  private static byte[] int8(long v) {
    return concat(int4((int) (v >>> 32)), int4((int) v));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
