package cn.tongban.bench.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A closed loop: {@code concurrency} workers each send one request, wait for its answer and send the next,
 * for a warm-up and then a measured window. Latencies of successful requests go into a histogram (µs);
 * CPU of the server and of PostgreSQL is sampled at the window's edges.
 */
final class LoadPhase {
  /** What one request of the phase does; its future fails when the answer is not the expected one. */
  interface Request extends LongFunction<Future<?>> {
  }

  /**
   * The processes whose CPU and memory a phase reports (pid -1 = not local / unknown), and the platform JVM's
   * allocation and GC counters (null: not attached).
   */
  record Watched(long serverPid, long postgresPid, JvmStats jvm) {
  }

  /** A measured window. */
  record Result(String name, int concurrency, long ok, long errors, double seconds, Histogram latency,
      double serverCpuSeconds, double postgresCpuSeconds, long serverRssMiB, long allocatedBytes, long gcPauseMillis,
      long gcCount, String firstError) {
    double throughput() {
      return ok / seconds;
    }

    double perThousand(double cpuSeconds) {
      return ok == 0 || cpuSeconds < 0 ? Double.NaN : cpuSeconds * 1000.0 / ok;
    }

    /** The platform's allocation rate in MB (10^6 bytes) a second; NaN when unknown. */
    double allocationMBps() {
      return allocatedBytes < 0 ? Double.NaN : allocatedBytes / 1e6 / seconds;
    }

    /** KiB the platform allocated per successful request; NaN when unknown. */
    double allocationKiBPerRequest() {
      return allocatedBytes < 0 || ok == 0 ? Double.NaN : allocatedBytes / 1024.0 / ok;
    }

    double millis(double percentile) {
      return latency.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  private final Context context;
  private final Watched watched;
  private final Histogram histogram = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean recording;
  private volatile boolean stopping;
  private volatile String firstError;

  LoadPhase(Context context, Watched watched) {
    this.context = context;
    this.watched = watched;
  }

  Result run(String name, int concurrency, Duration warmUp, Duration measure, Request request)
      throws InterruptedException {
    CountDownLatch finished = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      context.runOnContext(v -> next(request, finished));
    }
    Thread.sleep(warmUp.toMillis());
    histogram.reset();
    errors.set(0);
    firstError = null;
    long serverBefore = watched.serverPid() > 0 ? ProcessStats.cpuTicks(watched.serverPid()).orElse(-1) : -1;
    Map<Long, Long> pgBefore = watched.postgresPid() > 0 ? ProcessStats.treeTicks(watched.postgresPid()) : Map.of();
    JvmStats.Snapshot jvmBefore = watched.jvm() == null ? null : watched.jvm().snapshot();
    long begin = System.nanoTime();
    recording = true;
    Thread.sleep(measure.toMillis());
    recording = false;
    double seconds = (System.nanoTime() - begin) / 1e9;
    long serverAfter = watched.serverPid() > 0 ? ProcessStats.cpuTicks(watched.serverPid()).orElse(-1) : -1;
    Map<Long, Long> pgAfter = watched.postgresPid() > 0 ? ProcessStats.treeTicks(watched.postgresPid()) : Map.of();
    JvmStats.Snapshot jvmAfter = watched.jvm() == null ? null : watched.jvm().snapshot();
    long rss = watched.serverPid() > 0 ? ProcessStats.rssMiB(watched.serverPid()) : -1;
    Histogram snapshot = histogram.copy();
    long failed = errors.get();
    stopping = true;
    if (!finished.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": requests still running 60 s after the window closed");
    }
    double serverCpu = serverBefore < 0 || serverAfter < 0 ? -1 : ProcessStats.seconds(serverAfter - serverBefore);
    double pgCpu = pgAfter.isEmpty() ? -1 : ProcessStats.seconds(ProcessStats.delta(pgBefore, pgAfter));
    return new Result(name, concurrency, snapshot.getTotalCount(), failed, seconds, snapshot, serverCpu, pgCpu, rss,
        jvmAfter == null ? -1 : JvmStats.allocated(jvmBefore, jvmAfter),
        jvmAfter == null ? -1 : jvmAfter.gcPauseMillis() - jvmBefore.gcPauseMillis(),
        jvmAfter == null ? -1 : jvmAfter.gcCount() - jvmBefore.gcCount(), firstError);
  }

  private void next(Request request, CountDownLatch finished) {
    if (stopping) {
      finished.countDown();
      return;
    }
    long start = System.nanoTime();
    Future<?> f;
    try {
      f = request.apply(sequence.incrementAndGet());
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      boolean counted = recording;
      if (ar.succeeded()) {
        if (counted) {
          histogram.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
        }
      } else if (counted) {
        errors.incrementAndGet();
        if (firstError == null) {
          firstError = String.valueOf(ar.cause().getMessage());
        }
      }
      // Through the context, so answers that come back at once cannot grow the stack.
      context.runOnContext(v -> next(request, finished));
    });
  }
}
