package dev.ferry.db;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's sessions, pooled or JDBC, start the same way: JIT off, search_path pinned to pg_catalog, and a
 * read-only database's sessions refusing writes with its own settings in force.
 */
class EngineSessionTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl url;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    url = dbs.create("engine_session");
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private static final String SETTINGS = "SELECT current_setting('jit') || ' ' || current_setting('search_path') || ' '"
      + " || current_setting('default_transaction_read_only') || ' ' || coalesce(current_setting('ferry.test', true), '')";

  @Test
  void pooledAndJdbcSessionsStartWithTheEngineSettings() throws Exception {
    Database db = Database.open(vertx, Side.SOURCE, url, 2, 10, true);
    try {
      assertEquals("off pg_catalog off ", await(db.pool().query(SETTINGS).execute()).iterator().next().getString(0));
      assertEquals("off pg_catalog off ", jdbc(db));
    } finally {
      await(db.close());
    }
  }

  @Test
  void readOnlySessionsAddTheirSettingsAndRefuseWrites() throws Exception {
    Database db = Database.openReadOnly(vertx, Side.SOURCE, url, 2, 10, Map.of("ferry.test", "x'; --"));
    try {
      assertEquals("off pg_catalog on x'; --", await(db.pool().query(SETTINGS).execute()).iterator().next().getString(0));
      assertEquals("off pg_catalog on x'; --", jdbc(db));
      Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
          () -> await(db.pool().query("CREATE TABLE public.nope (id int)").execute()));
      org.junit.jupiter.api.Assertions.assertTrue(String.valueOf(refused.getMessage()).contains("read-only"),
          String.valueOf(refused.getMessage()));
    } finally {
      await(db.close());
    }
  }

  /** Sessions opened ahead start like the rest, are handed out once each, and those never asked for close with it. */
  @Test
  void sessionsOpenedAheadStartAlikeAndCloseWithTheDatabase() throws Exception {
    Database db = Database.openReadOnly(vertx, Side.SOURCE, url, 2, 10, Map.of("ferry.test", "ahead"));
    try {
      db.openAhead(3);
      TestDatabases.waitFor(() -> dbs.ferrySessions(url) == 3, 5_000, "three sessions opened ahead");
      Set<Integer> pids = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        try (Connection c = db.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(SETTINGS + ", pg_backend_pid()")) {
          rs.next();
          assertEquals("off pg_catalog on ahead", rs.getString(1));
          pids.add(rs.getInt(2));
        }
      }
      assertEquals(2, pids.size(), "each session is handed out once");
      TestDatabases.waitFor(() -> dbs.ferrySessions(url) == 1, 5_000, "the two used sessions closed by their users");
    } finally {
      await(db.close());
    }
    TestDatabases.waitFor(() -> dbs.ferrySessions(url) == 0, 5_000, "the unused session closed with the database");
  }

  private static String jdbc(Database db) throws Exception {
    try (Connection c = db.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SETTINGS)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
