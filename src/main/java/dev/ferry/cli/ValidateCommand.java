package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.sync.Syncs;
import dev.ferry.validate.TargetChecks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check the target: counts and content digests against the source, orphaned foreign keys,"
        + " duplicates under natural keys, foreign keys without an index, the largest tables. Writes nothing.")
final class ValidateCommand extends CliCommand {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Only these tables.")
  List<String> tables = new ArrayList<>();

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the full report as JSON to FILE.")
  Path report;

  @Override
  public Integer call() {
    return Cli.run(err(), connection.config, connection.overrides(), this::validate);
  }

  private Future<Integer> validate(Vertx vertx, FerryConfig config) {
    return run(console(), vertx, config, SyncOptions.defaults().withTables(List.copyOf(tables)), report);
  }

  /** The source comparison, or why it could not run. */
  private record Comparison(RunSummary summary, String error) {
    boolean ok() {
      return summary != null && summary.status() == RunStatus.SUCCEEDED;
    }
  }

  /** Shared with setup: prints the findings, writes the report, and returns the exit code. */
  static Future<Integer> run(Console console, Vertx vertx, FerryConfig config, SyncOptions options, Path report) {
    Database target = Database.open(vertx, Side.TARGET, config.requireTarget(), 2, config.connectTimeoutSeconds(), true);
    // A comparison that cannot be planned (a natural key the target cannot match by, say) is a finding, not the end.
    Future<Comparison> compared = Syncs.validateOnce(vertx, config, options).map(s -> new Comparison(s, null))
        .recover(err -> err instanceof ConfigException ce ? Future.succeededFuture(new Comparison(null, ce.getMessage()))
            : Future.failedFuture(err));
    Future<TargetChecks.Report> checks = TargetChecks.run(target.pool(), config)
        .recover(err -> Future.failedFuture(target.describe(err)));
    return Future.all(compared, checks).compose(v -> {
      Comparison cmp = compared.result();
      TargetChecks.Report c = checks.result();
      print(console, cmp, c);
      int code = cmp.ok() && c.clean() ? ExitCode.OK
          : cmp.summary() != null && cmp.summary().status() == RunStatus.REFUSED ? ExitCode.REFUSED : ExitCode.FAILED;
      if (report == null) {
        return Future.succeededFuture(code);
      }
      JsonObject json = new JsonObject()
          .put("comparison", cmp.summary() == null ? new JsonObject().put("error", cmp.error())
              : ProgressBus.toJsonObject(cmp.summary()))
          .put("target", ProgressBus.toJsonObject(c));
      return vertx.executeBlocking(() -> Files.writeString(report, json.encodePrettily())).map(p -> {
        console.out().println("Report written to " + report);
        return code;
      });
    }).eventually(target::close);
  }

  private static void print(Console console, Comparison cmp, TargetChecks.Report c) {
    console.out().println("Counts and content digests (source vs target):");
    RunSummary s = cmp.summary();
    if (s == null) {
      console.out().println("  ✗ could not compare: " + cmp.error());
    } else {
      if (s.validation().isEmpty()) {
        console.out().println("  " + s.message());
      }
      for (RunSummary.ValidationResult v : s.validation()) {
        console.out().printf("  %s %-28s %,12d %,12d  %s%n", v.matches() ? "✓" : "✗", v.table(), v.sourceRows(),
            v.targetRows(), v.detail());
      }
    }
    section(console, "Rows whose foreign key points at a missing parent:", c.orphans(),
        o -> String.format("✗ %s.%s: %,d rows", o.table(), o.constraint(), o.rows()));
    section(console, "Duplicates under keys that should be unique (natural keys, invalid unique indexes):", c.duplicates(),
        d -> String.format("✗ %s %s: %,d values appear more than once", d.table(), d.key(), d.groups()));
    section(console, "Foreign keys without a supporting index (deletes on the parent scan the child):", c.unindexedForeignKeys(),
        f -> "⚠ " + f.table() + "." + f.constraint() + " " + f.columns() + " → " + f.suggestion());
    section(console, "Largest tables on the target:", c.largest(),
        l -> String.format("%-32s %10s  ~%,d rows", l.table(), l.pretty(), l.estimatedRows()));
    console.out().println();
    console.out().println(cmp.ok() && c.clean() ? "✓ valid: " + s.message() : "✗ problems found (marked ✗ above)");
  }

  private static <T> void section(Console console, String title, List<T> items, java.util.function.Function<T, String> line) {
    console.out().println("\n" + title);
    if (items.isEmpty()) {
      console.out().println("  none");
    }
    items.forEach(i -> console.out().println("  " + line.apply(i)));
  }
}
