package dev.ferry.sync;

import dev.ferry.catalog.IndexInfo;
import dev.ferry.result.Strategy;
import io.vertx.core.Future;
import java.util.List;

/** A table without a key whose target is empty: plain inserts, secondary indexes built after the load. */
final class KeylessLoad implements TableSync {
  private final TableRun run;
  private final List<IndexInfo> later;

  KeylessLoad(TableRun run) {
    this.run = run;
    this.later = EmptyLoad.deferrable(run);
  }

  @Override
  public Strategy strategy() {
    return Strategy.KEYLESS_LOAD;
  }

  @Override
  public String path() {
    return "insert: no key, target table empty" + PathWords.indexes(later);
  }

  @Override
  public Future<CopyOutcome> run() {
    if (run.dryRun()) {
      return Future.succeededFuture(new CopyOutcome(strategy(), path(), new Counts(run.sourceRows, 0, 0, 0),
          Evidence.NONE));
    }
    return run.retried(() -> {
      run.counter.reset();
      return run.transaction(conn -> EmptyLoad.load(run, conn, later));
    }).compose(digest -> run.advanceSequences()
        .map(v -> new CopyOutcome(strategy(), path(), run.counter.counts(), Evidence.streamed(digest))));
  }
}
