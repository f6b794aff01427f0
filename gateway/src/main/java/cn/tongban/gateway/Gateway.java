package cn.tongban.gateway;

import cn.tongban.core.Platform;
import cn.tongban.gateway.auth.Authentication;
import cn.tongban.gateway.auth.OidcEndpoints;
import cn.tongban.gateway.auth.TokenService;
import cn.tongban.gateway.graphql.GraphQLApi;
import cn.tongban.gateway.http.ClientAddress;
import cn.tongban.gateway.http.CrossOrigin;
import cn.tongban.gateway.http.Problems;
import cn.tongban.gateway.http.RequestContext;
import cn.tongban.gateway.http.SecurityHeaders;
import cn.tongban.gateway.ops.RequestObserver;
import cn.tongban.gateway.ops.Telemetry;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.gateway.rest.MaterialOperations;
import cn.tongban.gateway.rest.RestApi;
import graphql.GraphQL;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.graphql.GraphQLHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandlerOptions;
import io.vertx.ext.web.handler.graphql.ws.GraphQLWSHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The HTTP face of the platform: one router for REST (from the contract), GraphQL and the contract
 * documents, served by one verticle instance per core so every event loop takes requests.
 */
public final class Gateway extends VerticleBase {
  private static final String MATERIALS_PATH = "/api/v1/materials";
  private static final GraphiQLHandlerOptions GRAPHIQL = new GraphiQLHandlerOptions().setEnabled(true)
      .setGraphQLUri("/graphql");
  private final Platform platform;
  private final Buffer openapiYaml;
  private final int port;
  private HttpServer server;
  /**
   * Each open GraphQL WebSocket: its token's expiry timer, id, subject and epoch, and for an exchanged token
   * the id of the token it came from (it ends with that one).
   */
  private final Map<ServerWebSocket, Session> sessions = new ConcurrentHashMap<>();

  private record Session(long expiryTimer, String tokenId, String subject, int epoch,
      Optional<String> derivedFrom) {
  }

  private Gateway(Platform platform, Buffer openapiYaml, int port) {
    this.platform = platform;
    this.openapiYaml = openapiYaml;
    this.port = port;
  }

  /** A deployed gateway: its deployment and the port every instance listens on. */
  public record Deployment(String id, int port) {
  }

  /**
   * Deploys one gateway instance per core, all on one port. Vert.x shares a port between instances only
   * when it is a fixed one, so port 0 is resolved to a free port first.
   */
  public static Future<Deployment> deploy(Vertx vertx, Platform platform) {
    int count = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<Gateway> started = new CopyOnWriteArrayList<>();
    return vertx.executeBlocking(() -> {
      java.nio.file.Files.createDirectories(platform.config().dataDir().resolve("uploads"));
      return platform.config().httpPort() == 0 ? freePort() : platform.config().httpPort();
    })
        .compose(port -> vertx.fileSystem().readFile("openapi/tongban.yaml").compose(yaml ->
            vertx.deployVerticle(() -> {
              Gateway g = new Gateway(platform, yaml, port);
              started.add(g);
              return g;
            }, new DeploymentOptions().setInstances(count))))
        .map(id -> new Deployment(id, started.get(0).server.actualPort()));
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public Future<?> start() {
    long bodyLimit = platform.config().bodyLimitBytes();
    Handler<RoutingContext> problems = Problems.handler(bodyLimit, MATERIALS_PATH, platform.materials().limitBytes());
    TokenService tokens = new TokenService(vertx, platform.signingKeys(), platform.config().tokenTtlSeconds());
    SecurityHeaders headers = new SecurityHeaders(GRAPHIQL, platform.config().hstsMaxAgeSeconds());
    ClientAddress addresses = new ClientAddress(platform.config().trustedProxies());
    return RestApi.create(vertx, platform, tokens, openapiYaml.toString(StandardCharsets.UTF_8)).compose(api -> {
      Router router = Router.router(vertx);
      router.route().handler(headers::handle);
      router.route().handler(rc -> RequestContext.begin(rc, addresses));
      TongbanConfig.Observability observe = platform.config().observability();
      boolean metrics = observe.metrics() != TongbanConfig.Observability.Metrics.OFF;
      if (metrics || observe.accessLog()) {
        router.route().handler(new RequestObserver(metrics, observe.accessLog()));
      }
      router.route().handler(new CrossOrigin(platform.config().corsOrigins()));
      // Before authentication: the metrics token is not an access token.
      Telemetry.mount(router, observe);
      Telemetry.probeEventLoopLag(vertx);
      // Material uploads stream to files under the data directory (deleted when answered), within their own
      // limit plus room for the multipart envelope; every other body stays in memory under the body limit.
      router.post(MATERIALS_PATH).handler(BodyHandler.create(platform.config().dataDir().resolve("uploads").toString())
          .setBodyLimit(platform.materials().limitBytes() + 64 * 1024).setDeleteUploadedFilesOnEnd(true));
      // Only methods that carry a body: BodyHandler throws (a 500) on a GET that claims a multipart body.
      router.route().method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH).method(HttpMethod.DELETE)
          .handler(BodyHandler.create(false).setBodyLimit(bodyLimit));
      Authentication authentication = new Authentication(tokens, platform.identity());
      // Before the bearer-token handler: OAuth clients authenticate at these endpoints with HTTP Basic.
      new OidcEndpoints(vertx, platform.oidc(), tokens, authentication, platform.config().oidcUpstream(),
          platform.config().oidcIssuer()).mount(router);
      router.route().handler(authentication);
      MaterialOperations materials = new MaterialOperations(platform.materials());
      router.post(MATERIALS_PATH).consumes("multipart/form-data").handler(Authentication::required)
          .handler(materials::uploadMaterial);
      router.get("/openapi.yaml").handler(rc -> rc.response()
          .putHeader("Content-Type", "application/yaml; charset=utf-8").end(openapiYaml));
      mountGraphQL(router, authentication, addresses);
      router.post("/api/v1/auth/token").consumes("application/x-www-form-urlencoded").handler(api.tokenFromForm());
      router.route("/*").subRouter(api.router());
      // After the API: a request the contract's routes did not take comes here; API calls never walk these.
      mountPages(router);
      router.route().failureHandler(problems);
      for (int status : new int[] {400, 404, 405, 406, 413, 415, 500}) {
        router.errorHandler(status, problems);
      }
      return vertx.createHttpServer(new HttpServerOptions()
              .setPort(port)
              .setCompressionSupported(true)
              // No h2c upgrade: plain HTTP/1.1 keep-alive behind the balancer (an upgrade request
              // from java.net.http clients once stalled a response here).
              .setHttp2ClearTextEnabled(false)
              .addWebSocketSubProtocol("graphql-transport-ws")
              .setMaxFormAttributeSize((int) Math.min(Integer.MAX_VALUE, bodyLimit)))
          .requestHandler(router)
          .invalidRequestHandler(Problems::invalidRequest)
          .listen();
    }).onSuccess(s -> server = s);
  }

