package cn.tongban.gateway.graphql;

import cn.tongban.core.Platform;
import graphql.schema.idl.RuntimeWiring;

import java.util.Optional;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.locale;

/** E-licences over GraphQL: one's own, one by identifier, public verification (as rest/LicenceOperations). */
final class LicenceFetchers {
  private LicenceFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    wiring.type("Query", t -> t
        .dataFetcher("licences", env -> platform.licences().mine(caller(env),
            Optional.ofNullable(env.getArgument("typeName"))))
        .dataFetcher("licence", env -> platform.licences().get(caller(env), env.getArgument("identifier"))
            .map(platform.licences()::toJson))
        .dataFetcher("verifyLicence", env -> Fetch.publicLookup(env, platform.rateLimits())
            .compose(v -> platform.licences().verify(Optional.ofNullable(env.getArgument("payload")),
                Optional.ofNullable(env.getArgument("identifier")), locale(env)))));
  }
}
