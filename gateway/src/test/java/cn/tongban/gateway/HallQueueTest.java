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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 取号叫号 and 预登记 at the city hall: numbers for walk-ins and bookings (a booking first once its slot has
 * begun), one number to one window under parallel calls, transfer, served and absent with their times, the hall
 * display, and a pre-registration turned into a case at the window in one step, linked to the visit.
 */
class HallQueueTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static final String HALL = "xm-city";
  private static final String CITIZEN_ID = "11010519491231002X";
  private static final MutableClock CLOCK = MutableClock.at("2026-09-28T08:00:00");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_HALL_JOB_INTERVAL_SECONDS", "0",
        "TONGBAN_PRE_REGISTRATION_DAYS", "7"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static JsonObject ok(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject take(String user, JsonObject body) throws Exception {
    return ok(gateway.post(user, "/api/v1/halls/" + HALL + "/tickets", body), 201);
  }

  private static JsonObject call(String window) throws Exception {
    return ok(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/call", new JsonObject()
        .put("windowCode", window)), 200);
  }

  private static String called(String window) throws Exception {
    JsonObject t = call(window).getJsonObject("ticket");
    return t == null ? null : t.getString("number");
  }

  /** Calls until nobody waits for {@code window}, so a test starts from an empty queue. */
  private static void drain() throws Exception {
    for (String w : List.of("w01", "w02")) {
      while (called(w) != null) {
        // each called number is left called
      }
    }
  }

  @Test
  void bookingsGoFirstWithinTheirSlotAndVisitsRecordTheirTimes() throws Exception {
    CLOCK.set("2026-09-28T08:00:00");
    drain();
    String booking = ok(gateway.post("citizen", "/api/v1/appointments", new JsonObject().put("hallCode", HALL)
        .put("matterCode", MATTER).put("startsAt", "2026-09-28T10:00:00+08:00")), 201).getString("number");
    CLOCK.set("2026-09-28T09:00:00");
    String first = take("clerk", new JsonObject().put("matterCode", MATTER)).getString("number");
    assertTrue(first.startsWith("A"), first);
    CLOCK.set("2026-09-28T09:20:00");
    String second = take("clerk", new JsonObject()).getString("number");
    CLOCK.set("2026-09-28T09:30:00");
    // The citizen takes a number with their booking (a kiosk or their phone at the hall).
    JsonObject booked = take("citizen", new JsonObject().put("appointmentNumber", booking));
    assertTrue(booked.getString("number").startsWith("Y"), booked.encode());
    assertTrue(booked.getBoolean("booked"));
    assertEquals("CHECKED_IN", gateway.text("select status from appointment where number = '" + booking + "'"));
    // Taken once only.
    HttpResponse<String> again = gateway.post("citizen", "/api/v1/halls/" + HALL + "/tickets",
        new JsonObject().put("appointmentNumber", booking));
    assertEquals(422, again.statusCode(), again.body());
    assertTrue(again.body().contains("/appointmentNumber"), again.body());

    CLOCK.set("2026-09-28T09:40:00");
    assertEquals(first, called("w01"), "before the slot, in order of arrival");
    CLOCK.set("2026-09-28T10:05:00");
    assertEquals(booked.getString("number"), called("w02"), "within its slot the booking goes first");
    assertEquals(second, called("w01"));
    assertNull(call("w01").getValue("ticket"), "nobody waits");

    CLOCK.set("2026-09-28T10:15:00");
    JsonObject served = ok(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/" + first + "/finish",
        new JsonObject().put("outcome", "SERVED")), 200);
    assertEquals("SERVED", served.getString("status"));
    assertEquals(40 * 60, served.getInteger("waitSeconds"), "taken 09:00, called 09:40");
    assertEquals(35 * 60, served.getInteger("serviceSeconds"), "called 09:40, finished 10:15");
    JsonObject absent = ok(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/" + second + "/finish",
        new JsonObject().put("outcome", "ABSENT")), 200);
    assertEquals("ABSENT", absent.getString("status"));
    assertEquals(409, gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/" + second + "/finish",
        new JsonObject().put("outcome", "SERVED")).statusCode(), "ended once");

    // Transfer: the called booking goes back to waiting for window 1, which calls it before anyone else.
    take("clerk", new JsonObject());
    JsonObject moved = ok(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/" + booked.getString("number")
        + "/transfer", new JsonObject().put("windowCode", "w01")), 200);
    assertEquals("WAITING", moved.getString("status"));
    assertEquals(1, moved.getInteger("transfers"));
    assertEquals(booked.getString("number"), called("w01"));

    // The hall display: numbers, matters and windows, nobody's name or account.
    JsonObject board = ok(gateway.send("GET", "/api/v1/halls/" + HALL + "/queue", null), 200);
    assertEquals(1, board.getJsonArray("waiting").size(), board.encode());
    assertTrue(board.getJsonArray("called").stream().map(JsonObject.class::cast)
        .anyMatch(t -> t.getString("number").equals(booked.getString("number")) && "w01".equals(t.getString("windowCode"))
            && "综合受理窗口1".equals(t.getString("windowName"))));
    assertFalse(board.encode().contains("张三"));
    assertFalse(board.encode().contains("calledBy"));
    assertEquals(2, board.getInteger("finished"));

    // Who may: another hall's clerk, a reviewer; an unknown window.
    assertEquals(403, gateway.post("clerk.town", "/api/v1/halls/" + HALL + "/tickets/call",
        new JsonObject().put("windowCode", "w01")).statusCode());
    assertEquals(403, gateway.post("reviewer.mzj", "/api/v1/halls/" + HALL + "/tickets", new JsonObject()).statusCode());
    assertEquals(403, gateway.post("citizen", "/api/v1/halls/" + HALL + "/tickets", new JsonObject()).statusCode(),
        "a citizen queues only with a booking, never from afar");
    HttpResponse<String> unknown = gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/call",
        new JsonObject().put("windowCode", "w99"));
    assertEquals(422, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("/windowCode"));
    CLOCK.set("2026-09-28T08:00:00");
  }

  @Test
  void aBookedNumberPrefersItsBookingsWindowButDoesNotWaitForIt() throws Exception {
    CLOCK.set("2026-10-12T08:00:00");
    List<String> bookings = new java.util.ArrayList<>();
    for (String window : List.of("w01", "w02")) {
      JsonObject a = ok(gateway.post("citizen", "/api/v1/appointments", new JsonObject().put("hallCode", HALL)
          .put("matterCode", MATTER).put("startsAt", "2026-10-12T10:00:00+08:00").put("windowCode", window)), 201);
      assertEquals(window, a.getString("windowCode"));
      bookings.add(a.getString("number"));
    }
    CLOCK.set("2026-10-12T09:30:00");
    JsonObject atW01 = take("citizen", new JsonObject().put("appointmentNumber", bookings.get(0)));
    CLOCK.set("2026-10-12T09:31:00");
    JsonObject atW02 = take("citizen", new JsonObject().put("appointmentNumber", bookings.get(1)));
    assertEquals("w02", atW02.getString("bookedWindow"));
    CLOCK.set("2026-10-12T10:02:00");
    assertEquals(atW02.getString("number"), called("w02"), "w02 calls its own booking first, though taken later");
    assertEquals(atW01.getString("number"), called("w02"), "a free window does not leave w01's booking waiting");
    assertNull(call("w01").getValue("ticket"));
    for (String number : List.of(atW01.getString("number"), atW02.getString("number"))) {
      ok(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/" + number + "/finish",
          new JsonObject().put("outcome", "SERVED")), 200);
    }
    CLOCK.set("2026-09-28T08:00:00");
  }

  @Test
  void aNumberIsCalledToOneWindowOnlyUnderParallelCalls() throws Exception {
    CLOCK.set("2026-09-29T09:00:00");
    drain();
    Set<String> taken = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      taken.add(take("clerk", new JsonObject()).getString("number"));
    }
    String token = gateway.token("clerk");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String window = i % 2 == 0 ? "w01" : "w02";
        answers.add(pool.submit(() -> {
          go.await();
          return gateway.send("POST", "/api/v1/halls/" + HALL + "/tickets/call",
              new JsonObject().put("windowCode", window).encode(), "Authorization", "Bearer " + token,
              "Content-Type", "application/json");
        }));
      }
      go.countDown();
      List<String> numbers = new ArrayList<>();
      int none = 0;
      for (Future<HttpResponse<String>> f : answers) {
        JsonObject r = ok(f.get(30, TimeUnit.SECONDS), 200);
        if (r.getValue("ticket") == null) {
          none++;
        } else {
          numbers.add(r.getJsonObject("ticket").getString("number"));
        }
      }
      assertEquals(12, numbers.size(), "every waiting number called: " + numbers);
      assertEquals(taken, new HashSet<>(numbers), "each to exactly one window");
      assertEquals(4, none);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(12L, gateway.count("select count(*) from hall_ticket where day = '2026-09-29' and status = 'CALLED'"));
    assertEquals(12L, gateway.count("select count(*) from outbox_event where event_type = 'TicketCalled'"
        + " and aggregate_id like 'xm-city/2026-09-29/%'"));
    CLOCK.set("2026-09-28T08:00:00");
  }

  @Test
  void aPreRegistrationBecomesACaseAtTheWindowInOneStep() throws Exception {
    CLOCK.set("2026-09-30T09:00:00");
    drain();
    JsonObject data = gateway.sample(MATTER);
    JsonObject pre = ok(gateway.post("citizen", "/api/v1/pre-registrations", new JsonObject().put("matterCode", MATTER)
        .put("data", data)), 201);
    String number = pre.getString("number");
    assertTrue(number.startsWith("YD20260930"), number);
    assertEquals("OPEN", pre.getString("status"));
    assertEquals("2026-10-07T09:00:00+08:00", pre.getString("expiresAt"));
    HttpResponse<String> invalid = gateway.post("citizen", "/api/v1/pre-registrations", new JsonObject()
        .put("matterCode", MATTER).put("data", new JsonObject()));
    assertEquals(422, invalid.statusCode(), invalid.body());
    assertTrue(invalid.body().contains("\"pointer\":\"/data"), invalid.body());
    assertEquals(403, gateway.post("clerk", "/api/v1/pre-registrations", new JsonObject().put("matterCode", MATTER)
        .put("data", data)).statusCode());

    // At the hall: a number, the clerk finds the pre-registration by identity number and takes it in.
    String ticket = take("clerk", new JsonObject().put("matterCode", MATTER)).getString("number");
    assertEquals(ticket, called("w01"));
    JsonArray found = new JsonArray(gateway.get("clerk", "/api/v1/pre-registrations?idNumber=" + CITIZEN_ID).body());
    assertTrue(found.stream().anyMatch(o -> ((JsonObject) o).getString("number").equals(number)), found.encode());
    assertEquals(data, ok(gateway.get("clerk", "/api/v1/pre-registrations/" + number), 200).getJsonObject("data"));
    assertEquals(404, gateway.get("reviewer.mzj", "/api/v1/pre-registrations/" + number).statusCode());
    assertEquals(403, gateway.get("reviewer.mzj", "/api/v1/pre-registrations?idNumber=" + CITIZEN_ID).statusCode());
    assertEquals(403, gateway.post("citizen", "/api/v1/pre-registrations/" + number + "/convert", new JsonObject())
        .statusCode());

    JsonObject converted = ok(gateway.post("clerk", "/api/v1/pre-registrations/" + number + "/convert",
        new JsonObject().put("ticketNumber", ticket)), 201);
    JsonObject application = converted.getJsonObject("application");
    String caseNumber = application.getString("number");
    assertNotNull(caseNumber, converted.encode());
    assertEquals("WINDOW", application.getString("channel"));
    assertEquals(data, application.getJsonObject("data"), "taken in without typing again");
    assertEquals("CONVERTED", ok(gateway.get("citizen", "/api/v1/pre-registrations/" + number), 200)
        .getString("status"));
    assertEquals(caseNumber, gateway.text("select application_number from hall_ticket where day = '2026-09-30'"
        + " and number = '" + ticket + "'"), "the visit links to the case it produced");
    assertEquals(caseNumber, gateway.text("select number from application where number = '" + caseNumber
        + "' and channel = 'WINDOW' and hall_code = 'xm-city'"));
    assertEquals(409, gateway.post("clerk", "/api/v1/pre-registrations/" + number + "/convert", new JsonObject())
        .statusCode(), "converted once");
    JsonObject done = ok(gateway.post("clerk", "/api/v1/halls/" + HALL + "/tickets/" + ticket + "/finish",
        new JsonObject().put("outcome", "SERVED")), 200);
    assertEquals(caseNumber, done.getString("applicationNumber"));

    // Over GraphQL the same step (a second pre-registration).
    String other = ok(gateway.post("citizen", "/api/v1/pre-registrations", new JsonObject().put("matterCode", MATTER)
        .put("data", data)), 201).getString("number");
    HttpResponse<String> g = gateway.send("POST", "/graphql", new JsonObject()
        .put("query", "mutation($n: String!) { convertPreRegistration(number: $n) }")
        .put("variables", new JsonObject().put("n", other)).encode(),
        "Authorization", "Bearer " + gateway.token("clerk"), "Content-Type", "application/json");
    assertNotNull(new JsonObject(g.body()).getJsonObject("data").getJsonObject("convertPreRegistration")
        .getJsonObject("application").getString("number"), g.body());

    // Unused ones expire.
    String unused = ok(gateway.post("citizen", "/api/v1/pre-registrations", new JsonObject().put("matterCode", MATTER)
        .put("data", data)), 201).getString("number");
    CLOCK.set("2026-10-07T09:01:00");
    gateway.platform().hallJobs().pass().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("EXPIRED", ok(gateway.get("citizen", "/api/v1/pre-registrations/" + unused), 200)
        .getString("status"));
    assertEquals(409, gateway.post("clerk", "/api/v1/pre-registrations/" + unused + "/convert", new JsonObject())
        .statusCode());
    assertEquals(1L, gateway.count("select count(*) from outbox_event where event_type = 'PreRegistrationExpired'"
        + " and aggregate_id = '" + unused + "'"));
    CLOCK.set("2026-09-28T08:00:00");
  }

  @Test
  void theHallDisplayFollowsTheQueueOverTheSubscription() throws Exception {
    CLOCK.set("2026-10-08T09:00:00");
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      java.util.concurrent.BlockingQueue<JsonObject> messages = new java.util.concurrent.LinkedBlockingQueue<>();
      io.vertx.core.http.WebSocket socket = vertx.createWebSocketClient().connect(
          new io.vertx.core.http.WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
              .setURI("/graphql").addSubProtocol("graphql-transport-ws")).await(10, TimeUnit.SECONDS);
      socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
      socket.writeTextMessage(new JsonObject().put("type", "connection_init").put("payload",
          new JsonObject().put("Authorization", "Bearer " + gateway.token("clerk"))).encode());
      assertEquals("connection_ack", messages.poll(10, TimeUnit.SECONDS).getString("type"));
      socket.writeTextMessage(new JsonObject().put("id", "q").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", "subscription { hallQueue(hallCode: \"" + HALL + "\") }")).encode());
      // No sleep for the subscription to register: a number taken before it did passes unseen, so take
      // another each second until the display shows one it was sent.
      JsonObject board = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (board == null && System.nanoTime() < deadline) {
        String number = take("clerk", new JsonObject()).getString("number");
        long round = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (board == null && System.nanoTime() < round) {
          JsonObject m = messages.poll(100, TimeUnit.MILLISECONDS);
          if (m != null && "next".equals(m.getString("type"))) {
            JsonObject b = m.getJsonObject("payload").getJsonObject("data").getJsonObject("hallQueue");
            if (b.getJsonArray("waiting").stream().anyMatch(t -> number.equals(((JsonObject) t).getString("number")))) {
              board = b;
            }
          }
        }
      }
      assertNotNull(board, "the taken number reaches the display");
      assertEquals("2026-10-08", board.getString("day"));
      socket.close();
    } finally {
      vertx.close().await(20, TimeUnit.SECONDS);
      CLOCK.set("2026-09-28T08:00:00");
    }
  }

  @Test
  void hallAssessmentFiguresAddUpOnKnownVisits() throws Exception {
    // Four bookings: two kept (T-1 served at w01, T-2 called at w02 and absent), one no-show, one cancelled.
    int n = 0;
    for (String status : List.of("CHECKED_IN", "CHECKED_IN", "NO_SHOW", "CANCELLED")) {
      gateway.execute("insert into appointment (number, hall_code, matter_code, starts_at, ends_at, period, account_id,"
          + " applicant_name, status, created_at) values ('T-" + (++n) + "', '" + HALL + "', '" + MATTER + "',"
          + " '2026-08-03 10:00+08', '2026-08-03 10:30+08', 'REGULAR', (select id from account where username ="
          + " 'citizen'), '张三', '" + status + "', '2026-08-01 10:00+08')");
    }
    // Four visits on one day: waits of 10, 20, 30 and 40 minutes; three served (10, 30 and 60 minutes), one absent.
    String[][] visits = {
        {"A001", "09:10", "09:20", "SERVED", "w01", "clerk", "X-1", "T-1"},
        {"A002", "09:20", "09:50", "SERVED", "w01", "clerk", null, null},
        {"A003", "09:30", "09:31", "ABSENT", "w02", "clerk.town", null, "T-2"},
        {"A004", "09:40", "10:40", "SERVED", "w02", "clerk.town", "X-2", null}};
    for (String[] v : visits) {
      gateway.execute("insert into hall_ticket (hall_code, day, number, status, window_code, taken_by, taken_at,"
          + " called_at, called_by, finished_at, application_number, appointment_number) values ('" + HALL
          + "', '2026-08-03', '" + v[0] + "', '" + v[3] + "', '" + v[4] + "', 'test', '2026-08-03 09:00+08',"
          + " '2026-08-03 " + v[1] + "+08', (select 'account:' || id from account where username = '" + v[5]
          + "'), '2026-08-03 " + v[2] + "+08', " + (v[6] == null ? "null" : "'" + v[6] + "'") + ", "
          + (v[7] == null ? "null" : "'" + v[7] + "'") + ")");
    }
    // 好差评 of three visits: A001 非常满意 (5), A002 不满意 (2), A004 满意 (4) but its appeal was upheld
    // (kept on record, out of the figures).
    String[][] rated = {{"A001", "5", "false"}, {"A002", "2", "false"}, {"A004", "4", "true"}};
    for (String[] r : rated) {
      gateway.execute("insert into rating (visit_id, visit_day, visit_number, window_code, hall_code, grade, source,"
          + " rated_by, rated_at, status, excluded) select id, day, number, window_code, hall_code, " + r[1]
          + ", 'PAD', 'test', '2026-08-03 12:00+08', 'RECORDED', " + r[2] + " from hall_ticket where hall_code = '"
          + HALL + "' and day = '2026-08-03' and number = '" + r[0] + "'");
    }
    JsonObject figures = ok(gateway.get("supervisor", "/api/v1/halls/" + HALL + "/assessment?from=2026-08-03&to=2026-08-03"), 200);
    JsonObject hall = figures.getJsonObject("hall");
    assertEquals(4L, hall.getLong("visits"));
    assertEquals(3L, hall.getLong("served"));
    assertEquals(1L, hall.getLong("absent"));
    assertEquals(2L, hall.getLong("casesTakenIn"));
    assertEquals(1500.0, hall.getDouble("waitMedianSeconds"), "(20 + 30 minutes) / 2");
    assertEquals(2220.0, hall.getDouble("waitP90Seconds"), 0.001, "30 minutes + 0.7 × 10");
    assertEquals(1800.0, hall.getDouble("serviceMedianSeconds"), "served only: 10, 30, 60 minutes");
    assertEquals(3240.0, hall.getDouble("serviceP90Seconds"), 0.001, "30 minutes + 0.8 × 30");
    assertEquals(4L, hall.getLong("bookings"));
    assertEquals(2L, hall.getLong("bookingsKept"));
    assertEquals(1L, hall.getLong("noShows"));
    assertEquals(1L, hall.getLong("cancelled"));
    JsonObject w01 = figures.getJsonArray("windows").getJsonObject(0);
    assertEquals("w01", w01.getString("windowCode"));
    assertEquals(2L, w01.getLong("visits"));
    assertEquals(900.0, w01.getDouble("waitMedianSeconds"));
    assertEquals(1200.0, w01.getDouble("serviceMedianSeconds"));
    JsonObject w02 = figures.getJsonArray("windows").getJsonObject(1);
    assertEquals(1L, w02.getLong("absent"));
    assertEquals(3600.0, w02.getDouble("serviceMedianSeconds"));
    // Per window and staff: bookings kept there (a booked number called there) and booked numbers absent when
    // called; the windows' kept bookings add up to the hall's. `ratings` is the hook the ratings of visits fill.
    assertEquals(1L, w01.getLong("bookingsKept"));
    assertEquals(0L, w01.getLong("noShows"));
    assertEquals(1L, w02.getLong("bookingsKept"));
    assertEquals(1L, w02.getLong("noShows"));
    assertEquals(hall.getLong("bookingsKept"), w01.getLong("bookingsKept") + w02.getLong("bookingsKept"));
    assertEquals(4L, w01.getLong("visits") + w02.getLong("visits"));
    assertEquals(hall.getLong("casesTakenIn"), w01.getLong("casesTakenIn") + w02.getLong("casesTakenIn"));
    assertEquals(new JsonObject().put("rated", 2L).put("satisfied", 1L).put("satisfactionRate", 0.5)
        .put("averageGrade", 3.5), hall.getJsonObject("ratings"), "the upheld appeal's rating left out");
    assertEquals(hall.getJsonObject("ratings"), w01.getJsonObject("ratings"), "both rated visits were at w01");
    assertEquals(0L, w02.getJsonObject("ratings").getLong("rated"));
    Map<String, Long> byStaff = new java.util.HashMap<>();
    Map<String, Long> keptByStaff = new java.util.HashMap<>();
    figures.getJsonArray("staff").forEach(o -> {
      byStaff.put(((JsonObject) o).getString("staff"), ((JsonObject) o).getLong("casesTakenIn"));
      keptByStaff.put(((JsonObject) o).getString("staff"), ((JsonObject) o).getLong("bookingsKept"));
    });
    assertEquals(Map.of("clerk", 1L, "clerk.town", 1L), byStaff);
    assertEquals(Map.of("clerk", 1L, "clerk.town", 1L), keptByStaff);
    // The hall's own clerk sees them; another hall's clerk and a reviewer do not.
    assertEquals(200, gateway.get("clerk", "/api/v1/halls/" + HALL + "/assessment?from=2026-08-03").statusCode());
    assertEquals(403, gateway.get("clerk.town", "/api/v1/halls/" + HALL + "/assessment").statusCode());
    assertEquals(403, gateway.get("reviewer.mzj", "/api/v1/halls/" + HALL + "/assessment").statusCode());
  }
}
