package cn.tongban.gateway.graphql;

import cn.tongban.core.Platform;
import cn.tongban.core.identity.Profile;
import graphql.schema.idl.RuntimeWiring;

import static cn.tongban.gateway.graphql.Fetch.caller;

/**
 * Who the caller is, the departments and the service network over GraphQL (as rest/OrganisationOperations),
 * and the cases whose due dates wait for a year's calendar (as rest/CalendarOperations).
 */
final class OrganisationFetchers {
  private OrganisationFetchers() {
  }

  static void wire(RuntimeWiring.Builder wiring, Platform platform) {
    wiring.type("Query", t -> t
        .dataFetcher("me", env -> platform.organisation().profile(caller(env)).map(Profile::toJson))
        .dataFetcher("halls", env -> Boolean.TRUE.equals(env.getArgument("tree"))
            ? platform.organisation().hallTree() : platform.organisation().halls())
        .dataFetcher("departments", env -> platform.organisation().departments())
        .dataFetcher("provisionalCases", env -> platform.provisionalDueDates().list(caller(env))));
  }
}
