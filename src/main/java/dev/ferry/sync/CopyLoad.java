package dev.ferry.sync;

import dev.ferry.catalog.IndexInfo;
import dev.ferry.db.Database;
import dev.ferry.plan.TablePlan;
import dev.ferry.statements.BinaryCopy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * {@link EmptyLoad}'s transaction done with COPY: the source's rows stream into the target as COPY text through
 * {@link CopyPipe}, never decoded, on JDBC sessions on worker threads (the reactive client has no COPY). The same
 * guarantees as the inserts: one target transaction takes the table's lock, checks it is still empty, drops the
 * deferrable indexes, loads, builds them again and commits, so other sessions see the empty, indexed table until
 * the commit shows them the full, indexed one; any failure rolls back to where it was. {@link StagedLoad} uses its
 * streams too.
 */
final class CopyLoad {
  /** Memory for each index build: the server's default (64 MB) makes a large GIN build flush to disk repeatedly. */
  static final String INDEX_BUILD_MEMORY = "256MB";
  /** Id rewrites a COPY carries at most (some MB of statement); a table needing more is inserted instead. */
  static final int MAX_REWRITES = 100_000;
  private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

  private final TableRun run;
  private final List<IndexInfo> later;
  private final Context context;
  /** Rows travel as binary COPY (see {@link BinaryCopy}). */
  private final boolean binary;
  private long lastProgress;

  CopyLoad(TableRun run, List<IndexInfo> later) {
    this.run = run;
    this.later = later;
    this.context = run.ctx.vertx.getOrCreateContext();
    this.binary = BinaryCopy.fits(run.plan);
  }

  /** The source's COPY of the rows {@code where} picks (empty: all), with their hashes unless validation is off. */
  String read(String where) {
    return run.sql().reads().copySource(!run.ctx.options.skipValidation(), rewrites(), where, binary);
  }

  /** COPY's options for the target: its format. */
  String format() {
    return BinaryCopy.option(binary);
  }

  /**
   * Whether the table's rows can pass through COPY: no cycle columns (those go in later, by a second pass), and
   * at most {@link #MAX_REWRITES} ids of each id-mapped parent to rewrite (they travel inside the statement).
   */
  static boolean copyable(TableRun run) {
    TablePlan plan = run.plan;
    return plan.deferred().isEmpty() && plan.mapped().values().stream().allMatch(parent -> {
      IdMap map = run.ctx.idMaps.get(parent);
      return map != null && map.differing() <= MAX_REWRITES;
    });
  }

  /** Per id-mapped column, the source ids its parent's rows got other ids for on the target. */
  Map<String, Map<String, String>> rewrites() {
    Map<String, Map<String, String>> out = new HashMap<>();
    run.plan.mapped().forEach((column, parent) -> out.put(column, run.ctx.idMaps.get(parent).differences()));
    return out;
  }

  /** Loads the table in place; the source's digest, or null without validation. */
  Future<StreamDigest> load() {
    RunContext ctx = run.ctx;
    int[] pid = {0};
    String read = read("");
    return ctx.vertx.executeBlocking(() -> {
      try (Connection target = connect(ctx.target); Connection source = connect(ctx.source)) {
        return transaction(source, target, read, pid);
      }
    }, false).recover(err -> TargetTransaction.endLost(ctx, pid[0], err)).map(this::loaded);
  }

  /** On the run's context, after the rows are in: the step's counts and last progress. */
  StreamDigest loaded(StreamDigest digest) {
    run.counter.inserted = digest.rows();
    run.copier().publishProgress(digest.rows());
    return run.ctx.options.skipValidation() ? null : digest;
  }

  static Connection connect(Database db) {
    try {
      return db.jdbc();
    } catch (SQLException e) {
      throw db.describe(e);
    }
  }

  private StreamDigest transaction(Connection source, Connection target, String read, int[] pid) throws SQLException {
    RunContext ctx = run.ctx;
    TablePlan plan = run.plan;
    TriggerSwitch triggers = TriggerSwitch.of(ctx, List.of(plan.name()));
    Statement tgt = target.createStatement();
    try {
      tgt.execute("BEGIN");
      pid[0] = wroteWith(tgt);
      if (!triggers.none()) {
        try {
          tgt.execute(triggers.off());
        } catch (SQLException e) {
          throw asRuntime(TriggerSwitch.explain(e));
        }
      }
      lockEmpty(tgt, plan);
      for (IndexInfo i : later) {
        tgt.execute(IndexDeferral.drop(plan, i));
      }
      StreamDigest digest = copy(source, target, read, run.sql().writes().copyInto(binary), new AtomicLong());
      if (!later.isEmpty()) {
        tgt.execute("SET LOCAL maintenance_work_mem = '" + INDEX_BUILD_MEMORY + "'");
        for (IndexInfo i : later) {
          tgt.execute(i.definition());
        }
      }
      target.setNetworkTimeout(Runnable::run, stallMillis());
      tgt.execute(triggers.on() + "COMMIT");
      return digest;
    } catch (SQLException | RuntimeException e) {
      rollback(tgt);
      throw e;
    }
  }

