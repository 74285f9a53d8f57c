package dev.ferry.corpus;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.CliHarness;
import dev.ferry.cli.ExitCode;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.sync.Syncs;
import dev.ferry.testing.IndependentCheck;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two public sample databases, as their authors published them, taken through a target's whole life with Ferry:
 * loaded into a fresh source (a), the target's schema made by {@code ferry diff --sql} until {@code ferry diff
 * --exit-code} finds nothing (b, and b2 compares both catalogs without Ferry), a first full sync into the empty
 * tables (c), a sync with nothing to do (d), a batch of ordinary application changes synced incrementally (e), and
 * deletes, which incremental refuses and mirror carries (f). After every sync, {@link IndependentCheck} compares every
 * row's text and every sequence without Ferry. The steps of one database run in order on the same two databases;
 * a failing step does not stop the later ones, so each step reports on its own.
 *
 * <p>The samples come from Maven Central as test-scope dependencies (nothing is copied into this repository) and
 * their licences travel inside the artifacts:
 * <ul>
 *   <li><b>Chinook</b> (a digital media store: artists, albums, tracks, customers, invoices, playlists; 11 tables,
 *       15,607 rows) from {@code net.hydromatic:chinook-data-hsqldb:0.1} by Julian Hyde, licensed under the Apache
 *       License 2.0 (the jar's META-INF/LICENSE and NOTICE); it is based on Luis Rocha's Chinook database
 *       (github.com/lerocha/chinook-database), published under the MIT licence. The jar holds an HSQLDB script that
 *       {@link ChinookScript} converts to PostgreSQL at test time.</li>
 *   <li><b>books</b>, SchemaCrawler's test database, from {@code us.fatehi:schemacrawler-testdb:16.25.3}, by Sualeh
 *       Fatehi, available under the Eclipse Public License 1.0, the GNU LGPL or the GNU GPL (the licences declared
 *       by its parent POM, {@code us.fatehi:schemacrawler-parent}). Mixed-case, spaced, reserved and Greek
 *       identifiers, composite types, enums, a domain with a default and a check, functions, a trigger, views, a
 *       materialized view, a serial and a free-standing sequence; {@link BooksScripts} runs its PostgreSQL pieces
 *       without the ones that create a role (cluster-wide) or grant to it.</li>
 * </ul>
 */
class PublicSchemasTest {

  @Nested
  class Chinook extends SampleSteps {
    @Override
    String label() {
      return "chinook";
    }

    @Override
    void load() {
      ChinookScript.Converted chinook = ChinookScript.postgresql();
      assertEquals(11, chinook.tables(), "tables in chinook.script");
      assertEquals(15_607, chinook.rows(), "rows in chinook.script");
      dbs.execute(source, chinook.sql());
    }

    @Override
    Map<String, Long> expectedRows() {
      return counts("public.album", 347, "public.artist", 275, "public.customer", 59, "public.employee", 8,
          "public.genre", 25, "public.invoice", 412, "public.invoiceline", 2240, "public.mediatype", 5,
          "public.playlist", 18, "public.playlisttrack", 8715, "public.track", 3503);
    }

    /** A new artist's album sold to a new customer and put on a new playlist; price, contact and date edits. */
    @Override
    void change(Changes c) {
      c.insert("INSERT INTO artist VALUES (276, 'Ferry Quartet'), (277, 'Ané Brun & Friends')");
      c.insert("INSERT INTO album VALUES (348, 'Crossings', 276), (349, 'Harbour Lights (Live)', 277)");
      c.insert("""
          INSERT INTO track VALUES (3504, 'Low Tide', 348, 1, 1, 'F. Quartet', 215000, 7012345, 0.99),
            (3505, 'Night Ferry', 348, 1, 1, NULL, 301234, 9876543, 0.99),
            (3506, 'Pier 39 — Ønsket', 349, 2, 7, 'Ané Brun', 187654, NULL, 1.29)""");
      c.insert("""
          INSERT INTO customer (customerid, firstname, lastname, city, country, email, supportrepid)
          VALUES (60, 'Zoë', 'Ødegård', 'Bergen', 'Norway', 'zoe@example.no', 3)""");
      c.insert("INSERT INTO invoice VALUES (413, 60, '2014-01-05', 'Bryggen 1', 'Bergen', NULL, 'Norway', '5003', 3.27)");
      c.insert("INSERT INTO invoiceline VALUES (2241, 413, 3504, 0.99, 1), (2242, 413, 3505, 0.99, 1), (2243, 413, 3506, 1.29, 1)");
      c.insert("INSERT INTO playlist VALUES (19, 'Crossing Playlist')");
      c.insert("INSERT INTO playlisttrack VALUES (19, 3504), (19, 3505), (19, 3506), (19, 1), (19, 2), (19, 3)");

      c.update("UPDATE track SET unitprice = 1.29 WHERE albumid = 1 AND unitprice <> 1.29");
      c.update("UPDATE customer SET email = lower(firstname) || '.' || lower(lastname) || '@example.com', fax = NULL"
          + " WHERE customerid IN (1, 2)");
      c.update("UPDATE employee SET title = 'Chief Executive Officer', address = '11120 Jasper Ave NW, Suite 300'"
          + " WHERE employeeid = 1");
      c.update("UPDATE invoice SET invoicedate = invoicedate + 1 WHERE invoiceid BETWEEN 10 AND 12");
    }

    /** A returned item's line, and tracks taken off a playlist. */
    @Override
    void delete(Changes c) {
      c.delete("invoiceline", "invoicelineid = (SELECT max(invoicelineid) FROM invoiceline WHERE invoiceid = 2)");
      c.delete("playlisttrack",
          "playlistid = 1 AND trackid IN (SELECT trackid FROM playlisttrack WHERE playlistid = 1 ORDER BY trackid LIMIT 3)");
    }
  }

  @Nested
  class Books extends SampleSteps {
    @Override
    String label() {
      return "books";
    }

    @Override
    void load() {
      for (BooksScripts.Piece piece : BooksScripts.postgresql()) {
        try {
          dbs.execute(source, piece.sql());
        } catch (RuntimeException e) {
          throw new AssertionError("loading " + piece.resource() + " failed: " + e.getMessage() + "\n" + piece.sql(), e);
        }
      }
    }

    @Override
    Map<String, Long> expectedRows() {
      return counts("books.authors", 20, "books.bookauthors", 20, "books.books", 20, "books.coupons", 10,
          "books.customerdata", 0, "books.customers", 0, "books.person", 0, "books.publishers", 20,
          "books.\"Celebrities\"", 5, "books.\"Celebrity Updates\"", 5, "books.\"Βιβλία\"", 0);
    }

    /** New publishers (serial), authors, a book and its authors, typed rows (composite, enum, domain default). */
    @Override
    void change(Changes c) {
      c.insert("INSERT INTO books.publishers (publisher) VALUES ('Ferry Press'), ('Harbour & Sons')");
      c.insert("""
          INSERT INTO books.authors (id, firstname, lastname, address1, city, state, postalcode)
          VALUES (21, 'Ada', 'Lovelace', '12 St James''s Square', 'London', 'LN', 'SW1Y 4JH'),
                 (22, 'Zoë', 'Ødegård', 'Bryggen 1', 'Bergen', NULL, '5003')""");
      c.insert("""
          INSERT INTO books.books (id, title, description, publisherid, publicationdate, price, previouseditionid)
          VALUES (21, 'Notes on the Analytical Engine', 'With the translator''s notes', 21, '1843-09-01', 12.5, NULL),
                 (22, 'Fjord Crossings', NULL, 22, '2024-02-29', 0.1, NULL)""");
      c.insert("INSERT INTO books.bookauthors VALUES (21, 21, 'first draft'), (22, 22, NULL), (2, 21, 'co-author')");
      c.insert("""
          INSERT INTO books.Βιβλία VALUES (1, 'Η Οδύσσεια', 'Ένα έπος σε 24 ραψωδίες', 21), (2, 'Ιλιάδα', NULL, 22)""");
      c.insert("INSERT INTO books.\"Celebrities\" VALUES (6, 'Zora Neale'), (7, 'O''Brien')");
      c.insert("INSERT INTO books.\"Celebrity Updates\" VALUES (6, 'Joined'), (7, 'Left \"quoted\"')");
      c.insert("INSERT INTO books.coupons VALUES (11, 'spring sale, 20% off', 20, 'all'), (12, E'two\\nlines', NULL, NULL)");
      c.insert("INSERT INTO books.customers VALUES (1, ROW('Grace'), ROW('Hopper'), ROW(85)),"
          + " (2, ROW('Alan, M.'), ROW('Turing'), NULL)");
      c.insert("INSERT INTO books.customerdata (id) VALUES (1)"); // the domain's default, 'NO VALUE'
      c.insert("INSERT INTO books.customerdata VALUES (2, 'gold')");
      c.insert("INSERT INTO books.person VALUES ('Ann', 'small', 'happy'), ('Bob', 'large', 'ok'), ('Cy', NULL, 'sad')");

      c.update("UPDATE books.books SET price = price + 5 WHERE id IN (1, 2, 3)");
      c.update("UPDATE books.books SET publicationdate = publicationdate + 30, description = description || ' 2nd printing.'"
          + " WHERE id = 4");
      c.update("UPDATE books.authors SET city = 'Port Townsend', address2 = 'Suite 5' WHERE id = 2");
      c.update("UPDATE books.publishers SET publisher = publisher || ' & Co.' WHERE id = 3");
      c.update("UPDATE books.\"Celebrities\" SET name = 'Reuben Hood Jr.' WHERE \"Id\" = 4");
      c.update("UPDATE books.coupons SET coupons = 5, books = 'fiction' WHERE id IN (1, 2)");
    }

    @Override
    void delete(Changes c) {
      c.delete("books.bookauthors", "bookid = 3 AND authorid = 5");
      c.delete("books.\"Celebrity Updates\"", "\"Celebrity Id\" = 4");
      c.delete("books.coupons", "id = 8");
    }
  }

  /** The steps every sample goes through, in order, on one source and one target. */
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  abstract static class SampleSteps {
    Vertx vertx;
    TestDatabases dbs;
    DatabaseUrl source;
    DatabaseUrl target;
    IndependentCheck check;
    private Changes changes;

    /** A lower-case word for the database names. */
    abstract String label();

    /** Step a: the sample into {@link #source}. */
    abstract void load();

    /** Every table the sample has, {@code schema.table} as IndependentCheck names it, with its row count. */
    abstract Map<String, Long> expectedRows();

    /** Step e's application changes on the source, each through {@link Changes}. */
    abstract void change(Changes c);

    /** Deletes on the source, after the changes above are synced. */
    abstract void delete(Changes c);

    @BeforeAll
    void createDatabases() {
      vertx = Vertx.vertx();
      dbs = new TestDatabases(vertx);
      source = dbs.create(label() + "_src");
      target = dbs.create(label() + "_tgt");
      check = new IndependentCheck(dbs);
    }

    @AfterAll
    void dropDatabases() {
      dbs.close();
      await(vertx.close());
    }

    @Test
    @Order(1)
    void a_sampleLoadsIntoAFreshSource() {
      load();
      assertEquals(expectedRows(), rowCounts(source));
    }

    @Test
    @Order(2)
    void b_diffSqlCreatesTheSchemaOnTheEmptyTargetThenFindsNoDifference() {
      String sql;
      try (CliHarness cli = new CliHarness()) {
        int code = cli.ferry(diff("--sql"));
        sql = cli.stdout(); // as `ferry diff --sql > file` keeps it
        assertEquals(ExitCode.OK, code, sql);
      }
      try {
        dbs.execute(target, sql);
      } catch (RuntimeException e) {
        throw new AssertionError("applying the output of `ferry diff --sql` failed: " + e.getMessage() + "\n" + sql, e);
      }
      try (CliHarness cli = new CliHarness()) {
        int code = cli.ferry(diff("--exit-code"));
        assertEquals(ExitCode.OK, code, () -> cli.output() + "\nafter applying:\n" + sql);
      }
    }

    @Test
    @Order(3)
    void b2_targetCatalogMatchesTheSourceWithoutFerry() {
      assertEquals(List.of(), new CatalogObjects(dbs).differences(source, target));
    }

    @Test
    @Order(4)
    void c_fullSyncFillsTheEmptyTables() {
      RunSummary s = sync(SyncOptions.defaults());
      long rows = expectedRows().values().stream().mapToLong(Long::longValue).sum();
      assertAll(
          () -> assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s)),
          () -> assertEquals(List.of(), check.differences(source, target), () -> describe(s)),
          () -> assertEquals("inserted " + rows + ", updated 0, deleted 0", counts(s), () -> describe(s)));
    }

    @Test
    @Order(5)
    void d_secondSyncWithNothingChangedWritesNothing() {
      RunSummary s = sync(SyncOptions.defaults());
      assertAll(
          () -> assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s)),
          () -> assertEquals(0, s.rowsWritten(), () -> describe(s)),
          () -> assertEquals(List.of(), check.differences(source, target), () -> describe(s)));
    }

    @Test
    @Order(6)
    void e_incrementalSyncWritesExactlyTheInsertedAndUpdatedRows() {
      changes = new Changes();
      change(changes);
      RunSummary s = sync(SyncOptions.defaults());
      assertAll(
          () -> assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s)),
          () -> assertEquals(changes.inserted + changes.updated, s.rowsWritten(),
              () -> changes.inserted + " rows inserted and " + changes.updated + " updated on the source; " + describe(s)),
          () -> assertEquals(List.of(), check.differences(source, target), () -> describe(s)));
    }

    /**
     * Deletes on the source: incremental, which never deletes, refuses to run (the target has more rows than the
     * source); mirror deletes exactly those rows.
     */
    @Test
    @Order(7)
    void f_mirrorSyncDeletesWhatTheSourceDeleted() {
      Changes deletes = new Changes();
      delete(deletes);
      long deleted = deletes.deleted.values().stream().mapToLong(List::size).sum();
      List<String> expected = deletes.deletedRowsStillOnTheTarget();
      assertEquals(expected, sorted(check.differences(source, target)));
      RunSummary incremental = sync(SyncOptions.defaults());
      assertEquals(RunStatus.REFUSED, incremental.status(), () -> describe(incremental));
      assertTrue(incremental.message().contains("incremental never deletes"), () -> describe(incremental));
      assertEquals(expected, sorted(check.differences(source, target)), "a refused run writes nothing");

      RunSummary s = sync(SyncOptions.defaults().withMode(Mode.MIRROR).withConfirm(true));
      assertAll(
          () -> assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s)),
          () -> assertEquals("inserted 0, updated 0, deleted " + deleted, counts(s), () -> describe(s)),
          () -> assertEquals(List.of(), check.differences(source, target), () -> describe(s)));
    }

    String[] diff(String flag) {
      return new String[] {"diff", "--source", source.toLibpqUrl(), "--target", target.toLibpqUrl(), flag};
    }

    RunSummary sync(SyncOptions options) {
      return await(Syncs.runOnce(vertx, TestConfig.of(source, target), options));
    }

    /** Row counts of every ordinary table outside the system and Ferry schemas. */
    Map<String, Long> rowCounts(DatabaseUrl db) {
      Map<String, Long> out = new TreeMap<>();
      for (Row r : dbs.execute(db, """
          SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_%'""")) {
        String table = r.getString(0);
        out.put(table, dbs.count(db, "SELECT count(*) FROM " + table));
      }
      return out;
    }

    static Map<String, Long> counts(Object... tableThenRows) {
      Map<String, Long> out = new TreeMap<>();
      for (int i = 0; i < tableThenRows.length; i += 2) {
        out.put((String) tableThenRows[i], ((Number) tableThenRows[i + 1]).longValue());
      }
      return out;
    }

    static String counts(RunSummary s) {
      return "inserted " + s.tables().stream().mapToLong(TableResult::inserted).sum()
          + ", updated " + s.tables().stream().mapToLong(TableResult::updated).sum()
          + ", deleted " + s.tables().stream().mapToLong(TableResult::deleted).sum();
    }

    static List<String> sorted(List<String> lines) {
      List<String> out = new ArrayList<>(lines);
      out.sort(null);
      return out;
    }

    static String describe(RunSummary s) {
      StringBuilder sb = new StringBuilder(s.status() + ": " + s.message() + "\n");
      s.phases().forEach(p -> sb.append("  phase ").append(p.phase()).append(' ').append(p.outcome()).append(' ')
          .append(p.details()).append('\n'));
      s.tables().forEach(t -> sb.append("  ").append(t).append('\n'));
      s.validation().stream().filter(v -> !v.matches()).forEach(v -> sb.append("  validation ").append(v).append('\n'));
      s.warnings().forEach(w -> sb.append("  warning ").append(w).append('\n'));
      return sb.toString();
    }

    /** The source's changes, counted as the server reports them, and the rows the deletes removed. */
    final class Changes {
      long inserted;
      long updated;
      /** IndependentCheck's table name → each deleted row's text. */
      final Map<String, List<String>> deleted = new TreeMap<>();

      void insert(String sql) {
        inserted += rows(sql);
      }

      void update(String sql) {
        updated += rows(sql);
      }

      void delete(String table, String where) {
        String name = dbs.text(source, "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = '" + table.replace("'", "''") + "'::regclass");
        List<String> rows = new ArrayList<>();
        dbs.execute(source, "DELETE FROM " + table + " x WHERE " + where + " RETURNING x::text")
            .forEach(r -> rows.add(r.getString(0)));
        assertTrue(!rows.isEmpty(), () -> "nothing deleted from " + table + " WHERE " + where);
        deleted.computeIfAbsent(name, k -> new ArrayList<>()).addAll(rows);
      }

      private long rows(String sql) {
        long n = dbs.execute(source, sql).rowCount();
        assertTrue(n > 0, () -> "no row changed by " + sql);
        return n;
      }

      /** IndependentCheck's line for each table with deletes, once the inserts and updates are synced. */
      List<String> deletedRowsStillOnTheTarget() {
        List<String> out = new ArrayList<>();
        deleted.forEach((table, rows) -> {
          long onSource = dbs.count(source, "SELECT count(*) FROM ONLY " + table);
          out.add(table + ": " + onSource + " rows on the source, " + (onSource + rows.size()) + " on the target;"
              + " only on the source none, only on the target " + rows.size() + " like " + sorted(rows).get(0));
        });
        out.sort(null);
        return out;
      }
    }
  }
}
