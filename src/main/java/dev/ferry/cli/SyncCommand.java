package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.OnProductionEdit;
import dev.ferry.control.RunHistory;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.sync.Direction;
import dev.ferry.sync.Syncs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sync", mixinStandardHelpOptions = true,
    description = "Sync the source's rows into the target: schema check, index sync, parents, id mapping, "
        + "dependents, validation.")
final class SyncCommand extends CliCommand {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "incremental",
      description = "incremental (default: insert and update, never delete), mirror (also delete what the source "
          + "lacks), rebuild (replace the tables' contents), force (skip checks and guards).")
  String mode;

  @Option(names = "--dry-run", description = "Show the plan with real numbers; write nothing.")
  boolean dryRun;

  @Option(names = "--confirm-destructive", description = "Allow rebuild, force, and mirror deletes above the configured share.")
  boolean confirmDestructive;

  @Option(names = "--skip-validation", description = "Skip phase 6 (counts and content digests).")
  boolean skipValidation;

  @Option(names = "--skip-indexes", description = "Skip phase 2 (index sync).")
  boolean skipIndexes;

  @Option(names = "--drop-extra-indexes", description = "Drop indexes that exist only on the target.")
  boolean dropExtraIndexes;

  @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Only these tables (table or schema.table).")
  List<String> tables = new ArrayList<>();

  @Option(names = "--exclude", split = ",", paramLabel = "TABLE", description = "Leave these tables out.")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--on-production-edit", paramLabel = "POLICY",
      description = "Rows production changed since the last verified sync: refuse (default: the table is not written),"
          + " keep (production's version stays), overwrite (the source's replaces it). Default: sync.onProductionEdit.")
  String onProductionEdit;

  @Option(names = "--batch-size", paramLabel = "ROWS", description = "Rows per batch (default: sync.batchSize, 1000).")
  Integer batchSize;

  @Option(names = "--json", description = "Print the run summary as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    Map<String, Object> overrides = connection.overrides();
    overrides.put("sync.batchSize", batchSize);
    return Cli.run(err(), connection.config, overrides, this::sync);
  }

  /** {@code --mode}, a typo answered with the nearest mode. */
  static Mode mode(String typed) {
    try {
      return Mode.parse(typed);
    } catch (ConfigException e) {
      List<String> near = Suggestions.nearest(typed.trim().toLowerCase(Locale.ROOT),
          Arrays.stream(Mode.values()).map(Mode::label).toList());
      if (near.isEmpty()) {
        throw e;
      }
      throw new ConfigException("--mode", "unknown mode '" + typed + "': did you mean " + String.join(" or ", near)
          + "? (the modes are incremental, rebuild, force and mirror)");
    }
  }

  private Future<Integer> sync(Vertx vertx, FerryConfig config) {
    SyncOptions options;
    try {
      options = new SyncOptions(mode(mode), dryRun, confirmDestructive, skipValidation, skipIndexes,
          dropExtraIndexes, List.copyOf(tables), List.copyOf(exclude),
          OnProductionEdit.parse(onProductionEdit, "--on-production-edit"));
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return run(console(), vertx, config, options, json);
  }

  /**
   * Shared with the demo: runs a sync with live progress and prints its summary. A real run is recorded in the
   * run history (like the server's, on api.controlDatabase or the target) unless the history cannot be opened.
   * SIGTERM (or Ctrl-C) cancels it, the statements running included, and waits for it to be recorded as cancelled.
   */
  static Future<Integer> run(Console console, Vertx vertx, FerryConfig config, SyncOptions options, boolean json) {
    return run(console, vertx, config, options, json, Direction.PUSH);
  }

  /** As above, in either direction (a pull's {@code config} is {@link FerryConfig#forPull}'s). */
  static Future<Integer> run(Console console, Vertx vertx, FerryConfig config, SyncOptions options, boolean json,
      Direction direction) {
    ProgressBus.prepare(vertx);
    ProgressRenderer renderer = new ProgressRenderer(json ? console.err() : console.out(), !json && ProgressRenderer.terminal());
    var listener = new ProgressBus(vertx).listen(renderer::on);
    String runId = Syncs.newRunId();
    AtomicBoolean cancel = new AtomicBoolean();
    CountDownLatch ended = new CountDownLatch(1);
    Thread onSigterm = new Thread(() -> {
      cancel.set(true);
      // Said at once: the run may take a moment to stop (a statement cancelled, a transaction rolled back).
      console.err().println("ferry: cancelling: the tables in progress roll back, finished ones stay committed");
      console.err().flush();
      try {
        ended.await(90, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ferry-sigterm");
    Runtime.getRuntime().addShutdownHook(onSigterm);
    return history(console, vertx, config, options, runId, direction)
        .compose(history -> (direction.pull() ? Syncs.pullOnce(vertx, config, options, runId, cancel, direction)
            : Syncs.runOnce(vertx, config, options, runId, cancel))
            .compose(summary -> history.isEmpty() ? Future.succeededFuture(summary)
                : history.get().finished(summary, List.of(), err -> { }).otherwise(err -> {
                  console.err().println("ferry: warning: could not record the run in the history: " + err.getMessage());
                  return null;
                }).map(summary).eventually(() -> history.get().close())))
        .map(summary -> {
          if (json) {
            console.out().println(ProgressBus.toJson(summary));
          } else {
            print(console, summary);
          }
          return ExitCode.of(summary.status());
        })
        .eventually(() -> {
          ended.countDown();
          try {
            Runtime.getRuntime().removeShutdownHook(onSigterm);
          } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that the run has ended
          }
          return listener.unregister();
        });
  }

  private static Future<Optional<RunHistory>> history(Console console, Vertx vertx, FerryConfig config,
      SyncOptions options, String runId, Direction direction) {
    if (options.dryRun()) {
      return Future.succeededFuture(Optional.empty()); // a dry run writes nothing, not even its history
    }
    DatabaseUrl control = config.api().control() != null ? config.api().control() : config.requireTarget();
    return RunHistory.open(vertx, control, config.connectTimeoutSeconds())
        .compose(h -> h.started(runId, "cli", config.requireTarget().redacted(), direction.label(options.mode().label()),
            options, System.currentTimeMillis())
            .map(v -> Optional.of(h))
            .recover(err -> h.close().transform(x -> Future.failedFuture(err))))
        .recover(err -> {
          console.err().println("ferry: warning: this run will not be in the run history: " + err.getMessage());
          return Future.succeededFuture(Optional.empty());
        });
  }

  static void print(Console console, RunSummary s) {
    console.out().println();
    if (!s.tables().isEmpty()) {
      int width = Math.max(5, s.tables().stream().mapToInt(t -> t.table().length()).max().orElse(5));
      console.out().printf("  %-" + width + "s %-9s %10s %10s %10s %8s%n", "table", "outcome", "insert", "update", "delete", "ms");
      for (TableResult t : s.tables()) {
        // A dry run synced nothing: its tables are what a real run would sync.
        String outcome = s.dryRun() && t.outcome() == TableResult.Outcome.SYNCED ? "to sync" : t.outcome().name().toLowerCase();
        console.out().printf("  %-" + width + "s %-9s %,10d %,10d %,10d %8d%n", t.table(), outcome,
            t.inserted(), t.updated(), t.deleted(), t.durationMs());
      }
    }
    if (s.dryRun() && !s.ddl().isEmpty()) {
      console.out().println("\n  DDL a real run would execute:");
      s.ddl().forEach(d -> console.out().println("    " + d + ";"));
    }
    // Why each table failed or was refused, here too: the progress lines may be far above.
    s.tables().stream().filter(t -> t.message() != null && (t.outcome() == TableResult.Outcome.FAILED
            || t.outcome() == TableResult.Outcome.REFUSED))
        .forEach(t -> console.out().println("  " + ProgressRenderer.finished(t, s.dryRun())));
    s.validation().stream().filter(v -> !v.matches())
        .forEach(v -> console.out().println("  ⚠ validation " + v.table() + ": " + v.detail()));
    console.out().println();
    String mark = switch (s.status()) {
      case SUCCEEDED -> "✓";
      case REFUSED -> "⛔";
      default -> "✗";
    };
    console.out().println(mark + " " + s.status().name().toLowerCase() + ": " + s.message()
        + String.format(" (%.1f s)", s.durationMs() / 1000.0));
  }
}
