package cn.tongban.gateway;

import cn.tongban.core.Platform;
import cn.tongban.gateway.auth.Authentication;
import cn.tongban.gateway.auth.TokenService;
import cn.tongban.gateway.graphql.GraphQLApi;
import cn.tongban.gateway.http.Problems;
import cn.tongban.gateway.http.RequestContext;
import cn.tongban.gateway.rest.RestApi;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.graphql.GraphQLHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandlerOptions;

import java.util.Map;

/** The HTTP face of the platform: one router for REST (from the contract), GraphQL and the contract documents. */
public final class Gateway {
  private Gateway() {
  }

  /** Builds the router and listens on the configured port. */
  public static Future<HttpServer> start(Vertx vertx, Platform platform) {
    long bodyLimit = platform.config().bodyLimitBytes();
    Handler<RoutingContext> problems = Problems.handler(bodyLimit);
    TokenService tokens = new TokenService(vertx, platform.signingKey(), platform.config().tokenTtlSeconds());
    return vertx.fileSystem().readFile("openapi/tongban.yaml").compose(openapiYaml ->
        RestApi.create(vertx, platform, tokens, openapiYaml.toString(java.nio.charset.StandardCharsets.UTF_8)).map(api -> {
          Router router = Router.router(vertx);
          router.route().handler(RequestContext::begin);
          router.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimit));
          router.route().handler(new Authentication(tokens));
          router.get("/openapi.yaml").handler(rc -> rc.response()
              .putHeader("Content-Type", "application/yaml; charset=utf-8").end(openapiYaml));
          mountGraphQL(vertx, router, platform);
          router.post("/api/v1/auth/token").consumes("application/x-www-form-urlencoded")
              .handler(api.tokenFromForm());
          router.route("/*").subRouter(api.router());
          router.route().failureHandler(problems);
          for (int status : new int[] {400, 404, 405, 406, 413, 415, 500}) {
            router.errorHandler(status, problems);
          }
          return router;
        })).compose(router -> vertx.createHttpServer(new HttpServerOptions()
            .setPort(platform.config().httpPort())
            .setCompressionSupported(true)
            // No h2c upgrade: plain HTTP/1.1 keep-alive behind the balancer (an upgrade request
            // from java.net.http clients once stalled a response here).
            .setHttp2ClearTextEnabled(false)
            .setMaxFormAttributeSize((int) Math.min(Integer.MAX_VALUE, bodyLimit)))
        .requestHandler(router)
        .listen());
  }

  private static void mountGraphQL(Vertx vertx, Router router, Platform platform) {
    GraphQLHandler graphql = GraphQLHandler.builder(GraphQLApi.create(platform))
        .beforeExecute(b -> b.builder().graphQLContext(Map.of("routingContext", b.context())))
        .build();
    GraphiQLHandler graphiql = GraphiQLHandler.create(vertx, new GraphiQLHandlerOptions().setEnabled(true)
        .setGraphQLUri("/graphql"));
    router.route("/graphiql*").subRouter(graphiql.router());
    // A browser asking for /graphql gets GraphiQL; clients get GraphQL over HTTP.
    router.get("/graphql").handler(rc -> {
      String accept = rc.request().getHeader("Accept");
      if (accept != null && accept.contains("text/html")) {
        rc.redirect("/graphiql/");
      } else {
        rc.next();
      }
    });
    router.route("/graphql").handler(graphql);
  }
}
