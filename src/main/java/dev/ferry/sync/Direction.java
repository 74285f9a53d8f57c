package dev.ferry.sync;

import dev.ferry.pull.SubsetSpec;

/**
 * Which way a run goes. A push (the default) writes the local source into production. A pull reads production
 * (the run's source) into a local database (its target): production's sessions are read-only, its reads go through
 * the data rules ({@code rules:}), and nothing is recorded there: history, claims and backups live in the local
 * database.
 *
 * @param salt   the secret the pull's masks hash with ({@code FERRY_MASK_SALT}); null for a push or when unset
 * @param subset which of production's rows a pull takes
 */
public record Direction(boolean pull, String salt, SubsetSpec subset) {
  public static final Direction PUSH = new Direction(false, null, SubsetSpec.ALL);

  public static Direction pull(String salt) {
    return new Direction(true, salt, SubsetSpec.ALL);
  }

  public static Direction pull(String salt, SubsetSpec subset) {
    return new Direction(true, salt, subset);
  }

  /** The masks' salt from the environment ({@code FERRY_MASK_SALT}); null when unset or blank. */
  public static String saltFromEnvironment() {
    String salt = System.getenv("FERRY_MASK_SALT");
    return salt == null || salt.isBlank() ? null : salt;
  }

  /** The run's mode as the history and the dashboard name it: {@code pull} in front of a pull's. */
  public String label(String mode) {
    return pull ? "pull " + mode : mode;
  }

  @Override
  public String toString() {
    return pull ? "pull" : "push"; // never the salt
  }
}
