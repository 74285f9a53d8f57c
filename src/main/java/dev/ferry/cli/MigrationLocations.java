package dev.ferry.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --locations}, shared by the commands that read migrations; overrides {@code migrations.locations}. */
final class MigrationLocations {
  @Option(names = "--locations", split = ",", paramLabel = "LOCATION",
      description = "Migration locations (filesystem:dir or classpath:dir); default: migrations.locations.")
  List<String> locations;

  Map<String, Object> addTo(Map<String, Object> overrides) {
    overrides.put("migrations.locations", locations == null ? null : String.join(",", locations));
    return overrides;
  }
}
