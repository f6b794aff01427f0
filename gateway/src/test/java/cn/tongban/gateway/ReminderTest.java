package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 主动提醒: rules as data (administrators), reminders sent once per person and occasion — a second pass, a
 * second node scanning at the same time and a later pass never send one twice —, each through the outbox to
 * the notification sink with a link to the matter's form, and opting out per topic.
 */
class ReminderTest {
  private static final MutableClock CLOCK = MutableClock.at("2026-12-07T09:00:00");
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final List<JsonObject> NOTIFIED = new CopyOnWriteArrayList<>();
  private static Vertx vertx;
  private static HttpServer notifyGateway;
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    // The SMS / mini-program message gateway, standing in: records what the notification sink sends it.
    vertx = Vertx.vertx();
    notifyGateway = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      NOTIFIED.add(b.toJsonObject());
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_REMINDER_INTERVAL_SECONDS", "0",
        "TONGBAN_HALL_JOB_INTERVAL_SECONDS", "0",
        "TONGBAN_NOTIFY_URL", "http://127.0.0.1:" + notifyGateway.actualPort() + "/notify"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void rulesAreDataAdministratorsKeep() throws Exception {
    JsonObject rules = TestGateway.ok(gateway.get("admin", "/api/v1/reminder-rules"));
    List<String> codes = rules.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("code")).toList();
    assertTrue(codes.containsAll(List.of("disability-card-expiry", "advanced-age-annual-review", "advanced-age-80")),
        codes.toString());
    JsonObject age = rules.getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(r -> r.getString("code").equals("advanced-age-80")).findFirst().orElseThrow();
    assertEquals(80, age.getInteger("age"));
    assertEquals("mzj-advanced-age-allowance", age.getString("matterCode"));

    assertEquals(403, gateway.get("citizen", "/api/v1/reminder-rules").statusCode());
    assertEquals(403, put("clerk", "/api/v1/reminder-rules/t-rule", expiryRule()).statusCode());
    // Every problem at once, at its pointer.
    HttpResponse<String> bad = put("admin", "/api/v1/reminder-rules/t-rule", new JsonObject().put("kind", "AGE_REACHED")
        .put("topic", "benefit-eligibility").put("title", "t").put("message", "m").put("matterCode", "mzj-advanced-age-allowance")
        .put("daysBefore", new JsonArray().add(-1)));
    assertEquals(422, bad.statusCode(), bad.body());
    List<String> pointers = new JsonObject(bad.body()).getJsonArray("violations").stream()
        .map(o -> ((JsonObject) o).getString("pointer")).toList();
    assertTrue(pointers.containsAll(List.of("/age", "/daysBefore")), pointers.toString());
    HttpResponse<String> noMatter = put("admin", "/api/v1/reminder-rules/t-rule", expiryRule().put("matterCode", "no-such"));
    assertEquals(422, noMatter.statusCode(), noMatter.body());
    assertTrue(noMatter.body().contains("/matterCode"), noMatter.body());

