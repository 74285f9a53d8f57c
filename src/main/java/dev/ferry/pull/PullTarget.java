package dev.ferry.pull;

import dev.ferry.config.ConfigException;
import dev.ferry.config.DatabaseUrl;
import java.util.Set;

/** Where a pull may write: a database on this machine (loopback or a Unix socket), unless the user confirms another. */
public final class PullTarget {
  private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

  private PullTarget() {}

  public static boolean onThisMachine(DatabaseUrl url) {
    String host = url.host() == null ? "" : url.host();
    return host.isEmpty() || host.startsWith("/") || LOCAL.contains(host) || host.startsWith("127.");
  }

  /** Refuses a target elsewhere unless {@code confirmed}: a pull overwrites it with production's (masked) rows. */
  public static void check(DatabaseUrl local, DatabaseUrl production, boolean confirmed) {
    if (local.sameDatabase(production)) {
      throw new ConfigException("--source", "the local database and production are the same database ("
          + local.redacted() + "): a pull reads production into a different, local one");
    }
    if (!onThisMachine(local) && !confirmed) {
      throw new ConfigException("--source", "a pull writes into " + local.redacted() + ", which is not on this"
          + " machine (loopback or a Unix socket): add --confirm-remote-target if that database is yours to overwrite");
    }
  }
}
