package cn.tongban.gateway.graphql;

import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.ExecuteObjectInstrumentationContext;
import graphql.execution.instrumentation.FieldFetchingInstrumentationContext;
import graphql.execution.instrumentation.Instrumentation;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentation;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionStrategyParameters;
import graphql.execution.instrumentation.parameters.InstrumentationFieldCompleteParameters;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.execution.instrumentation.parameters.InstrumentationFieldParameters;

import java.util.List;

/**
 * The platform's instrumentations chained, asking each per-field and per-object hook only of the instrumentations
 * that implement it. {@link ChainedInstrumentation} asks all of them on every field (and builds a list of their
 * contexts each time) although none of ours looks at a field's execution, fetch or completion — only at its data
 * fetcher: on a catalogue page of ten matters that was a tenth of a GraphQL read's CPU. Which hooks anyone
 * implements is decided once, from the classes; a hook somebody implements goes through the chain as before.
 */
final class LeanChain extends ChainedInstrumentation {
  private final boolean fieldExecution;
  private final boolean fieldFetch;
  private final boolean fieldFetching;
  private final boolean fieldCompletion;
  private final boolean fieldListCompletion;
  private final boolean executeObject;

  LeanChain(List<Instrumentation> chain) {
    super(chain);
    fieldExecution = anyImplements(chain, "beginFieldExecution", InstrumentationFieldParameters.class);
    fieldFetch = anyImplements(chain, "beginFieldFetch", InstrumentationFieldFetchParameters.class);
    fieldFetching = anyImplements(chain, "beginFieldFetching", InstrumentationFieldFetchParameters.class);
    fieldCompletion = anyImplements(chain, "beginFieldCompletion", InstrumentationFieldCompleteParameters.class);
    fieldListCompletion = anyImplements(chain, "beginFieldListCompletion",
        InstrumentationFieldCompleteParameters.class);
    executeObject = anyImplements(chain, "beginExecuteObject", InstrumentationExecutionStrategyParameters.class);
  }

  /** Whether an instrumentation of the chain has its own {@code hook}, not the no-op of the interface or its bases. */
  static boolean anyImplements(List<Instrumentation> chain, String hook, Class<?> parameters) {
    for (Instrumentation i : chain) {
      try {
        Class<?> declaring = i.getClass().getMethod(hook, parameters, InstrumentationState.class).getDeclaringClass();
        if (declaring != Instrumentation.class && declaring != SimplePerformantInstrumentation.class
            && declaring != SimpleInstrumentation.class) {
          return true;
        }
      } catch (NoSuchMethodException e) {
        return true;
      }
    }
    return false;
  }

  @Override
  public InstrumentationContext<Object> beginFieldExecution(InstrumentationFieldParameters parameters,
      InstrumentationState state) {
    return fieldExecution ? super.beginFieldExecution(parameters, state) : SimpleInstrumentationContext.noOp();
  }

  @Override
  public InstrumentationContext<Object> beginFieldFetch(InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    return fieldFetch ? super.beginFieldFetch(parameters, state) : SimpleInstrumentationContext.noOp();
  }

  @Override
  public FieldFetchingInstrumentationContext beginFieldFetching(InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    // The interface's beginFieldFetching calls beginFieldFetch: both must be unimplemented to skip it.
    return fieldFetching || fieldFetch ? super.beginFieldFetching(parameters, state)
        : FieldFetchingInstrumentationContext.NOOP;
  }

  @Override
  public InstrumentationContext<Object> beginFieldCompletion(InstrumentationFieldCompleteParameters parameters,
      InstrumentationState state) {
    return fieldCompletion ? super.beginFieldCompletion(parameters, state) : SimpleInstrumentationContext.noOp();
  }

  @Override
  public InstrumentationContext<Object> beginFieldListCompletion(InstrumentationFieldCompleteParameters parameters,
      InstrumentationState state) {
    return fieldListCompletion ? super.beginFieldListCompletion(parameters, state)
        : SimpleInstrumentationContext.noOp();
  }

  @Override
  public ExecuteObjectInstrumentationContext beginExecuteObject(InstrumentationExecutionStrategyParameters parameters,
      InstrumentationState state) {
    return executeObject ? super.beginExecuteObject(parameters, state) : ExecuteObjectInstrumentationContext.NOOP;
  }

  /** For tests: the hooks the chain skips because nobody implements them. */
  List<String> skipped() {
    List<String> out = new java.util.ArrayList<>();
    if (!fieldExecution) {
      out.add("beginFieldExecution");
    }
    if (!fieldFetch && !fieldFetching) {
      out.add("beginFieldFetching");
    }
    if (!fieldCompletion) {
      out.add("beginFieldCompletion");
    }
    if (!fieldListCompletion) {
      out.add("beginFieldListCompletion");
    }
    if (!executeObject) {
      out.add("beginExecuteObject");
    }
    return out;
  }
}
