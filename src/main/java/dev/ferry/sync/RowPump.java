package dev.ferry.sync;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Streams a query's rows (all text columns) through a cursor in batches, with at most {@code maxInFlight}
 * batches handed to the sink and not yet finished: the cursor pauses while the sink is behind, so memory stays
 * at about {@code batchSize * (maxInFlight + 1)} rows whatever the table's size. The connection must be in a
 * transaction (a portal outside one vanishes after the first fetch).
 */
final class RowPump {
  private final int batchSize;
  private final int maxInFlight;
  private final Function<List<String[]>, Future<Void>> sink;
  private final BooleanSupplier cancelled;
  private final Promise<Long> done = Promise.promise();

  private RowStream<Row> stream;
  private List<String[]> batch;
  private int inFlight;
  private boolean ended;
  private Throwable failure;
  private long rows;

  private RowPump(int batchSize, int maxInFlight, Function<List<String[]>, Future<Void>> sink,
      BooleanSupplier cancelled) {
    this.batchSize = batchSize;
    this.maxInFlight = maxInFlight;
    this.sink = sink;
    this.cancelled = cancelled;
    this.batch = new ArrayList<>(batchSize);
  }

  /** Runs {@code sql} on {@code conn}; the future holds the number of rows read. */
  static Future<Long> run(SqlConnection conn, String sql, int batchSize, int maxInFlight,
      Function<List<String[]>, Future<Void>> sink, BooleanSupplier cancelled) {
    return run(conn, sql, Tuple.tuple(), batchSize, maxInFlight, sink, cancelled);
  }

  /** As above, with parameters for {@code sql}. */
  static Future<Long> run(SqlConnection conn, String sql, Tuple params, int batchSize, int maxInFlight,
      Function<List<String[]>, Future<Void>> sink, BooleanSupplier cancelled) {
    RowPump pump = new RowPump(batchSize, maxInFlight, sink, cancelled);
    return conn.prepare(sql).compose(ps -> pump.start(ps.createStream(batchSize, params)).eventually(ps::close));
  }

  private Future<Long> start(RowStream<Row> rowStream) {
    stream = rowStream;
    stream.exceptionHandler(this::fail);
    stream.endHandler(v -> {
      ended = true;
      flush();
      finishIfIdle();
    });
    stream.handler(row -> {
      try {
        onRow(row);
      } catch (RuntimeException e) {
        // A failing handler must end the pump, not leave the run waiting on a stream nobody reads.
        fail(e);
      }
    });
    return done.future();
  }

  private void onRow(Row row) {
    if (failure != null) {
      return;
    }
    int n = row.size();
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      values[i] = row.getString(i);
    }
    batch.add(values);
    rows++;
    if (batch.size() >= batchSize) {
      flush();
    }
  }

  private void flush() {
    if (batch.isEmpty() || failure != null) {
      return;
    }
    if (cancelled.getAsBoolean()) {
      fail(Failures.cancelled());
      return;
    }
    List<String[]> full = batch;
    batch = new ArrayList<>(batchSize);
    inFlight++;
    if (inFlight >= maxInFlight && !ended) {
      stream.pause();
    }
    Future<Void> written;
    try {
      written = sink.apply(full);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(ar -> {
      inFlight--;
      if (ar.failed()) {
        fail(ar.cause());
      } else if (!ended && failure == null && inFlight < maxInFlight) {
        stream.resume();
      }
      finishIfIdle();
    });
  }

  private void fail(Throwable err) {
    if (failure == null) {
      failure = err;
      if (!ended) {
        ended = true;
        stream.close();
      }
    }
    finishIfIdle();
  }

  private void finishIfIdle() {
    if (!ended || inFlight > 0) {
      return;
    }
    if (failure != null) {
      done.tryFail(failure);
    } else {
      done.tryComplete(rows);
    }
  }
}
