package dev.ferry.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Flags every command that talks to the databases shares; they override conf/ferry.yaml and the environment. */
public final class ConnectionOptions {
  @Option(names = "--source", paramLabel = "URL",
      description = "Source (local) database URL. Default: FERRY_SOURCE_URL, else DATABASE_URL.")
  String source;

  @Option(names = "--target", paramLabel = "URL",
      description = "Target (production) database URL. Default: FERRY_TARGET_URL, else RAILWAY_DATABASE_URL.")
  String target;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: conf/ferry.yaml if present).")
  Path config;

  Map<String, Object> overrides() {
    Map<String, Object> o = new HashMap<>();
    o.put("source", source);
    o.put("target", target);
    return o;
  }
}
