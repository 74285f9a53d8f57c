package dev.ferry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Where this machine keeps the PostgreSQL server programs (initdb, pg_ctl, postgres), if anywhere. */
final class PostgresBinaries {
  private static final Path DEBIAN_LAYOUT = Path.of("/usr/lib/postgresql");

  private PostgresBinaries() {}

  /** The newest /usr/lib/postgresql/VERSION/bin (Debian, Ubuntu), else what {@code pg_config --bindir} says. */
  static Optional<Path> find() {
    Optional<Path> newest = newestDebianBinDir();
    return newest.isPresent() ? newest : fromPgConfig();
  }

  static String whereLooked() {
    return DEBIAN_LAYOUT + "/*/bin and `pg_config --bindir`";
  }

  private static Optional<Path> newestDebianBinDir() {
    if (!Files.isDirectory(DEBIAN_LAYOUT)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(DEBIAN_LAYOUT)) {
      return versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .sorted(Comparator.comparingDouble((Path v) -> Double.parseDouble(v.getFileName().toString())).reversed())
          .map(v -> v.resolve("bin"))
          .filter(PostgresBinaries::hasServerPrograms)
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> fromPgConfig() {
    if (!ExternalCommand.works(List.of("pg_config", "--bindir"))) {
      return Optional.empty();
    }
    String dir = ExternalCommand.run(Path.of("."), Duration.ofSeconds(10), List.of("pg_config", "--bindir")).trim();
    return Optional.of(Path.of(dir)).filter(PostgresBinaries::hasServerPrograms);
  }

  /** pg_config may belong to a client-only install: the server programs must really be there. */
  private static boolean hasServerPrograms(Path bin) {
    return Stream.of("initdb", "pg_ctl", "postgres", "psql").allMatch(p -> Files.isExecutable(bin.resolve(p)));
  }
}
