package dev.ferry.cli;

import dev.ferry.catalog.CatalogReader;
import dev.ferry.catalog.TableInfo;
import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.mask.MaskPlan;
import dev.ferry.plan.Mode;
import dev.ferry.plan.Planner;
import dev.ferry.plan.SyncOptions;
import dev.ferry.pull.PullSchema;
import dev.ferry.pull.PullTarget;
import dev.ferry.pull.SubsetSpec;
import dev.ferry.statements.ReadStatements;
import dev.ferry.sync.Direction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pull", mixinStandardHelpOptions = true,
    description = "Bring production's current state into your local database, through the data rules (rules: in the"
        + " configuration): the target (production) is read, read-only, and the source (your local database) is"
        + " written. The local schema is brought in line first (nothing local is dropped), then the rows, masked on"
        + " production before they leave it. Pulling again writes only what changed.")
final class PullCommand extends CliCommand {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "incremental",
      description = "incremental (default: insert and update; rows only you have locally stay), mirror (also delete"
          + " local rows production lacks; they are backed up first).")
  String mode;

  @Option(names = "--dry-run", description = "Show the plan: schema changes, rules per column, rows per table; write nothing.")
  boolean dryRun;

  @Option(names = "--confirm-destructive", description = "Allow mirror deletes above the configured share.")
  boolean confirmDestructive;

  @Option(names = "--confirm-remote-target", description = "Allow writing into a database that is not on this machine.")
  boolean confirmRemote;

  @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Only these tables (table or schema.table).")
  List<String> tables = new ArrayList<>();

  @Option(names = "--exclude", split = ",", paramLabel = "TABLE", description = "Leave these tables out.")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--where", paramLabel = "TABLE: CONDITION", description = "Take only the rows of TABLE the condition"
      + " (SQL, evaluated on production) selects, and every row they reference. Repeat for more tables.")
  List<String> where = new ArrayList<>();

  @Option(names = "--percent", paramLabel = "N", description = "Take N%% of every table (without a --where), the same"
      + " rows each time (by a hash of the key), and every row they reference.")
  Integer percent;

  @Option(names = "--children", split = ",", paramLabel = "TABLE[:CAP]", description = "Also take TABLE's rows that"
      + " reference taken rows, at most CAP of them.")
  List<String> children = new ArrayList<>();

  @Option(names = "--json", description = "Print the run summary as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    return Cli.run(err(), connection.config, connection.overrides(), this::pull);
  }

  private Future<Integer> pull(Vertx vertx, FerryConfig configured) {
    SyncOptions options;
    FerryConfig config;
    SubsetSpec subset;
    try {
      subset = SubsetSpec.parse(where, percent, children);
      Mode m = SyncCommand.mode(mode);
      if (m != Mode.INCREMENTAL && m != Mode.MIRROR) {
        throw new ConfigException("--mode", "a pull is incremental or mirror (got " + mode + ")");
      }
      config = configured.forPull();
      PullTarget.check(config.requireTarget(), config.requireSource(), confirmRemote);
      options = SyncOptions.defaults().withMode(m).withDryRun(dryRun).withConfirm(confirmDestructive)
          .withTables(List.copyOf(tables)).withExclude(List.copyOf(exclude));
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    Direction direction = Direction.pull(Direction.saltFromEnvironment(), subset);
    // With --json, standard output carries the summary alone: what comes before it goes to standard error.
    var say = json ? err() : out();
    say.println("Pulling " + config.requireSource().redacted() + " (production, read-only) into "
        + config.requireTarget().redacted() + (dryRun ? " (dry run)" : ""));
    return PullSchema.align(vertx, config, dryRun).compose(lines -> {
      lines.forEach(l -> say.println("  schema: " + l));
      if (dryRun && lines.stream().anyMatch(l -> l.startsWith("would create locally: ") && l.endsWith("(table only on"
          + " the source)"))) {
        // The engine plans against local tables, which a dry run does not create: the plan comes from production.
        return planFromProduction(vertx, config, options);
      }
      return SyncCommand.run(console(), vertx, config, options, json, direction);
    });
  }

  /** A dry run's plan where the local tables do not exist yet: production's rows per table and each column's rule. */
  private Future<Integer> planFromProduction(Vertx vertx, FerryConfig config, SyncOptions options) {
    Database production = Database.openReadOnly(vertx, Side.SOURCE, config.requireSource(), 1,
        config.connectTimeoutSeconds(), Map.of());
    return CatalogReader.read(production.pool())
        .map(catalog -> new Planner(config).select(catalog, options, new ArrayList<>()))
        .compose(tables -> {
          Future<Void> chain = Future.succeededFuture();
          List<String> refusals = new ArrayList<>();
          for (TableInfo t : tables) {
            MaskPlan mask = MaskPlan.of(t, null, config.rules());
            refusals.addAll(mask.refusals());
            chain = chain.compose(v -> production.pool().query(ReadStatements.count(t.fromSql())).execute().map(rs -> {
              out().printf("  %-28s %,12d rows to load; rules: %s%n", t.name().display(), rs.iterator().next().getLong(0),
                  mask.rules().isEmpty() ? "none" : String.join(", ", mask.rules().entrySet().stream()
                      .map(e -> e.getKey() + " " + e.getValue().describe()).toList()));
              return null;
            }));
          }
          return chain.map(v -> {
            refusals.forEach(r -> out().println("  ✗ " + r));
            out().println(refusals.isEmpty() ? "\nDry run: nothing was written (the local tables are created by a real pull)."
                : "\n⛔ a real pull would refuse: the rules above cannot run as written");
            return refusals.isEmpty() ? ExitCode.OK : ExitCode.REFUSED;
          });
        })
        .eventually(production::close);
  }
}