  /**
   * The staff console, the public pages and the API documentation (Swagger UI over /openapi.yaml): static
   * files from the jar, clients of the REST and GraphQL APIs like any third-party page; browser libraries
   * from their webjars.
   */
  private static void mountPages(Router router) {
    router.get("/").handler(rc -> rc.redirect("/public/"));
    router.getWithRegex("/(console|public|assets|docs)").handler(rc -> rc.redirect(rc.request().path() + "/"));
    for (String page : List.of("console", "public", "assets", "docs")) {
      // Not cached as immutable: the pages change with every release, unlike the versioned webjars.
      router.get("/" + page + "/*").handler(StaticHandler.create("web/" + page).setCachingEnabled(false)
          .setDefaultContentEncoding("UTF-8"));
    }
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
  }

  private void mountGraphQL(Router router, Authentication authentication, ClientAddress addresses) {
    GraphQL schema = GraphQLApi.create(vertx, platform);
    GraphQLHandler graphql = GraphQLHandler.builder(schema)
        .beforeExecute(b -> b.builder().graphQLContext(Map.of("routingContext", b.context())))
        .build();
    // graphql-transport-ws: the token comes once, in connection_init's payload; a bad one closes the socket,
    // and the connection ends when the token expires — or at once when it is revoked (logout) or superseded
    // (password change, account disabled), on whichever node that happened.
    vertx.eventBus().<JsonObject>consumer(cn.tongban.core.identity.IdentityService.SESSIONS_ENDED, m -> {
      JsonObject ended = m.body();
      sessions.forEach((socket, session) -> {
        if (session.tokenId().equals(ended.getString("tokenId"))
            || session.derivedFrom().filter(id -> id.equals(ended.getString("tokenId"))).isPresent()
            || session.subject().equals(ended.getString("subject"))
            && session.epoch() < ended.getInteger("epoch", Integer.MAX_VALUE)) {
          socket.close((short) 4403, "session ended");
        }
      });
    });
    GraphQLWSHandler subscriptions = GraphQLWSHandler.builder(schema)
        .onConnectionInit(init -> {
          JsonObject payload = init.message().message().getJsonObject("payload", new JsonObject());
          authentication.verify(payload.getString("Authorization", payload.getString("authorization")))
              .<Object>map(token -> {
                ServerWebSocket socket = init.message().socket();
                long left = Math.max(1, token.expiresAt() * 1000 - System.currentTimeMillis());
                sessions.put(socket, new Session(vertx.setTimer(left, id -> socket.close((short) 4401, "token expired")),
                    token.tokenId(), token.caller().subject(), token.epoch(), token.derivedFrom()));
                return token.caller();
              })
              .onComplete(init);
        })
        .onSocketEnd(socket -> {
          Session session = sessions.remove(socket);
          if (session != null) {
            vertx.cancelTimer(session.expiryTimer());
          }
        })
        // Each operation on the socket: its caller, and the client address its rates count (GraphQLApi's SocketRates).
        .beforeExecute(b -> b.builder().graphQLContext(Map.of(GraphQLApi.CALLER, b.context().connectionParams(),
            GraphQLApi.ADDRESS, addresses.of(b.context().socket().remoteAddress(), b.context().socket().headers()))))
        .build();
    GraphiQLHandler graphiql = GraphiQLHandler.create(vertx, GRAPHIQL);
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
    // Over HTTP each operation counts against the caller's and the address's GraphQL rate here, before it is parsed
    // (the WebSocket upgrade never reaches this: each operation started on a socket is counted by SocketRates).
    router.route("/graphql").handler(subscriptions).handler(rc -> platform.rateLimits()
        .graphql(RequestContext.caller(rc), RequestContext.address(rc)).onComplete(ar -> {
          if (ar.succeeded()) {
            rc.next();
          } else {
            rc.fail(ar.cause());
          }
        })).handler(graphql);
  }
}
