package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * 电子监察 monitoring and 问责 on known data: four 老年人优待证 cases (民政局, promised 5 working days) accepted on
 * Monday 2026-11-16 — A left undecided past its limit, B extended and approved early, C suspended two working
 * days and approved before its moved limit, D approved two days late — and a case withdrawn and taken in again.
 * The filters, the timeliness figures and the accountability of the two red cards are checked against them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final MutableClock CLOCK = MutableClock.at("2026-11-16T09:00:00");
  private static TestGateway gateway;
  private static String a;
  private static String b;
  private static String c;
  private static String d;
  private static String again;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0",
        "TONGBAN_ACCOUNTABILITY_EXPLAIN_DAYS", "3"), CLOCK);
    a = acceptedAndReviewed();
    b = acceptedAndReviewed();
    c = acceptedAndReviewed();
    d = acceptedAndReviewed();
    at("2026-11-17T09:00:00");
    ok(gateway.act("approver.mzj", b, new JsonObject().put("action", "extend").put("workingDays", 10)
        .put("comment", "需现场核实")));
    ok(gateway.act("reviewer.mzj", c, new JsonObject().put("action", "suspend").put("procedure", "INSPECTION")
        .put("comment", "现场核查")));
    at("2026-11-18T09:00:00");
    ok(gateway.act("approver.mzj", b, new JsonObject().put("action", "approve")));
    at("2026-11-19T09:00:00");
    ok(gateway.act("reviewer.mzj", c, new JsonObject().put("action", "resume")));
    scan("2026-11-20T09:00:00");
    at("2026-11-23T08:00:00");
    ok(gateway.act("approver.mzj", c, new JsonObject().put("action", "approve")));
    scan("2026-11-23T09:00:00");
    JsonObject red = scan("2026-11-24T09:00:00");
    assertEquals(2, red.getInteger("opened"), "the red cards of A and D open their accountability: " + red);
    at("2026-11-25T10:00:00");
    ok(gateway.act("approver.mzj", d, new JsonObject().put("action", "approve")));
    // withdrawn, then taken in again: the applicant restarts the clock
    String first = gateway.submitSample(ELDERLY);
    ok(gateway.act("citizen", first, new JsonObject().put("action", "withdraw")));
    at("2026-11-25T11:00:00");
    again = gateway.submitSample(ELDERLY);
    // a fee charged at delivery, where the matter charges none
    assertEquals(400, gateway.act("clerk", b, new JsonObject().put("action", "deliver").put("deliveryMethod", "ELECTRONIC")
        .put("fees", new JsonArray().add(new JsonObject().put("name", "工本费").put("amount", -1)))).statusCode());
    ok(gateway.act("clerk", b, new JsonObject().put("action", "deliver").put("deliveryMethod", "ELECTRONIC")
        .put("fees", new JsonArray().add(new JsonObject().put("name", "工本费").put("amount", 10)))));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static String acceptedAndReviewed() throws Exception {
    String number = gateway.submitSample(ELDERLY);
    ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    ok(gateway.act("reviewer.mzj", number, new JsonObject().put("action", "review-pass")));
    return number;
  }

  private static void at(String time) {
    CLOCK.set(time);
  }

  private static JsonObject scan(String time) throws Exception {
    at(time);
    return ok(gateway.send("POST", "/api/v1/supervision/scan", null, "Authorization",
        "Bearer " + gateway.token("supervisor")));
  }

  private static JsonObject ok(HttpResponse<String> r) {
    return TestGateway.ok(r);
  }

  private static JsonObject get(String user, String path) throws Exception {
    return ok(gateway.get(user, path));
  }

  private static Set<String> numbers(JsonObject page) {
    return page.getJsonArray("items").stream().map(JsonObject.class::cast).map(i -> i.getString("number"))
        .collect(Collectors.toSet());
  }

  private static JsonObject graphql(String user, String query, JsonObject variables) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
            .put("variables", variables).encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  @Test
  @Order(1)
  void warnedItemsAreFilteredByLevelDepartmentOfficerAndOverdue() throws Exception {
    String base = "/api/v1/supervision/cases?matter=" + ELDERLY;
    assertEquals(Set.of(a, d), numbers(get("supervisor", base + "&level=RED&department=mzj")));
    assertEquals(Set.of(a), numbers(get("supervisor", base + "&level=RED&overdue=true")), "D is decided");
    assertEquals(Set.of(d), numbers(get("supervisor", base + "&level=RED&overdue=false")));
    assertEquals(Set.of(a), numbers(get("supervisor", base + "&level=RED&officer=reviewer.mzj")),
        "D was last handled by its approver");
    assertEquals(Set.of(d), numbers(get("supervisor", base + "&officer=approver.mzj")));
    assertEquals(Set.of(), numbers(get("supervisor", base + "&department=rsj")));
    String hall = gateway.read("supervisor", a).getString("hallCode");
    if (hall != null) {
      assertEquals(Set.of(a, d), numbers(get("supervisor", base + "&level=RED&hall=" + hall)));
    }
    assertEquals(Set.of(), numbers(get("supervisor", base + "&level=RED&hall=no-such-hall")));
    assertEquals(Set.of(), numbers(get("supervisor", base + "&level=RED&from=2026-11-26")));
    assertEquals(Set.of(a, d), numbers(get("supervisor", base + "&level=RED&from=2026-11-24&to=2026-11-24")));
    JsonObject item = get("supervisor", base + "&level=RED&overdue=true").getJsonArray("items").getJsonObject(0);
    assertEquals("CASE", item.getString("source"));
    assertEquals("reviewer.mzj", item.getString("officer"));
    assertEquals(List.of("REMINDER", "YELLOW", "RED"), item.getJsonArray("warnings").stream()
        .map(JsonObject.class::cast).map(w -> w.getString("level")).toList());
    // one per page, the next by cursor
    JsonObject page1 = get("supervisor", base + "&level=RED&limit=1");
    JsonObject page2 = get("supervisor", base + "&level=RED&limit=1&cursor=" + page1.getString("nextCursor"));
    assertEquals(Set.of(a, d), Set.of(page1.getJsonArray("items").getJsonObject(0).getString("number"),
        page2.getJsonArray("items").getJsonObject(0).getString("number")));
    assertNull(page2.getValue("nextCursor"));
    // a case taken in again after its withdrawal is flagged
    JsonObject restart = get("supervisor", base + "&kind=CLOCK_RESTART");
    assertEquals(Set.of(again), numbers(restart));
    assertEquals("YELLOW", restart.getJsonArray("items").getJsonObject(0).getString("level"));
    JsonObject fee = get("supervisor", base + "&kind=FEE_NOT_LISTED");
    assertEquals(Set.of(b), numbers(fee));
    assertEquals("工本费", fee.getJsonArray("items").getJsonObject(0).getJsonArray("warnings").getJsonObject(0)
        .getString("subject"));
    // department staff see their own department only; citizens nothing
    assertEquals(Set.of(a, d), numbers(get("reviewer.mzj", base + "&level=RED")));
    assertEquals(Set.of(), numbers(get("reviewer.rsj", base + "&level=RED&department=mzj")));
    assertEquals(403, gateway.get("citizen", base).statusCode());
    assertEquals(400, gateway.get("supervisor", "/api/v1/supervision/cases?from=2026-13-01").statusCode(),
        "the contract checks the date");
    JsonObject bad = graphql("supervisor", "{ warnedItems(from: \"2026-13-01\") }", new JsonObject());
    assertEquals("/from", bad.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getJsonArray("violations").getJsonObject(0).getString("pointer"), bad.encode());
    // GraphQL answers alike
    JsonObject g = graphql("supervisor", "query($m: String) { warnedItems(level: \"RED\", department: \"mzj\","
        + " matter: $m) }", new JsonObject().put("m", ELDERLY));
    assertEquals(Set.of(a, d), numbers(g.getJsonObject("data").getJsonObject("warnedItems")));
  }

  @Test
  @Order(2)
  void timelinessFiguresAddUp() throws Exception {
    JsonObject t = get("supervisor", "/api/v1/supervision/timeliness?groupBy=matter&from=2026-11-16&to=2026-11-30");
    JsonObject m = t.getJsonArray("groups").stream().map(JsonObject.class::cast)
        .filter(g -> ELDERLY.equals(g.getString("code"))).findFirst().orElseThrow();
    // B: 2 working days (extended, early); C: 5 − 2 suspended = 3 (early); D: 7 (late)
    assertEquals(3, m.getInteger("decided"));
    assertEquals(2, m.getInteger("onTime"));
    assertEquals(1, m.getInteger("late"));
    assertEquals(2, m.getInteger("early"));
    assertEquals(0.6667, m.getDouble("onTimeRate"));
    assertEquals(4.0, m.getDouble("averageWorkingDays"));
    assertEquals(7, m.getInteger("p90WorkingDays"));
    assertEquals(5.0, m.getDouble("averagePromisedDays"));
    assertEquals(1, m.getInteger("extended"));
    assertEquals(1, m.getInteger("suspended"));
    assertEquals(0, m.getInteger("deemedConsents"));
    JsonObject officers = get("reviewer.mzj", "/api/v1/supervision/timeliness?groupBy=officer&from=2026-11-16"
        + "&to=2026-11-30&department=rsj");
    JsonObject approver = officers.getJsonArray("groups").stream().map(JsonObject.class::cast)
        .filter(g -> "approver.mzj".equals(g.getString("code"))).findFirst().orElseThrow();
    assertEquals(3, approver.getInteger("decided"), "department staff get their own department whatever they ask");
    assertEquals(403, gateway.get("clerk", "/api/v1/supervision/timeliness").statusCode());
    assertEquals(422, gateway.get("supervisor", "/api/v1/supervision/timeliness?from=2026-11-30&to=2026-11-01")
        .statusCode());
  }

  @Test
  @Order(3)
  void aRedCardIsExplainedByItsOfficerAndClosedByTheSupervisor() throws Exception {
    String list = "/api/v1/supervision/accountability?number=";
    JsonObject ofA = get("supervisor", list + a).getJsonArray("items").getJsonObject(0);
    assertEquals("OPEN", ofA.getString("status"));
    assertEquals("reviewer.mzj", ofA.getString("officer"));
    assertEquals("2026-11-27", ofA.getString("explainDueDate"), "3 working days after the red card");
    String idA = ofA.getString("id");
    String idD = get("supervisor", list + d).getJsonArray("items").getJsonObject(0).getString("id");
    // routed: the officer and the department's approvers see them; another department's head does not
    assertEquals(Set.of(a, d), numbers(get("reviewer.mzj", "/api/v1/supervision/accountability")));
    assertEquals(Set.of(a, d), numbers(get("approver.mzj", "/api/v1/supervision/accountability")));
    assertEquals(Set.of(), numbers(get("approver.rsj", "/api/v1/supervision/accountability")));
    assertEquals(403, gateway.get("citizen", "/api/v1/supervision/accountability").statusCode());

    String explain = "/api/v1/supervision/accountability/" + idA + "/explanation";
    assertEquals(404, gateway.post("approver.rsj", explain, new JsonObject().put("explanation", "x")).statusCode());
    assertEquals(403, gateway.post("supervisor", explain, new JsonObject().put("explanation", "x")).statusCode());
    assertEquals(422, gateway.post("reviewer.mzj", explain, new JsonObject().put("explanation", " ")).statusCode());
    JsonObject explained = ok(gateway.post("reviewer.mzj", explain,
        new JsonObject().put("explanation", "现场核查人员不足，已协调补充")));
    assertEquals("EXPLAINED", explained.getString("status"));
    assertEquals(409, gateway.post("reviewer.mzj", explain, new JsonObject().put("explanation", "再说明"))
        .statusCode());

    String finding = "/api/v1/supervision/accountability/" + idA + "/finding";
    assertEquals(403, gateway.post("approver.mzj", finding, new JsonObject().put("finding", "WARNED")).statusCode());
    HttpResponse<String> noNote = gateway.post("supervisor", finding, new JsonObject().put("finding", "WARNED"));
    assertEquals(422, noNote.statusCode());
    assertTrue(noNote.body().contains("/note"), noNote.body());
    JsonObject closed = ok(gateway.post("supervisor", finding, new JsonObject().put("finding", "WARNED")
        .put("note", "约谈提醒，限期整改")));
    assertEquals("CLOSED", closed.getString("status"));
    assertEquals("WARNED", closed.getString("finding"));
    assertEquals(409, gateway.post("supervisor", finding, new JsonObject().put("finding", "REPORTED")
        .put("note", "x")).statusCode());

    // D's explanation is not given: a reminder, a yellow and a red card on it, each once
    scan("2026-11-26T09:00:00");
    scan("2026-11-27T09:00:00");
    scan("2026-11-30T09:00:00");
    scan("2026-11-30T10:00:00");
    assertEquals("RED", get("supervisor", list + d).getJsonArray("items").getJsonObject(0).getString("overdueLevel"));
    assertEquals(3, gateway.count("select count(*) from outbox_event where event_type = 'AccountabilityExplanationDue'"
        + " and aggregate_id = '" + idD + "'"));
    // the department head explains it late; the supervisor closes it over GraphQL
    JsonObject g = graphql("approver.mzj", "mutation($id: String!) { explainAccountability(id: $id,"
        + " explanation: \"审批人出差，已调整 AB 岗\") }", new JsonObject().put("id", idD));
    assertEquals("EXPLAINED", g.getJsonObject("data").getJsonObject("explainAccountability").getString("status"));
    g = graphql("supervisor", "mutation($id: String!) { closeAccountability(id: $id, finding: \"JUSTIFIED\") }",
        new JsonObject().put("id", idD));
    assertEquals("JUSTIFIED", g.getJsonObject("data").getJsonObject("closeAccountability").getString("finding"));
    assertEquals(Set.of(a, d), numbers(get("supervisor", "/api/v1/supervision/accountability?status=CLOSED")));

    // on record: audit events and outbox events of every step
    assertEquals(6, gateway.count("select count(*) from audit_event where entity_type = 'accountability'"
        + " and entity_id in ('" + idA + "', '" + idD + "')"), "opened, explained, closed — each twice");
    assertEquals(2, gateway.count("select count(*) from outbox_event where event_type = 'AccountabilityClosed'"));
    // a scan again opens nothing new for the same red cards
    assertEquals(0, scan("2026-11-30T11:00:00").getInteger("opened"));
  }

  @Test
  @Order(4)
  void aRefusalWithoutReasonsStaysRefused() throws Exception {
    String number = gateway.submitSample(ELDERLY);
    assertEquals(422, gateway.act("clerk", number, new JsonObject().put("action", "not-accept")).statusCode());
    ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    ok(gateway.act("reviewer.mzj", number, new JsonObject().put("action", "review-pass")));
    assertEquals(422, gateway.act("approver.mzj", number, new JsonObject().put("action", "deny")).statusCode());
    assertEquals(JsonArray.class, get("supervisor", "/api/v1/supervision/cases").getValue("items").getClass());
  }
}
