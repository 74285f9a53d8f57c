package dev.ferry.cli;

import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.status.Status;
import dev.ferry.status.StatusCheck;
import io.vertx.core.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "test-connection", mixinStandardHelpOptions = true,
    description = "Check both databases: reachable, server version, TLS, round-trip time.")
final class TestConnectionCommand extends CliCommand {
  @Mixin
  ConnectionOptions connection;

  @Override
  public Integer call() {
    return Cli.run(err(), connection.config, connection.overrides(), (vertx, config) -> {
      Database source = Database.open(vertx, Side.SOURCE, config.requireSource(), 1, config.connectTimeoutSeconds(), false);
      Database target = Database.open(vertx, Side.TARGET, config.requireTarget(), 1, config.connectTimeoutSeconds(), false);
      Future<Status.Endpoint> s = StatusCheck.probe(source);
      Future<Status.Endpoint> t = StatusCheck.probe(target);
      return Future.join(s, t).transform(x -> {
        print(console(), "source", s.result());
        print(console(), "target", t.result());
        return Future.succeededFuture(s.result().reachable() && t.result().reachable() ? ExitCode.OK : ExitCode.FAILED);
      }).eventually(() -> Future.join(source.close(), target.close()));
    });
  }

  static void print(Console console, String side, Status.Endpoint e) {
    if (e.reachable()) {
      console.out().printf("✓ %s  %s%n    PostgreSQL %s, %s, round trip %.1f ms%n", side, e.url(), e.version(),
          e.tls() ? "TLS" : "no TLS", e.roundTripMs());
    } else {
      console.out().printf("✗ %s  %s%n    %s%n", side, e.url(), e.error());
    }
  }
}
