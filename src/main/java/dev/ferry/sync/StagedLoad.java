package dev.ferry.sync;

import dev.ferry.db.Database;
import dev.ferry.db.SqlState;
import dev.ferry.plan.TablePlan;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A large table that was empty when counted, loaded beside itself and swapped in: its rows go into a new table
 * in the {@code ferry_stage} schema (a copy of its definition) over {@code sync.loadStreams} COPY streams at once,
 * its indexes are built there as many at a time, its constraints added, and then one short transaction takes the
 * table's lock, checks it is still empty, drops it and puts the new one in its place. Other sessions see the empty
 * table until that commit, then the full one with every index and constraint; a failure before it leaves the table
 * as it was (the staging table is dropped). Only for a table nothing else hangs on ({@link StageDefinition#read}); any other
 * goes through {@link CopyLoad}.
 */
final class StagedLoad {
  /** Smaller tables gain less from parallel streams and index builds than the extra steps cost. */
  static final long MIN_ROWS = 100_000;
  private final TableRun run;
  private final CopyLoad copy;
  private final int parallel;
  private StreamDigest targetDigest;
  /**
   * Target sessions a step is done with, for the next step to take rather than connect: a stream's after its commit,
   * an index builder's after its last build. A new session cost the critical path its connection (~40-60 ms between
   * the rows and the first index build, and again before the statistics) and a backend with cold caches.
   */
  private final Queue<Connection> spare = new ConcurrentLinkedQueue<>();

  StagedLoad(TableRun run, CopyLoad copy) {
    this.run = run;
    this.copy = copy;
    this.parallel = run.ctx.config.loadStreams();
  }

  /** Large enough, and building indexes after the load allowed ({@code sync.deferIndexes}). */
  static boolean worthIt(TableRun run) {
    return run.sourceRows >= MIN_ROWS && !run.plan.target().partitioned() && run.ctx.config.deferIndexes();
  }

  /**
   * Loads the table; the source's digest. Fails with {@link StageDefinition.NotStageable} (nothing written) when
   * the table cannot be swapped; the caller then loads it in place.
   */
  Future<StreamDigest> load() {
    RunContext ctx = run.ctx;
    Future<List<Connection>> sessions = streamSessions();
    return ctx.vertx.executeBlocking(this::prepare, false)
        .onFailure(err -> sessions.onSuccess(this::closeAll))
        .compose(stage -> sessions.compose(opened -> streams(stage, opened))
        .compose(digest -> {
          Builds builds = build(stage);
          // The statistics as soon as the indexes are there: ANALYZE only reads, so the digest may still run beside it.
          Future<Void> analyzed = builds.indexes().compose(v -> ctx.vertx.executeBlocking(() -> analyze(stage), false));
          // Both ended before anything else uses or drops the table; a build's failure first, else ANALYZE's.
          return Future.join(analyzed, builds.all()).transform(x -> builds.all().compose(v -> analyzed).map(digest));
        })
        .compose(digest -> ctx.vertx.executeBlocking(() -> finish(stage), false).map(oid -> {
          ctx.swapped.put(run.plan.target().name().sql(), oid);
          return digest;
        }))
        .onSuccess(digest -> {
          ctx.analyzed.add(run.plan.name());
          ctx.note(run.plan.name().display() + ": loaded beside the table over " + stage.sourceRanges().size()
              + " COPY stream(s), its " + stage.indexBuilds().size() + " indexes built " + parallel
              + " at a time and statistics taken there, then swapped in");
        })
        .recover(err -> ctx.vertx.executeBlocking(() -> drop(stage), false).transform(dropped -> {
          if (dropped.failed()) {
            run.warn("could not drop the staging table " + stage.staged() + " (drop it by hand): "
                + ctx.message(dropped.cause()));
          }
          return Future.failedFuture(err);
        })))
        .eventually(() -> closeAll(drain()));
  }

  /** A spare target session, or a new one (blocking: worker threads only). */
  private Connection targetSession() {
    Connection c = spare.poll();
    return c != null ? c : CopyLoad.connect(run.ctx.target);
  }

  private List<Connection> drain() {
    List<Connection> all = new ArrayList<>();
    for (Connection c = spare.poll(); c != null; c = spare.poll()) {
      all.add(c);
    }
    return all;
  }

  /** Reads what must be rebuilt beside the table and creates the staging table (empty, without indexes). */
  private StageDefinition prepare() throws SQLException {
    try (Connection target = CopyLoad.connect(run.ctx.target); Connection source = CopyLoad.connect(run.ctx.source)) {
      StageDefinition stage = StageDefinition.read(target, run.plan);
      stage.splitSource(source, run.plan, parallel);
      try {
        StageDefinition.createSchema(target);
        for (String s : stage.create()) {
          target.createStatement().execute(s);
        }
      } catch (SQLException e) {
        target.createStatement().execute(stage.drop());
        if (SqlState.is(e, SqlState.INSUFFICIENT_PRIVILEGE)) {
          throw new StageDefinition.NotStageable(
              "Ferry's role may not create " + StageDefinition.SCHEMA + " beside it");
        }
        throw e;
      }
      return stage;
    }
  }

  /**
   * A target and a source session for each stream the table will likely be read over, connected while the staging
   * table is prepared rather than after (scale 1: the large table's rows began to move 0.19 s after its staging table
   * was there); {@link #streams} connects any more it needs. All or none: what opened is closed if any could not
   * connect.
   */
  private Future<List<Connection>> streamSessions() {
    RunContext ctx = run.ctx;
    // Split reads need PostgreSQL 14 on the source; fastHash says both servers have it.
    int likely = StageDefinition.mayBeSplit(run.plan, parallel) && ctx.fastHash ? parallel : 1;
    List<Future<Connection>> opening = new ArrayList<>();
    for (int i = 0; i < likely; i++) {
      opening.add(ctx.vertx.executeBlocking(() -> CopyLoad.connect(ctx.target), false));
      opening.add(ctx.vertx.executeBlocking(() -> CopyLoad.connect(ctx.source), false));
    }
    return Future.join(opening).transform(all -> {
      List<Connection> opened = opening.stream().filter(Future::succeeded).map(Future::result).toList();
      if (all.succeeded()) {
        return Future.succeededFuture(opened);
      }
      return closeAll(opened).transform(x -> Future.failedFuture(all.cause()));
    });
  }

  /** Closes sessions no stream will use (on a worker thread: closing a JDBC session writes to its socket). */
  private Future<Void> closeAll(List<Connection> sessions) {
    return sessions.isEmpty() ? Future.succeededFuture() : run.ctx.vertx.executeBlocking(() -> {
      sessions.forEach(Database::closeQuietly);
      return null;
    }, false);
  }

  /**
   * The source's rows over the stage's streams, each one committed transaction on the staging table; {@code
   * sessions} holds a target and a source session for the first streams ({@link #streamSessions}), each closed
   * here; a stream beyond them connects its own.
   */
  private Future<StreamDigest> streams(StageDefinition stage, List<Connection> sessions) {
    RunContext ctx = run.ctx;
    AtomicLong done = new AtomicLong();
    List<Future<StreamDigest>> parts = new ArrayList<>();
    List<String> reads;
    try {
      reads = stage.sourceRanges().stream().map(copy::read).toList();
    } catch (RuntimeException e) {
      return closeAll(sessions).transform(x -> Future.failedFuture(e));
    }
    closeAll(sessions.subList(Math.min(2 * reads.size(), sessions.size()), sessions.size()));
    for (int i = 0; i < reads.size(); i++) {
      String read = reads.get(i);
      Connection targetSession = 2 * i < sessions.size() ? sessions.get(2 * i) : null;
      Connection sourceSession = 2 * i < sessions.size() ? sessions.get(2 * i + 1) : null;
      parts.add(ctx.vertx.executeBlocking(() -> {
        Connection target = targetSession != null ? targetSession : CopyLoad.connect(ctx.target);
        try (Connection source = sourceSession != null ? sourceSession : CopyLoad.connect(ctx.source)) {
          Statement tgt = target.createStatement();
          tgt.execute("BEGIN");
          try {
            copy.wroteWith(tgt);
            StreamDigest part = copy.copy(source, target, read, "COPY " + stage.staged() + " (" + stage.columns()
                + ") FROM STDIN" + copy.format(), done);
            target.setNetworkTimeout(Runnable::run, copy.stallMillis()); // an unanswered COMMIT is a lost connection
            tgt.execute("COMMIT");
            target.setNetworkTimeout(Runnable::run, 0); // an index build takes as long as it takes
            spare.add(target);
            return part;
          } catch (SQLException | RuntimeException e) {
            CopyLoad.rollback(tgt);
            throw e;
          }
        } catch (SQLException | RuntimeException e) {
          Database.closeQuietly(target);
          throw e;
        }
      }, false));
    }
    return Future.join(parts).map(all -> {
      StreamDigest sum = StreamDigest.of(0, BigInteger.ZERO);
      parts.forEach(p -> sum.addAll(p.result()));
      return copy.loaded(sum);
    });
  }

  /** A staged table's builds: its indexes, and those with its digest. */
  private record Builds(Future<Void> indexes, Future<Void> all) {}

  /**
   * Every index, slow kinds first, and the table's digest (for validation) in the shadow of the slowest: {@code
   * parallel} sessions, each taking the next job as it is free (a session each, not a connection per job: far from
   * the target, every connection costs round trips).
   */
  private Builds build(StageDefinition stage) {
    RunContext ctx = run.ctx;
    if (ctx.cancelled.get()) {
      Future<Void> cancelled = Future.failedFuture(Failures.cancelled());
      return new Builds(cancelled, cancelled);
    }
    Queue<String> jobs = new ConcurrentLinkedQueue<>(stage.indexBuilds());
    String digest = ctx.options.skipValidation() ? null : run.sql().digests().targetDigestOf(stage.staged());
    if (digest != null) {
      jobs.add(digest);
    }
    AtomicInteger indexesLeft = new AtomicInteger(stage.indexBuilds().size());
    Promise<Void> indexes = Promise.promise();
    if (indexesLeft.get() == 0) {
      indexes.complete();
    }
    List<Future<StreamDigest>> sessions = new ArrayList<>();
    int count = Math.min(parallel, jobs.size());
    for (int i = 0; i < count; i++) {
      sessions.add(ctx.vertx.executeBlocking(() -> {
        StreamDigest summed = null;
        Connection target = targetSession();
        try (Statement s = target.createStatement()) {
          s.execute("SET maintenance_work_mem = '" + CopyLoad.INDEX_BUILD_MEMORY + "'");
          if (count > 1) {
            // The sessions are the parallelism: a btree build's workers would take the cores of the builds beside it,
            // among them the slowest, which cannot use workers (a GIN index builds 4.3 s beside them, 3.5 s without).
            s.execute("SET max_parallel_maintenance_workers = 0");
          }
          for (String job = jobs.poll(); job != null; job = jobs.poll()) {
            if (job.equals(digest)) {
              try (ResultSet rs = s.executeQuery(job)) {
                rs.next();
                summed = StreamDigest.of(rs.getLong("n"), new BigInteger(rs.getString("digest")));
              }
            } else {
              s.execute(job);
              if (indexesLeft.decrementAndGet() == 0) {
                indexes.tryComplete();
              }
            }
          }
        } catch (SQLException | RuntimeException e) {
          jobs.clear(); // the load has failed: the other session stops after its current job
          indexes.tryFail(e);
          Database.closeQuietly(target);
          throw e;
        }
        spare.add(target);
        return summed;
      }, false));
    }
    Future<Void> all = Future.join(sessions).transform(x -> {
      for (Future<StreamDigest> f : sessions) {
        if (f.failed()) {
          return Future.failedFuture(f.cause());
        }
        if (f.result() != null) {
          targetDigest = f.result();
        }
      }
      return Future.succeededFuture();
    });
    return new Builds(indexes.future(), all);
  }

  /** The staging table's statistics, once its indexes are built (ANALYZE's lock waits for index builds). */
  private Void analyze(StageDefinition stage) throws SQLException {
    Connection target = targetSession();
    try (Statement tgt = target.createStatement()) {
      tgt.execute("ANALYZE " + stage.staged());
    } catch (SQLException | RuntimeException e) {
      Database.closeQuietly(target);
      throw e;
    }
    spare.add(target);
    return null;
  }

  /** The staged table's digest, summed before the swap (the swap moves the same rows); null without validation. */
  StreamDigest targetDigest() {
    return targetDigest;
  }

  /**
   * On one session, once the statistics are taken and the digest summed: the constraints that use its indexes, then,
   * in one transaction, the table's lock, still empty, dropped, and the staging table in its place. Returns the
   * table's new oid and column slots.
   */
  private String finish(StageDefinition stage) throws SQLException {
    RunContext ctx = run.ctx;
    TablePlan plan = run.plan;
    try (Connection target = targetSession()) {
      Statement tgt = target.createStatement();
      for (String s : stage.constraints()) {
        tgt.execute(s);
      }
      if (ctx.cancelled.get()) {
        throw Failures.cancelled();
      }
      tgt.execute("BEGIN");
      try {
        CopyLoad.lockEmpty(tgt, plan);
        stage.checkUnchanged(target);
        for (String s : stage.swap()) {
          try {
            tgt.execute(s);
          } catch (SQLException e) {
            if (SqlState.is(e, SqlState.DEPENDENT_OBJECTS_STILL_EXIST)) {
              throw new StageDefinition.NotStageable("other objects depend on it: " + SqlState.message(e));
            }
            throw e;
          }
        }
        String oid;
        try (ResultSet rs = tgt.executeQuery("SELECT c.oid || ':' || c.relnatts FROM pg_class c WHERE c.oid = '"
            + plan.target().name().sql().replace("'", "''") + "'::regclass")) {
          rs.next();
          oid = rs.getString(1);
        }
        tgt.execute("COMMIT");
        return oid;
      } catch (SQLException | RuntimeException e) {
        CopyLoad.rollback(tgt);
        throw e;
      }
    }
  }

  private Void drop(StageDefinition stage) throws SQLException {
    try (Connection target = targetSession()) {
      target.createStatement().execute(stage.drop());
    }
    return null;
  }
}
