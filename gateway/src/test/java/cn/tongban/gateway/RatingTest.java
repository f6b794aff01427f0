package cn.tongban.gateway;

import static cn.tongban.gateway.TestGateway.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 好差评 through REST and GraphQL: the applicant rates a decided case once (bad input at its pointer, nothing
 * stored; late, early, twice and by others refused); a bad review is verified, rectified and called back by
 * its department on the working-day clock, or appealed and decided by a supervisor; the figures add up.
 */
class RatingTest {
  // A Monday; the scan is driven by hand so that the clock decides what it sees.
  private static final MutableClock CLOCK = MutableClock.at("2026-11-02T09:00:00");
  private static final String MATTER = "cjl-disability-certificate";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_RATING_WINDOW_DAYS", "30"),
        CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  /** A case taken through acceptance, review, approval and (when asked) electronic delivery. */
  static String decidedCase(TestGateway gateway, boolean deliver) throws Exception {
    String number = gateway.submitSample(MATTER);
    ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    ok(gateway.act("reviewer.cjl", number, new JsonObject().put("action", "review-pass")));
    ok(gateway.act("approver.cjl", number, new JsonObject().put("action", "approve")));
    if (deliver) {
      ok(gateway.act("clerk", number, new JsonObject().put("action", "deliver").put("deliveryMethod", "ELECTRONIC")));
    }
    return number;
  }

  private static HttpResponse<String> rate(String user, String number, JsonObject body) throws Exception {
    return gateway.post(user, "/api/v1/applications/" + number + "/rating", body);
  }

  private static HttpResponse<String> act(String user, String id, JsonObject body) throws Exception {
    return gateway.post(user, "/api/v1/ratings/" + id + "/actions", body);
  }

