package dev.ferry.cli;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.db.Secrets;
import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Runs a command's asynchronous work from main(): owns the Vert.x instance, waits for the result on the main
 * thread (never an event loop), and is the one place that turns errors into exit codes.
 */
final class Cli {
  private Cli() {}

  /** Whether the JVM is exiting (Ctrl-C or SIGTERM came): Java has no query for it, but refuses shutdown hooks then. */
  static boolean exiting() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException shuttingDown) {
      return true;
    }
  }

  static int run(PrintWriter err, Path configFile, Map<String, Object> overrides,
      BiFunction<Vertx, FerryConfig, Future<Integer>> work) {
    return run(err, configFile, overrides, Vertx::vertx, work);
  }

  static int run(PrintWriter err, Path configFile, Map<String, Object> overrides, Supplier<Vertx> vertxFactory,
      BiFunction<Vertx, FerryConfig, Future<Integer>> work) {
    Vertx vertx = vertxFactory.get();
    AtomicReference<FerryConfig> loaded = new AtomicReference<>();
    try {
      return ConfigLoader.load(vertx, configFile, overrides)
          .compose(config -> {
            loaded.set(config);
            err.println(configLine(config, configFile));
            return work.apply(vertx, config);
          })
          .toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof FerryException fe) {
        String kind = fe.code() == ErrorCode.CONFIG ? "configuration error: " : "";
        err.println("ferry: " + kind + scrub(fe.getMessage(), loaded.get()));
        return ExitCode.of(fe.code());
      }
      if (cause instanceof org.flywaydb.core.api.FlywayException fe) {
        err.println("ferry: migrations: " + scrub(fe.getMessage(), loaded.get()));
        return ExitCode.FAILED;
      }
      err.println("ferry: " + scrub(String.valueOf(cause), loaded.get()));
      return ExitCode.FAILED;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  /**
   * Which configuration file is in force, first thing: conf/ferry.yaml is looked for in the current folder only, and
   * a command run from elsewhere silently without it (another natural key, other tables) would surprise.
   */
  static String configLine(FerryConfig config, Path asked) {
    if (config.file() != null) {
      return "ferry: configuration " + config.file();
    }
    return asked != null ? "ferry: configuration " + asked : "ferry: configuration: none (no "
        + ConfigLoader.DEFAULT_FILE + " in " + Path.of("").toAbsolutePath() + "; defaults, environment and flags)";
  }

  /**
   * Errors are printed as the libraries worded them: the configured URLs' passwords (also decoded, which no
   * pattern would recognise) are taken out first.
   */
  private static String scrub(String text, FerryConfig config) {
    return (config == null ? Secrets.none() : Secrets.of(config)).scrub(text);
  }
}
