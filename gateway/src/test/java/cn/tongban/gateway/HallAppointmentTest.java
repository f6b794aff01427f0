package cn.tongban.gateway;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 预约服务 as people meet it: a hall's hours as data following the working-day calendar (noon service, evening
 * hours, Saturdays, holidays closed), booking, changing and cancelling a slot, the limits (real-name level, open
 * bookings, full slots, outside hours), the last place under parallel bookings, reminders and no-shows.
 */
class HallAppointmentTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static final String STRICT = "rsj-pension-benefit-claim";
  private static final String HALL = "xm-city";
  /** Monday 28 September 2026; Saturdays 26 September and 3 October are holidays, 10 October a make-up working day. */
  private static final MutableClock CLOCK = MutableClock.at("2026-09-28T08:00:00");
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_HALL_MAX_OPEN_BOOKINGS", "3",
        "TONGBAN_HALL_JOB_INTERVAL_SECONDS", "0", "TONGBAN_HALL_REMINDER_MINUTES", "120"), CLOCK);
    JsonObject hours = new JsonObject().put("hours", new JsonObject()
            .put("WORKDAY", new JsonArray()
                .add(period("09:00", "12:00", "REGULAR")).add(period("12:00", "13:00", "NOON"))
                .add(period("13:00", "17:00", "REGULAR")).add(period("17:00", "18:00", "EVENING")))
            .put("SATURDAY", new JsonArray().add(period("09:00", "12:00", "REGULAR"))))
        .put("slotMinutes", 60).put("capacity", 3).put("capacities", new JsonObject().put(STRICT, 2));
    assertEquals(200, gateway.send("PUT", "/api/v1/halls/" + HALL + "/hours", hours.encode(),
        "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json").statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static JsonObject period(String from, String to, String kind) {
    return new JsonObject().put("from", from).put("to", to).put("kind", kind);
  }

  /** The day's slots of window w01 (the city hall has two comprehensive windows, each with slots of its own). */
  private static JsonObject slots(String date, String matter) throws Exception {
    return slots(date, matter, "w01");
  }

  private static JsonObject slots(String date, String matter, String window) throws Exception {
    HttpResponse<String> r = gateway.send("GET", "/api/v1/halls/" + HALL + "/slots?matterCode=" + matter + "&date="
        + date, null);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject all = new JsonObject(r.body());
    return all.put("slots", new JsonArray(all.getJsonArray("slots").stream().map(JsonObject.class::cast)
        .filter(s -> window.equals(s.getString("windowCode"))).toList()));
  }

  private static JsonObject slotAt(String date, String matter, String window, String startsAt) throws Exception {
    return slots(date, matter, window).getJsonArray("slots").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("startsAt").equals(startsAt)).findFirst().orElseThrow();
  }

  /** Books without naming a window, as clients before per-window slots did: the service picks one. */
  private static HttpResponse<String> book(String token, String matter, String startsAt) throws Exception {
    return book(token, matter, startsAt, null);
  }

  private static HttpResponse<String> book(String token, String matter, String startsAt, String window)
      throws Exception {
    return gateway.send("POST", "/api/v1/appointments", new JsonObject().put("hallCode", HALL)
            .put("matterCode", matter).put("startsAt", startsAt).put("windowCode", window).encode(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  private static HttpResponse<String> post(String token, String path, JsonObject body) throws Exception {
    return gateway.send("POST", path, body == null ? null : body.encode(), body == null
        ? new String[] {"Authorization", "Bearer " + token}
        : new String[] {"Authorization", "Bearer " + token, "Content-Type", "application/json"});
  }

  private static List<String> pointers(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonArray("violations").stream()
        .map(v -> ((JsonObject) v).getString("pointer") + ":" + ((JsonObject) v).getString("code")).toList();
  }

  /** A newly registered citizen (real-name level L1) signed in: their token. */
  private static String newCitizen() throws Exception {
    int n = SEQ.incrementAndGet();
    String body = String.format("41018319850101%03d", n);
    int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (body.charAt(i) - '0') * weights[i];
    }
    String id = body + "10X98765432".charAt(sum % 11);
    HttpResponse<String> r = gateway.send("POST", "/api/v1/citizens", new JsonObject().put("idNumber", id)
        .put("name", "预约人" + n).put("phone", String.format("137%08d", n)).put("password", "Booking-Hall-26")
        .encode(), "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    HttpResponse<String> t = gateway.send("POST", "/api/v1/auth/token", new JsonObject()
        .put("grant_type", "password").put("username", id).put("password", "Booking-Hall-26").encode(),
        "Content-Type", "application/json");
    assertEquals(200, t.statusCode(), t.body());
    return new JsonObject(t.body()).getString("access_token");
  }

  @Test
  void hoursAreDataAndFollowTheWorkingDayCalendar() throws Exception {
    JsonObject hours = new JsonObject(gateway.send("GET", "/api/v1/halls/" + HALL + "/hours", null).body());
    assertTrue(hours.getBoolean("custom"));
    assertEquals("NOON", hours.getJsonObject("hours").getJsonArray("WORKDAY").getJsonObject(1).getString("kind"));
    // A township hall without hours of its own keeps the defaults: mornings and afternoons of working days.
    JsonObject town = new JsonObject(gateway.send("GET", "/api/v1/halls/xm-chaohua/hours", null).body());
    assertFalse(town.getBoolean("custom"));
    assertEquals(404, gateway.send("GET", "/api/v1/halls/nowhere/hours", null).statusCode());

    JsonObject monday = slots("2026-09-28", MATTER);
    assertEquals("WORKDAY", monday.getString("dayKind"));
    List<String> periods = monday.getJsonArray("slots").stream().map(s -> ((JsonObject) s).getString("period")).toList();
    assertEquals(List.of("REGULAR", "REGULAR", "REGULAR", "NOON", "REGULAR", "REGULAR", "REGULAR", "REGULAR",
        "EVENING"), periods, "午间不间断 and 延时 slots among the day's");
    assertEquals("2026-09-28T09:00:00+08:00", monday.getJsonArray("slots").getJsonObject(0).getString("startsAt"));
    assertEquals(3, monday.getJsonArray("slots").getJsonObject(0).getInteger("available"));
    assertEquals(2, slots("2026-09-28", STRICT).getJsonArray("slots").getJsonObject(0).getInteger("capacity"),
        "places per matter");
    assertEquals("SATURDAY", slots("2026-10-17", MATTER).getString("dayKind"));
    assertEquals(3, slots("2026-10-17", MATTER).getJsonArray("slots").size(), "Saturday mornings");
    assertEquals("CLOSED", slots("2026-10-18", MATTER).getString("dayKind"), "Sundays closed");
    assertEquals("CLOSED", slots("2026-09-26", MATTER).getString("dayKind"), "中秋节 falls on this Saturday");
    assertEquals("CLOSED", slots("2026-10-03", MATTER).getString("dayKind"), "a holiday Saturday is closed");
    JsonObject makeUp = slots("2026-10-10", MATTER);
    assertEquals("WORKDAY", makeUp.getString("dayKind"), "a make-up Saturday has working-day hours");
    assertEquals(9, makeUp.getJsonArray("slots").size());
    assertEquals(0, slots("2026-10-01", MATTER).getJsonArray("slots").size(), "National Day");

    HttpResponse<String> bad = gateway.send("PUT", "/api/v1/halls/" + HALL + "/hours", new JsonObject()
            .put("hours", new JsonObject().put("WORKDAY", new JsonArray().add(period("09:00", "12:00", "REGULAR"))
                .add(period("11:00", "10:00", "REGULAR")))).put("slotMinutes", 30).put("capacity", 2).encode(),
        "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json");
    assertEquals(422, bad.statusCode(), bad.body());
    assertEquals(List.of("/hours/WORKDAY/1:period"), pointers(bad));
    assertEquals(403, gateway.send("PUT", "/api/v1/halls/" + HALL + "/hours", new JsonObject()
            .put("hours", new JsonObject()).put("slotMinutes", 30).put("capacity", 2).encode(),
        "Authorization", "Bearer " + gateway.token("clerk"), "Content-Type", "application/json").statusCode());
  }

  @Test
  void aCitizenBooksChangesAndCancelsWithinTheRules() throws Exception {
    CLOCK.set("2026-09-28T08:00:00");
    String citizen = gateway.token("citizen");
    HttpResponse<String> booked = book(citizen, MATTER, "2026-09-29T12:00:00+08:00");
    assertEquals(201, booked.statusCode(), booked.body());
    JsonObject a = new JsonObject(booked.body());
    String number = a.getString("number");
    assertTrue(booked.headers().firstValue("Location").orElseThrow().endsWith(number));
    assertEquals("BOOKED", a.getString("status"));
    assertEquals("NOON", a.getString("period"));
    assertEquals("2026-09-29T13:00:00+08:00", a.getString("endsAt"));
    assertEquals("张三", a.getString("applicantName"));
    JsonObject noon = slots("2026-09-29", MATTER).getJsonArray("slots").getJsonObject(3);
    assertEquals(1, noon.getInteger("booked"));
    assertEquals(1L, gateway.count("select count(*) from outbox_event where event_type = 'AppointmentBooked'"
        + " and aggregate_id = '" + number + "'"));
    assertEquals(1L, gateway.count("select count(*) from audit_event where action = 'appointment.booked'"
        + " and entity_id = '" + number + "'"));

    // Outside the hours, in the past, an unknown hall, staff booking: each a clear answer.
    assertEquals(List.of("/startsAt:outsideHours"), pointers(book(citizen, MATTER, "2026-09-29T08:00:00+08:00")));
    assertEquals(List.of("/startsAt:outsideHours"), pointers(book(citizen, MATTER, "2026-09-27T09:00:00+08:00")));
    assertEquals(List.of("/startsAt:outsideHours"), pointers(book(citizen, MATTER, "2026-09-29T09:30:00+08:00")));
    assertEquals(List.of("/startsAt:past"), pointers(book(citizen, MATTER, "2026-09-24T09:00:00+08:00")));
    assertEquals(List.of("/startsAt:format"), pointers(book(citizen, MATTER, "tomorrow")));
    assertEquals(403, book(gateway.token("clerk"), MATTER, "2026-09-29T09:00:00+08:00").statusCode());
    assertEquals(404, book(citizen, "no-such-matter", "2026-09-29T09:00:00+08:00").statusCode());

    // Change to the evening slot; the noon place is free again.
    HttpResponse<String> moved = post(citizen, "/api/v1/appointments/" + number + "/change",
        new JsonObject().put("startsAt", "2026-09-29T17:00:00+08:00"));
    assertEquals(200, moved.statusCode(), moved.body());
    assertEquals("EVENING", new JsonObject(moved.body()).getString("period"));
    assertEquals(0, slots("2026-09-29", MATTER).getJsonArray("slots").getJsonObject(3).getInteger("booked"));
    assertEquals(1, slots("2026-09-29", MATTER).getJsonArray("slots").getJsonObject(8).getInteger("booked"));
    assertEquals(404, post(gateway.token("clerk"), "/api/v1/appointments/" + number + "/cancel", null).statusCode(),
        "another person's booking is not there for them");

    // Listing: the citizen their own, the hall's clerk the hall's day, a department reviewer nothing.
    JsonArray mine = new JsonArray(gateway.get("citizen", "/api/v1/appointments").body());
    assertTrue(mine.stream().anyMatch(o -> ((JsonObject) o).getString("number").equals(number)));
    JsonArray hallDay = new JsonArray(gateway.get("clerk", "/api/v1/appointments?date=2026-09-29").body());
    assertTrue(hallDay.stream().anyMatch(o -> ((JsonObject) o).getString("number").equals(number)));
    assertEquals(0, new JsonArray(gateway.get("clerk.town", "/api/v1/appointments?date=2026-09-29").body()).size());
    assertEquals(403, gateway.get("reviewer.mzj", "/api/v1/appointments").statusCode());

    HttpResponse<String> cancelled = post(citizen, "/api/v1/appointments/" + number + "/cancel", null);
    assertEquals(200, cancelled.statusCode(), cancelled.body());
    assertEquals("CANCELLED", new JsonObject(cancelled.body()).getString("status"));
    assertEquals(0, slots("2026-09-29", MATTER).getJsonArray("slots").getJsonObject(8).getInteger("booked"));
    assertEquals(409, post(citizen, "/api/v1/appointments/" + number + "/cancel", null).statusCode());

    // Too late to change: within the cut-off (60 minutes) before the slot.
    String late = new JsonObject(book(citizen, MATTER, "2026-09-28T09:00:00+08:00").body()).getString("number");
    CLOCK.set("2026-09-28T08:30:00");
    HttpResponse<String> tooLate = post(citizen, "/api/v1/appointments/" + late + "/cancel", null);
    assertEquals(409, tooLate.statusCode(), tooLate.body());
    assertTrue(new JsonObject(tooLate.body()).getString("detail").contains("60"), tooLate.body());

    // The hall's clerk records a no-show once the slot has begun, not before; another hall's clerk cannot.
    assertEquals(409, post(gateway.token("clerk"), "/api/v1/appointments/" + late + "/no-show", null).statusCode());
    CLOCK.set("2026-09-28T09:10:00");
    assertEquals(404, post(gateway.token("clerk.town"), "/api/v1/appointments/" + late + "/no-show", null)
        .statusCode());
    HttpResponse<String> noShow = post(gateway.token("clerk"), "/api/v1/appointments/" + late + "/no-show", null);
    assertEquals(200, noShow.statusCode(), noShow.body());
    assertEquals("NO_SHOW", new JsonObject(noShow.body()).getString("status"));
    CLOCK.set("2026-09-28T08:00:00");
  }

  @Test
  void limitsRealNameLevelAndOpenBookings() throws Exception {
    CLOCK.set("2026-09-28T08:00:00");
    String fresh = newCitizen();
    HttpResponse<String> low = book(fresh, STRICT, "2026-09-30T09:00:00+08:00");
    assertEquals(403, low.statusCode(), low.body());
    assertEquals("real-name-level-too-low", new JsonObject(low.body()).getString("code"));
    for (String t : List.of("09:00", "10:00", "11:00")) {
      assertEquals(201, book(fresh, MATTER, "2026-09-30T" + t + ":00+08:00").statusCode());
    }
    HttpResponse<String> fourth = book(fresh, MATTER, "2026-09-30T13:00:00+08:00");
    assertEquals(422, fourth.statusCode(), fourth.body());
    assertEquals(List.of(":tooManyBookings"), pointers(fourth));
  }

  @Test
  void twoApplicantsBookingTheLastPlaceAtOnceOnlyOneGetsIt() throws Exception {
    CLOCK.set("2026-09-28T08:00:00");
    String slot = "2026-10-09T16:00:00+08:00";
    // Two of the three places of window w01's slot go first; then eight people try for its last one at once.
    assertEquals(201, book(newCitizen(), MATTER, slot, "w01").statusCode());
    assertEquals(201, book(newCitizen(), MATTER, slot, "w01").statusCode());
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tokens.add(newCitizen());
    }
    ExecutorService pool = Executors.newFixedThreadPool(tokens.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (String t : tokens) {
        answers.add(pool.submit(() -> {
          go.await();
          return book(t, MATTER, slot, "w01");
        }));
      }
      go.countDown();
      int won = 0;
      int full = 0;
      for (Future<HttpResponse<String>> f : answers) {
        HttpResponse<String> r = f.get();
        if (r.statusCode() == 201) {
          won++;
        } else {
          assertEquals(422, r.statusCode(), r.body());
          assertEquals(List.of("/startsAt:full"), pointers(r));
          full++;
        }
      }
      assertEquals(1, won, "exactly one gets the last place");
      assertEquals(7, full);
    } finally {
      pool.shutdownNow();
    }
    JsonObject last = slotAt("2026-10-09", MATTER, "w01", slot);
    assertEquals(3, last.getInteger("booked"));
    assertFalse(last.getBoolean("bookable"));
    assertEquals(3, slotAt("2026-10-09", MATTER, "w02", slot).getInteger("available"), "the other window's untouched");
    assertEquals(3L, gateway.count("select count(*) from appointment where status = 'BOOKED'"
        + " and starts_at = '" + slot + "' and window_code = 'w01'"));

    // Eight more at once naming no window (older clients): the service gives them w02's three places, the rest
    // are full — w01's full slot is never overbooked.
    List<String> more = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      more.add(newCitizen());
    }
    ExecutorService again = Executors.newFixedThreadPool(more.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (String t : more) {
        answers.add(again.submit(() -> {
          go.await();
          return book(t, MATTER, slot);
        }));
      }
      go.countDown();
      int won = 0;
      for (Future<HttpResponse<String>> f : answers) {
        HttpResponse<String> r = f.get();
        if (r.statusCode() == 201) {
          assertEquals("w02", new JsonObject(r.body()).getString("windowCode"), r.body());
          won++;
        } else {
          assertEquals(List.of("/startsAt:full"), pointers(r));
        }
      }
      assertEquals(3, won, "w02's three places, no more");
    } finally {
      again.shutdownNow();
    }
    assertEquals(3, slotAt("2026-10-09", MATTER, "w01", slot).getInteger("booked"));
    assertEquals(3, slotAt("2026-10-09", MATTER, "w02", slot).getInteger("booked"));
  }

  @Test
  void eachWindowOffersItsOwnSlotsInItsOwnHoursWithItsOwnPlaces() throws Exception {
    CLOCK.set("2026-09-28T08:00:00");
    String admin = gateway.token("admin");
    JsonObject mornings = new JsonObject().put("hours", new JsonObject()
        .put("WORKDAY", new JsonArray().add(period("09:00", "12:00", "REGULAR")))).put("capacity", 1);
    assertEquals(200, gateway.send("PUT", "/api/v1/halls/" + HALL + "/windows/w02/hours", mornings.encode(),
        "Authorization", "Bearer " + admin, "Content-Type", "application/json").statusCode());
    try {
      JsonObject w02 = slots("2026-10-13", MATTER, "w02");
      assertEquals(3, w02.getJsonArray("slots").size(), "w02 only in its mornings");
      assertEquals("综合受理窗口2", w02.getJsonArray("slots").getJsonObject(0).getString("windowName"));
      assertEquals(1, w02.getJsonArray("slots").getJsonObject(0).getInteger("capacity"), "its own places");
      assertEquals(9, slots("2026-10-13", MATTER, "w01").getJsonArray("slots").size(), "w01 keeps the hall's");
      assertEquals(3, slotAt("2026-10-13", MATTER, "w01", "2026-10-13T09:00:00+08:00").getInteger("capacity"));

      String citizen = newCitizen();
      HttpResponse<String> atW02 = book(citizen, MATTER, "2026-10-13T10:00:00+08:00", "w02");
      assertEquals(201, atW02.statusCode(), atW02.body());
      assertEquals("w02", new JsonObject(atW02.body()).getString("windowCode"));
      assertEquals("综合受理窗口2", new JsonObject(atW02.body()).getString("windowName"));
      assertEquals(0, slotAt("2026-10-13", MATTER, "w02", "2026-10-13T10:00:00+08:00").getInteger("available"));
      assertEquals(List.of("/startsAt:full"), pointers(book(newCitizen(), MATTER, "2026-10-13T10:00:00+08:00",
          "w02")));
      assertEquals(List.of("/startsAt:outsideHours"), pointers(book(citizen, MATTER, "2026-10-13T14:00:00+08:00",
          "w02")), "w02 has no afternoon");
      assertEquals(List.of("/windowCode:window"), pointers(book(citizen, MATTER, "2026-10-13T10:00:00+08:00",
          "w99")));
      // Changing moves the booking to another window's slot; the place at w02 is free again.
      HttpResponse<String> moved = post(citizen, "/api/v1/appointments/" + new JsonObject(atW02.body())
          .getString("number") + "/change", new JsonObject().put("startsAt", "2026-10-13T14:00:00+08:00"));
      assertEquals(200, moved.statusCode(), moved.body());
      assertEquals("w01", new JsonObject(moved.body()).getString("windowCode"));
      assertEquals(1, slotAt("2026-10-13", MATTER, "w02", "2026-10-13T10:00:00+08:00").getInteger("available"));
      HttpResponse<String> badCapacity = gateway.send("PUT", "/api/v1/halls/" + HALL + "/windows/w02/hours",
          new JsonObject().put("hours", (Object) null).put("capacity", 0).encode(),
          "Authorization", "Bearer " + admin, "Content-Type", "application/json");
      assertEquals(List.of("/capacity:range"), pointers(badCapacity));
    } finally {
      assertEquals(200, gateway.send("PUT", "/api/v1/halls/" + HALL + "/windows/w02/hours",
          new JsonObject().put("hours", (Object) null).encode(),
          "Authorization", "Bearer " + admin, "Content-Type", "application/json").statusCode());
    }
  }

  @Test
  void overGraphQLTheSameSlotsAndBooking() throws Exception {
    CLOCK.set("2026-09-28T08:00:00");
    String token = newCitizen();
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject()
        .put("query", "mutation($i: JSON!) { bookAppointment(input: $i) }")
        .put("variables", new JsonObject().put("i", new JsonObject().put("hallCode", HALL).put("matterCode", MATTER)
            .put("startsAt", "2026-10-12T14:00:00+08:00"))).encode(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    JsonObject booked = new JsonObject(r.body()).getJsonObject("data").getJsonObject("bookAppointment");
    assertEquals("BOOKED", booked.getString("status"), r.body());
    HttpResponse<String> s = gateway.send("POST", "/graphql", new JsonObject()
        .put("query", "query { hallSlots(hallCode: \"" + HALL + "\", matterCode: \"" + MATTER
            + "\", date: \"2026-10-12\") }").encode(), "Content-Type", "application/json");
    JsonArray slots = new JsonArray(new JsonObject(s.body()).getJsonObject("data").getJsonObject("hallSlots")
        .getJsonArray("slots").stream().map(JsonObject.class::cast).filter(x -> "w01".equals(x.getString("windowCode")))
        .toList());
    assertEquals(1, slots.getJsonObject(5).getInteger("booked"), s.body());
    HttpResponse<String> full = gateway.send("POST", "/graphql", new JsonObject()
        .put("query", "mutation($i: JSON!) { bookAppointment(input: $i) }")
        .put("variables", new JsonObject().put("i", new JsonObject().put("hallCode", HALL).put("matterCode", MATTER)
            .put("startsAt", "2026-10-12T08:00:00+08:00"))).encode(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertTrue(full.body().contains("/startsAt"), full.body());
  }

  @Test
  void remindersBeforeTheSlotAndNoShowsAfterIt() throws Exception {
    CLOCK.set("2026-09-28T08:00:00");
    String token = newCitizen();
    String number = new JsonObject(book(token, MATTER, "2026-10-13T10:00:00+08:00").body()).getString("number");
    CLOCK.set("2026-10-13T08:30:00");
    runHallJob();
    assertEquals(1L, gateway.count("select count(*) from outbox_event where event_type = 'AppointmentReminder'"
        + " and aggregate_id = '" + number + "'"), "reminded within the lead time");
    runHallJob();
    assertEquals(1L, gateway.count("select count(*) from outbox_event where event_type = 'AppointmentReminder'"
        + " and aggregate_id = '" + number + "'"), "once");
    CLOCK.set("2026-10-13T11:31:00");
    runHallJob();
    assertEquals("NO_SHOW", gateway.text("select status from appointment where number = '" + number + "'"));
    CLOCK.set("2026-09-28T08:00:00");
  }

  /** The periodic pass, as ScheduledJobs runs it. */
  private static void runHallJob() throws Exception {
    gateway.platform().hallJobs().pass().toCompletionStage().toCompletableFuture().get(10,
        java.util.concurrent.TimeUnit.SECONDS);
  }
}
