package dev.ferry.testing;

import dev.ferry.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The PostgreSQL bundled with Ferry, started once for the whole test run when no other server is at hand, in a
 * temporary folder that is removed when the JVM exits.
 */
final class EmbeddedServer {
  private static EmbeddedPostgres server;

  private EmbeddedServer() {}

  static synchronized String url() {
    if (server == null) {
      try {
        Path folder = Files.createTempDirectory("ferry-test-pg-");
        server = EmbeddedPostgres.start(folder, EmbeddedPostgres.Durability.THROWAWAY);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          server.close();
          delete(folder);
        }, "ferry-test-pg-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL for the tests", e);
      }
    }
    return server.server().toLibpqUrl();
  }

  private static void delete(Path folder) {
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not remove " + folder + ": " + e.getMessage());
    }
  }
}
