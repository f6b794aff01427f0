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
import java.util.function.Function;

/**
 * One multi-row write statement executed for many callers at once, sharing one execution and one commit
 * (group commit).
 *
 * <p>The statement takes a whole batch: {@code pack} turns the callers' arguments into its parameters (arrays
 * with one element per caller, which the statement unnests {@code with ordinality}), and every row it returns
 * starts with the 1-based position of the caller it belongs to (a {@code bigint} or {@code int} column), so each
 * caller gets its own rows whatever order PostgreSQL returns them in — or none. A batch of one is the same
 * statement with arrays of one element: there is one SQL rule, not a one-row and a many-row one.
 *
 * <p>While {@code maxInFlight} executions are on their way, new callers queue; when one comes back, everyone
 * queued (up to {@code maxBatch}) goes out together as one execution of the statement, one implicit transaction
 * with one commit (one WAL flush). PostgreSQL plans and runs one statement for all of them instead of one per
 * caller. Nobody waits for a timer: a caller arriving while fewer than {@code maxInFlight} are on their way goes
 * out at once, alone. Each caller's future completes after that commit, on the caller's own context, so an
 * acknowledged row is as durable as with a statement of its own.
 *
 * <p>The batch is all or nothing. When PostgreSQL refuses it (one caller's row broke a constraint, say), nothing
 * of it was committed, and each caller is executed again on its own (a batch of one), so that only the caller at
 * fault gets the error and the others their rows. When the connection fails instead, nobody can know whether
 * the batch committed: every caller gets the failure, as a statement of its own would have.
 *
 * @param <A> one caller's arguments
 */
public final class GroupCommit<A> {
  private final Pool pool;
  private final String sql;
  private final Function<List<A>, Tuple> pack;
  private final int maxInFlight;
  private final int maxBatch;
  private final ArrayDeque<Waiting<A>> queue = new ArrayDeque<>();
  private int inFlight;
  /** Callers per batch (1 when nobody shared the commit): the series shows how much group commit saves. */
  private final io.micrometer.core.instrument.DistributionSummary batches = Meters.sizes("tongban.group.commit.batch",
      "callers sharing one commit of a group-committed statement");

  private record Waiting<A>(A args, Context context, Promise<List<Row>> promise) {
  }

  public GroupCommit(Pool pool, String sql, Function<List<A>, Tuple> pack, int maxInFlight, int maxBatch) {
    if (maxInFlight < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("maxInFlight and maxBatch must be at least 1");
    }
    this.pool = pool;
    this.sql = sql;
    this.pack = pack;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
  }

  /** Executes the statement for these arguments, alone or with others; the rows it returned for them, once committed. */
  public Future<List<Row>> execute(A args) {
    Promise<List<Row>> promise = Promise.promise();
    List<Waiting<A>> batch = null;
    synchronized (this) {
      queue.add(new Waiting<>(args, Vertx.currentContext(), promise));
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

  /** Callers waiting for an execution slot (for tests that make batches form). */
  public synchronized int queued() {
    return queue.size();
  }

  private List<Waiting<A>> take() {
    List<Waiting<A>> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    return batch;
  }

  private Future<RowSet<Row>> run(List<Waiting<A>> batch) {
    List<A> args = new ArrayList<>(batch.size());
    for (Waiting<A> w : batch) {
      args.add(w.args());
    }
    return pool.preparedQuery(sql).execute(pack.apply(args));
  }

  private void send(List<Waiting<A>> batch) {
    batches.record(batch.size());
    run(batch).onComplete(result -> {
      if (result.succeeded()) {
        List<List<Row>> mine = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          mine.add(new ArrayList<>(1));
        }
        for (Row row : result.result()) {
          mine.get((int) (row.getLong(0) - 1)).add(row);
        }
        for (int i = 0; i < batch.size(); i++) {
          complete(batch.get(i), Future.succeededFuture(mine.get(i)));
        }
      } else if (batch.size() == 1 || !(result.cause() instanceof PgException)) {
        // Alone, or the connection failed: whether the batch committed is unknown, so nobody is tried again
        // behind the callers' backs (each may retry, with its idempotency key).
        for (Waiting<A> w : batch) {
          complete(w, Future.failedFuture(result.cause()));
        }
      } else {
        for (Waiting<A> w : batch) {
          run(List.of(w)).onComplete(alone -> complete(w, alone.map(rows -> {
            List<Row> out = new ArrayList<>(1);
            rows.forEach(out::add);
            return out;
          })));
        }
      }
      List<Waiting<A>> next;
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

  private static <A> void complete(Waiting<A> w, AsyncResult<List<Row>> result) {
    if (w.context() == null) {
      w.promise().handle(result);
    } else {
      w.context().runOnContext(v -> w.promise().handle(result));
    }
  }
}
