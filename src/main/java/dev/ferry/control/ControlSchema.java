package dev.ferry.control;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.db.SqlState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import org.flywaydb.core.Flyway;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * The {@code ferry} control schema (runs and their events, claims, the backups registry, the migration log):
 * Flyway, on a worker thread, creates and upgrades it from {@code sql/control}. Every package that keeps something
 * there makes sure of it through here, and nothing here knows what they keep.
 */
public final class ControlSchema {
  public static final String SCHEMA = "ferry";

  /** The highest migration version in {@code sql/control} (a test keeps the two in step). */
  public static final int VERSION = 7;

  private ControlSchema() {}

  /** Creates or upgrades the control schema on {@code url} (reached through {@code db}) unless it is current. */
  public static Future<Void> ensure(Vertx vertx, SqlClient db, DatabaseUrl url) {
    return upToDate(db).compose(current -> current ? Future.succeededFuture()
        : vertx.<Integer>executeBlocking(() -> migrate(url)).mapEmpty());
  }

  /**
   * Whether the control schema already has every migration in {@code sql/control}: then Flyway, which takes half a
   * second to start, is not needed, and a short CLI run does not pay for it.
   */
  private static Future<Boolean> upToDate(SqlClient db) {
    return db.query("SELECT coalesce(max(version::int), 0) FROM " + SCHEMA + ".flyway_schema_history"
            + " WHERE success AND version ~ '^[0-9]+$'").execute()
        .map(rs -> rs.iterator().next().getInteger(0) >= VERSION)
        .recover(err -> SqlState.is(err, SqlState.UNDEFINED_TABLE) // no history table yet
            ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  /** Creates or upgrades the control schema on {@code url}; blocking (a worker thread's job). */
  public static int migrate(DatabaseUrl url) {
    var configuration = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.jdbcProperties().getProperty("user"), url.jdbcProperties().getProperty("password"))
        .schemas(SCHEMA)
        .createSchemas(true)
        .table("flyway_schema_history")
        .locations("classpath:sql/control")
        .connectRetries(0);
    configuration.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
    return configuration.load().migrate().migrationsExecuted;
  }
}
