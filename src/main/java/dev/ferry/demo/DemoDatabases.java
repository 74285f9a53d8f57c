package dev.ferry.demo;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.migrate.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Creates the demo's two databases on a local server: the rescue-dog schema of the seeds on both, generated data
 * on the source, and a target whose organization ids deliberately differ from the source's (its sequence starts
 * at 1001), so the demo shows natural-key id mapping at work.
 */
public final class DemoDatabases {
  public static final String SOURCE = "ferry_demo_source";
  public static final String TARGET = "ferry_demo_target";

  private DemoDatabases() {}

  /** The demo's own migrations (Flyway), applied to both databases, so `ferry migrations` has something to show. */
  public static final String MIGRATIONS = "classpath:sql/demo/migrations";

  public static Future<Void> create(Vertx vertx, DatabaseUrl server, double scale) {
    DatabaseUrl source = server.withDatabase(SOURCE);
    DatabaseUrl target = server.withDatabase(TARGET);
    return exec(vertx, server, "DROP DATABASE IF EXISTS " + SOURCE + " WITH (FORCE)")
        .compose(v -> exec(vertx, server, "DROP DATABASE IF EXISTS " + TARGET + " WITH (FORCE)"))
        .compose(v -> exec(vertx, server, "CREATE DATABASE " + SOURCE))
        .compose(v -> exec(vertx, server, "CREATE DATABASE " + TARGET))
        .compose(v -> migrate(vertx, source))
        .compose(v -> exec(vertx, source, "SET ferry.scale = '" + scale + "';\n" + resource("sql/demo/data.sql")))
        .compose(v -> migrate(vertx, target))
        .compose(v -> exec(vertx, target, "ALTER SEQUENCE organizations_id_seq RESTART WITH 1001"));
  }

  private static Future<Void> migrate(Vertx vertx, DatabaseUrl db) {
    return vertx.executeBlocking(() -> new Migrations(db, List.of(MIGRATIONS)).migrate(message -> { })).mapEmpty();
  }

  private static Future<Void> exec(Vertx vertx, DatabaseUrl db, String sql) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(db.connectOptions()).using(vertx).build();
    return pool.query(sql).execute().<Void>mapEmpty().eventually(pool::close);
  }

  public static String resource(String path) {
    try (InputStream in = DemoDatabases.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
