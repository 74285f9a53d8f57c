package dev.ferry.schema;

import dev.ferry.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The migrations folder on disk: where {@code diff --write-migration} puts the next versioned file. */
public final class MigrationFiles {
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)(?:[._]\\d+)*__.*\\.sql");

  private MigrationFiles() {}

  /** The first filesystem location: the folder new migrations are written to. */
  public static Path folder(List<String> locations) {
    return locations.stream().filter(l -> l.startsWith("filesystem:")).findFirst()
        .map(l -> Path.of(l.substring("filesystem:".length())))
        .orElseThrow(() -> new ConfigException("migrations.locations",
            "no filesystem: location to write migrations to (got " + locations + ")"));
  }

  /**
   * Writes {@code V<highest major version + 1>__<name>.sql}, above both the folder's files and {@code known} (the
   * highest version in any location or applied: {@code Migrations.highestVersion}); blocking (a worker thread).
   */
  public static Path writeNext(List<String> locations, String name, String sql, BigInteger known) {
    String slug = name.trim().toLowerCase().replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    if (slug.isEmpty()) {
      throw new ConfigException("--write-migration", "give the migration a name made of letters or digits");
    }
    Path dir = folder(locations);
    try {
      Files.createDirectories(dir);
      BigInteger next = known.add(BigInteger.ONE);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Matcher m = VERSIONED.matcher(p.getFileName().toString());
          if (m.matches()) {
            next = next.max(new BigInteger(m.group(1)).add(BigInteger.ONE));
          }
        }
      }
      Path file = dir.resolve("V" + next + "__" + slug + ".sql");
      Files.writeString(file, sql, java.nio.file.StandardOpenOption.CREATE_NEW);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the migration in " + dir + ": " + e.getMessage(), e);
    }
  }
}
