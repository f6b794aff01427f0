package example;

import cn.tongban.client.ApiClient;
import cn.tongban.client.ApiProblem;
import cn.tongban.client.api.AuthApi;
import cn.tongban.client.model.TokenRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The portal quick start (docs/quickstart-portal.md): a third-party portal signs in with its client credentials,
 * acts for a signed-in citizen by token exchange, and uses GraphQL with the operations of docs/examples/portal —
 * the catalogue, a matter's guide, a submission, its progress, the citizen's licences — and follows the case
 * over a subscription.
 */
public final class PortalQuickStart {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String baseUrl;
  private final Path operations;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AuthApi auth;

  public PortalQuickStart(String baseUrl, Path operations) {
    this.baseUrl = baseUrl;
    this.operations = operations;
    ApiClient client = new ApiClient();
    client.updateBaseUri(baseUrl);
    this.auth = new AuthApi(client);
  }

  /** The portal's own token (client credentials): what it may do as itself, e.g. read the catalogue. */
  public String portalToken(String clientId, String clientSecret) {
    return ApiProblem.call(() -> auth.issueToken(new TokenRequest().grantType("client_credentials")
        .clientId(clientId).clientSecret(clientSecret))).getAccessToken();
  }

  /** A token for acting for the citizen whose token the portal was given (RFC 8693 token exchange). */
  public String actFor(String clientId, String clientSecret, String citizenToken) {
    return ApiProblem.call(() -> auth.issueToken(new TokenRequest()
        .grantType("urn:ietf:params:oauth:grant-type:token-exchange").clientId(clientId).clientSecret(clientSecret)
        .subjectToken(citizenToken).subjectTokenType("urn:ietf:params:oauth:token-type:access_token")))
        .getAccessToken();
  }

  /** Runs one operation file of docs/examples/portal; GraphQL errors are thrown with their problem. */
  public JsonNode graphql(String token, String operationFile, Map<String, ?> variables) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("query", Files.readString(operations.resolve(operationFile)));
    body.set("variables", JSON.valueToTree(variables));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/graphql"))
        .header("Content-Type", "application/json").header("Accept-Language", "zh-CN")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    JsonNode answer = JSON.readTree(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
    if (answer.path("errors").size() > 0) {
      JsonNode first = answer.path("errors").get(0);
      throw new IllegalStateException(first.path("extensions").path("code").asText("graphql-error") + ": "
          + first.path("message").asText());
    }
    return answer.path("data");
  }

  /**
   * Subscribes to the citizen's case events (graphql-transport-ws) and completes with the first event's
   * {@code type} once it arrives; {@code ready} completes when the server acknowledged the subscription.
   */
  public CompletableFuture<JsonNode> nextEvent(String token, CompletableFuture<Void> ready) throws Exception {
    CompletableFuture<JsonNode> event = new CompletableFuture<>();
    String subscription = Files.readString(operations.resolve("application-events.graphql"));
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          try {
            JsonNode message = JSON.readTree(text.toString());
            text.setLength(0);
            switch (message.path("type").asText()) {
              case "connection_ack" -> {
                ObjectNode subscribe = JSON.createObjectNode().put("id", "1").put("type", "subscribe");
                subscribe.putObject("payload").put("query", subscription).putObject("variables");
                socket.sendText(subscribe.toString(), true);
                // The server subscribes on receipt; a ping round trip after it tells us it has.
                socket.sendText("{\"type\":\"ping\"}", true);
              }
              case "pong" -> ready.complete(null);
              case "next" -> {
                event.complete(message.path("payload").path("data").path("applicationEvents"));
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
              }
              case "error" -> event.completeExceptionally(new IllegalStateException(message.toString()));
              default -> { }
            }
          } catch (Exception e) {
            event.completeExceptionally(e);
          }
        }
        socket.request(1);
        return null;
      }
    };
    http.newWebSocketBuilder().subprotocols("graphql-transport-ws")
        .buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + "/graphql"), listener)
        .thenAccept(socket -> socket.sendText(JSON.createObjectNode().put("type", "connection_init")
            .set("payload", JSON.createObjectNode().put("Authorization", "Bearer " + token)).toString(), true));
    return event;
  }

  /**
   * The whole quick start: {@code args} = base URL, the operations folder, the portal's client id and secret, and
   * a citizen's access token (given to the portal by its sign-in).
   */
  public static void main(String[] args) throws Exception {
    PortalQuickStart portal = new PortalQuickStart(args[0], Path.of(args[1]));
    String portalToken = portal.portalToken(args[2], args[3]);
    JsonNode catalogue = portal.graphql(portalToken, "catalogue.graphql",
        Map.of("filter", Map.of("q", "老年"), "first", 5));
    JsonNode first = catalogue.path("matters").path("edges").path(0).path("node");
    check(!first.isMissingNode(), "the catalogue lists 老年 matters");
    JsonNode guide = portal.graphql(portalToken, "matter-guide.graphql", Map.of("code", first.path("code").asText()))
        .path("matter");
    check(guide.path("materials").isArray(), "the guide lists materials");

    String acting = portal.actFor(args[2], args[3], args[4]);
    CompletableFuture<Void> subscribed = new CompletableFuture<>();
    CompletableFuture<JsonNode> event = portal.nextEvent(acting, subscribed);
    subscribed.get(30, TimeUnit.SECONDS);

    Map<String, Object> input = Map.of("matterCode", guide.path("code").asText(), "channel", "WEB",
        "data", JSON.convertValue(guide.path("form").path("schema").path("examples").path(0), Map.class),
        "idempotencyKey", UUID.randomUUID().toString());
    JsonNode submitted = portal.graphql(acting, "submit.graphql", Map.of("input", input)).path("submitApplication");
    check(submitted.path("violations").size() == 0, "the sample is valid: " + submitted.path("violations"));
    JsonNode application = submitted.path("application");
    System.out.println("submitted " + application.path("number").asText());

    JsonNode progress = portal.graphql(acting, "progress.graphql", Map.of("number",
        application.path("number").asText(), "queryCode", application.path("queryCode").asText()));
    check("SUBMITTED".equals(progress.path("application").path("status").asText()), "the case is submitted");
    JsonNode licences = portal.graphql(acting, "licences.graphql", Map.of()).path("licences");
    check(licences.isArray(), "the citizen's licences are listed");

    JsonNode happened = event.get(60, TimeUnit.SECONDS);
    check(application.path("number").asText().equals(happened.path("number").asText()),
        "the subscription tells of the new case: " + happened);
    System.out.println("event " + happened.path("type").asText() + " of " + happened.path("number").asText());
  }

  private static void check(boolean holds, String what) {
    if (!holds) {
      throw new IllegalStateException("quick start: expected " + what);
    }
  }
}
