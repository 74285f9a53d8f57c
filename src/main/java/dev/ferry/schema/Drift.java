package dev.ferry.schema;

import dev.ferry.config.FerryConfig;
import dev.ferry.db.Database;
import dev.ferry.db.Side;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/** Reads both catalogs (engine sessions, so names print identically) and compares them. */
public final class Drift {
  private Drift() {}

  public static Future<List<Change>> compare(Vertx vertx, FerryConfig config) {
    Database source = Database.open(vertx, Side.SOURCE, config.requireSource(), 1, config.connectTimeoutSeconds(), true);
    Database target = Database.open(vertx, Side.TARGET, config.requireTarget(), 1, config.connectTimeoutSeconds(), true);
    return compare(source, target).eventually(() -> Future.join(source.close(), target.close()));
  }

  /** On open databases; their sessions must be engine sessions (search_path pg_catalog, see SchemaReader). */
  public static Future<List<Change>> compare(Database source, Database target) {
    Future<DbSchema> s = SchemaReader.read(source.pool()).recover(e -> Future.failedFuture(source.describe(e)));
    Future<DbSchema> t = SchemaReader.read(target.pool()).recover(e -> Future.failedFuture(target.describe(e)));
    return Future.all(s, t).map(v -> SchemaDiff.compare(s.result(), t.result()));
  }

  /**
   * The changes as a script that runs top to bottom. Destructive statements stay commented out unless
   * {@code unsafe}; changes that need a person are always comments.
   */
  public static String script(List<Change> changes, boolean unsafe, String header) {
    List<String> lines = new ArrayList<>();
    lines.add("-- " + header);
    long destructive = changes.stream().filter(c -> c.destructive() && !c.manual()).count();
    if (destructive > 0) {
      lines.add("-- " + destructive + " destructive statement(s) " + (unsafe ? "included (--unsafe)"
          : "commented out: review them, then add --unsafe to include them"));
    }
    if (changes.stream().anyMatch(c -> c.step() == Change.Step.FUNCTION && !c.manual())) {
      // As pg_dump does: a function body may name tables this script creates after it, or never (another schema).
      lines.add("SET check_function_bodies = false;");
    }
    for (Change c : changes) {
      if (c.manual()) {
        lines.add("-- MANUAL " + c.object() + ": " + c.description());
      } else if (c.destructive() && !unsafe) {
        lines.add("-- DESTRUCTIVE (" + c.description() + "): " + c.sql().replace("\n", "\n--   ") + ";");
      } else {
        lines.add(c.sql() + ";");
      }
    }
    return String.join("\n", lines) + "\n";
  }
}
