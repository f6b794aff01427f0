package cn.tongban.gateway;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hall services, second part: one case from a pre-registration however many clerks convert it at once, numbers
 * refused outside the hall's (or a window's own) hours, door-to-door visits (上门服务) from request to the case
 * taken in at the door with their working-day deadline, holiday service on request (法定节假日订制), and the duty
 * roster with the published guide (六统一).
 */
class HallVisitTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static final String HALL = "xm-city";
  private static final MutableClock CLOCK = MutableClock.at("2026-09-29T09:00:00");
  /** What the SMS gateway (TONGBAN_NOTIFY_URL) was sent. */
  private static final List<JsonObject> SMS = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static TestGateway gateway;
  private static io.vertx.core.Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = io.vertx.core.Vertx.vertx();
    io.vertx.core.http.HttpServer sms = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      SMS.add(body.toJsonObject());
      req.response().setStatusCode(200).end();
    })).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_HALL_JOB_INTERVAL_SECONDS", "0",
        "TONGBAN_HALL_MAX_OPEN_BOOKINGS", "10", "TONGBAN_RELAY_INTERVAL_MS", "100",
        "TONGBAN_NOTIFY_URL", "http://127.0.0.1:" + sms.actualPort() + "/sms/send"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Waits for the SMS of an event about {@code number} to reach the demo citizen's phone. */
  private static JsonObject smsOf(String type, String number) {
    TestGateway.awaitUntil(java.time.Duration.ofSeconds(20), () -> SMS.stream().anyMatch(m ->
        type.equals(m.getString("template")) && m.getString("text").contains(number)));
    JsonObject m = SMS.stream().filter(x -> type.equals(x.getString("template")) && x.getString("text")
        .contains(number)).findFirst().orElseThrow();
    assertEquals("13800138000", m.getString("phone"));
    return m;
  }

  private static JsonObject ok(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static void problem(HttpResponse<String> r, int status, String pointer, String code) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"pointer\":\"" + pointer + "\"") && r.body().contains("\"code\":\"" + code + "\""),
        r.body());
  }

  private static HttpResponse<String> put(String user, String path, JsonObject body) throws Exception {
    return gateway.send("PUT", path, body.encode(), "Authorization", "Bearer " + gateway.token(user),
        "Content-Type", "application/json");
  }

  /** Sends the same request from several threads at once; answers the responses. */
  private static List<HttpResponse<String>> atOnce(List<java.util.concurrent.Callable<HttpResponse<String>>> calls)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (var call : calls) {
        futures.add(pool.submit(() -> {
          go.await();
          return call.call();
        }));
      }
      go.countDown();
      List<HttpResponse<String>> out = new ArrayList<>();
      for (var f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoClerksConvertingOnePreRegistrationAtOnceMakeExactlyOneCase() throws Exception {
    CLOCK.set("2026-09-29T09:30:00");
    String number = ok(gateway.post("citizen", "/api/v1/pre-registrations", new JsonObject().put("matterCode", MATTER)
        .put("data", gateway.sample(MATTER))), 201).getString("number");
    List<java.util.concurrent.Callable<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String clerk = i % 2 == 0 ? "clerk" : "clerk.town";
      calls.add(() -> gateway.post(clerk, "/api/v1/pre-registrations/" + number + "/convert", new JsonObject()));
    }
    Set<String> cases = new HashSet<>();
    int conflicts = 0;
    for (HttpResponse<String> r : atOnce(calls)) {
      if (r.statusCode() == 201) {
        cases.add(new JsonObject(r.body()).getJsonObject("application").getString("number"));
      } else {
        assertEquals(409, r.statusCode(), r.body());
        conflicts++;
      }
    }
    assertEquals(1, cases.size(), "one case, whoever converted: " + cases);
    assertTrue(conflicts >= 4, "the other clerk's conversions are refused");
    JsonObject pre = ok(gateway.get("citizen", "/api/v1/pre-registrations/" + number), 200);
    assertEquals("CONVERTED", pre.getString("status"));
    assertEquals(cases.iterator().next(), pre.getString("applicationNumber"));
  }

  @Test
  void numbersAreRefusedOutsideTheHallsHoursAndCallsOutsideAWindowsOwn() throws Exception {
    try {
      CLOCK.set("2026-09-29T07:30:00");
      problem(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets", new JsonObject()), 422, "", "closed");
      CLOCK.set("2026-09-29T08:05:00");
      assertEquals(201, gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets", new JsonObject()).statusCode(),
          "an hour before opening (TONGBAN_HALL_TICKET_LEAD_MINUTES)");
      CLOCK.set("2026-09-29T17:30:00");
      problem(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets", new JsonObject()), 422, "", "closed");
      CLOCK.set("2026-10-02T10:00:00");
      problem(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets", new JsonObject()), 422, "", "closed");

      // Window w02 keeps afternoons only: in the morning it calls nobody, w01 does.
      CLOCK.set("2026-09-29T10:00:00");
      JsonObject own = ok(put("admin", "/api/v1/halls/" + HALL + "/windows/w02/hours", new JsonObject()
          .put("hours", new JsonObject().put("WORKDAY", new JsonArray()
              .add(new JsonObject().put("from", "14:00").put("to", "17:00"))))), 200);
      assertTrue(own.getBoolean("custom"));
      assertEquals(403, put("clerk", "/api/v1/halls/" + HALL + "/windows/w02/hours", new JsonObject()
          .putNull("hours")).statusCode());
      assertEquals(404, put("admin", "/api/v1/halls/" + HALL + "/windows/w99/hours", new JsonObject()
          .putNull("hours")).statusCode());
      problem(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/call", new JsonObject()
          .put("windowCode", "w02")), 422, "/windowCode", "closed");
      assertEquals(200, gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/call", new JsonObject()
          .put("windowCode", "w01")).statusCode());
      JsonObject guide = ok(gateway.send("GET", "/api/v1/halls/" + HALL + "/guide", null), 200);
      JsonObject w02 = guide.getJsonArray("windows").stream().map(JsonObject.class::cast)
          .filter(w -> w.getString("windowCode").equals("w02")).findFirst().orElseThrow();
      assertTrue(w02.getBoolean("hoursOwn"));
      assertEquals("14:00", w02.getJsonObject("hours").getJsonArray("WORKDAY").getJsonObject(0).getString("from"));
      assertFalse(ok(put("admin", "/api/v1/halls/" + HALL + "/windows/w02/hours", new JsonObject().putNull("hours")),
          200).getBoolean("custom"));
      assertEquals(200, gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/call", new JsonObject()
          .put("windowCode", "w02")).statusCode(), "back on the hall's hours");
    } finally {
      CLOCK.set("2026-09-29T09:00:00");
    }
  }

  private static JsonObject visit(String reason) {
    return new JsonObject().put("hallCode", HALL).put("matterCode", MATTER).put("reason", reason)
        .put("address", "思明区中华街道公园南路 1 号 3 楼").put("phone", "13800138000");
  }

  @Test
  void aDoorToDoorVisitIsRequestedScheduledAndTheCaseTakenInAtTheDoorOnce() throws Exception {
    CLOCK.set("2026-09-29T10:00:00");
    // Eligibility by the matter's rules: 70 or over (the demo citizen was born in 1949), or a disability certificate.
    problem(gateway.post("citizen", "/api/v1/home-visits", visit("DISABILITY")), 422, "/disabilityCertificate",
        "required");
    problem(gateway.post("citizen", "/api/v1/home-visits", visit("OTHER")), 422, "/reason", "notEligible");
    problem(gateway.post("citizen", "/api/v1/home-visits", visit("AGE").put("matterCode",
        "rsj-pension-benefit-claim")), 422, "/matterCode", "notOffered");
    problem(gateway.post("citizen", "/api/v1/home-visits", visit("AGE").put("phone", "12")), 422, "/phone",
        "pattern");
    assertEquals(403, gateway.post("clerk", "/api/v1/home-visits", visit("AGE")).statusCode());
    HttpResponse<String> made = gateway.post("citizen", "/api/v1/home-visits", visit("AGE"));
    JsonObject v = ok(made, 201);
    String number = v.getString("number");
    assertTrue(number.startsWith("SM20260929"), number);
    assertEquals("/api/v1/home-visits/" + number, made.headers().firstValue("Location").orElse(null));
    assertEquals("REQUESTED", v.getString("status"));
    assertTrue(v.getString("dueDate").compareTo("2026-10-08") > 0, "5 working days, National Day not counted: "
        + v.getString("dueDate"));

    // The hall sees the address in full, oversight masked; another hall not at all.
    JsonObject seen = ok(gateway.get("clerk", "/api/v1/home-visits/" + number), 200);
    assertEquals("思明区中华街道公园南路 1 号 3 楼", seen.getJsonObject("contact").getString("address"));
    JsonObject masked = ok(gateway.get("supervisor", "/api/v1/home-visits/" + number), 200);
    assertTrue(masked.getJsonObject("contact").getString("address").endsWith("***"), masked.encode());
    assertEquals(404, gateway.get("clerk.town", "/api/v1/home-visits/" + number).statusCode());

    // The hall assigns one of its own staff and a time.
    assertEquals(404, gateway.post("clerk.town", "/api/v1/home-visits/" + number + "/schedule", new JsonObject()
        .put("assignee", "clerk.town").put("scheduledAt", "2026-09-30T10:00:00+08:00")).statusCode());
    problem(gateway.post("clerk", "/api/v1/home-visits/" + number + "/schedule", new JsonObject()
        .put("assignee", "clerk.town").put("scheduledAt", "2026-09-30T10:00:00+08:00")), 422, "/assignee", "unknown");
    problem(gateway.post("clerk", "/api/v1/home-visits/" + number + "/schedule", new JsonObject()
        .put("assignee", "clerk").put("scheduledAt", "2026-09-28T10:00:00+08:00")), 422, "/scheduledAt", "past");
    JsonObject scheduled = ok(gateway.post("clerk", "/api/v1/home-visits/" + number + "/schedule", new JsonObject()
        .put("assignee", "clerk").put("scheduledAt", "2026-09-30T10:00:00+08:00")), 200);
    assertEquals("SCHEDULED", scheduled.getString("status"));
    assertEquals("clerk", scheduled.getString("assignedTo"));
    assertEquals("2026-09-30T10:00:00+08:00", scheduled.getString("scheduledAt"));
    smsOf("HomeVisitScheduled", number);

    // At the door: the assigned clerk takes the case in; sent four times at once, it is one case.
    CLOCK.set("2026-09-30T10:20:00");
    assertEquals(403, gateway.post("supervisor", "/api/v1/home-visits/" + number + "/take-in", new JsonObject()
        .put("data", gateway.sample(MATTER))).statusCode());
    List<java.util.concurrent.Callable<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(() -> gateway.post("clerk", "/api/v1/home-visits/" + number + "/take-in", new JsonObject()
          .put("data", gateway.sample(MATTER))));
    }
    Set<String> cases = new HashSet<>();
    for (HttpResponse<String> r : atOnce(calls)) {
      cases.add(ok(r, 201).getJsonObject("application").getString("number"));
    }
    assertEquals(1, cases.size(), cases.toString());
    String caseNumber = cases.iterator().next();
    assertEquals("HOME_VISIT", gateway.read("clerk", caseNumber).getString("channel"));
    JsonObject done = ok(gateway.get("citizen", "/api/v1/home-visits/" + number), 200);
    assertEquals("TAKEN_IN", done.getString("status"));
    assertEquals(caseNumber, done.getString("applicationNumber"));
    assertEquals(409, gateway.post("citizen", "/api/v1/home-visits/" + number + "/cancel", new JsonObject())
        .statusCode());
    JsonArray list = new JsonArray(gateway.get("clerk", "/api/v1/home-visits").body());
    assertTrue(list.stream().map(JsonObject.class::cast).anyMatch(x -> x.getString("number").equals(number)));
  }

  @Test
  void aVisitNotMadeInTimeRaisesWarningsOnTheWorkingDayClock() throws Exception {
    try {
      CLOCK.set("2026-09-29T11:00:00");
      String number = ok(gateway.post("citizen", "/api/v1/home-visits", visit("AGE")), 201).getString("number");
      String declined = ok(gateway.post("citizen", "/api/v1/home-visits", visit("AGE")), 201).getString("number");
      problem(gateway.post("clerk", "/api/v1/home-visits/" + declined + "/decline", new JsonObject()
          .put("reason", " ")), 422, "/reason", "required");
      assertEquals("DECLINED", ok(gateway.post("clerk", "/api/v1/home-visits/" + declined + "/decline",
          new JsonObject().put("reason", "该地址不在本大厅服务范围")), 200).getString("status"));
      CLOCK.set("2026-10-13T09:00:00"); // due 10-12: 9-30, 10-8, 10-9, the make-up Saturday 10-10, 10-12
      gateway.platform().hallJobs().pass().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      JsonArray warnings = ok(gateway.get("clerk", "/api/v1/home-visits/" + number), 200).getJsonArray("warnings");
      assertTrue(warnings.stream().map(JsonObject.class::cast).anyMatch(w -> "RED".equals(w.getString("level"))
          && "VISIT_DUE".equals(w.getString("kind"))), warnings.encode());
      assertEquals(0, ok(gateway.get("clerk", "/api/v1/home-visits/" + declined), 200).getJsonArray("warnings")
          .size(), "a declined visit is not due");
    } finally {
      CLOCK.set("2026-09-29T09:00:00");
    }
  }

  @Test
  void aBookingsReminderReachesThePersonsPhone() throws Exception {
    CLOCK.set("2026-09-29T11:00:00");
    String booking = ok(gateway.post("citizen", "/api/v1/appointments", new JsonObject().put("hallCode", HALL)
        .put("matterCode", MATTER).put("startsAt", "2026-09-30T10:00:00+08:00")), 201).getString("number");
    gateway.platform().hallJobs().pass().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertTrue(smsOf("AppointmentReminder", booking).getString("text").contains("取号"));
  }

  @Test
  void holidayServiceIsAskedForAndTheHallConfirmsOrDeclines() throws Exception {
    CLOCK.set("2026-09-29T09:00:00");
    JsonObject ask = new JsonObject().put("hallCode", HALL).put("matterCode", MATTER).put("date", "2026-10-02")
        .put("time", "10:00").put("note", "国庆回乡，只有假期能来");
    problem(gateway.post("citizen", "/api/v1/holiday-requests", ask.copy().put("date", "2026-09-30")), 422, "/date",
        "open");
    problem(gateway.post("citizen", "/api/v1/holiday-requests", ask.copy().put("time", "25:00")), 422, "/time",
        "format");
    assertEquals(403, gateway.post("clerk", "/api/v1/holiday-requests", ask).statusCode());
    JsonObject made = ok(gateway.post("citizen", "/api/v1/holiday-requests", ask), 201);
    String number = made.getString("number");
    assertEquals("REQUESTED", made.getString("status"));
    String other = ok(gateway.post("citizen", "/api/v1/holiday-requests", ask.copy().put("time", "15:00")), 201)
        .getString("number");

    assertEquals(403, gateway.post("clerk.town", "/api/v1/holiday-requests/" + number + "/decide", new JsonObject()
        .put("decision", "CONFIRM")).statusCode());
    problem(gateway.post("clerk", "/api/v1/holiday-requests/" + other + "/decide", new JsonObject()
        .put("decision", "DECLINE")), 422, "/reason", "required");
    assertEquals("CONFIRMED", ok(gateway.post("clerk", "/api/v1/holiday-requests/" + number + "/decide",
        new JsonObject().put("decision", "CONFIRM")), 200).getString("status"));
    assertEquals("DECLINED", ok(gateway.post("clerk", "/api/v1/holiday-requests/" + other + "/decide",
        new JsonObject().put("decision", "DECLINE").put("reason", "当天无人值守")), 200).getString("status"));
    assertEquals(409, gateway.post("clerk", "/api/v1/holiday-requests/" + number + "/decide", new JsonObject()
        .put("decision", "DECLINE").put("reason", "x")).statusCode());
    smsOf("HolidayRequestConfirmed", number);
    assertTrue(smsOf("HolidayRequestDeclined", other).getString("text").contains("当天无人值守"));
    JsonArray mine = new JsonArray(gateway.get("citizen", "/api/v1/holiday-requests").body());
    assertTrue(mine.stream().map(JsonObject.class::cast).anyMatch(r -> r.getString("number").equals(other)
        && "当天无人值守".equals(r.getString("reason"))), mine.encode());
  }

  @Test
  void theRosterAndTheHallsGuideArePublished() throws Exception {
    CLOCK.set("2026-09-29T09:00:00");
    JsonObject set = ok(put("clerk", "/api/v1/halls/" + HALL + "/duty", new JsonObject().put("date", "2026-09-29")
        .put("duty", new JsonArray().add(new JsonObject().put("windowCode", "w01").put("username", "clerk")))), 200);
    assertEquals("clerk", set.getJsonArray("duty").getJsonObject(0).getString("username"));
    problem(put("clerk", "/api/v1/halls/" + HALL + "/duty", new JsonObject().put("date", "2026-09-29")
        .put("duty", new JsonArray().add(new JsonObject().put("windowCode", "w01").put("username", "reviewer.mzj")))),
        422, "/duty/0/username", "unknown");
    assertEquals(403, put("clerk.town", "/api/v1/halls/" + HALL + "/duty", new JsonObject().put("date", "2026-09-29")
        .put("duty", new JsonArray())).statusCode());
    JsonObject duty = ok(gateway.send("GET", "/api/v1/halls/" + HALL + "/duty?date=2026-09-29", null), 200);
    JsonObject entry = duty.getJsonArray("duty").getJsonObject(0);
    assertEquals("w01", entry.getString("windowCode"));
    assertNotNull(entry.getString("name"));
    assertFalse(entry.containsKey("username"), "the public sees names, not accounts");

    JsonObject guide = ok(gateway.send("GET", "/api/v1/halls/" + HALL + "/guide", null), 200);
    assertEquals("WORKDAY", guide.getString("todayKind"));
    assertNotNull(guide.getJsonObject("hours").getJsonArray("WORKDAY"));
    JsonObject w01 = guide.getJsonArray("windows").stream().map(JsonObject.class::cast)
        .filter(w -> w.getString("windowCode").equals("w01")).findFirst().orElseThrow();
    assertEquals(new JsonArray().add(entry.getString("name")), w01.getJsonArray("onDuty"));
    assertNotNull(w01.getString("sign"));
    assertTrue(guide.getJsonArray("windows").stream().map(JsonObject.class::cast)
        .allMatch(w -> w.getBoolean("allMatters") || !w.getJsonArray("matters").isEmpty()), guide.encode());
    JsonObject g = ok(gateway.send("POST", "/graphql", new JsonObject().put("query",
        "{ hallGuide(hallCode: \"xm-city\") }").encode(), "Content-Type", "application/json"), 200);
    assertEquals(guide.getJsonArray("windows").size(), g.getJsonObject("data").getJsonObject("hallGuide")
        .getJsonArray("windows").size());
  }
}
