package cn.tongban.gateway.graphql;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.RateLimits;
import cn.tongban.core.page.Page;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.gateway.http.RequestContext;
import graphql.schema.DataFetchingEnvironment;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** What every fetcher reads from its environment (caller, language, arguments) and the Relay page shape. */
final class Fetch {
  private static final int MAX_PAGE = 100;

  private Fetch() {
  }

  /** The caller: the WebSocket's (authenticated at {@code connection_init}) or the HTTP request's. */
  static Caller caller(DataFetchingEnvironment env) {
    Caller subscriber = env.getGraphQlContext().get(GraphQLApi.CALLER);
    return subscriber != null ? subscriber : RequestContext.requireCaller(routing(env));
  }

  static Locale locale(DataFetchingEnvironment env) {
    RoutingContext rc = routing(env);
    return rc == null ? Messages.DEFAULT : RequestContext.locale(rc);
  }

  /**
   * One public lookup (licence verification, progress by query code) counted against the address's rate: per
   * field, so that aliases count each. On a WebSocket, the socket's client address.
   */
  static Future<Void> publicLookup(DataFetchingEnvironment env, RateLimits limits) {
    RoutingContext rc = routing(env);
    return limits.publicLookup(rc == null ? env.getGraphQlContext().getOrDefault(GraphQLApi.ADDRESS, "unknown")
        : RequestContext.address(rc));
  }

  static RoutingContext routing(DataFetchingEnvironment env) {
    return env.getGraphQlContext().get(GraphQLApi.ROUTING_CONTEXT);
  }

  /** A JSON-scalar argument that must be an object; a GraphQL error (400 problem) otherwise. */
  @SuppressWarnings("unchecked")
  static JsonObject json(DataFetchingEnvironment env, String name) {
    Object value = env.getArgument(name);
    if (!(value instanceof Map)) {
      throw new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", name + ": a JSON object");
    }
    return new JsonObject((Map<String, Object>) value);
  }

  /** The page size asked for, 1–{@value #MAX_PAGE}. */
  static int first(DataFetchingEnvironment env) {
    Integer first = env.getArgument("first");
    if (first == null || first < 1 || first > MAX_PAGE) {
      throw new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", "first: 1–" + MAX_PAGE);
    }
    return first;
  }

  /** A Relay connection of a page. */
  static <T> JsonObject connection(Page<T> page, Function<T, JsonObject> node) {
    JsonArray edges = new JsonArray();
    for (int i = 0; i < page.items().size(); i++) {
      edges.add(new JsonObject().put("cursor", page.cursors().get(i)).put("node", node.apply(page.items().get(i))));
    }
    return new JsonObject().put("edges", edges).put("pageInfo", new JsonObject()
        .put("hasNextPage", page.nextCursor().isPresent()).put("endCursor", page.nextCursor().orElse(
            page.cursors().isEmpty() ? null : page.cursors().get(page.cursors().size() - 1))));
  }
}
