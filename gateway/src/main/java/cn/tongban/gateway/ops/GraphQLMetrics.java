package cn.tongban.gateway.ops;

import cn.tongban.core.infra.Meters;
import cn.tongban.plugin.Trace;
import graphql.ExecutionResult;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.language.OperationDefinition;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Times each GraphQL operation by its name ({@code tongban_graphql_operations_seconds}) and names it on the
 * request's trace ({@code graphql:Name}) for the logs. Operation names are the client's choice: at most
 * {@value #MAX_NAMES} distinct ones get a series of their own, the rest count as {@code other}.
 */
public final class GraphQLMetrics extends SimplePerformantInstrumentation {
  static final int MAX_NAMES = 100;
  private static final Pattern NAME = Pattern.compile("[_A-Za-z][_0-9A-Za-z]{0,63}");
  private final boolean metrics;
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

  public GraphQLMetrics(boolean metrics) {
    this.metrics = metrics;
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters p,
      InstrumentationState state) {
    OperationDefinition operation = p.getExecutionContext().getOperationDefinition();
    String name = operation.getName() == null || !NAME.matcher(operation.getName()).matches() ? "anonymous"
        : operation.getName();
    Trace trace = Trace.current();
    if (trace != null) {
      trace.operation("graphql:" + name);
    }
    if (!metrics) {
      return null;
    }
    String kind = operation.getOperation().name().toLowerCase(java.util.Locale.ROOT);
    long start = System.nanoTime();
    return SimpleInstrumentationContext.whenCompleted((result, failure) -> {
      boolean ok = failure == null && (result == null || result.getErrors().isEmpty());
      timer(name, kind, ok).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
  }

  private Timer timer(String name, String kind, boolean ok) {
    String key = name + ' ' + kind + ' ' + ok;
    Timer t = timers.get(key);
    if (t != null) {
      return t;
    }
    String tagged = timers.size() >= MAX_NAMES * 4 ? "other" : name;
    return timers.computeIfAbsent(tagged.equals(name) ? key : "other " + kind + ' ' + ok,
        k -> Timer.builder("tongban.graphql.operations").description("GraphQL operations by name, kind and outcome")
            .tag("operation", tagged).tag("type", kind).tag("outcome", ok ? "ok" : "error")
            .serviceLevelObjectives(Meters.LATENCY_BUCKETS).register(Meters.registry()));
  }
}
