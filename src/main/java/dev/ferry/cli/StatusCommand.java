package dev.ferry.cli;

import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.progress.ProgressBus;
import dev.ferry.status.Status;
import dev.ferry.status.StatusCheck;
import io.vertx.core.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Both databases and every table's row count side by side, with a recommendation.")
final class StatusCommand extends CliCommand {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--json", description = "Print the status as JSON.")
  boolean json;

  @Override
  public Integer call() {
    return Cli.run(err(), connection.config, connection.overrides(), (vertx, config) -> {
      Database source = Database.open(vertx, Side.SOURCE, config.requireSource(), 2, config.connectTimeoutSeconds(), true);
      Database target = Database.open(vertx, Side.TARGET, config.requireTarget(), 2, config.connectTimeoutSeconds(), true);
      return StatusCheck.check(source, target).map(status -> {
        if (json) {
          out().println(ProgressBus.toJson(status));
        } else {
          print(console(), status);
        }
        boolean reachable = status.source().reachable() && status.target().reachable();
        return reachable ? ExitCode.OK : ExitCode.FAILED;
      }).eventually(() -> Future.join(source.close(), target.close()));
    });
  }

  static void print(Console console, Status status) {
    TestConnectionCommand.print(console, "source", status.source());
    TestConnectionCommand.print(console, "target", status.target());
    if (!status.tables().isEmpty()) {
      int width = Math.max(5, status.tables().stream().mapToInt(t -> t.table().length()).max().orElse(5));
      boolean since = status.tables().stream().anyMatch(t -> t.changes() != null);
      console.out().printf("%n  %-" + width + "s %12s %12s%s%n", "table", "source", "target",
          since ? "   changed since the last verified sync: locally / on production / both" : "");
      for (Status.TableCounts t : status.tables()) {
        console.out().printf("%s %-" + width + "s %12s %12s%s%n", t.matches() ? " " : "≠", t.table(),
            t.source() == null ? "—" : String.format("%,d", t.source()),
            t.target() == null ? "—" : String.format("%,d", t.target()), changes(t.changes()));
      }
    }
    Status.Schema schema = status.schema();
    if (schema != null) {
      console.out().printf("%n  migrations     source %s, target %s%n", version(schema.sourceMigration()),
          version(schema.targetMigration()));
      console.out().println("  schema drift   " + (schema.differences() == 0 ? "none"
          : schema.differences() + " differences (" + schema.destructive() + " destructive to fix); `ferry diff` shows them"));
      schema.sample().forEach(s -> console.out().println("                   " + s));
      console.out().println("  last backup    " + (schema.lastBackup() == null ? "none" : schema.lastBackup()));
    }
    console.out().println();
    console.out().println((status.inSync() ? "✓ " : "⚠ ") + status.recommendation());
  }

  /** "   3 / 1 / 0" rows written since the last verified sync, or nothing without one. */
  private static String changes(Status.Changes c) {
    return c == null ? "" : String.format("   %,d%s / %,d%s / %s", c.local(), c.localCapped() ? "+" : "",
        c.production(), c.productionCapped() ? "+" : "", c.both() == null ? "?" : String.format("%,d", c.both()));
  }

  private static String version(String v) {
    return v == null ? "no history" : "at V" + v;
  }
}