  /**
   * In a target transaction: the table's lock (see {@link IndexDeferral#lockStatements}), and fails with
   * {@link IndexDeferral.NotEmpty} when rows appeared since it was counted.
   */
  static void lockEmpty(Statement tgt, TablePlan plan) throws SQLException {
    for (String s : IndexDeferral.lockStatements(plan)) {
      tgt.execute(s);
    }
    try (ResultSet rs = tgt.executeQuery(IndexDeferral.emptyCheck(plan))) {
      if (rs.next() && rs.getBoolean(1)) {
        throw new IndexDeferral.NotEmpty();
      }
    }
  }

  /** In a target transaction just begun: its id goes to the step (a claim covers its rows); returns the backend. */
  int wroteWith(Statement tgt) throws SQLException {
    try (ResultSet rs = tgt.executeQuery("SELECT pg_backend_pid(), txid_current()")) {
      rs.next();
      long xid = rs.getLong(2);
      context.runOnContext(v -> run.wrote(xid));
      return rs.getInt(1);
    }
  }

  /**
   * {@code read} from the run's source snapshot into {@code copyIn} on the target's open transaction, each side's
   * socket timing out after the stall timeout; {@code done} counts rows over every stream of the table.
   */
  StreamDigest copy(Connection source, Connection target, String read, String copyIn, AtomicLong done)
      throws SQLException {
    RunContext ctx = run.ctx;
    Statement src = source.createStatement();
    src.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    src.execute(ctx.snapshot.importStatement());
    source.setNetworkTimeout(Runnable::run, stallMillis());
    target.setNetworkTimeout(Runnable::run, stallMillis());
    boolean hashed = !ctx.options.skipValidation();
    StreamDigest digest = new StreamDigest();
    CopyIn into = target.unwrap(PGConnection.class).getCopyAPI().copyIn(copyIn);
    try {
      CopyOut from = source.unwrap(PGConnection.class).getCopyAPI().copyOut(read);
      long[] counted = {0};
      CopyRows rows = binary ? new BinaryCopyRows(BinaryCopy.jsonbAsText(run.plan), hashed) : CopyRows.text(hashed);
      long copied = CopyPipe.run(from, into, digest, rows, ctx.cancelled::get, n -> {
        progress(done.addAndGet(n - counted[0]));
        counted[0] = n;
      });
      done.addAndGet(copied - counted[0]);
      into.endCopy();
      src.execute("ROLLBACK");
      // Index builds send nothing until done, however long they take: no timeout for them.
      target.setNetworkTimeout(Runnable::run, 0);
      return digest;
    } finally {
      if (into.isActive()) {
        cancel(into);
      }
    }
  }

  /** Offers the table's rows so far to the run's context, four times a second at most. */
  private synchronized void progress(long rows) {
    long now = System.nanoTime();
    if (now - lastProgress > PROGRESS_EVERY_NANOS) {
      lastProgress = now;
      context.runOnContext(v -> {
        run.counter.inserted = rows;
        run.copier().publishProgress(rows);
      });
    }
  }

  int stallMillis() {
    return (int) TimeUnit.SECONDS.toMillis(run.ctx.config.stallTimeoutSeconds());
  }

  /** Ends an unfinished COPY (the transaction then rolls back); on a lost connection there is nothing to end. */
  private static void cancel(CopyIn into) {
    try {
      into.cancelCopy();
    } catch (SQLException lost) {
      // the error that got here is the one to report
    }
  }

  static void rollback(Statement tgt) {
    try {
      tgt.execute("ROLLBACK");
    } catch (SQLException lost) {
      // The connection is gone; its transaction ends with it (or is ended by TargetTransaction.endLost).
    }
  }

  private static RuntimeException asRuntime(Throwable t) {
    return t instanceof RuntimeException r ? r : new IllegalStateException(t.getMessage(), t);
  }
}
