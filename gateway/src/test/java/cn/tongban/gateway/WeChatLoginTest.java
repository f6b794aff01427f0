package cn.tongban.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WeChat mini-program sign-in against a code2session endpoint of WeChat's shape, served locally (this
 * machine cannot reach WeChat): unknown codes are refused, a code is linked to a verified citizen, then signs in.
 */
class WeChatLoginTest {
  private static Vertx vertx;
  private static HttpServer code2session;
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    code2session = vertx.createHttpServer().requestHandler(req -> {
      String code = req.getParam("js_code");
      boolean ours = "wx-app".equals(req.getParam("appid")) && "wx-secret".equals(req.getParam("secret"))
          && "authorization_code".equals(req.getParam("grant_type"));
      JsonObject answer = ours && code != null && code.startsWith("good-")
          ? new JsonObject().put("openid", "o-" + code.substring(5)).put("session_key", "k")
          : new JsonObject().put("errcode", 40029).put("errmsg", "invalid code");
      req.response().putHeader("Content-Type", "application/json").end(answer.encode());
    }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gateway = TestGateway.start(Map.of("TONGBAN_WECHAT_CODE2SESSION_URL",
        "http://127.0.0.1:" + code2session.actualPort() + "/sns/jscode2session", "TONGBAN_WECHAT_APPID", "wx-app",
        "TONGBAN_WECHAT_SECRET", "wx-secret"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> signIn(String code) throws Exception {
    return gateway.send("POST", "/api/v1/auth/wechat", new JsonObject().put("code", code).encode(),
        "Content-Type", "application/json");
  }

  @Test
  void aVerifiedCitizenLinksTheirWeChatAndSignsInWithIt() throws Exception {
    HttpResponse<String> notLinked = signIn("good-zhangsan");
    assertEquals(401, notLinked.statusCode());
    assertEquals(401, signIn("expired").statusCode(), "an invalid code");
    assertEquals(204, gateway.send("POST", "/api/v1/auth/wechat/bind", new JsonObject().put("code", "good-zhangsan")
        .encode(), "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json")
        .statusCode());
    HttpResponse<String> linked = signIn("good-zhangsan");
    assertEquals(200, linked.statusCode(), linked.body());
    String token = new JsonObject(linked.body()).getString("access_token");
    JsonObject mine = new JsonObject(gateway.send("GET", "/api/v1/applications", null, "Authorization",
        "Bearer " + token).body());
    assertEquals(0, mine.getJsonArray("items").size(), "signed in as the citizen (no cases yet)");
    assertEquals(403, gateway.send("POST", "/api/v1/auth/wechat/bind", new JsonObject().put("code", "good-clerk")
        .encode(), "Authorization", "Bearer " + gateway.token("clerk"), "Content-Type", "application/json")
        .statusCode(), "only citizens link WeChat");
  }

  @Test
  void withAWeChatAppConfiguredTheDemoPlatformsLoginCodesAreRefusedAsProblemJson() throws Exception {
    // This gateway is in demo mode, but has a WeChat app: the demo stand-in is off and demo-<x> is no code.
    HttpResponse<String> refused = signIn("demo-citizen");
    assertEquals(401, refused.statusCode(), refused.body());
    assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    JsonObject problem = new JsonObject(refused.body());
    assertEquals("invalid-credentials", problem.getString("code"));
    assertTrue(problem.getString("detail").contains("演示平台"), problem.encode());
  }
}
