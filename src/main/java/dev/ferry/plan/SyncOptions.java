package dev.ferry.plan;

import java.util.List;

/** What one sync run was asked to do: the CLI flags, or the body of an API request. */
public record SyncOptions(
    Mode mode,
    boolean dryRun,
    boolean confirmDestructive,
    boolean skipValidation,
    boolean skipIndexes,
    boolean dropExtraIndexes,
    List<String> tables,
    List<String> exclude) {

  public static SyncOptions defaults() {
    return new SyncOptions(Mode.INCREMENTAL, false, false, false, false, false, List.of(), List.of());
  }

  public SyncOptions withMode(Mode m) {
    return new SyncOptions(m, dryRun, confirmDestructive, skipValidation, skipIndexes, dropExtraIndexes, tables, exclude);
  }

  public SyncOptions withDryRun(boolean d) {
    return new SyncOptions(mode, d, confirmDestructive, skipValidation, skipIndexes, dropExtraIndexes, tables, exclude);
  }

  public SyncOptions withConfirm(boolean c) {
    return new SyncOptions(mode, dryRun, c, skipValidation, skipIndexes, dropExtraIndexes, tables, exclude);
  }

  public SyncOptions withTables(List<String> t) {
    return new SyncOptions(mode, dryRun, confirmDestructive, skipValidation, skipIndexes, dropExtraIndexes, t, exclude);
  }

  public SyncOptions withDropExtraIndexes(boolean d) {
    return new SyncOptions(mode, dryRun, confirmDestructive, skipValidation, skipIndexes, d, tables, exclude);
  }

  public SyncOptions withSkips(boolean validation, boolean indexes) {
    return new SyncOptions(mode, dryRun, confirmDestructive, validation, indexes, dropExtraIndexes, tables, exclude);
  }
}
