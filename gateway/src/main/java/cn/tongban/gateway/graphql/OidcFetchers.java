package cn.tongban.gateway.graphql;

import static cn.tongban.gateway.graphql.Fetch.caller;
import static cn.tongban.gateway.graphql.Fetch.json;
import static cn.tongban.gateway.graphql.Fetch.locale;

import cn.tongban.core.Platform;
import graphql.schema.idl.RuntimeWiring;

/** Registered clients and a citizen's allowed portals over GraphQL (as rest/OidcOperations). */
final class OidcFetchers {
  private OidcFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    var oidc = platform.oidc();
    wiring.type("Query", t -> t
            .dataFetcher("oauthClients", env -> oidc.clients(caller(env)))
            .dataFetcher("myAuthorisedPortals", env -> oidc.myPortals(caller(env))))
        .type("Mutation", t -> t
            .dataFetcher("putOAuthClient", env -> oidc.putClient(caller(env), env.getArgument("clientId"),
                json(env, "input"), locale(env)))
            .dataFetcher("rotateSigningKeys", env -> platform.signingKeys().rotate(caller(env)))
            .dataFetcher("revokeAuthorisedPortal", env -> oidc.revokePortal(caller(env), env.getArgument("clientId"))
                .map(true)));
  }
}
