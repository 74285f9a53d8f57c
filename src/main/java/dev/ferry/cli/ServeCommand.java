package dev.ferry.cli;

import dev.ferry.cluster.ClusterNode;
import dev.ferry.cluster.ClusterSlots;
import dev.ferry.cluster.ClusterTables;
import dev.ferry.config.FerryConfig;
import dev.ferry.http.ApiServer;
import dev.ferry.metrics.MetricsVertx;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the server: REST API, webhooks, live progress over WebSocket, the dashboard, /metrics."
        + " Needs FERRY_API_TOKEN. Stops gracefully on SIGTERM (running syncs stop at a batch boundary).")
final class ServeCommand extends CliCommand {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default: FERRY_HTTP_PORT, else 8080).")
  Integer port;

  @Option(names = "--cluster", description = "Join the other servers api.cluster lists (TCP/IP, no multicast): one"
      + " run per target across them all, and any node answers for any run.")
  boolean cluster;

  @Override
  public Integer call() {
    Map<String, Object> overrides = connection.overrides();
    overrides.put("api.port", port);
    PrometheusMeterRegistry registry = MetricsVertx.registry();
    if (cluster) {
      // The configuration says how to join, so it is read first; the server runs on the clustered Vert.x.
      return Cli.run(err(), connection.config, overrides, (plain, config) -> {
        // Every meter says which node it is from (a cluster's /metrics are scraped node by node).
        registry.config().commonTags("node", config.api().cluster().host() + ":" + config.api().cluster().port());
        // Started off the configuration's Vert.x context: a Vert.x built on another's thread warns about it.
        return Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> ClusterNode.join(config.api().cluster(),
            registry))).compose(joined -> joined).compose(node -> {
          console().out().printf("ferry serve: node %s, one of a cluster of %d%n", node.id(), node.members().size());
          ClusterSlots slots = new ClusterSlots(node, new ClusterTables(node, config));
          // A stopped server leaves the cluster before the JVM exits. One that could not start says why at once,
          // leaving meanwhile: leaving gracefully can take Hazelcast minutes, and the JVM's exit ends the node anyway.
          return serve(console(), node.vertx(), config, new ApiServer(config, registry, slots), "ferry serve")
              .compose(code -> node.vertx().close().map(code), err -> {
                node.vertx().close();
                return Future.failedFuture(err);
              });
        });
      });
    }
    return Cli.run(err(), connection.config, overrides, () -> MetricsVertx.create(registry),
        (vertx, config) -> serve(console(), vertx, config, new ApiServer(config, registry), "ferry serve"));
  }

  /**
   * Deploys the server and completes when the JVM is asked to stop: the shutdown hook undeploys it (runs cancel at
   * a batch boundary, pools close) and waits for that before letting the JVM exit.
   */
  static Future<Integer> serve(Console console, Vertx vertx, FerryConfig config, ApiServer server, String who) {
    Promise<Integer> stopped = Promise.promise();
    CountDownLatch drained = new CountDownLatch(1);
    return vertx.deployVerticle(server).compose(id -> {
      console.out().printf("%s: listening on http://localhost:%d/ (API /api/v1, events /api/v1/events, metrics /metrics)%n",
          who, server.port());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.drain().eventually(() -> vertx.undeploy(id)).onComplete(ar -> {
          console.out().println(who + ": stopped");
          stopped.tryComplete(ExitCode.OK);
          drained.countDown();
        });
        try {
          drained.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "ferry-shutdown"));
      return stopped.future();
    });
  }
}
