package cn.tongban.gateway.graphql;

import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationCreateStateParameters;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import io.vertx.core.Future;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * At most {@code inFlight} fetches with fetchers of their own (the database-backed ones) of one operation run
 * at once; the others wait their turn. Without it graphql-java starts every field of a level together, and one
 * request could take every connection of the pool. Plain property reads are not held back.
 */
final class FetchGate extends SimplePerformantInstrumentation {
  private final int inFlight;

  FetchGate(int inFlight) {
    this.inFlight = inFlight;
  }

  /** One operation's running fetches and the ones waiting. */
  private static final class Gate implements InstrumentationState {
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private int running;

    synchronized boolean enter(Runnable start) {
      if (running < limit) {
        running++;
        return true;
      }
      waiting.add(start);
      return false;
    }

    synchronized Runnable leave() {
      Runnable next = waiting.poll();
      if (next == null) {
        running--;
      }
      return next;
    }

    private final int limit;

    Gate(int limit) {
      this.limit = limit;
    }
  }

  @Override
  public CompletableFuture<InstrumentationState> createStateAsync(InstrumentationCreateStateParameters parameters) {
    return CompletableFuture.completedFuture(new Gate(inFlight));
  }

  @Override
  public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> fetcher, InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    if (parameters.isTrivialDataFetcher() || !(state instanceof Gate gate)) {
      return fetcher;
    }
    return env -> {
      CompletableFuture<Object> result = new CompletableFuture<>();
      Runnable start = new Runnable() {
        @Override
        public void run() {
          CompletionStage<?> stage;
          try {
            Object value = fetcher.get(env);
            stage = value instanceof Future<?> f ? f.toCompletionStage()
                : value instanceof CompletionStage<?> s ? s : CompletableFuture.completedFuture(value);
          } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
          }
          stage.whenComplete((value, error) -> {
            Runnable next = gate.leave();
            if (error != null) {
              result.completeExceptionally(error);
            } else {
              result.complete(value);
            }
            if (next != null) {
              next.run();
            }
          });
        }
      };
      if (gate.enter(start)) {
        start.run();
      }
      return result;
    };
  }
}
