package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.migrate.MigrationLint;
import dev.ferry.migrate.MigrationPlan;
import dev.ferry.migrate.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Apply pending versioned migrations (Flyway) to the target, or the source with --on source."
        + " Lints them first: refuses destructive statements without --confirm-destructive.")
final class MigrateCommand extends CliCommand {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--on", defaultValue = "target", paramLabel = "SIDE", description = "target (default) or source.")
  String on;

  @Mixin
  MigrationLocations locations;

  @Option(names = "--dry-run", description = "List pending migrations with their SQL and lint findings, validate"
      + " checksums; run nothing.")
  boolean dryRun;

  @Option(names = "--confirm-destructive", description = "Allow migrations that drop, truncate or delete.")
  boolean confirmDestructive;

  @Option(names = "--undo", paramLabel = "VERSION", description = "Run the paired U<version>__*.sql undo scripts,"
      + " newest first, down to and including VERSION.")
  String undo;

  @Option(names = "--baseline", arity = "0..1", fallbackValue = "1", paramLabel = "VERSION",
      description = "Adopt an existing database: record VERSION (default 1) as applied without running it.")
  String baseline;

  @Option(names = "--repair", description = "Fix Flyway's history: remove failed entries, realign checksums.")
  boolean repair;

  @Override
  public Integer call() {
    return Cli.run(err(), connection.config, locations.addTo(connection.overrides()), this::migrate);
  }

  Future<Integer> migrate(Vertx vertx, FerryConfig config) {
    DatabaseUrl url = switch (on) {
      case "target" -> config.requireTarget();
      case "source" -> config.requireSource();
      default -> throw new ConfigException("--on", "must be target or source (got '" + on + "')");
    };
    Migrations m = new Migrations("source".equals(on) ? dev.ferry.db.Side.SOURCE : dev.ferry.db.Side.TARGET, url,
        config.migrationLocations());
    out().println("Migrations " + config.migrationLocations() + " on the " + on + " " + url.redacted());
    return vertx.executeBlocking(() -> {
      if (undo != null) {
        return checkUndo(m);
      }
      if (baseline != null) {
        out().println(m.baseline(baseline, out()::println));
        return ExitCode.OK;
      }
      if (repair) {
        List<String> repaired = m.repair(out()::println);
        out().println(repaired.isEmpty() ? "Nothing to repair." : String.join("\n", repaired));
        return ExitCode.OK;
      }
      return check(m);
    }).compose(code -> code != null ? Future.succeededFuture(code)
        : backUpDestroyedTables(vertx, config, url)
            .compose(v -> vertx.executeBlocking(() -> undoPlan != null
                ? done(m.undo(undoPlan, out()::println), "undone")
                : done(m.migrate(out()::println), "applied"))));
  }

  private List<Migrations.Undo> undoPlan;

  /** Undo scripts get the same lint, confirmation and backup as migrations: they usually drop things. */
  private Integer checkUndo(Migrations m) {
    undoPlan = m.undoPlan(undo);
    boolean destructive = false;
    for (Migrations.Undo u : undoPlan) {
      out().printf("%n  undo V%s  %s  (%s)%n", u.version(), u.description(), u.script().getFileName());
      if (dryRun) {
        u.sql().lines().forEach(l -> out().println("      " + l));
      }
      for (MigrationLint.Finding f : MigrationLint.check(u.sql())) {
        out().println("    " + (f.destructive() ? "⛔ destructive: " : "⚠ ") + f.statement() + "\n        " + f.problem());
        if (f.destructive()) {
          destructive = true;
          destroyed.addAll(f.tables());
        }
      }
    }
    if (dryRun) {
      out().println("\nDry run: " + undoPlan.size() + " undo script(s) would run; nothing was run.");
      return ExitCode.OK;
    }
    if (destructive && !confirmDestructive) {
      out().println("\n⛔ refused: an undo script drops or deletes data (marked above). Add --confirm-destructive"
          + " (the tables it names are backed up first).");
      return ExitCode.REFUSED;
    }
    return null;
  }

  /** Tables named by confirmed destructive statements, snapshot before the migration runs (when they exist). */
  private final List<String> destroyed = new java.util.ArrayList<>();

  private Future<Void> backUpDestroyedTables(Vertx vertx, FerryConfig config, DatabaseUrl url) {
    if (destroyed.isEmpty()) {
      return Future.succeededFuture();
    }
    var db = dev.ferry.db.Database.open(vertx, "source".equals(on) ? dev.ferry.db.Side.SOURCE : dev.ferry.db.Side.TARGET,
        url, 2, config.connectTimeoutSeconds(), false);
    return new dev.ferry.backup.Backups(vertx, db, config.backup())
        .takeExisting(destroyed.stream().map(t -> dev.ferry.catalog.TableName.parse(t, "migration")).toList(),
            "before destructive migration")
        .map(info -> {
          out().println("Backed up first: backup #" + info.id() + ", " + info.rows() + " rows of "
              + info.rowsByTable().keySet().stream().map(dev.ferry.catalog.TableName::display).toList()
              + " (`ferry restore " + info.id() + "` puts them back)");
          return (Void) null;
        })
        .eventually(db::close);
  }

  /** Prints the plan; an exit code when it ends here, null when the migrations should run. */
  private Integer check(Migrations m) {
    MigrationPlan plan = MigrationPlan.of(m);
    List<String> invalid = plan.invalid();
    List<Migrations.Pending> pending = plan.pending();
    for (Migrations.Pending p : pending) {
      out().printf("%n  V%s  %s  (%s)%n", p.version(), p.description(), p.script());
      if (dryRun) {
        p.sql().lines().forEach(l -> out().println("      " + l));
      }
      for (MigrationLint.Finding f : p.findings()) {
        out().println("    " + (f.destructive() ? "⛔ destructive: " : "⚠ ") + f.statement() + "\n        " + f.problem());
      }
    }
    if (!invalid.isEmpty()) {
      out().println("\n✗ applied migrations do not match their files:");
      invalid.forEach(i -> out().println("  " + i));
      out().println("Restore the files, or run `ferry migrate --repair` if the change was intended.");
      return ExitCode.FAILED;
    }
    if (pending.isEmpty()) {
      out().println("✓ Up to date: no pending migrations.");
      return ExitCode.OK;
    }
    boolean destructive = plan.destructive();
    if (dryRun) {
      out().println("\nDry run: " + pending.size() + " pending, checksums of applied migrations valid; nothing was run."
          + (destructive ? " A real run needs --confirm-destructive." : ""));
      return ExitCode.OK;
    }
    if (destructive && !confirmDestructive) {
      out().println("\n⛔ refused: a pending migration drops or deletes data (marked above). Check it with"
          + " --dry-run, then add --confirm-destructive.");
      return ExitCode.REFUSED;
    }
    destroyed.addAll(plan.destroyedTables());
    return null;
  }

  private int done(List<String> versions, String verb) {
    out().println();
    versions.forEach(v -> out().println("  ✓ " + verb + " " + v));
    out().println(versions.isEmpty() ? "Nothing " + verb + " (another run got there first)." : versions.size()
        + " migration" + (versions.size() == 1 ? "" : "s") + " " + verb + ".");
    return ExitCode.OK;
  }
}
