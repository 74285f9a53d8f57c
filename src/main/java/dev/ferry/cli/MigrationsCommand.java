package dev.ferry.cli;

import dev.ferry.config.FerryConfig;
import dev.ferry.db.Side;
import dev.ferry.migrate.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "migrations", mixinStandardHelpOptions = true,
    description = "Applied and pending migrations on both databases, side by side, with checksums.")
final class MigrationsCommand extends CliCommand {
  @Mixin
  ConnectionOptions connection;

  @Mixin
  MigrationLocations locations;

  @Override
  public Integer call() {
    return Cli.run(err(), connection.config, locations.addTo(connection.overrides()), this::list);
  }

  private Future<Integer> list(Vertx vertx, FerryConfig config) {
    Future<List<Migrations.Entry>> source = vertx.executeBlocking(
        () -> new Migrations(Side.SOURCE, config.requireSource(), config.migrationLocations()).info(), false);
    Future<List<Migrations.Entry>> target = vertx.executeBlocking(
        () -> new Migrations(Side.TARGET, config.requireTarget(), config.migrationLocations()).info(), false);
    return Future.all(source, target).map(v -> {
      Map<String, Migrations.Entry[]> rows = new LinkedHashMap<>();
      source.result().forEach(e -> rows.computeIfAbsent(e.version() + " " + e.description(), k -> new Migrations.Entry[2])[0] = e);
      target.result().forEach(e -> rows.computeIfAbsent(e.version() + " " + e.description(), k -> new Migrations.Entry[2])[1] = e);
      out().println("Migrations in " + config.migrationLocations());
      out().printf("%n  %-8s %-32s %-22s %-22s %s%n", "version", "description", "source", "target", "checksum");
      boolean same = true;
      for (Migrations.Entry[] r : rows.values()) {
        Migrations.Entry any = r[0] != null ? r[0] : r[1];
        String s = r[0] == null ? "—" : r[0].state();
        String t = r[1] == null ? "—" : r[1].state();
        same &= s.equals(t);
        out().printf("  %-8s %-32s %-22s %-22s %s%n", any.version(), clip(any.description()), s, t,
            any.checksum() == null ? "" : any.checksum());
      }
      out().println(rows.isEmpty() ? "\nNo migrations found." : same ? "\n✓ Both databases are at the same version."
          : "\nThe databases differ: `ferry migrate` (target) or `ferry migrate --on source`.");
      return ExitCode.OK;
    });
  }

  private static String clip(String s) {
    return s.length() <= 32 ? s : s.substring(0, 31) + "…";
  }
}
