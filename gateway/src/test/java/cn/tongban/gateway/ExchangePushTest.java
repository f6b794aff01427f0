package cn.tongban.gateway;

import cn.tongban.plugins.exchange.ExchangePushFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event sinks, received locally: the prefecture city's exchange platform gets every event of a case,
 * signed, in order, even when it refuses the first tries or the gateway restarts mid-delivery; the SMS
 * gateway tells the applicant of each status in Chinese.
 */
class ExchangePushTest {
  private static final String SECRET = "exchange-shared-secret";
  private static final List<JsonObject> RECEIVED = new CopyOnWriteArrayList<>();
  private static final AtomicInteger REFUSE = new AtomicInteger();
  private static final AtomicInteger BAD_SIGNATURES = new AtomicInteger();
  private static Vertx vertx;
  private static HttpServer exchange;
  private static HttpServer sms;
  private static final List<JsonObject> MESSAGES = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> PUBLISHED = new CopyOnWriteArrayList<>();
  private static HttpServer feed;
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    exchange = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (!ExchangePushFactory.sign(SECRET, body.getBytes()).equals(req.getHeader(ExchangePushFactory.SIGNATURE))) {
        BAD_SIGNATURES.incrementAndGet();
      }
      if (REFUSE.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        req.response().setStatusCode(503).end();
        return;
      }
      RECEIVED.add(body.toJsonObject());
      req.response().setStatusCode(202).end();
    })).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    sms = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      MESSAGES.add(body.toJsonObject());
      req.response().setStatusCode(200).end();
    })).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    feed = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      PUBLISHED.add(body.toJsonObject());
      req.response().setStatusCode(201).end();
    })).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gateway = TestGateway.start(Map.ofEntries(
        Map.entry("TONGBAN_PUBLICATION_URL", "http://127.0.0.1:" + feed.actualPort() + "/shuanggongshi"),
        Map.entry("TONGBAN_EXCHANGE_URL", "http://127.0.0.1:" + exchange.actualPort() + "/exchange/events"),
        Map.entry("TONGBAN_EXCHANGE_SECRET", SECRET),
        Map.entry("TONGBAN_RELAY_INTERVAL_MS", "50"),
        Map.entry("TONGBAN_OUTBOX_BACKOFF_MS", "20"),
        Map.entry("TONGBAN_OUTBOX_MAX_ATTEMPTS", "20"),
        // A restart leaves leased events behind: they are due again when the lease runs out.
        Map.entry("TONGBAN_OUTBOX_LEASE_SECONDS", "2"),
        Map.entry("TONGBAN_NOTIFY_URL", "http://127.0.0.1:" + sms.actualPort() + "/sms/send"),
        Map.entry("TONGBAN_PUBLIC_URL", "https://zwfw.xinmi.example")));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void awaitUntil(Duration limit, BooleanSupplier done) {
    TestGateway.awaitUntil(limit, done);
  }

  private static List<String> typesFor(String number) {
    return RECEIVED.stream().filter(b -> b.getJsonObject("PRE_APASINFO") != null
            && number.equals(b.getJsonObject("PRE_APASINFO").getString("PROJID")))
        .map(b -> b.getString("eventType")).distinct().toList();
  }

  @Test
  void everyEventOfACaseArrivesSignedAndInOrderAfterRefusals() throws Exception {
    REFUSE.set(2);
    String number = gateway.submitSample("mzj-elderly-preferential-card");
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    awaitUntil(Duration.ofSeconds(20), () -> typesFor(number).size() == 2);
    assertEquals(List.of("ApplicationSubmitted", "ApplicationAccept"), typesFor(number));
    assertEquals(0, BAD_SIGNATURES.get(), "every request signed with HMAC-SHA256 of its body");
    JsonObject first = RECEIVED.stream().filter(b -> b.getJsonObject("PRE_APASINFO") != null
        && number.equals(b.getJsonObject("PRE_APASINFO").getString("PROJID"))).findFirst().orElseThrow();
    assertEquals("mzj-elderly-preferential-card", first.getJsonObject("PRE_APASINFO").getString("SERVICECODE"));
    assertTrue(first.getString("eventId").length() > 10, "an event id to drop repeats");
  }

  @Test
  void theApplicantIsToldOfEachStatusInChinese() throws Exception {
    String number = gateway.submitSample("mzj-elderly-preferential-card");
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    awaitUntil(Duration.ofSeconds(20), () -> MESSAGES.stream().filter(m -> m.getString("text").contains(number))
        .count() == 2);
    List<JsonObject> mine = MESSAGES.stream().filter(m -> m.getString("text").contains(number)).toList();
    assertTrue(mine.stream().allMatch(m -> "13800138000".equals(m.getString("phone"))), "to the applicant's phone");
    assertEquals("您的办件 " + number + " 已受理，将在承诺时限内办结。", mine.get(1).getString("text"));
  }

  @Test
  void theDeliveryMessageLinksToTheProgressPageToRateTheService() throws Exception {
    HttpResponse<String> submitted = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", "mzj-elderly-preferential-card").put("channel", "WEB")
            .put("data", gateway.sample("mzj-elderly-preferential-card")).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    String number = new JsonObject(submitted.body()).getString("number");
    String code = new JsonObject(submitted.body()).getString("queryCode");
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    TestGateway.ok(gateway.act("reviewer.mzj", number, new JsonObject().put("action", "review-pass")));
    TestGateway.ok(gateway.act("approver.mzj", number, new JsonObject().put("action", "approve")));
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "deliver")
        .put("deliveryMethod", "ELECTRONIC")));
    awaitUntil(Duration.ofSeconds(20), () -> MESSAGES.stream().anyMatch(m -> "ApplicationDeliver"
        .equals(m.getString("template")) && m.getString("text").contains(number)));
    JsonObject delivered = MESSAGES.stream().filter(m -> "ApplicationDeliver".equals(m.getString("template"))
        && m.getString("text").contains(number)).findFirst().orElseThrow();
    String link = "https://zwfw.xinmi.example/public/progress.html#number=" + number + "&code=" + code + "&via=sms";
    assertEquals("您的办件 " + number + " 结果已送达。欢迎对本次服务作出评价（好差评）：" + link,
        delivered.getString("text"));
    assertEquals(link, delivered.getJsonObject("params").getString("link"));
  }

  @Test
  void theApplicantIsToldWhenASpecialProcedureStopsTheClockAndWhenItRunsAgain() throws Exception {
    String number = gateway.submitSample("mzj-elderly-preferential-card");
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    TestGateway.ok(gateway.act("reviewer.mzj", number, new JsonObject().put("action", "suspend")
        .put("procedure", "ON_SITE_CHECK").put("comment", "需现场核查居住情况")));
    TestGateway.ok(gateway.act("reviewer.mzj", number, new JsonObject().put("action", "resume")));
    awaitUntil(Duration.ofSeconds(20), () -> MESSAGES.stream().filter(m -> m.getString("text").contains(number))
        .count() == 4);
    List<String> texts = MESSAGES.stream().filter(m -> m.getString("text").contains(number))
        .map(m -> m.getString("text")).toList();
    assertEquals("您的办件 " + number + " 依法需要特别程序（听证、检验检测、鉴定、专家评审等），所需时间不计入办理时限，"
        + "详见特别程序告知书。", texts.get(2));
    assertEquals("您的办件 " + number + " 特别程序已结束，恢复计算办理时限，办结期限相应顺延。", texts.get(3));
  }

  @Test
  void decisionsArePublishedWithPersonalDataMasked() throws Exception {
    String number = gateway.submitSample("mzj-elderly-preferential-card");
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    TestGateway.ok(gateway.act("reviewer.mzj", number, new JsonObject().put("action", "review-pass")));
    TestGateway.ok(gateway.act("approver.mzj", number, new JsonObject().put("action", "approve")));
    awaitUntil(Duration.ofSeconds(20), () -> PUBLISHED.stream().anyMatch(p -> number.equals(p.getString("number"))));
    JsonObject record = PUBLISHED.stream().filter(p -> number.equals(p.getString("number"))).findFirst()
        .orElseThrow();
    assertEquals("准予", record.getString("decision"));
    assertEquals("张*", record.getString("party"), "the person's name masked");
    assertTrue(!record.encode().contains("11010519491231002X") && !record.encode().contains("13800138000"),
        "no identity number or phone in what is published");
    assertEquals(1, PUBLISHED.stream().filter(p -> number.equals(p.getString("number"))).count(),
        "only the decision is published");
  }

  @Test
  void aRestartMidDeliveryLosesNothing() throws Exception {
    REFUSE.set(1_000_000);
    String number = gateway.submitSample("mzj-elderly-preferential-card");
    awaitUntil(Duration.ofSeconds(20), () -> {
      try {
        return gateway.count("select attempts from outbox_event where aggregate_id = '" + number + "'") >= 1;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    gateway = gateway.restart();
    REFUSE.set(0);
    awaitUntil(Duration.ofSeconds(30), () -> typesFor(number).contains("ApplicationSubmitted"));
  }
}
