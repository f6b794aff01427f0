package cn.tongban.gateway.graphql;

import graphql.execution.ExecutionContext;
import graphql.language.Argument;
import graphql.language.Directive;
import graphql.language.Node;
import graphql.language.VariableReference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link QueryLimits}' walk kept per query text, operation name and the values of the variables the walk reads:
 * those of {@code first}/{@code limit} arguments (a list's fan-out) and of directives ({@code @skip}/{@code
 * @include} decide which fields count). Any other variable (a case number, a query code) cannot change the size,
 * so a portal's repeated query is walked once. Bounded like {@link DocumentCache}: texts up to its length, at
 * most {@link DocumentCache#MAX_ENTRIES} of them and {@link #MAX_SIZES_PER_TEXT} variable combinations each; past
 * either the map starts again empty.
 */
final class OperationSizes {
  static final int MAX_SIZES_PER_TEXT = 64;
  private final ConcurrentHashMap<String, Sizing> texts = new ConcurrentHashMap<>();

  /** The variables that can change one text's size, and its sizes by their values. */
  private record Sizing(List<String> variables, ConcurrentHashMap<List<Object>, QueryLimits.Size> sizes) {
  }

  QueryLimits.Size size(ExecutionContext ctx, Function<ExecutionContext, QueryLimits.Size> measure) {
    String query = ctx.getExecutionInput().getQuery();
    if (query == null || query.length() > DocumentCache.MAX_QUERY_CHARS) {
      return measure.apply(ctx);
    }
    Sizing sizing = texts.get(query);
    if (sizing == null) {
      if (texts.size() >= DocumentCache.MAX_ENTRIES) {
        texts.clear();
      }
      sizing = texts.computeIfAbsent(query, q -> new Sizing(List.copyOf(sizingVariables(ctx.getDocument())),
          new ConcurrentHashMap<>()));
    }
    Map<String, Object> values = ctx.getCoercedVariables().toMap();
    List<Object> key = new ArrayList<>(sizing.variables().size() + 1);
    key.add(ctx.getExecutionInput().getOperationName());
    for (String name : sizing.variables()) {
      // Present-and-null and absent are different to a directive's default: both are part of the key.
      key.add(values.containsKey(name) ? Arrays.asList(values.get(name)) : List.of());
    }
    QueryLimits.Size size = sizing.sizes().get(key);
    if (size == null) {
      size = measure.apply(ctx);
      if (sizing.sizes().size() >= MAX_SIZES_PER_TEXT) {
        sizing.sizes().clear();
      }
      sizing.sizes().put(key, size);
    }
    return size;
  }

  /** The names of the variables used in {@code first}/{@code limit} arguments or in directives of a document. */
  static Set<String> sizingVariables(Node<?> document) {
    Set<String> names = new TreeSet<>();
    collect(document, false, names);
    return names;
  }

  private static void collect(Node<?> node, boolean sizing, Set<String> names) {
    if (node instanceof VariableReference v) {
      if (sizing) {
        names.add(v.getName());
      }
      return;
    }
    boolean inside = sizing || node instanceof Directive
        || node instanceof Argument a && ("first".equals(a.getName()) || "limit".equals(a.getName()));
    for (Node<?> child : node.getChildren()) {
      collect(child, inside, names);
    }
  }
}
