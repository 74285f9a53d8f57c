package dev.ferry.cli;

import dev.ferry.catalog.CatalogReader;
import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import dev.ferry.config.FerryConfig;
import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.mask.MaskPlan;
import dev.ferry.mask.PersonalData;
import dev.ferry.plan.Planner;
import dev.ferry.plan.SyncOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rules", mixinStandardHelpOptions = true,
    description = "What a pull does to each column of production's tables (rules: in the configuration), the columns"
        + " no rule classifies, and rules for those whose names or sampled values look personal. Reads production"
        + " (the configured target) read-only; writes nothing.")
final class RulesCommand extends CliCommand {
  private static final int SAMPLE = 200;

  @Mixin
  ConnectionOptions connection;

  @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Only these tables.")
  List<String> tables = new ArrayList<>();

  @Option(names = "--check", description = "Exit with 1 when a column is unclassified or a rule cannot run (for CI,"
      + " after each migration).")
  boolean check;

  @Override
  public Integer call() {
    return Cli.run(err(), connection.config, connection.overrides(), this::rules);
  }

  private Future<Integer> rules(Vertx vertx, FerryConfig configured) {
    FerryConfig config = configured.forPull();
    Database production = Database.openReadOnly(vertx, Side.SOURCE, config.requireSource(), 2,
        config.connectTimeoutSeconds(), Map.of());
    out().println("Rules for pulling " + config.requireSource().redacted() + (config.rules().strict()
        ? " (rules.strict: every column needs one)" : ""));
    return CatalogReader.read(production.pool())
        .map(catalog -> new Planner(config).select(catalog, SyncOptions.defaults().withTables(List.copyOf(tables)),
            new ArrayList<>()))
        .compose(selected -> {
          Map<String, List<String>> suggested = new LinkedHashMap<>();
          int[] open = {0};
          Future<Void> chain = Future.succeededFuture();
          for (TableInfo t : selected) {
            chain = chain.compose(v -> samples(production, t).map(sample -> {
              open[0] += report(t, MaskPlan.of(t, null, config.rules()), sample, suggested);
              return null;
            }));
          }
          return chain.map(v -> {
            if (!suggested.isEmpty()) {
              out().println("\nSuggested rules (under rules: in the configuration; check each):");
              suggested.forEach((column, lines) -> lines.forEach(l -> out().println("  " + l)));
            }
            out().println(open[0] == 0 ? "\n✓ every column is classified and every rule can run"
                : "\n" + open[0] + " column(s) unclassified or with a rule that cannot run");
            return check && open[0] > 0 ? ExitCode.FAILED : ExitCode.OK;
          });
        })
        .recover(err -> Future.failedFuture(err instanceof dev.ferry.error.FerryException ? err : production.describe(err)))
        .eventually(production::close);
  }

  /** Prints a table's columns; returns how many are unclassified or refused. */
  private int report(TableInfo t, MaskPlan plan, Map<String, List<String>> sample, Map<String, List<String>> suggested) {
    out().println("\n" + t.name().display());
    for (Column c : t.writableColumns()) {
      var rule = plan.rules().get(c.name());
      if (rule != null) {
        out().printf("  %-28s %-24s (%s)%n", c.name(), rule.describe(), plan.patterns().get(c.name()));
        continue;
      }
      Optional<PersonalData.Suggestion> s = PersonalData.byName(c)
          .or(() -> PersonalData.byContent(c, sample.getOrDefault(c.name(), List.of())));
      out().printf("  %-28s %s%n", c.name(), "unclassified" + s.map(x -> " — looks personal: " + x.why()).orElse(""));
      s.ifPresent(x -> suggested.computeIfAbsent(c.name(), k -> new ArrayList<>())
          .add("\"" + t.name().name() + "." + c.name() + "\": " + x.rule()));
    }
    plan.refusals().forEach(r -> out().println("  ✗ " + r));
    return plan.unclassified().size() + plan.refusals().size();
  }

  /** Up to {@value #SAMPLE} non-null values of each text or JSON column, as text, to look into. */
  private static Future<Map<String, List<String>>> samples(Database production, TableInfo t) {
    List<Column> cols = t.writableColumns().stream().filter(c -> c.type().matches("(text|character.*|citext|json.*)"))
        .toList();
    if (cols.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    String select = "SELECT " + String.join(", ", cols.stream().map(c -> "left(" + c.sql() + "::text, 2000)").toList())
        + " FROM " + t.fromSql() + " LIMIT " + SAMPLE;
    return production.pool().withTransaction(conn -> conn.query(select).execute()).map(rs -> {
      Map<String, List<String>> out = new LinkedHashMap<>();
      for (Row r : rs) {
        for (int i = 0; i < cols.size(); i++) {
          if (r.getString(i) != null) {
            out.computeIfAbsent(cols.get(i).name(), k -> new ArrayList<>()).add(r.getString(i));
          }
        }
      }
      return out;
    });
  }
}
