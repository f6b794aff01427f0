package cn.tongban.gateway.graphql;

import cn.tongban.core.Platform;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.json.JsonArray;

import java.util.Optional;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

/** 12345 work orders over GraphQL (as rest/WorkOrderOperations). */
final class WorkOrderFetchers {
  private WorkOrderFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    var orders = platform.workOrders();
    wiring.type("Query", t -> t
            .dataFetcher("workOrders", env -> orders.list(caller(env), arg(env, "status"), arg(env, "type"),
                arg(env, "departmentCode"), Boolean.TRUE.equals(env.getArgument("overdue")), arg(env, "callerPhone"),
                arg(env, "caseNumber"), Optional.ofNullable(env.<Integer>getArgument("limit")).orElse(50))
                .map(JsonArray::new))
            .dataFetcher("workOrder", env -> orders.get(caller(env), env.getArgument("number")))
            .dataFetcher("workOrderStatistics", env -> orders.statistics(caller(env), arg(env, "from"), arg(env, "to"),
                locale(env)))
            .dataFetcher("hotlineCase", env -> orders.lookupCase(caller(env), env.getArgument("number"),
                env.getArgument("queryCode"), locale(env)))
            .dataFetcher("hotlineCaller", env -> orders.callerHistory(caller(env), env.getArgument("phone"),
                locale(env))))
        .type("Mutation", t -> t
            .dataFetcher("createWorkOrder", env -> orders.create(caller(env), json(env, "input"), locale(env)))
            .dataFetcher("actOnWorkOrder", env -> orders.act(caller(env), env.getArgument("number"),
                json(env, "input"), locale(env))));
  }

  private static Optional<String> arg(graphql.schema.DataFetchingEnvironment env, String name) {
    return Optional.ofNullable(env.getArgument(name));
  }
}
