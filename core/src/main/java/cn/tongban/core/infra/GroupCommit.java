package cn.tongban.core.infra;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One write statement executed for many callers at once, sharing commits (group commit).
 *
 * <p>While {@code maxInFlight} executions are on their way, new callers queue; when one comes back, everyone
 * queued goes out together as one pipelined batch: a Bind and an Execute per caller and a single Sync, which
 * PostgreSQL runs as one implicit transaction with one commit (one WAL flush) for all of them. Nobody waits
 * for a timer: a caller arriving while fewer than {@code maxInFlight} are on their way goes out at once,
 * alone. Each caller's future completes after that commit, on the caller's own context, so an acknowledged
 * row is as durable as with a statement of its own.
 *
 * <p>The batch is all or nothing. When PostgreSQL refuses it (one caller's row broke a constraint, say), nothing
 * of it was committed, and each caller's statement is executed again on its own, so that only the caller at
 * fault gets the error and the others their rows. When the connection fails instead, nobody can know whether
 * the batch committed: every caller gets the failure, as a statement of its own would have.
 */
public final class GroupCommit {
  private final Pool pool;
  private final String sql;
  private final int maxInFlight;
  private final int maxBatch;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private int inFlight;
  /** Callers per batch (1 when nobody shared the commit): the series shows how much group commit saves. */
  private final io.micrometer.core.instrument.DistributionSummary batches = Meters.sizes("tongban.group.commit.batch",
      "callers sharing one commit of a group-committed statement");

  private record Waiting(Tuple args, Context context, Promise<RowSet<Row>> promise) {
  }

  public GroupCommit(Pool pool, String sql, int maxInFlight, int maxBatch) {
    if (maxInFlight < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("maxInFlight and maxBatch must be at least 1");
    }
    this.pool = pool;
    this.sql = sql;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
  }

  /** Executes the statement with these arguments, alone or with others; its rows once committed. */
  public Future<RowSet<Row>> execute(Tuple args) {
    Promise<RowSet<Row>> promise = Promise.promise();
    List<Waiting> batch = null;
    synchronized (this) {
      queue.add(new Waiting(args, Vertx.currentContext(), promise));
      if (inFlight < maxInFlight) {
        inFlight++;
        batch = take();
      }
    }
    if (batch != null) {
      send(batch);
    }
    return promise.future();
  }

  private List<Waiting> take() {
    List<Waiting> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    return batch;
  }

  private void send(List<Waiting> batch) {
    batches.record(batch.size());
    Future<RowSet<Row>> done = batch.size() == 1 ? pool.preparedQuery(sql).execute(batch.get(0).args())
        : pool.preparedQuery(sql).executeBatch(batch.stream().map(Waiting::args).toList());
    done.onComplete(result -> {
      if (result.succeeded()) {
        RowSet<Row> rows = result.result();
        for (Waiting w : batch) {
          complete(w, Future.succeededFuture(rows));
          rows = rows.next();
        }
      } else if (batch.size() == 1 || !(result.cause() instanceof PgException)) {
        // Alone, or the connection failed: whether the batch committed is unknown, so nobody is tried again
        // behind the callers' backs (each may retry, with its idempotency key).
        for (Waiting w : batch) {
          complete(w, Future.failedFuture(result.cause()));
        }
      } else {
        for (Waiting w : batch) {
          pool.preparedQuery(sql).execute(w.args()).onComplete(alone -> complete(w, alone));
        }
      }
      List<Waiting> next;
      synchronized (this) {
        next = queue.isEmpty() ? null : take();
        if (next == null) {
          inFlight--;
        }
      }
      if (next != null) {
        send(next);
      }
    });
  }

  private static void complete(Waiting w, AsyncResult<RowSet<Row>> result) {
    if (w.context() == null) {
      w.promise().handle(result);
    } else {
      w.context().runOnContext(v -> w.promise().handle(result));
    }
  }
}
