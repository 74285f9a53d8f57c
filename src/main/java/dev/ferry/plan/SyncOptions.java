package dev.ferry.plan;

import dev.ferry.config.OnProductionEdit;
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
    List<String> exclude,
    OnProductionEdit onProductionEdit) {

  public static SyncOptions defaults() {
    return new SyncOptions(Mode.INCREMENTAL, false, false, false, false, false, List.of(), List.of(), null);
  }

  /** @param p the run's policy for rows production changed; null leaves it to the configuration */
  public SyncOptions withOnProductionEdit(OnProductionEdit p) {
    return new SyncOptions(mode, dryRun, confirmDestructive, skipValidation, skipIndexes, dropExtraIndexes, tables,
        exclude, p);
  }

  public SyncOptions withMode(Mode m) {
    return new SyncOptions(m, dryRun, confirmDestructive, skipValidation, skipIndexes, dropExtraIndexes,
        tables, exclude, onProductionEdit);
  }

  public SyncOptions withDryRun(boolean d) {
    return new SyncOptions(mode, d, confirmDestructive, skipValidation, skipIndexes, dropExtraIndexes,
        tables, exclude, onProductionEdit);
  }

  public SyncOptions withConfirm(boolean c) {
    return new SyncOptions(mode, dryRun, c, skipValidation, skipIndexes, dropExtraIndexes,
        tables, exclude, onProductionEdit);
  }

  public SyncOptions withTables(List<String> t) {
    return new SyncOptions(mode, dryRun, confirmDestructive, skipValidation, skipIndexes, dropExtraIndexes,
        t, exclude, onProductionEdit);
  }

  public SyncOptions withExclude(List<String> x) {
    return new SyncOptions(mode, dryRun, confirmDestructive, skipValidation, skipIndexes, dropExtraIndexes,
        tables, x, onProductionEdit);
  }

  public SyncOptions withDropExtraIndexes(boolean d) {
    return new SyncOptions(mode, dryRun, confirmDestructive, skipValidation, skipIndexes, d,
        tables, exclude, onProductionEdit);
  }

  public SyncOptions withSkips(boolean validation, boolean indexes) {
    return new SyncOptions(mode, dryRun, confirmDestructive, validation, indexes, dropExtraIndexes,
        tables, exclude, onProductionEdit);
  }
}
