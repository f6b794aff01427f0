package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live 公安 population adapter behind the prefill, against a stand-in provincial exchange: the form is
 * filled from it, the case records which fields came from it and which the applicant typed, and a slow
 * exchange only leaves the fields empty — the applicant types them and submits as always.
 */
class DataSourcesTest {
  private static final String MATTER = "mzj-advanced-age-allowance";
  private static final AtomicLong DELAY = new AtomicLong();
  private static Vertx vertx;
  private static HttpServer exchange;
  private static TestGateway gateway;
  private static JsonObject sample;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    JsonObject[] record = new JsonObject[1];
    exchange = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      JsonObject answer = "/population/query".equals(req.path()) && "11010519491231002X".equals(
          b.toJsonObject().getString("subjectKey")) ? new JsonObject().put("found", true).put("record", record[0])
          : new JsonObject().put("found", false);
      vertx.setTimer(Math.max(1, DELAY.get()), t -> req.response().putHeader("Content-Type", "application/json")
          .end(answer.encode()));
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gateway = TestGateway.start(Map.of("TONGBAN_SHARING_URL", "http://127.0.0.1:" + exchange.actualPort(),
        "TONGBAN_SHARING_SOURCES", "gongan-population", "TONGBAN_SHARING_TIMEOUT_MS", "500",
        "TONGBAN_SHARING_CACHE_SECONDS", "0", "TONGBAN_SHARING_BREAKER_FAILURES", "100"));
    sample = gateway.sample(MATTER);
    record[0] = new JsonObject().put("householdTownship", sample.getValue("householdTownship"))
        .put("householdVillage", sample.getValue("householdVillage")).put("address", "新密市青屏街街道西大街1号（公安）");
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theCaseRecordsWhichFieldsCameFromTheExchangeAndWhichWereTyped() throws Exception {
    DELAY.set(0);
    JsonObject prefill = TestGateway.ok(gateway.get("citizen", "/api/v1/matters/" + MATTER + "/prefill"));
    JsonObject data = prefill.getJsonObject("data");
    assertEquals("新密市青屏街街道西大街1号（公安）", data.getString("address"), prefill.encode());
    JsonObject sources = prefill.getJsonObject("sources");
    assertEquals(new JsonObject().put("handler", "data-sharing").put("source", "gongan-population")
        .put("via", "exchange-gongan-population"), sources.getJsonObject("householdTownship"));
    assertEquals("profile-prefill", sources.getJsonObject("name").getString("handler"));

    // The applicant keeps what was filled in, except the address, which they type anew.
    JsonObject submitted = sample.copy().mergeIn(data).put("address", "新密市青屏街街道西大街2号");
    HttpResponse<String> r = gateway.post("citizen", "/api/v1/applications", new JsonObject().put("matterCode", MATTER)
        .put("channel", "WEB").put("data", submitted));
    assertEquals(201, r.statusCode(), r.body());
    String number = new JsonObject(r.body()).getString("number");

    JsonObject recorded = TestGateway.ok(gateway.get("citizen", "/api/v1/applications/" + number + "/data-sources"));
    assertTrue(recorded.getBoolean("prefilled"));
    JsonObject from = recorded.getJsonObject("sources");
    assertEquals(new JsonObject().put("handler", "data-sharing").put("source", "gongan-population")
        .put("via", "exchange-gongan-population"), from.getJsonObject("householdTownship"));
    assertEquals(new JsonObject().put("handler", "applicant"), from.getJsonObject("address"), "typed anew");
    assertEquals("profile-prefill", from.getJsonObject("idNumber").getString("handler"));
    assertEquals("applicant", from.getJsonObject("paymentMethod").getString("handler"));
    // Department staff who see the case read it too; a township outside the case's scope does not see it.
    assertEquals(200, gateway.get("reviewer.mzj", "/api/v1/applications/" + number + "/data-sources").statusCode());
    assertEquals(404, gateway.get("clerk.town", "/api/v1/applications/" + number + "/data-sources").statusCode());
    HttpResponse<String> g = gateway.post("citizen", "/graphql", new JsonObject().put("query",
        "query($n: String!) { application(number: $n) { dataSources } }").put("variables", new JsonObject().put("n", number)));
    assertEquals(from, new JsonObject(g.body()).getJsonObject("data").getJsonObject("application")
        .getJsonObject("dataSources").getJsonObject("sources"), g.body());
  }

  @Test
  void aSlowExchangeLeavesTheFieldsToTheApplicantAndNeverBlocksTheSubmission() throws Exception {
    DELAY.set(10_000);
    long start = System.nanoTime();
    JsonObject prefill = TestGateway.ok(gateway.get("citizen", "/api/v1/matters/" + MATTER + "/prefill"));
    long took = (System.nanoTime() - start) / 1_000_000;
    assertTrue(took < 5_000, "the exchange's 10 s are not waited for: " + took + " ms");
    assertFalse(prefill.getJsonObject("data").containsKey("householdTownship"), prefill.encode());
    assertEquals("张三", prefill.getJsonObject("data").getString("name"), "the profile still fills its fields");

    HttpResponse<String> r = gateway.post("citizen", "/api/v1/applications", new JsonObject().put("matterCode", MATTER)
        .put("channel", "WEB").put("data", sample.copy().mergeIn(prefill.getJsonObject("data"))));
    assertEquals(201, r.statusCode(), r.body());
    JsonObject from = TestGateway.ok(gateway.get("citizen", "/api/v1/applications/"
        + new JsonObject(r.body()).getString("number") + "/data-sources")).getJsonObject("sources");
    assertEquals("applicant", from.getJsonObject("householdTownship").getString("handler"), "typed by the applicant");
    assertEquals("profile-prefill", from.getJsonObject("name").getString("handler"));
  }
}
