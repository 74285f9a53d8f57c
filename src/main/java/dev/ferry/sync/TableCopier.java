package dev.ferry.sync;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableName;
import dev.ferry.plan.TablePlan;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.statements.ReadStatements;
import dev.ferry.statements.TableStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Moves one table's rows: the compare-and-upsert pass, the cycle-link pass, and mirror's delete detection. */
final class TableCopier {
  private static final long PROGRESS_EVERY_MS = 250;

  private final RunContext ctx;
  private final TableRun run;
  private final TablePlan plan;
  private final TableStatements sql;
  private final Counter counter;
  private final IdMap[] rowMaps;
  private final IdMap[] linkMaps;
  private long rowsDone;
  /** What the progress bar counts towards: the table's rows, or the rows a differential pass copies. */
  private long progressTotal = -1;
  private long lastProgress;
  /** Batch round trips since the last progress event (for the latency histogram); reset at each event. */
  private List<Double> batchMillis = new ArrayList<>();
  private final long startedAt = System.nanoTime();

  TableCopier(TableRun run) {
    this.ctx = run.ctx;
    this.run = run;
    this.plan = run.plan;
    this.sql = run.sql();
    this.counter = run.counter;
    this.rowMaps = mapsFor(plan.columns());
    List<Column> linkLayout = new ArrayList<>(plan.keyColumns());
    linkLayout.addAll(plan.deferred());
    this.linkMaps = mapsFor(linkLayout);
  }

  /** For each position of a row layout, the id map that rewrites it, or null. */
  private IdMap[] mapsFor(List<Column> layout) {
    IdMap[] out = new IdMap[layout.size()];
    for (int i = 0; i < out.length; i++) {
      TableName parent = plan.mapped().get(layout.get(i).name());
      if (parent != null) {
        out[i] = ctx.idMaps.computeIfAbsent(parent, p -> new IdMap());
      }
    }
    return out;
  }

  /**
   * Pass 1: every source row, compared on the target and written only where new or different; or, when the
   * target table is empty, plainly inserted. Returns the source digest summed on the way (null in a dry run or
   * without validation).
   */
  Future<StreamDigest> copyRows(SqlConnection target, boolean targetEmpty) {
    boolean dry = ctx.options.dryRun();
    String statement = dry ? (plan.keyed() ? sql.writes().upsertPreview() : null)
        : targetEmpty || !plan.keyed() ? sql.writes().insert() : sql.writes().upsert();
    // Validation will want the source's digest: it comes with the rows (see ReadStatements.selectSourceWithDigest).
    StreamDigest digest = dry || ctx.options.skipValidation() ? null : new StreamDigest();
    int width = plan.columns().size();
    rowsDone = 0;
    return ctx.snapshot.read(src -> RowPump.run(src, digest == null ? sql.reads().selectSource() : sql.reads().selectSourceWithDigest(),
        ctx.batchSize, ctx.config.pipeline(), batch -> {
          if (digest != null) {
            digest.addAll(batch, width);
          }
          return writeBatch(target, statement, batch, width, rowMaps, false, null);
        }, ctx.cancelled::get)).map(rows -> digest);
  }

  /**
   * {@link #copyRows} for a large table: the source is read in key order and the target commits every
   * {@code sync.checkpointRows} rows, recording in {@code cp} the last key committed. Called again with the same
   * checkpoint (the next attempt, same source snapshot), it reads on from that key. Rows after a checkpoint are
   * upserted, never plainly inserted: a COMMIT whose answer was lost may have committed more than recorded.
   */
  Future<StreamDigest> copyRowsCheckpointed(SqlConnection target, boolean targetEmpty, Checkpoint cp) {
    String statement = targetEmpty && !cp.started() ? sql.writes().insert() : sql.writes().upsert();
    boolean validate = !ctx.options.skipValidation();
    StreamDigest digest = !validate ? null : cp.digest == null ? new StreamDigest() : cp.digest.copy();
    int width = plan.columns().size();
    int k = plan.key();
    long[] sinceCommit = {0};
    long[] sent = {cp.rows};
    rowsDone = cp.rows;
    counter.set(cp.committed);
    Tuple after = Tuple.tuple();
    if (cp.started()) {
      for (String v : cp.afterKey) {
        after.addString(v);
      }
    }
    String select = sql.reads().selectSourceInKeyOrder(validate, cp.started());
    return ctx.snapshot.read(src -> RowPump.run(src, select, after, ctx.batchSize, ctx.config.pipeline(), batch -> {
      if (digest != null) {
        digest.addAll(batch, width);
      }
      String[] lastKey = java.util.Arrays.copyOf(batch.get(batch.size() - 1), k); // before ids are rewritten
      Future<Void> written = writeBatch(target, statement, batch, width, rowMaps, false, null);
      sent[0] += batch.size();
      sinceCommit[0] += batch.size();
      if (sinceCommit[0] < ctx.config.checkpointRows()) {
        return written;
      }
      sinceCommit[0] = 0;
      long rows = sent[0];
      StreamDigest upTo = digest == null ? null : digest.copy();
      // Both queued right behind this batch on the same connection, before the next batch can be: the COMMIT
      // covers exactly the rows sent so far, and no batch runs outside a transaction.
      // The target's triggers go back on in the committed state and off again for the next chunk (GIN's pending
      // entries merged likewise).
      TriggerSwitch triggers = TriggerSwitch.of(ctx, List.of(plan.name()));
      GinPending gin = GinPending.of(ctx, List.of(plan.name()));
      Future<?> commit = guarded(target.query(gin.merge() + triggers.on() + "COMMIT").execute());
      Future<?> begin = target.query("BEGIN; " + triggers.off() + gin.raise()).execute();
      Future<Long> xid = target.query("SELECT txid_current()").execute().map(rs -> rs.iterator().next().getLong(0));
      Future<Void> committed = commit.compose(v -> begin).compose(v -> xid).map(x -> {
        run.wrote(x); // the next chunk's transaction
        return null;
      });
      return written.compose(v -> committed).onSuccess(v -> {
        cp.committed(lastKey, rows, counter.counts(), upTo);
        ctx.bus.publish(new ProgressEvent.TableCheckpoint(ctx.runId, plan.name().display(), rows));
      });
    }, ctx.cancelled::get)).map(rows -> digest);
  }