    JsonObject saved = TestGateway.ok(put("admin", "/api/v1/reminder-rules/t-rule", expiryRule().put("enabled", false)));
    assertEquals(List.of(60, 30), saved.getJsonArray("daysBefore").getList());
    assertEquals(false, saved.getBoolean("enabled"));
    // GraphQL reads the same rules, and only administrators.
    JsonObject gql = graphql("admin", "{ reminderRules }");
    assertTrue(gql.getJsonObject("data").getJsonObject("reminderRules").encode().contains("t-rule"));
    assertEquals("FORBIDDEN", graphql("citizen", "{ reminderRules }").getJsonArray("errors").getJsonObject(0)
        .getJsonObject("extensions").getString("code").toUpperCase().replace('-', '_'));
  }

  @Test
  void aReminderIsSentOncePerPersonAndOccasionAcrossPassesAndNodes() throws Exception {
    // The bundled rule disability-card-expiry (残疾人证, valid 10 years: 60 and 30 days before) and a 年审 rule.
    TestGateway.ok(put("admin", "/api/v1/reminder-rules/t-disability-review", new JsonObject()
        .put("kind", "ANNUAL_REVIEW").put("topic", "annual-review").put("title", "残疾人证年审")
        .put("message", "请在{date}前完成年审。").put("matterCode", "cjl-disability-certificate")
        .put("daysBefore", new JsonArray().add(30))));
    CLOCK.set("2026-12-07T09:00:00");
    JsonObject licence = gateway.approvedDisabilityCertificate();
    LocalDate validUntil = LocalDate.parse(licence.getString("validUntil"));
    LocalDate decided = LocalDate.parse("2026-12-07");
    long before = reminders("citizen").size();

    // 年审: ten days before the approval's first anniversary.
    CLOCK.set(decided.plusYears(1).minusDays(10) + "T09:00:00");
    assertEquals(1, scan(gateway));
    assertEquals(0, scan(gateway), "the second pass finds it sent");
    JsonObject review = reminders("citizen").getJsonObject(0);
    assertEquals("t-disability-review", review.getString("ruleCode"));
    assertEquals(decided.plusYears(1).toString(), review.getString("dueOn"));
    // Disabled by the administrator: no more 年审 reminders from it (it would be due again each year).
    TestGateway.ok(put("admin", "/api/v1/reminder-rules/t-disability-review", new JsonObject()
        .put("kind", "ANNUAL_REVIEW").put("topic", "annual-review").put("title", "残疾人证年审")
        .put("message", "请在{date}前完成年审。").put("matterCode", "cjl-disability-certificate")
        .put("daysBefore", new JsonArray().add(30)).put("enabled", false)));

    // 50 days before the licence runs out: the 60-day reminder, once, whichever node scans, however often.
    CLOCK.set(validUntil.minusDays(50) + "T09:00:00");
    try (TestGateway second = gateway.secondNode(Map.of())) {
      List<Future<Integer>> passes = List.of(gateway.platform().reminders().scan(), second.platform().reminders().scan(),
          gateway.platform().reminders().scan(), second.platform().reminders().scan());
      int sent = 0;
      for (Future<Integer> p : passes) {
        sent += p.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      assertEquals(1, sent, "four concurrent passes on two nodes send it once");
    }
    assertEquals(0, scan(gateway));
    // 20 days before: the 30-day reminder, once.
    CLOCK.set(validUntil.minusDays(20) + "T09:00:00");
    assertEquals(1, scan(gateway));
    assertEquals(0, scan(gateway));
    assertEquals(1, gateway.count("select count(*) from reminder where rule_code = 'disability-card-expiry'"
        + " and occasion like '%@60'"));
    assertEquals(1, gateway.count("select count(*) from reminder where rule_code = 'disability-card-expiry'"
        + " and occasion like '%@30'"));
    assertEquals(3, gateway.count("select count(*) from outbox_event where event_type = 'ReminderDue'"
        + " and payload->>'ruleCode' in ('disability-card-expiry', 't-disability-review')"));

    JsonArray mine = reminders("citizen");
    assertEquals(before + 3, mine.size());
    JsonObject latest = mine.getJsonObject(0);
    assertEquals("disability-card-expiry", latest.getString("ruleCode"));
    assertEquals("您的中华人民共和国残疾人证（第三代）将于" + validUntil + "到期（还有20天），请及时在线申请换领。", latest.getString("text"));
    assertTrue(latest.getString("link").endsWith("/public/apply.html?code=cjl-disability-certificate&from=reminder"),
        latest.getString("link"));
    // The link's page asks for the form's prefill (ReminderBrowserTest shows the form open filled in).
    assertEquals(200, gateway.get("citizen", "/api/v1/matters/cjl-disability-certificate/prefill").statusCode());

    // Through the outbox to the notification gateway: each reminder once, addressed to the citizen's account.
    TestGateway.awaitUntil(Duration.ofSeconds(20), () -> notified("t-disability-").size() >= 3);
    // Everything the relay had to send is sent: a fourth notification would have arrived by now.
    TestGateway.awaitUntil(Duration.ofSeconds(20), () -> {
      try {
        return gateway.count("select count(*) from outbox_event where status = 'PENDING'") == 0;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    List<JsonObject> sms = notified("t-disability-");
    assertEquals(3, sms.size(), sms.toString());
    assertTrue(sms.stream().allMatch(m -> m.getString("accountId") != null
        && m.getJsonObject("params").getString("link").contains("apply.html?code=cjl-disability-certificate")));
    assertEquals(3, sms.stream().map(m -> m.getString("eventId")).distinct().count());

    // The same through GraphQL.
    JsonObject gql = graphql("citizen", "{ myReminders }");
    assertEquals(mine.size(), gql.getJsonObject("data").getJsonObject("myReminders").getJsonArray("items").size());
  }

  @Test
  void turningEightyIsToldOnceUnlessTheCitizenOptedOut() throws Exception {
    CLOCK.set("2031-03-01T09:00:00");
    // Both turn 80 on 2031-03-20, within the rule's 30 days.
    String told = newCitizen("19510320");
    String optedOut = newCitizen("19510320");
    JsonObject topics = TestGateway.ok(gateway.send("GET", "/api/v1/me/reminder-topics", null,
        "Authorization", "Bearer " + optedOut));
    assertEquals(3, topics.getJsonArray("items").size());
    HttpResponse<String> off = gateway.send("PUT", "/api/v1/me/reminder-topics/benefit-eligibility",
        new JsonObject().put("optedOut", true).encode(), "Authorization", "Bearer " + optedOut,
        "Content-Type", "application/json");
    assertEquals(200, off.statusCode(), off.body());
    assertEquals(true, new JsonObject(off.body()).getBoolean("optedOut"));
    assertEquals(404, gateway.send("PUT", "/api/v1/me/reminder-topics/no-such-topic",
        new JsonObject().put("optedOut", true).encode(), "Authorization", "Bearer " + optedOut,
        "Content-Type", "application/json").statusCode());
    // Staff have no reminders of their own.
    assertEquals(403, gateway.get("clerk", "/api/v1/me/reminders").statusCode());

    scan(gateway);
    scan(gateway);
    JsonArray mine = mine(told);
    assertEquals(1, mine.size(), mine.encode());
    assertEquals("advanced-age-80", mine.getJsonObject(0).getString("ruleCode"));
    assertEquals("您将于2031-03-20年满80周岁，可申请高龄津贴，表单已为您预填。", mine.getJsonObject(0).getString("text"));
    assertEquals(0, mine(optedOut).size(), "opted out of 待遇资格提醒");
    JsonObject gql = graphql(optedOut, "{ myReminderTopics }", true);
    assertTrue(gql.encode().contains("\"topic\":\"benefit-eligibility\",\"name\":\"待遇资格提醒\",\"optedOut\":true"),
        gql.encode());
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private static JsonObject expiryRule() {
    return new JsonObject().put("kind", "LICENCE_EXPIRY").put("topic", "licence-expiry").put("title", "测试")
        .put("message", "您的{licence}将于{date}到期。").put("matterCode", "cjl-disability-certificate")
        .put("licenceType", "残疾人证");
  }

  private static int scan(TestGateway g) throws Exception {
    return g.platform().reminders().scan().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static List<JsonObject> notified(String rulePrefix) {
    return NOTIFIED.stream().filter(m -> "ReminderDue".equals(m.getString("template"))
        && m.getJsonObject("params").getString("link") != null
        && m.getJsonObject("params").getString("link").contains("cjl-disability-certificate")).toList();
  }

  private static JsonArray reminders(String user) throws Exception {
    return TestGateway.ok(gateway.get(user, "/api/v1/me/reminders")).getJsonArray("items");
  }

  private static JsonArray mine(String token) throws Exception {
    HttpResponse<String> r = gateway.send("GET", "/api/v1/me/reminders", null, "Authorization", "Bearer " + token);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonArray("items");
  }

  private static HttpResponse<String> put(String user, String path, JsonObject body) throws Exception {
    return gateway.send("PUT", path, body.encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
  }

  private static JsonObject graphql(String user, String query) throws Exception {
    return graphql(gateway.token(user), query, true);
  }

  private static JsonObject graphql(String token, String query, boolean byToken) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query).encode(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    return new JsonObject(r.body());
  }

  /** A newly registered citizen born on {@code birth} (yyyyMMdd), signed in: their token. */
  private static String newCitizen(String birth) throws Exception {
    int n = SEQ.incrementAndGet();
    String body = "410183" + birth + String.format("%03d", 100 + n);
    String id = TestGateway.idNumber(body);
    HttpResponse<String> r = gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", id)
        .put("name", "老人" + n).put("phone", String.format("136%08d", n)).put("password", "Reminder-Elder-26")
        .encode(), "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    HttpResponse<String> t = gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "password").put("username", id).put("password", "Reminder-Elder-26").encode(),
        "Content-Type", "application/json");
    assertEquals(200, t.statusCode(), t.body());
    return new JsonObject(t.body()).getString("access_token");
  }
}