  private static JsonObject created(HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject problem(HttpResponse<String> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject p = new JsonObject(r.body());
    assertEquals(code, p.getString("code"), r.body());
    return p;
  }

  private static List<String> pointers(JsonObject problem) {
    return problem.getJsonArray("violations").stream().map(v -> ((JsonObject) v).getString("pointer")).toList();
  }

  private static JsonObject graphql(String user, String query, JsonObject variables) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
            .put("variables", variables).encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static long ratingsOf(String number) throws Exception {
    return gateway.count("select count(*) from rating where number = '" + number + "'");
  }

  @Test
  void theApplicantRatesADeliveredCaseOnceAndSeesTheRatingOnTheCase() throws Exception {
    String number = decidedCase(gateway, true);
    // Bad input: every problem at its pointer, nothing stored.
    JsonObject p = problem(rate("citizen", number, new JsonObject().put("grade", 7)), 422, "validation-failed");
    assertEquals(List.of("/grade"), pointers(p));
    p = problem(rate("citizen", number, new JsonObject().put("grade", 2).put("comment", "x".repeat(1001))), 422,
        "validation-failed");
    assertEquals(List.of("/reasons", "/comment"), pointers(p));
    assertTrue(p.getJsonArray("violations").getJsonObject(0).getString("message").contains("多次跑动"), p.encode());
    p = problem(rate("citizen", number, new JsonObject().put("grade", 1).put("reasons", new JsonArray()
        .add("多次跑动").add("天气不好"))), 422, "validation-failed");
    assertEquals(List.of("/reasons/1"), pointers(p));
    problem(rate("citizen", number, new JsonObject()), 422, "validation-failed");
    assertEquals(0, ratingsOf(number));
    // Only the applicant: a reviewer who sees the case 403, a town clerk who does not 404, nobody signed in 401.
    problem(rate("reviewer.cjl", number, new JsonObject().put("grade", 5)), 403, "forbidden");
    problem(rate("clerk.town", number, new JsonObject().put("grade", 5)), 404, "application-not-found");
    assertEquals(401, gateway.send("POST", "/api/v1/applications/" + number + "/rating",
        new JsonObject().put("grade", 5).encode(), "Content-Type", "application/json").statusCode());
    assertEquals(0, ratingsOf(number));

    JsonObject rating = created(rate("citizen", number, new JsonObject().put("grade", 5).put("comment", "办得很快")));
    assertEquals(5, rating.getInteger("grade"));
    assertEquals("非常满意", rating.getString("gradeName"));
    assertEquals("RECORDED", rating.getString("status"));
    assertEquals("WEB", rating.getString("source"));
    assertFalse(rating.getBoolean("isDefault"));
    problem(rate("citizen", number, new JsonObject().put("grade", 4)), 409, "rating-exists");
    assertEquals(1, ratingsOf(number));

    // On the case, in both APIs.
    assertEquals(5, gateway.read("citizen", number).getJsonObject("rating").getInteger("grade"));
    JsonObject g = graphql("citizen", "query($n: String!) { application(number: $n) { number rating } }",
        new JsonObject().put("n", number));
    assertEquals("办得很快", g.getJsonObject("data").getJsonObject("application").getJsonObject("rating")
        .getString("comment"), g.encode());
    // Audit and outbox in the same transaction.
    assertEquals(1, gateway.count("select count(*) from audit_event where action = 'rating.recorded' and entity_id = '"
        + rating.getString("id") + "'"));
    assertEquals(1, gateway.count("select count(*) from outbox_event where event_type = 'RatingRecorded'"
        + " and aggregate_id = '" + rating.getString("id") + "'"));
  }

  @Test
  void aCaseIsRatedOnlyOnceDecidedAndWithinTheWindowAndDefaultsAfterIt() throws Exception {
    String early = gateway.submitSample(MATTER);
    problem(rate("citizen", early, new JsonObject().put("grade", 5)), 409, "rating-closed");
    // Decided but not delivered: the window runs from the decision.
    String decided = decidedCase(gateway, false);
    JsonObject viaGraphql = graphql("citizen", "mutation($n: String!, $i: JSON!) { rateApplication(number: $n, input: $i) }",
        new JsonObject().put("n", decided).put("i", new JsonObject().put("grade", 3).put("source", "MINI_PROGRAM")));
    assertEquals("MINI_PROGRAM", viaGraphql.getJsonObject("data").getJsonObject("rateApplication").getString("source"),
        viaGraphql.encode());
    JsonObject second = graphql("citizen", "mutation($n: String!, $i: JSON!) { rateApplication(number: $n, input: $i) }",
        new JsonObject().put("n", decided).put("i", new JsonObject().put("grade", 3)));
    assertEquals("rating-exists", second.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getString("code"), second.encode());

    String late = decidedCase(gateway, true);
    String unrated = decidedCase(gateway, true);
    CLOCK.advance(Duration.ofDays(31));
    try {
      JsonObject p = problem(rate("citizen", late, new JsonObject().put("grade", 5)), 409, "rating-closed");
      assertTrue(p.getString("detail").contains("30"), p.encode());
      JsonObject scan = gateway.platform().ratings().scan().toCompletionStage().toCompletableFuture().get();
      assertTrue(scan.getInteger("defaultsRecorded") >= 2, scan.encode());
      JsonObject defaulted = gateway.read("citizen", unrated).getJsonObject("rating");
      assertEquals(4, defaulted.getInteger("grade"));
      assertTrue(defaulted.getBoolean("isDefault"));
      assertEquals("DEFAULT", defaulted.getString("source"));
      // The decided-only case keeps its own rating; a second pass records nothing again.
      assertEquals(1, ratingsOf(decided));
      JsonObject again = gateway.platform().ratings().scan().toCompletionStage().toCompletableFuture().get();
      assertEquals(0, again.getInteger("defaultsRecorded"), again.encode());
    } finally {
      CLOCK.advance(Duration.ofDays(-31));
    }
  }

  @Test
  void aBadReviewIsVerifiedRectifiedAndCalledBackByItsDepartmentInTurn() throws Exception {
    String number = decidedCase(gateway, true);
    JsonObject bad = created(rate("citizen", number, new JsonObject().put("grade", 1)
        .put("reasons", new JsonArray().add("多次跑动").add("态度不好")).put("comment", "跑了三次")));
    String id = bad.getString("id");
    assertEquals("VERIFYING", bad.getString("status"));
    assertEquals("2026-11-05", bad.getString("verifyDue"), "3 working days from Monday 2 November");

    // Another department does not see it; a supervisor sees it but does not verify; out of turn → 409.
    problem(act("reviewer.mzj", id, new JsonObject().put("action", "verify").put("finding", "x")), 404,
        "rating-not-found");
    problem(act("supervisor", id, new JsonObject().put("action", "verify").put("finding", "x")), 403, "forbidden");
    problem(act("reviewer.cjl", id, new JsonObject().put("action", "rectify").put("measures", "x")), 409,
        "illegal-transition");
    problem(act("reviewer.cjl", id, new JsonObject().put("action", "decide-appeal").put("decision", "UPHOLD")
        .put("comment", "x")), 403, "forbidden");
    JsonObject p = problem(act("reviewer.cjl", id, new JsonObject().put("action", "verify").put("rectifyDays", 30)),
        422, "validation-failed");
    assertEquals(List.of("/finding", "/rectifyDays"), pointers(p));

    // The verify deadline passes: a yellow card on the day, a red one after.
    CLOCK.set("2026-11-05T09:00:00");
    gateway.platform().ratings().scan().toCompletionStage().toCompletableFuture().get();
    CLOCK.set("2026-11-06T09:00:00");
    gateway.platform().ratings().scan().toCompletionStage().toCompletableFuture().get();
    JsonArray warnings = new JsonObject(ok200(gateway.get("reviewer.cjl", "/api/v1/ratings?number=" + number)))
        .getJsonArray("items").getJsonObject(0).getJsonArray("warnings");
    assertEquals(List.of("YELLOW", "RED"), warnings.stream().map(w -> ((JsonObject) w).getString("level")).toList());
    assertEquals(1, gateway.count("select count(*) from outbox_event where event_type = 'RatingDeadlineWarning'"
        + " and aggregate_id = '" + id + "' and payload->>'level' = 'RED'"));

    JsonObject verified = ok(act("reviewer.cjl", id, new JsonObject().put("action", "verify")
        .put("finding", "情况属实：材料清单与窗口要求不一致").put("rectifyDays", 10)));
    assertEquals("RECTIFYING", verified.getString("status"));
    assertEquals("2026-11-20", verified.getString("rectifyDue"), "10 working days from Friday 6 November");
    JsonObject rectified = ok(act("approver.cjl", id, new JsonObject().put("action", "rectify")
        .put("measures", "统一材料清单，窗口人员培训")));
    assertEquals("CALLING_BACK", rectified.getString("status"));
    assertTrue(rectified.getBoolean("rectifiedOnTime"));
    assertEquals("2026-11-11", rectified.getString("callbackDue"));
    p = problem(act("reviewer.cjl", id, new JsonObject().put("action", "call-back").put("outcome", "HAPPY")), 422,
        "validation-failed");
    assertEquals(List.of("/outcome"), pointers(p));
    JsonObject gql = graphql("reviewer.cjl", "mutation($id: String!, $i: JSON!) { actOnRating(id: $id, input: $i) }",
        new JsonObject().put("id", id).put("i", new JsonObject().put("action", "call-back").put("outcome", "SATISFIED")
            .put("note", "电话回访，申请人表示满意")));
    JsonObject closed = gql.getJsonObject("data").getJsonObject("actOnRating");
    assertEquals("CLOSED", closed.getString("status"), gql.encode());
    problem(act("reviewer.cjl", id, new JsonObject().put("action", "appeal").put("reason", "x")
        .put("evidence", new JsonArray().add("y"))), 409, "illegal-transition");
    for (String step : List.of("rating.verify", "rating.rectify", "rating.call-back")) {
      assertEquals(1, gateway.count("select count(*) from audit_event where action = '" + step + "' and entity_id = '"
          + id + "'"), step);
    }
    assertEquals(3, gateway.count("select count(*) from outbox_event where aggregate_type = 'rating' and aggregate_id = '"
        + id + "' and event_type in ('RatingVerified', 'RatingRectified', 'RatingCalledBack')"));
    CLOCK.set("2026-11-02T09:00:00");
  }

  @Test
  void anAppealIsDecidedByASupervisorAndAnUpheldOneLeavesTheFigures() throws Exception {
    String number = decidedCase(gateway, true);
    String id = created(rate("citizen", number, new JsonObject().put("grade", 2)
        .put("reasons", new JsonArray().add("其他")).put("comment", "与本部门无关的投诉"))).getString("id");
    JsonObject p = problem(act("reviewer.cjl", id, new JsonObject().put("action", "appeal")), 422, "validation-failed");
    assertEquals(List.of("/reason", "/evidence"), pointers(p));
    JsonObject appealed = ok(act("reviewer.cjl", id, new JsonObject().put("action", "appeal")
        .put("reason", "评价内容与办件无关").put("evidence", new JsonArray().add("通话录音 2026-11-02"))));
    assertEquals("APPEALED", appealed.getString("status"));
    problem(act("reviewer.cjl", id, new JsonObject().put("action", "verify").put("finding", "x")), 409,
        "illegal-transition");
    problem(act("approver.cjl", id, new JsonObject().put("action", "decide-appeal").put("decision", "UPHOLD")
        .put("comment", "x")), 403, "forbidden");
    JsonObject decided = ok(act("supervisor", id, new JsonObject().put("action", "decide-appeal")
        .put("decision", "UPHOLD").put("comment", "经核查，评价与办件无关，申诉成立")));
    assertEquals("APPEAL_UPHELD", decided.getString("status"));
    assertTrue(decided.getBoolean("excluded"));
    assertEquals("UPHOLD", decided.getJsonObject("appeal").getString("decision"));

    // A rejected appeal sends the review back where it was, and there is no second appeal.
    String other = decidedCase(gateway, true);
    String id2 = created(rate("citizen", other, new JsonObject().put("grade", 1)
        .put("reasons", new JsonArray().add("超时办理")))).getString("id");
    ok(act("reviewer.cjl", id2, new JsonObject().put("action", "appeal").put("reason", "按时办结")
        .put("evidence", new JsonArray().add("办结记录"))));
    JsonObject rejected = ok(act("supervisor", id2, new JsonObject().put("action", "decide-appeal")
        .put("decision", "REJECT").put("comment", "申诉理由不成立")));
    assertEquals("VERIFYING", rejected.getString("status"));
    assertFalse(rejected.getBoolean("excluded"));
    problem(act("reviewer.cjl", id2, new JsonObject().put("action", "appeal").put("reason", "再次申诉")
        .put("evidence", new JsonArray().add("x"))), 409, "illegal-transition");
  }

  @Test
  void theWorklistShowsEachCallerTheirOwnScope() throws Exception {
    String number = decidedCase(gateway, true);
    created(rate("citizen", number, new JsonObject().put("grade", 2).put("reasons", new JsonArray().add("其他"))));
    JsonArray mine = new JsonObject(ok200(gateway.get("reviewer.cjl", "/api/v1/ratings?bad=true"))).getJsonArray("items");
    assertTrue(mine.stream().anyMatch(r -> number.equals(((JsonObject) r).getString("number"))));
    assertTrue(mine.stream().allMatch(r -> "cjl".equals(((JsonObject) r).getString("departmentCode"))));
    assertTrue(new JsonObject(ok200(gateway.get("reviewer.mzj", "/api/v1/ratings"))).getJsonArray("items").stream()
        .allMatch(r -> "mzj".equals(((JsonObject) r).getString("departmentCode"))));
    assertTrue(new JsonObject(ok200(gateway.get("reviewer.mzj", "/api/v1/ratings?departmentCode=cjl")))
        .getJsonArray("items").isEmpty());
    assertFalse(new JsonObject(ok200(gateway.get("supervisor", "/api/v1/ratings?departmentCode=cjl")))
        .getJsonArray("items").isEmpty());
    assertEquals(403, gateway.get("citizen", "/api/v1/ratings").statusCode());
    JsonObject page = new JsonObject(ok200(gateway.get("supervisor", "/api/v1/ratings?limit=1")));
    assertEquals(1, page.getJsonArray("items").size());
    String next = page.getString("nextCursor");
    JsonObject after = new JsonObject(ok200(gateway.get("supervisor", "/api/v1/ratings?limit=1&cursor=" + next)));
    assertFalse(after.getJsonArray("items").getJsonObject(0).getString("id")
        .equals(page.getJsonArray("items").getJsonObject(0).getString("id")));
    JsonObject p = problem(gateway.get("supervisor", "/api/v1/ratings?grade=9&from=2026-13-01"), 422,
        "validation-failed");
    assertEquals(List.of("/grade", "/from"), pointers(p));
  }

  @Test
  void thePublicFiguresAddUp() throws Exception {
    // A gateway of its own, so that the data is known: seven ratings of 残联 cases in November.
    MutableClock clock = MutableClock.at("2026-11-02T09:00:00");
    try (TestGateway own = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"), clock)) {
      int[] grades = {5, 5, 4, 3, 2, 1, 1};
      String[] ids = new String[grades.length];
      for (int i = 0; i < grades.length; i++) {
        String number = decidedCase(own, true);
        JsonObject body = new JsonObject().put("grade", grades[i]);
        if (grades[i] <= 2) {
          body.put("reasons", new JsonArray().add("其他"));
        }
        HttpResponse<String> r = own.post("citizen", "/api/v1/applications/" + number + "/rating", body);
        assertEquals(201, r.statusCode(), r.body());
        ids[i] = new JsonObject(r.body()).getString("id");
      }
      // Bad reviews: #4 rectified on time, #5 rectified late, #6 appealed and upheld (out of the figures).
      for (int i : new int[] {4, 5}) {
        ok(own.post("reviewer.cjl", "/api/v1/ratings/" + ids[i] + "/actions", new JsonObject().put("action", "verify")
            .put("finding", "属实").put("rectifyDays", 5)));
      }
      ok(own.post("reviewer.cjl", "/api/v1/ratings/" + ids[4] + "/actions", new JsonObject().put("action", "rectify")
          .put("measures", "已整改")));
      clock.set("2026-11-20T09:00:00");
      ok(own.post("reviewer.cjl", "/api/v1/ratings/" + ids[5] + "/actions", new JsonObject().put("action", "rectify")
          .put("measures", "已整改")));
      ok(own.post("reviewer.cjl", "/api/v1/ratings/" + ids[6] + "/actions", new JsonObject().put("action", "appeal")
          .put("reason", "恶意评价").put("evidence", new JsonArray().add("录音"))));
      ok(own.post("supervisor", "/api/v1/ratings/" + ids[6] + "/actions", new JsonObject()
          .put("action", "decide-appeal").put("decision", "UPHOLD").put("comment", "成立")));

      // Public: no token. 6 counted ratings: 4 satisfied (5, 5, 4, 3), 2 bad, both rectified, 1 on time.
      HttpResponse<String> r = own.send("GET", "/api/v1/ratings/statistics?from=2026-11-01&to=2026-11-30", null);
      JsonObject stats = ok(r);
      assertFalse(r.body().contains("citizen") || r.body().contains("11010519491231002X"), r.body());
      JsonObject total = stats.getJsonObject("total");
      assertEquals(6, total.getInteger("ratings"));
      assertEquals(4, total.getInteger("satisfied"));
      assertEquals(2, total.getInteger("bad"));
      assertEquals(2, total.getInteger("rectified"));
      assertEquals(1, total.getInteger("rectifiedOnTime"));
      assertEquals(0.6667, total.getDouble("satisfactionRate"));
      assertEquals(0.3333, total.getDouble("badRate"));
      assertEquals(1.0, total.getDouble("rectificationRate"));
      assertEquals(0.5, total.getDouble("onTimeRectificationRate"));
      JsonArray groups = stats.getJsonArray("groups");
      assertEquals(1, groups.size());
      assertEquals("cjl", groups.getJsonObject(0).getString("code"));
      assertEquals(6, groups.getJsonObject(0).getInteger("ratings"));
      JsonObject byMatter = ok(own.send("GET", "/api/v1/ratings/statistics?groupBy=matter&from=2026-11-01&to=2026-11-30",
          null));
      assertEquals(MATTER, byMatter.getJsonArray("groups").getJsonObject(0).getString("code"));
      // Another period holds none of them.
      JsonObject october = ok(own.send("GET", "/api/v1/ratings/statistics?from=2026-10-01&to=2026-10-31", null));
      assertEquals(0, october.getJsonObject("total").getInteger("ratings"));
      assertNull(october.getJsonObject("total").getValue("satisfactionRate"));
      JsonObject g = new JsonObject(own.send("POST", "/graphql", new JsonObject().put("query",
          "{ ratingStatistics(groupBy: \"department\", from: \"2026-11-01\", to: \"2026-11-30\") }").encode(),
          "Content-Type", "application/json").body());
      assertEquals(6, g.getJsonObject("data").getJsonObject("ratingStatistics").getJsonObject("total")
          .getInteger("ratings"), g.encode());
      assertEquals(422, own.send("GET", "/api/v1/ratings/statistics?from=2026-11-30&to=2026-11-01", null)
          .statusCode());

      // Hall visits served at window w01 by the clerk: 5, 4, 1 (rectified in time); the cases above have no
      // window or staff (submitted online), so they fall in the group without one.
      for (int grade : new int[] {5, 4, 1}) {
        JsonObject body = new JsonObject().put("grade", grade);
        if (grade <= 2) {
          body.put("reasons", new JsonArray().add("态度不好"));
        }
        String id = created(rateVisit(own, "clerk", visit(own, null, true), body)).getString("id");
        if (grade <= 2) {
          ok(own.post("clerk", "/api/v1/ratings/" + id + "/actions", new JsonObject().put("action", "verify")
              .put("finding", "属实").put("rectifyDays", 5)));
          ok(own.post("clerk", "/api/v1/ratings/" + id + "/actions", new JsonObject().put("action", "rectify")
              .put("measures", "谈话提醒")));
        }
      }
      String period = "&from=2026-11-01&to=2026-11-30";
      // Per window and staff member: not public, and a clerk of another hall does not get this hall's.
      assertEquals(401, own.send("GET", "/api/v1/ratings/statistics?groupBy=staff" + period, null).statusCode());
      problem(own.get("citizen", "/api/v1/ratings/statistics?groupBy=window" + period), 403, "forbidden");
      problem(own.get("clerk.town", "/api/v1/ratings/statistics?groupBy=window&hallCode=xm-city" + period), 403,
          "forbidden");
      JsonObject byWindow = ok(own.get("supervisor", "/api/v1/ratings/statistics?groupBy=window" + period));
      assertEquals(9, byWindow.getJsonObject("total").getInteger("ratings"));
      JsonObject w01 = byWindow.getJsonArray("groups").stream().map(JsonObject.class::cast)
          .filter(x -> "xm-city/w01".equals(x.getString("code"))).findFirst().orElseThrow();
      assertEquals(3, w01.getInteger("ratings"));
      assertEquals(2, w01.getInteger("satisfied"));
      assertEquals(1, w01.getInteger("bad"));
      assertEquals(1, w01.getInteger("rectifiedOnTime"));
      assertEquals(0.6667, w01.getDouble("satisfactionRate"));
      assertEquals(1.0, w01.getDouble("onTimeRectificationRate"));
      JsonObject byStaff = ok(own.get("clerk", "/api/v1/ratings/statistics?groupBy=staff" + period));
      assertEquals("xm-city", byStaff.getString("hallCode"), "a clerk gets their own hall's");
      JsonObject clerk = byStaff.getJsonArray("groups").stream().map(JsonObject.class::cast)
          .filter(x -> "clerk".equals(x.getString("code"))).findFirst().orElseThrow();
      assertEquals(3, clerk.getInteger("ratings"));
      assertEquals(0.3333, clerk.getDouble("badRate"));
      // By hall, public: the visits and the cases taken in at the city hall.
      JsonObject byHall = ok(own.send("GET", "/api/v1/ratings/statistics?groupBy=hall" + period, null));
      assertEquals(9, byHall.getJsonObject("total").getInteger("ratings"));
      assertFalse(own.send("GET", "/api/v1/ratings/statistics?groupBy=department" + period, null).body()
          .contains("clerk"));
    }
  }

  /** A walk-in for {@code matter} (or none) taken at the city hall, called to window w01 and, if asked, served. */
  static JsonObject visit(TestGateway gateway, String matter, boolean serve) throws Exception {
    JsonObject take = matter == null ? new JsonObject() : new JsonObject().put("matterCode", matter);
    assertEquals(201, gateway.post("clerk", "/api/v1/halls/xm-city/tickets", take).statusCode());
    JsonObject t = ok(gateway.post("clerk", "/api/v1/halls/xm-city/tickets/call",
        new JsonObject().put("windowCode", "w01"))).getJsonObject("ticket");
    if (serve) {
      ok(gateway.post("clerk", "/api/v1/halls/xm-city/tickets/" + t.getString("number") + "/finish",
          new JsonObject().put("outcome", "SERVED")));
    }
    return t;
  }

  private static HttpResponse<String> rateVisit(TestGateway gateway, String user, JsonObject t, JsonObject body)
      throws Exception {
    return gateway.post(user, "/api/v1/halls/xm-city/visits/" + t.getString("day") + "/" + t.getString("number")
        + "/rating", body);
  }

  @Test
  void aVisitIsRatedOnceAtThePadAfterItIsServedAndItsBadReviewGoesToTheHall() throws Exception {
    JsonObject t = visit(gateway, MATTER, false);
    JsonObject bad = new JsonObject().put("grade", 2).put("reasons", new JsonArray().add("态度不好"))
        .put("comment", "窗口人员不耐烦");
    problem(rateVisit(gateway, "clerk", t, bad), 409, "rating-closed");
    ok(gateway.post("clerk", "/api/v1/halls/xm-city/tickets/" + t.getString("number") + "/finish",
        new JsonObject().put("outcome", "SERVED")));
    // Who: another hall's clerk and the citizen who did not book it do not see it; oversight sees but may not rate.
    problem(rateVisit(gateway, "clerk.town", t, bad), 404, "not-found");
    problem(rateVisit(gateway, "citizen", t, bad), 404, "not-found");
    problem(rateVisit(gateway, "supervisor", t, bad), 403, "forbidden");
    JsonObject p = problem(rateVisit(gateway, "clerk", t, new JsonObject().put("grade", 1)), 422,
        "validation-failed");
    assertEquals(List.of("/reasons"), pointers(p));
    problem(gateway.post("clerk", "/api/v1/halls/xm-city/visits/2026-13-40/" + t.getString("number") + "/rating",
        bad), 404, "not-found");

    JsonObject rating = created(rateVisit(gateway, "clerk", t, bad));
    assertEquals("VISIT", rating.getString("kind"));
    assertEquals("PAD", rating.getString("source"));
    assertEquals("xm-city", rating.getString("hallCode"));
    assertEquals("w01", rating.getString("windowCode"));
    assertEquals(t.getString("number"), rating.getString("visitNumber"));
    assertEquals("cjl", rating.getString("departmentCode"), "the matter's department, for the figures");
    assertEquals("VERIFYING", rating.getString("status"));
    assertTrue(rating.getString("staffName") != null, rating.encode());
    problem(rateVisit(gateway, "clerk", t, new JsonObject().put("grade", 5)), 409, "rating-exists");
    String id = rating.getString("id");
    assertEquals(1, gateway.count("select count(*) from outbox_event where event_type = 'RatingRecorded'"
        + " and aggregate_id = '" + id + "' and payload->>'visitNumber' = '" + t.getString("number") + "'"));

    // The comment is sealed at rest, shown to the hall's clerks and supervisors, withheld from an administrator.
    assertEquals(1, gateway.count("select count(*) from rating where id = " + id + " and comment like 'ENC3:%'"));
    JsonObject asAdmin = new JsonObject(ok200(gateway.get("admin", "/api/v1/ratings?kind=VISIT&windowCode=w01")))
        .getJsonArray("items").stream().map(JsonObject.class::cast).filter(r -> r.getString("id").equals(id))
        .findFirst().orElseThrow();
    assertNull(asAdmin.getString("comment"), asAdmin.encode());
    assertTrue(asAdmin.getBoolean("commentWithheld"));
    JsonObject asSupervisor = new JsonObject(ok200(gateway.get("supervisor", "/api/v1/ratings?kind=VISIT")))
        .getJsonArray("items").stream().map(JsonObject.class::cast).filter(r -> r.getString("id").equals(id))
        .findFirst().orElseThrow();
    assertEquals("窗口人员不耐烦", asSupervisor.getString("comment"));

    // The hall is responsible: its clerk verifies; the matter's department sees it but does not act on it.
    problem(act("reviewer.cjl", id, new JsonObject().put("action", "verify").put("finding", "x")), 403, "forbidden");
    JsonObject verified = ok(act("clerk", id, new JsonObject().put("action", "verify").put("finding", "情况属实")
        .put("rectifyDays", 5)));
    assertEquals("RECTIFYING", verified.getString("status"));
    assertEquals("窗口人员不耐烦", verified.getString("comment"));

    // GraphQL, the hotline reading it out for another visit.
    JsonObject other = visit(gateway, null, true);
    JsonObject g = graphql("hotline", "mutation($d: String!, $n: String!, $i: JSON!) { rateVisit(hallCode: \"xm-city\","
        + " day: $d, number: $n, input: $i) }", new JsonObject().put("d", other.getString("day"))
        .put("n", other.getString("number")).put("i", new JsonObject().put("grade", 4)));
    assertEquals("HOTLINE", g.getJsonObject("data").getJsonObject("rateVisit").getString("source"), g.encode());
  }

  @Test
  void aServedVisitWithoutARatingGetsTheDefaultWhenTheWindowCloses() throws Exception {
    JsonObject t = visit(gateway, null, true);
    CLOCK.advance(Duration.ofDays(31));
    try {
      problem(rateVisit(gateway, "clerk", t, new JsonObject().put("grade", 5)), 409, "rating-closed");
      gateway.platform().ratings().scan().toCompletionStage().toCompletableFuture().get();
      assertEquals(1, gateway.count("select count(*) from rating where visit_number = '" + t.getString("number")
          + "' and visit_day = '" + t.getString("day") + "' and is_default and window_code = 'w01'"));
    } finally {
      CLOCK.advance(Duration.ofDays(-31));
    }
  }

  @Test
  void anAuthorisedAgentRatesForTheApplicantAndNoOtherAgentDoes() throws Exception {
    String elderly = "mzj-elderly-preferential-card";
    JsonObject forZhang = new JsonObject().put("matterCode", elderly).put("channel", "WINDOW")
        .put("data", gateway.sample(elderly))
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X"));
    JsonObject granted = created(gateway.post("citizen", "/api/v1/authorisations", new JsonObject()
        .put("hallCode", "xm-chaohua-v01").put("matterCode", elderly).put("validUntil", "2026-12-31")));
    String[] numbers = new String[2];
    for (int i = 0; i < 2; i++) {
      numbers[i] = created(gateway.post("agent.village", "/api/v1/applications", forZhang)).getString("number");
      ok(gateway.act("reviewer.mzj", numbers[i], new JsonObject().put("action", "accept")));
      ok(gateway.act("reviewer.mzj", numbers[i], new JsonObject().put("action", "review-pass")));
      ok(gateway.act("approver.mzj", numbers[i], new JsonObject().put("action", "approve")));
    }
    JsonObject rating = created(rate("agent.village", numbers[0], new JsonObject().put("grade", 5)));
    assertEquals("AGENT", rating.getString("source"));
    // Once the applicant revokes the authorisation, the agent no longer rates for them: a clear 403.
    ok(gateway.post("citizen", "/api/v1/authorisations/" + granted.getString("id") + "/revoke", new JsonObject()));
    JsonObject p = problem(rate("agent.village", numbers[1], new JsonObject().put("grade", 5)), 403, "forbidden");
    assertTrue(p.getString("detail").contains("代办授权"), p.encode());
    assertEquals(0, ratingsOf(numbers[1]));
    // The applicant still may.
    created(rate("citizen", numbers[1], new JsonObject().put("grade", 4)));
  }

  @Test
  void aFreshDemoHasRatingsToShow() throws Exception {
    try (TestGateway demo = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_RATING_DEMO",
        "true"), MutableClock.at("2026-11-02T09:00:00"))) {
      List<JsonObject> items = new JsonObject(ok200(demo.get("supervisor", "/api/v1/ratings"))).getJsonArray("items")
          .stream().map(JsonObject.class::cast).toList();
      assertEquals(List.of(2, 5, 4, 5), items.stream().map(r -> r.getInteger("grade")).toList(), items.toString());
      assertTrue(items.stream().allMatch(r -> "VISIT".equals(r.getString("kind")) && "w01".equals(r.getString("windowCode"))));
      assertEquals("RECTIFYING", items.get(0).getString("status"), "one bad review in progress");
      JsonObject byWindow = ok(demo.get("supervisor", "/api/v1/ratings/statistics?groupBy=window"));
      assertEquals(0.75, byWindow.getJsonObject("total").getDouble("satisfactionRate"));
    }
  }

  private static String ok200(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }
}
