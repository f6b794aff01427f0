package cn.tongban.gateway.graphql;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

import cn.tongban.core.Platform;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.json.JsonObject;

/** 主动提醒 over GraphQL (as rest/ReminderOperations). */
final class ReminderFetchers {
  private ReminderFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    var reminders = platform.reminders();
    wiring.type("Query", t -> t
            .dataFetcher("reminderRules", env -> reminders.rules(caller(env)))
            .dataFetcher("myReminders", env -> reminders.myReminders(caller(env)))
            .dataFetcher("myReminderTopics", env -> reminders.myTopics(caller(env))))
        .type("Mutation", t -> t
            .dataFetcher("putReminderRule", env -> reminders.putRule(caller(env), env.getArgument("code"),
                json(env, "input"), locale(env)))
            .dataFetcher("setReminderOptOut", env -> reminders.setOptOut(caller(env), env.getArgument("topic"),
                new JsonObject().put("optedOut", env.<Boolean>getArgument("optedOut")), locale(env))));
  }
}