  private <T> Future<T> guarded(Future<T> work) {
    return StallGuard.within(ctx.vertx, ctx.config.stallTimeoutSeconds(), work);
  }

  /**
   * The differential path's write: the source rows of the given keys, read by key from the snapshot, through the
   * same compare-and-upsert as {@link #copyRows}. Returns the digest of the rows as written (their count and summed
   * hashes, from the upsert's own RETURNING: see {@link RangeDiff#targetAfterWrites}); null in a dry run.
   */
  Future<StreamDigest> copyKeys(SqlConnection target, List<String[]> keys) {
    return copyKeys(target, keys, Set.of(), null);
  }

  /**
   * As {@link #copyKeys(SqlConnection, List)}, adding to {@code sourceHashes} the source's hash of each row read
   * whose (one-column) key is in {@code hashed}: rows the comparison did not read (see {@link RangeDiff.Result}).
   */
  Future<StreamDigest> copyKeys(SqlConnection target, List<String[]> keys, Set<String> hashed,
      StreamDigest sourceHashes) {
    rowsDone = 0;
    progressTotal = keys.size();
    List<List<String[]>> slices = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += ctx.batchSize) {
      slices.add(keys.subList(from, Math.min(keys.size(), from + ctx.batchSize)));
    }
    StreamDigest written = ctx.options.dryRun() ? null : new StreamDigest();
    return slices.isEmpty() ? Future.succeededFuture(written)
        : ctx.snapshot.read(src -> copySlices(src, target, slices, written, hashed, sourceHashes)).map(written);
  }

  /**
   * Each slice read, then written as soon as its rows arrive, up to {@code sync.pipeline} slices in flight: the
   * target runs the writes back to back while the client reads and encodes the next ones (one slice read ahead left
   * the target idle ~50 ms per 1,000 wide rows, 2 s of a scale-10 re-sync's 8).
   */
  private Future<Void> copySlices(SqlConnection src, SqlConnection target, List<List<String[]>> slices,
      StreamDigest digest, Set<String> hashed, StreamDigest sourceHashes) {
    String statement = ctx.options.dryRun() ? sql.writes().upsertPreview() : sql.upsertDigested();
    int window = Math.max(1, ctx.config.pipeline());
    List<Future<Void>> written = new ArrayList<>(slices.size());
    for (int i = 0; i < slices.size(); i++) {
      List<String[]> slice = slices.get(i);
      Future<Void> room = i < window ? Future.succeededFuture() : written.get(i - window);
      written.add(room
          .compose(v -> ctx.cancelled.get() ? Future.failedFuture(Failures.cancelled())
              : readRows(src, slice, hashed, sourceHashes))
          .compose(batch -> batch.isEmpty() ? Future.succeededFuture()
              : writeBatch(target, statement, batch, plan.columns().size(), rowMaps, false, digest)));
    }
    return Future.all(written).mapEmpty();
  }

  /**
   * The source rows (every written column, as text) with these keys; the hash of those whose key is in
   * {@code hashed} added to {@code sourceHashes}.
   */
  private Future<List<String[]>> readRows(SqlConnection src, List<String[]> keys, Set<String> hashed,
      StreamDigest sourceHashes) {
    int width = plan.columns().size();
    String query = hashed.isEmpty() ? sql.reads().selectSourceByKeys() : sql.reads().selectSourceByKeysWithDigest();
    return src.preparedQuery(query).execute(columnsOf(keys, plan.key())).map(rs -> {
      List<String[]> rows = new ArrayList<>(rs.size());
      for (Row r : rs) {
        String[] values = new String[width];
        for (int i = 0; i < width; i++) {
          values[i] = r.getString(i);
        }
        if (hashed.contains(values[0])) {
          sourceHashes.add(Long.parseLong(r.getString(width)));
        }
        rows.add(values);
      }
      return rows;
    });
  }

  /** Pass 2: cycle and self-reference columns, now that every row they point at exists. */
  Future<Void> copyLinks(SqlConnection target) {
    String statement = ctx.options.dryRun() ? sql.writes().updateLinksPreview() : sql.writes().updateLinks();
    rowsDone = 0;
    return ctx.snapshot.read(src -> RowPump.run(src, sql.reads().selectSourceLinks(), ctx.batchSize, ctx.config.pipeline(),
        batch -> writeBatch(target, statement, batch, linkMaps.length, linkMaps, true, null), ctx.cancelled::get))
        .mapEmpty();
  }

  /** Writes the first {@code width} values of each row of a batch; adds the written rows' digest to {@code digest}. */
  private Future<Void> writeBatch(SqlConnection target, String statement, List<String[]> batch, int width,
      IdMap[] maps, boolean links, StreamDigest digest) {
    if (!mapIds(batch, maps)) {
      return Future.failedFuture(new IllegalStateException(plan.name().display()
          + ": rows reference " + plan.mapped().values().stream().map(TableName::display).distinct().toList()
          + " rows that are not on the target (did that table fail to sync?)"));
    }
    if (statement == null) { // dry run of a keyless table: counted as a whole elsewhere
      return progress(batch.size(), 0);
    }
    long sent = System.nanoTime();
    return guarded(target.preparedQuery(statement).execute(columnsOf(batch, width))).compose(rs -> {
      batchMillis.add((System.nanoTime() - sent) / 1e6);
      long written;
      if (links) {
        written = ctx.options.dryRun() ? rs.iterator().next().getLong(0) : rs.rowCount();
        counter.linked += written;
      } else if (ctx.options.dryRun()) {
        Row r = rs.iterator().next();
        counter.inserted += r.getLong("inserted");
        counter.updated += r.getLong("updated");
        written = r.getLong("inserted") + r.getLong("updated");
      } else if (rs.columnsNames() != null && rs.columnsNames().contains("written")) {
        Row r = rs.iterator().next();
        written = r.getLong("written");
        long inserted = Math.min(written, r.getLong("inserted"));
        counter.inserted += inserted;
        counter.updated += written - inserted;
        if (digest != null) {
          digest.addAll(StreamDigest.of(written, new java.math.BigInteger(r.getString("digest"))));
        }
      } else {
        written = rs.rowCount();
        counter.inserted += written;
      }
      return progress(batch.size(), written);
    });
  }

  /**
   * Rewrites foreign keys into natural-key tables from source ids to target ids, in place. In a dry run a parent
   * that does not exist yet maps to NULL (the row then counts as new or changed, which it will be).
   */
  private boolean mapIds(List<String[]> batch, IdMap[] maps) {
    for (int col = 0; col < maps.length; col++) {
      IdMap map = maps[col];
      if (map == null) {
        continue;
      }
      for (String[] row : batch) {
        String v = row[col];
        if (v == null) {
          continue;
        }
        String mapped = map.target(v);
        if (mapped == null && !ctx.options.dryRun()) {
          return false;
        }
        row[col] = mapped;
      }
    }
    return true;
  }

  /** A target key in source ids, or null when a remapped column has no source counterpart. */
  String[] toSourceIds(String[] key) {
    String[] out = key.clone();
    for (int i = 0; i < out.length; i++) {
      if (rowMaps[i] != null && out[i] != null) {
        out[i] = rowMaps[i].source(out[i]);
        if (out[i] == null) {
          return null;
        }
      }
    }
    return out;
  }

  private Future<Void> progress(int rows, long written) {
    rowsDone += rows;
    long now = System.nanoTime();
    if (now - lastProgress > PROGRESS_EVERY_MS * 1_000_000L) {
      lastProgress = now;
      publishProgress(rowsDone);
    }
    return Future.succeededFuture();
  }

  void publishProgress(long done) {
    double seconds = (System.nanoTime() - startedAt) / 1e9;
    // No rate until a progress interval has passed: the first batch over a millisecond read as 1,024,000 rows/s.
    double rate = seconds * 1000 < PROGRESS_EVERY_MS ? 0 : done / seconds;
    ctx.bus.publish(new ProgressEvent.TableProgress(ctx.runId, plan.name().display(), done,
        progressTotal >= 0 ? progressTotal : run.sourceRows, counter.inserted + counter.updated + counter.linked,
        rate, batchMillis));
    batchMillis = new ArrayList<>();
  }

  /** Column-major text arrays, one per parameter, from row-major batches. */
  static Tuple columnsOf(List<String[]> batch, int width) {
    Tuple t = Tuple.tuple();
    for (int c = 0; c < width; c++) {
      String[] column = new String[batch.size()];
      for (int r = 0; r < column.length; r++) {
        column[r] = batch.get(r)[c];
      }
      t.addArrayOfString(column);
    }
    return t;
  }
}
