package dev.ferry.cli;

import dev.ferry.config.FerryConfig;
import dev.ferry.db.Side;
import dev.ferry.migrate.Migrations;
import dev.ferry.progress.ProgressBus;
import dev.ferry.schema.Change;
import dev.ferry.schema.DbSchema;
import dev.ferry.schema.Drift;
import dev.ferry.schema.MigrationFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "diff", mixinStandardHelpOptions = true,
    description = "Schema drift between source and target: schemas, extensions, collations, enum, composite and"
        + " range types, domains, sequences, tables, columns, constraints, indexes, functions, procedures, aggregates,"
        + " triggers, views. --sql prints DDL that brings the target in line. Not compared: " + DbSchema.NOT_COMPARED
        + ".")
final class DiffCommand extends CliCommand {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--sql", description = "Print the DDL (creates before uses, drops last) instead of the report.")
  boolean sql;

  @Option(names = "--unsafe", description = "Include destructive statements (drops, rewriting type changes) uncommented.")
  boolean unsafe;

  @Option(names = "--write-migration", paramLabel = "NAME",
      description = "Write the DDL as the next versioned migration (V<n>__NAME.sql) in the migrations folder.")
  String migrationName;

  @Mixin
  MigrationLocations locations;

  @Option(names = "--exit-code", description = "Exit with 1 when the schemas differ (for CI and pre-commit hooks).")
  boolean exitCode;

  @Option(names = "--json", description = "Print the differences as JSON.")
  boolean json;

  @Override
  public Integer call() {
    return Cli.run(err(), connection.config, locations.addTo(connection.overrides()), this::diff);
  }

  private Future<Integer> diff(Vertx vertx, FerryConfig config) {
    return Drift.compare(vertx, config).compose(changes -> {
      String header = "ferry diff: DDL that makes " + config.requireTarget().redacted() + " match "
          + config.requireSource().redacted();
      if (migrationName != null) {
        if (changes.isEmpty()) {
          out().println("No differences: no migration written.");
          return Future.succeededFuture(ExitCode.OK);
        }
        return vertx.executeBlocking(() -> MigrationFiles.writeNext(config.migrationLocations(), migrationName,
            Drift.script(changes, unsafe, header), new Migrations(Side.TARGET, config.requireTarget(),
                config.migrationLocations()).highestVersion())).map(path -> {
              out().println("Wrote " + path + " (" + changes.size() + " changes). Review it, then `ferry migrate`.");
              return ExitCode.OK;
            });
      }
      if (json) {
        out().println(ProgressBus.toJson(changes));
      } else if (sql) {
        out().print(Drift.script(changes, unsafe, header));
      } else {
        report(changes);
      }
      return Future.succeededFuture(exitCode && !changes.isEmpty() ? ExitCode.FAILED : ExitCode.OK);
    });
  }

  private void report(List<Change> changes) {
    if (changes.isEmpty()) {
      out().println("✓ The schemas match (not compared: " + DbSchema.NOT_COMPARED + ").");
      return;
    }
    long destructive = changes.stream().filter(Change::destructive).count();
    out().printf("Schema drift (target compared with source): %d difference%s, %d destructive to fix%n%n",
        changes.size(), changes.size() == 1 ? "" : "s", destructive);
    int width = Math.min(48, changes.stream().mapToInt(c -> c.object().length()).max().orElse(10));
    for (Change c : changes) {
      String mark = c.manual() ? "!" : c.step().name().startsWith("DROP_") ? "-"
          : c.description().contains("only on the source") || c.description().contains("of a new table") ? "+" : "~";
      out().printf("  %s %-" + width + "s  %s%s%n", mark, c.object(), c.description(),
          c.destructive() ? "  [destructive]" : "");
    }
    out().println("\n`ferry diff --sql` prints the DDL; `--write-migration NAME` saves it as the next migration.");
  }
}
