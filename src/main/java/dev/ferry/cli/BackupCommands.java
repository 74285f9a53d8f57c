package dev.ferry.cli;

import dev.ferry.backup.Backups;
import dev.ferry.catalog.TableName;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup}, {@code backups}, {@code restore} and {@code rollback}: the target's snapshots. */
final class BackupCommands {
  private BackupCommands() {}

  static void print(Console console, Backups.Info b) {
    console.out().printf("  #%-4d %s  %-40s %,10d rows in %d table%s%s%n", b.id(), b.createdAt(), b.reason(), b.rows(),
        b.rowsByTable().size(), b.rowsByTable().size() == 1 ? "" : "s", b.restoredAt() == null ? "" : "  (restored " + b.restoredAt() + ")");
  }

  @Command(name = "backup", mixinStandardHelpOptions = true,
      description = "Snapshot target tables now (all of them, or --tables), on the target itself (schema ferry_backup).")
  static final class Take extends CliCommand {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Only these tables.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--reason", defaultValue = "on demand", description = "Recorded with the backup.")
    String reason;

    @Override
    public Integer call() {
      return Cli.run(err(), connection.config, connection.overrides(), (vertx, config) ->
          Backups.onTarget(vertx, config, b -> b.take(tables.stream().map(t -> TableName.parse(t, "--tables")).toList(),
              reason, null).map(info -> {
                out().println("✓ backup taken:");
                print(console(), info);
                return ExitCode.OK;
              })));
    }
  }

  @Command(name = "backups", mixinStandardHelpOptions = true, description = "List the target's backups, newest first.")
  static final class ListAll extends CliCommand {
    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
      return Cli.run(err(), connection.config, connection.overrides(), (vertx, config) ->
          Backups.onTarget(vertx, config, b -> b.list().map(all -> {
            if (all.isEmpty()) {
              out().println("No backups yet (`ferry backup` takes one).");
            }
            all.forEach(backup -> print(console(), backup));
            out().println("Retention: the newest " + config.backup().keep() + ", none older than "
                + config.backup().maxAgeDays() + " days (backup.keep, backup.maxAgeDays).");
            return ExitCode.OK;
          })));
    }
  }

  /** Shared by restore and rollback: preview, or confirm and restore. */
  abstract static class Restoring extends CliCommand {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--dry-run", description = "Show what would be replaced; change nothing.")
    boolean dryRun;

    @Option(names = "--confirm-destructive", description = "Replace the tables' current contents (they are backed up first).")
    boolean confirm;

    abstract Future<Backups.Info> find(Backups backups);

    @Override
    public Integer call() {
      return Cli.run(err(), connection.config, connection.overrides(), (vertx, config) ->
          Backups.onTarget(vertx, config, b -> find(b).compose(info -> {
            out().println("Backup to restore:");
            print(console(), info);
            info.rowsByTable().forEach((t, rows) -> out().printf("    %-30s %,d rows%n", t.display(), rows));
            if (dryRun || !confirm) {
              out().println(dryRun ? "Dry run: nothing was changed."
                  : "⛔ refused: restoring replaces these tables' current rows. Add --confirm-destructive (their current"
                      + " contents are backed up first), or --dry-run to preview.");
              return Future.succeededFuture(dryRun ? ExitCode.OK : ExitCode.REFUSED);
            }
            return b.restore(info.id()).map(done -> {
              out().println("✓ restored backup #" + done.id() + "; what it replaced is in the newest backup.");
              return ExitCode.OK;
            });
          })));
    }
  }

  @Command(name = "restore", mixinStandardHelpOptions = true,
      description = "Put a backup's rows back into its tables, in one transaction (current contents backed up first).")
  static final class Restore extends Restoring {
    @Parameters(index = "0", paramLabel = "BACKUP-ID")
    long id;

    @Override
    Future<Backups.Info> find(Backups backups) {
      return backups.get(id);
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Undo a sync run's changes to the tables it touched, from the backup taken before it.")
  static final class Rollback extends Restoring {
    @Parameters(index = "0", paramLabel = "RUN-ID")
    String runId;

    @Override
    Future<Backups.Info> find(Backups backups) {
      if (!runId.matches("[0-9a-fA-F-]{36}")) {
        return Future.failedFuture(new dev.ferry.config.ConfigException("RUN-ID", "'" + runId + "' is not a run id"));
      }
      return backups.forRun(runId);
    }
  }
}
