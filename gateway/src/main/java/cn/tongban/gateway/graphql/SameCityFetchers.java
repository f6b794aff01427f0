package cn.tongban.gateway.graphql;

import cn.tongban.core.Platform;
import cn.tongban.core.agency.SameCityStatistics;
import graphql.schema.idl.RuntimeWiring;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

/** 代办 authorisations and same-city statistics over GraphQL (as rest/SameCityOperations). */
final class SameCityFetchers {
  private SameCityFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    wiring.type("Query", t -> t
            .dataFetcher("authorisations", env -> platform.authorisations().list(caller(env)).map(JsonArray::new))
            .dataFetcher("sameCityStatistics", env -> platform.sameCityStatistics().between(caller(env),
                Optional.ofNullable(env.getArgument("from")), Optional.ofNullable(env.getArgument("to")))
                .map(SameCityStatistics.Figures::toJson)))
        .type("Mutation", t -> t
            .dataFetcher("grantAuthorisation", env -> platform.authorisations().grant(caller(env),
                authorisationInput(json(env, "input")), locale(env)))
            .dataFetcher("revokeAuthorisation", env -> platform.authorisations().revoke(caller(env),
                env.getArgument("id"))));
  }

  /**
   * An authorisation as REST's contract shapes it: text fields only (anything else counts as missing and is
   * reported with its pointer by the service, as over REST).
   */
  private static JsonObject authorisationInput(JsonObject in) {
    JsonObject out = new JsonObject();
    for (String key : List.of("hallCode", "matterCode", "validUntil", "evidence")) {
      if (in.getValue(key) instanceof String text) {
        out.put(key, text);
      }
    }
    if (in.getValue("applicant") instanceof JsonObject applicant) {
      JsonObject a = new JsonObject();
      for (String key : List.of("name", "idNumber")) {
        if (applicant.getValue(key) instanceof String text) {
          a.put(key, text);
        }
      }
      out.put("applicant", a);
    }
    return out;
  }
}
