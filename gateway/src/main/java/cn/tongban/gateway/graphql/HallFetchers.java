package cn.tongban.gateway.graphql;

import cn.tongban.core.Platform;
import cn.tongban.core.outbox.OutboxRelay;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

/** 大厅服务 over GraphQL (as rest/HallOperations): slots, appointments, the queue, pre-registration intake. */
final class HallFetchers {
  private HallFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Vertx vertx, Platform platform) {
    wiring.type("Subscription", t -> t.dataFetcher("hallQueue", env -> {
      String hall = env.getArgument("hallCode");
      // Each ticket event of the hall (aggregate id <hall>/<day>/<number>) sends the board as it is now.
      return new EventStream(vertx, OutboxRelay.ADDRESS, event -> "ticket".equals(event.getString("aggregateType"))
          && event.getString("aggregateId", "").startsWith(hall + "/")
          ? platform.queue().board(hall).map(Optional::of) : Future.succeededFuture(Optional.empty()));
    }));
    wiring.type("Query", t -> t
            .dataFetcher("hallSlots", env -> platform.appointments().slots(env.getArgument("hallCode"),
                env.getArgument("matterCode"), env.getArgument("date")))
            .dataFetcher("appointments", env -> platform.appointments().list(caller(env),
                Optional.ofNullable(env.getArgument("date"))).map(JsonArray::new))
            .dataFetcher("hallQueue", env -> platform.queue().board(env.getArgument("hallCode")))
            .dataFetcher("hallGuide", env -> platform.hallDuty().guide(env.getArgument("hallCode")))
            .dataFetcher("homeVisits", env -> platform.homeVisits().list(caller(env)).map(JsonArray::new))
            .dataFetcher("hallAssessment", env -> platform.queue().assessment(caller(env), env.getArgument("hallCode"),
                Optional.ofNullable(env.getArgument("from")), Optional.ofNullable(env.getArgument("to")))))
        .type("Mutation", t -> t
            .dataFetcher("bookAppointment", env -> platform.appointments().book(caller(env), json(env, "input"),
                locale(env)))
            .dataFetcher("requestHomeVisit", env -> platform.homeVisits().request(caller(env), json(env, "input"),
                locale(env)))
            .dataFetcher("callNextTicket", env -> platform.queue().callNext(caller(env), env.getArgument("hallCode"),
                new JsonObject().put("windowCode", env.getArgument("windowCode")), locale(env)))
            .dataFetcher("convertPreRegistration", env -> platform.preRegistrations().convert(caller(env),
                env.getArgument("number"), env.getArgument("ticketNumber") == null ? new JsonObject()
                    : new JsonObject().put("ticketNumber", env.getArgument("ticketNumber")), locale(env))));
  }
}
