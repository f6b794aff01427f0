package cn.tongban.core.infra;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where the platform's own series go: Micrometer's process-wide registry, to which the gateway adds the
 * Prometheus registry when metrics are on (TONGBAN_METRICS, docs/operations.md#metrics). With metrics off it
 * holds no registry, every meter is a no-op, and the jobs that only feed metrics (the outbox backlog count) do
 * not run. One registry per process: a node is one process.
 */
public final class Meters {
  private Meters() {
  }

  public static MeterRegistry registry() {
    return Metrics.globalRegistry;
  }

  /** Whether anything collects the series (a registry was added). */
  public static boolean enabled() {
    return !Metrics.globalRegistry.getRegistries().isEmpty();
  }

  /** A timer with a histogram (for Prometheus' {@code histogram_quantile}) and no other tags. */
  public static Timer timer(String name, String description) {
    return Timer.builder(name).description(description).publishPercentileHistogram().register(registry());
  }

  /**
   * The latency buckets of the per-operation timers: a dozen fixed bounds instead of Micrometer's ~70, since
   * these timers exist once per operation and status.
   */
  public static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10)};

  /** A batch-size distribution. */
  public static DistributionSummary sizes(String name, String description) {
    return DistributionSummary.builder(name).description(description).publishPercentileHistogram()
        .maximumExpectedValue(1024.0).register(registry());
  }

  /** Times each pass of {@code pass} with {@code timer}, failed or not. */
  public static Supplier<Future<?>> timed(Timer timer, Supplier<? extends Future<?>> pass) {
    return () -> {
      long start = System.nanoTime();
      return pass.get().andThen(ar -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    };
  }
}
