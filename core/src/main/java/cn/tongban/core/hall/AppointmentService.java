package cn.tongban.core.hall;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.identity.Account;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * 预约服务: a hall's opening hours, its slots per matter with their places, and booking, changing and cancelling
 * them. Citizens book for themselves at the real-name level the matter asks for and hold at most
 * {@code maxOpenBookings} open bookings; a hall's clerks see the day's bookings and mark no-shows.
 */
public final class AppointmentService {
  private final AppointmentStore store;
  private final CalendarService calendar;
  private final MatterService matters;
  private final IdentityService identity;
  /** The same store on the background pool: the periodic pass never waits for the requests' connections. */
  private final AppointmentStore jobs;
  private final TongbanConfig.Hall settings;
  private final List<TongbanConfig.RealNameLevel> levels;

  public AppointmentService(io.vertx.sqlclient.Pool pool, io.vertx.sqlclient.Pool background,
      CalendarService calendar, MatterService matters, IdentityService identity, TongbanConfig config) {
    this.store = new AppointmentStore(pool);
    this.jobs = new AppointmentStore(background);
    this.calendar = calendar;
    this.matters = matters;
    this.identity = identity;
    this.settings = config.hall();
    this.levels = config.realNameLevels();
  }

  /** A hall's opening hours (public); 404 for an unknown hall. */
  public Future<JsonObject> hours(String hall) {
    return hallHours(hall).map(HallHours::toJson);
  }

  Future<HallHours> hallHours(String hall) {
    return store.hours(hall).compose(own -> own.isPresent()
        ? Future.succeededFuture(HallHours.parse(hall, own.get(), new ArrayList<>(), Messages.DEFAULT))
        : store.hallExists(hall).compose(exists -> exists
            ? Future.succeededFuture(HallHours.defaults(hall, settings.slotMinutes(), settings.slotCapacity()))
            : Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "hall.notFound", hall))));
  }

  /** The hours of a window: its own when it has them, else its hall's ({@code windowCode} null: the hall's). */
  Future<HallHours> effectiveHours(String hall, String windowCode) {
    return (windowCode == null ? Future.succeededFuture(Optional.<JsonObject>empty())
        : store.windowHours(hall, windowCode)).compose(own -> own.isPresent()
        ? hallHours(hall).map(h -> HallHours.parse(hall, h.toJson().put("hours", own.get()), new ArrayList<>(),
            Messages.DEFAULT))
        : hallHours(hall));
  }

  /**
   * Sets the hours and places of one window where they differ from its hall's (administrators): {hours:
   * {WORKDAY, SATURDAY}, capacity?} — hours as for the hall, {hours: null} to keep the hall's; capacity the
   * places of each of its appointment slots, absent or null for the hall's. Numbers are called to it, and its
   * slots offered, only in its hours.
   */
  public Future<JsonObject> putWindowHours(Caller caller, String hall, String window, JsonObject body,
      Locale locale) {
    return Access.require(caller, "account.forbidden", Role.ADMIN).compose(v -> hallHours(hall)).compose(h -> {
      List<Violation> violations = new ArrayList<>();
      JsonObject own = body.getValue("hours") == null ? null
          : HallHours.parse(hall, new JsonObject().put("hours", body.getValue("hours")), violations, locale).toJson()
              .getJsonObject("hours");
      Object cap = body.getValue("capacity");
      Integer capacity = cap instanceof Number n && n.doubleValue() == n.intValue() ? Integer.valueOf(n.intValue()) : null;
      if (cap != null && (capacity == null || capacity < 1 || capacity > 1000)) {
        violations.add(new Violation("/capacity", "range", Messages.get(locale, "violation.minimum", "capacity", 1)));
      }
      if (!violations.isEmpty()) {
        return invalid(violations);
      }
      return store.pool().withTransaction(tx -> store.putWindowHours(tx, hall, window, own)
          .compose(found -> !found ? Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND,
                  "hall.windowNotFound", window))
              : store.putWindowCapacity(tx, hall, window, capacity)
                  .compose(x -> AuditLog.record(tx, caller.scopeKey(), "hall.windowHours", "hall", hall + "/" + window,
                      new JsonObject().put("hours", own).put("capacity", capacity)))))
          .map(x -> new JsonObject().put("hallCode", hall).put("windowCode", window).put("hours", own)
              .put("custom", own != null).put("capacity", capacity));
    });
  }

  /** The hall's windows with the hours each keeps (its own, or null: the hall's). */
  Future<List<JsonObject>> windows(String hall) {
    return store.windows(hall);
  }

  /** Sets a hall's opening hours (administrators); slots already booked keep their places. */
  public Future<JsonObject> putHours(Caller caller, String hall, JsonObject body, Locale locale) {
    return Access.require(caller, "account.forbidden", Role.ADMIN).compose(v -> {
      List<Violation> violations = new ArrayList<>();
      HallHours h = HallHours.parse(hall, body, violations, locale);
      if (!violations.isEmpty()) {
        return invalid(violations);
      }
      return store.hallExists(hall).compose(exists -> exists ? Future.succeededFuture()
              : Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "hall.notFound", hall)))
          .compose(x -> store.pool().withTransaction(tx -> store.putHours(tx, h)
              .compose(y -> AuditLog.record(tx, caller.scopeKey(), "hall.hours", "hall", hall, h.toJson()))))
          .map(x -> h.toJson());
    });
  }

  /** One window's slot of a day: the window (null: a hall-wide slot), its places, the slot and its start. */
  record WindowSlot(String windowCode, String windowName, int capacity, HallHours.Slot slot, OffsetDateTime start) {
  }

  /**
   * The slots of a matter on a day, per window that serves it (the guide's rule: comprehensive windows serve
   * every matter, a department's window its department's), each in the window's own hours or the hall's, with
   * the window's places per slot or the hall's; by start, then window. A hall with no window serving the matter
   * offers hall-wide slots (window null), as before windows had slots.
   */
  Future<List<WindowSlot>> windowSlots(String hall, String matter, LocalDate day) {
    return hallHours(hall).compose(h -> store.windowsServing(hall, matter).map(windows -> {
      List<WindowSlot> out = new ArrayList<>();
      if (windows.isEmpty()) {
        h.slots(calendar.calendar(), day).forEach(s -> out.add(new WindowSlot(null, null, h.capacityOf(matter), s,
            HallTime.at(day, s.start()))));
      }
      for (JsonObject w : windows) {
        HallHours hours = w.getValue("hours") == null ? h : HallHours.parse(hall,
            h.toJson().put("hours", w.getValue("hours")), new ArrayList<>(), Messages.DEFAULT);
        int capacity = w.getInteger("capacity") != null ? w.getInteger("capacity") : h.capacityOf(matter);
        hours.slots(calendar.calendar(), day).forEach(s -> out.add(new WindowSlot(w.getString("windowCode"),
            w.getString("name"), capacity, s, HallTime.at(day, s.start()))));
      }
      out.sort(java.util.Comparator.comparing(WindowSlot::start)
          .thenComparing(ws -> ws.windowCode() == null ? "" : ws.windowCode()));
      return out;
    }));
  }

  /**
   * The slots of a hall for a matter on a day (public), one per window and start: the window, start, end,
   * period, places and places left; none on a day the hall is closed. 404 for an unknown hall or matter, 400
   * for a malformed date.
   */
  public Future<JsonObject> slots(String hall, String matter, String date) {
    LocalDate day;
    try {
      day = LocalDate.parse(date);
    } catch (DateTimeParseException | NullPointerException e) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", "date"));
    }
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return matters.get(matter).compose(m -> windowSlots(hall, matter, day)).compose(list -> store.booked(hall, matter,
        HallTime.at(day, java.time.LocalTime.MIDNIGHT), HallTime.at(day.plusDays(1), java.time.LocalTime.MIDNIGHT))
        .map(booked -> {
          JsonArray slots = new JsonArray();
          for (WindowSlot ws : list) {
            int taken = booked.getOrDefault(AppointmentStore.key(ws.windowCode(), ws.start()), 0);
            slots.add(new JsonObject().put("windowCode", ws.windowCode()).put("windowName", ws.windowName())
                .put("startsAt", HallTime.text(ws.start()))
                .put("endsAt", HallTime.text(HallTime.at(day, ws.slot().end()))).put("period", ws.slot().period())
                .put("capacity", ws.capacity()).put("booked", taken).put("available", Math.max(0, ws.capacity() - taken))
                .put("bookable", ws.start().isAfter(now) && taken < ws.capacity()));
          }
          return new JsonObject().put("hallCode", hall).put("matterCode", matter).put("date", day.toString())
              .put("dayKind", HallHours.dayKind(calendar.calendar(), day).orElse("CLOSED")).put("slots", slots);
        }));
  }

  /**
   * The window slots a booking of {@code start} may take, in the order they are tried: the named window's only,
   * or — no window named (older clients) — every window serving the matter that has a slot starting then, most
   * places left first, then by window code. A violation at {@code pointer} when there is none or it has begun.
   */
  private Future<List<WindowSlot>> candidates(String hall, String matter, String window, OffsetDateTime start,
      String pointer, Locale locale) {
    if (start == null) {
      return invalid(List.of(new Violation(pointer, "format", Messages.get(locale, "violation.format",
          pointer.substring(1), "2026-12-07T09:00:00+08:00"))));
    }
    LocalDate day = start.toLocalDate();
    return windowSlots(hall, matter, day).compose(all -> {
      if (window != null && all.stream().noneMatch(ws -> window.equals(ws.windowCode()))) {
        return invalid(List.of(new Violation("/windowCode", "window", Messages.get(locale, "appointment.window"))));
      }
      List<WindowSlot> at = all.stream().filter(ws -> ws.start().isEqual(start))
          .filter(ws -> window == null || window.equals(ws.windowCode())).toList();
      if (at.isEmpty()) {
        return invalid(List.of(new Violation(pointer, "outsideHours", Messages.get(locale, "appointment.outsideHours"))));
      }
      if (!start.isAfter(OffsetDateTime.now(calendar.clock()))) {
        return invalid(List.of(new Violation(pointer, "past", Messages.get(locale, "appointment.past"))));
      }
      if (at.size() == 1) {
        return Future.succeededFuture(at);
      }
      return store.booked(hall, matter, start, start.plusSeconds(1)).map(booked -> at.stream()
          .sorted(java.util.Comparator.<WindowSlot>comparingInt(ws -> -(ws.capacity()
                  - booked.getOrDefault(AppointmentStore.key(ws.windowCode(), ws.start()), 0)))
              .thenComparing(ws -> ws.windowCode() == null ? "" : ws.windowCode()))
          .toList());
    });
  }

  /** Books a slot for the signed-in citizen: {hallCode, matterCode, startsAt, windowCode?}. */
  public Future<JsonObject> book(Caller caller, JsonObject body, Locale locale) {
    if (caller.kind() != Caller.Kind.CITIZEN) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "appointment.forbidden"));
    }
    String hall = body.getString("hallCode");
    String matter = body.getString("matterCode");
    String window = body.getValue("windowCode") instanceof String w ? w : null;
    OffsetDateTime start = HallTime.parse(body.getString("startsAt"));
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return matters.get(matter).compose(m -> citizen(caller).compose(account -> {
      Optional<DomainException> low = belowLevel(account, m.matter().document());
      if (low.isPresent()) {
        return Future.failedFuture(low.get());
      }
      return candidates(hall, matter, window, start, "/startsAt", locale).compose(tried ->
          store.pool().withTransaction(tx -> store.lockPerson(tx, account.id())
              .compose(x -> store.openBookings(tx, account.id(), now))
              .compose(open -> open >= settings.maxOpenBookings()
                  ? invalid(List.of(new Violation("", "tooManyBookings",
                      Messages.get(locale, "appointment.tooMany", settings.maxOpenBookings()))))
                  : take(tx, hall, matter, tried, 0, locale))
              .compose(ws -> store.insert(tx, hall, matter, ws.windowCode(), start,
                      HallTime.at(start.toLocalDate(), ws.slot().end()), ws.slot().period(), account.id(),
                      account.displayName(), now)
                  .compose(number -> AuditLog.record(tx, caller.scopeKey(), "appointment.booked", "appointment",
                      number, new JsonObject().put("hallCode", hall).put("matterCode", matter)
                          .put("windowCode", ws.windowCode()).put("startsAt", HallTime.text(start)))
                  .compose(x -> Outbox.append(tx, "appointment", number, "AppointmentBooked", new JsonObject()
                      .put("number", number).put("hallCode", hall).put("matterCode", matter)
                      .put("windowCode", ws.windowCode()).put("startsAt", HallTime.text(start))
                      .put("accountId", account.id())))
                  .compose(x -> store.find(tx, number, false)).map(Optional::orElseThrow)))));
    }));
  }

  /**
   * Takes a place in the first of {@code tried} that has one left; each try is the one conditional update, so
   * of parallel bookings of a window's last place exactly one gets it and the others go on to the next window
   * (or, none left, get {@code full}).
   */
  private Future<WindowSlot> take(SqlClient tx, String hall, String matter, List<WindowSlot> tried, int i,
      Locale locale) {
    if (i >= tried.size()) {
      return invalid(List.of(new Violation("/startsAt", "full", Messages.get(locale, "appointment.full"))));
    }
    WindowSlot ws = tried.get(i);
    return store.takePlace(tx, hall, matter, ws.windowCode(), ws.start(), ws.capacity())
        .compose(ok -> ok ? Future.succeededFuture(ws) : take(tx, hall, matter, tried, i + 1, locale));
  }

  /**
   * Moves a booking to another slot of the same hall and matter, up to the cut-off before its start:
   * {startsAt, windowCode?} — without a window, as for a booking (the window with most places left).
   */
  public Future<JsonObject> change(Caller caller, String number, JsonObject body, Locale locale) {
    OffsetDateTime start = HallTime.parse(body.getString("startsAt"));
    String window = body.getValue("windowCode") instanceof String w ? w : null;
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return own(caller, number).compose(a -> candidates(a.getString("hallCode"), a.getString("matterCode"), window,
            start, "/startsAt", locale).compose(tried ->
            store.pool().withTransaction(tx -> store.find(tx, number, true).map(Optional::orElseThrow)
                .compose(locked -> changeable(locked, now, locale))
                .compose(locked -> take(tx, locked.getString("hallCode"), locked.getString("matterCode"), tried, 0,
                        locale)
                    .compose(ws -> store.releasePlace(tx, locked.getString("hallCode"),
                            locked.getString("matterCode"), locked.getString("windowCode"),
                            HallTime.parse(locked.getString("startsAt")))
                        .compose(x -> store.move(tx, number, ws.windowCode(), start,
                            HallTime.at(start.toLocalDate(), ws.slot().end()), ws.slot().period(), now))
                        .compose(x -> AuditLog.record(tx, caller.scopeKey(), "appointment.changed", "appointment",
                            number, new JsonObject().put("from", locked.getString("startsAt"))
                                .put("to", HallTime.text(start)).put("windowCode", ws.windowCode())))
                        .compose(x -> Outbox.append(tx, "appointment", number, "AppointmentChanged", new JsonObject()
                            .put("number", number).put("startsAt", HallTime.text(start))
                            .put("windowCode", ws.windowCode()))))
                    .compose(x -> store.find(tx, number, false)).map(Optional::orElseThrow)))));
  }

  /** Cancels a booking (its holder), up to the cut-off before its start; the place is free again. */
  public Future<JsonObject> cancel(Caller caller, String number, Locale locale) {
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return own(caller, number).compose(a -> store.pool().withTransaction(tx -> store.find(tx, number, true)
        .map(Optional::orElseThrow)
        .compose(locked -> changeable(locked, now, locale))
        .compose(locked -> store.setStatus(tx, number, "CANCELLED", now)
            .compose(x -> store.releasePlace(tx, locked.getString("hallCode"), locked.getString("matterCode"),
                locked.getString("windowCode"), HallTime.parse(locked.getString("startsAt")))))
        .compose(x -> AuditLog.record(tx, caller.scopeKey(), "appointment.cancelled", "appointment", number, null))
        .compose(x -> Outbox.append(tx, "appointment", number, "AppointmentCancelled",
            new JsonObject().put("number", number)))
        .compose(x -> store.find(tx, number, false)).map(Optional::orElseThrow)));
  }

  /** 爽约: a clerk of the booking's hall records that the applicant did not come, once its slot has begun. */
  public Future<JsonObject> noShow(Caller caller, String number) {
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return Access.require(caller, "appointment.forbidden", Role.CLERK, Role.AGENT)
        .compose(v -> store.find(store.pool(), number, false))
        .compose(found -> found.filter(a -> caller.hallCode().map(a.getString("hallCode")::equals).orElse(false))
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "appointment.notFound",
                number))))
        .compose(a -> HallTime.parse(a.getString("startsAt")).isAfter(now) || !"BOOKED".equals(a.getString("status"))
            ? Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "appointment.notNoShow"))
            : store.pool().withTransaction(tx -> store.setStatus(tx, number, "NO_SHOW", now)
                .compose(ok -> ok ? Future.<Void>succeededFuture() : Future.failedFuture(
                    new DomainException(ProblemCode.ILLEGAL_TRANSITION, "appointment.notNoShow")))
                .compose(x -> AuditLog.record(tx, caller.scopeKey(), "appointment.noShow", "appointment", number,
                    null))
                .compose(x -> Outbox.append(tx, "appointment", number, "AppointmentNoShow",
                    new JsonObject().put("number", number).put("hallCode", a.getString("hallCode"))))
                .compose(x -> store.find(tx, number, false)).map(Optional::orElseThrow)));
  }

  /**
   * The appointments the caller may see, by start: a citizen their own, a hall's clerks and agents their
   * hall's, supervisors and administrators all; {@code date} (YYYY-MM-DD) narrows them to one day.
   */
  public Future<List<JsonObject>> list(Caller caller, Optional<String> date) {
    OffsetDateTime dayStart;
    try {
      dayStart = date.map(d -> HallTime.at(LocalDate.parse(d), java.time.LocalTime.MIDNIGHT)).orElse(null);
    } catch (DateTimeParseException e) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", "date"));
    }
    if (caller.kind() == Caller.Kind.CITIZEN) {
      return store.list(caller.subject(), null, dayStart);
    }
    if (caller.has(Role.ADMIN) || caller.has(Role.SUPERVISOR)) {
      return store.list(null, null, dayStart);
    }
    if ((caller.has(Role.CLERK) || caller.has(Role.AGENT)) && caller.hallCode().isPresent()) {
      return store.list(null, caller.hallCode().get(), dayStart);
    }
    return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "appointment.forbidden"));
  }

  /** The periodic pass: reminders before slots, then no-shows of slots long over. */
  public Future<Integer> remindAndClose() {
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return jobs.remind(now, now.plusMinutes(settings.reminderMinutes()))
        .compose(n -> jobs.markNoShows(now.minusMinutes(settings.noShowMinutes()), now).map(m -> n + m));
  }

  /** The booking, for its holder only (404 for anyone else). */
  private Future<JsonObject> own(Caller caller, String number) {
    return store.find(store.pool(), number, false).compose(found -> found
        .filter(a -> caller.kind() == Caller.Kind.CITIZEN && caller.subject().equals(a.getString("accountId")))
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "appointment.notFound",
            number))));
  }

  private Future<JsonObject> changeable(JsonObject a, OffsetDateTime now, Locale locale) {
    if (!"BOOKED".equals(a.getString("status"))) {
      return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "appointment.notBooked",
          a.getString("status")));
    }
    if (now.plusMinutes(settings.changeCutoffMinutes()).isAfter(HallTime.parse(a.getString("startsAt")))) {
      return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "appointment.tooLate",
          settings.changeCutoffMinutes()));
    }
    return Future.succeededFuture(a);
  }

  private Future<Account> citizen(Caller caller) {
    return identity.account(caller.subject()).map(a -> a.orElseThrow(() ->
        new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken")));
  }

  /**
   * The one real-name check of the hall's services (booking, holiday request, door-to-door visit): 403
   * {@code real-name-level-too-low} when the account is below the matter's {@code minRealNameLevel}.
   */
  Optional<DomainException> belowLevel(Account account, JsonObject matterDocument) {
    int required = matterDocument.getInteger("minRealNameLevel", 1);
    return account.realNameLevel() >= required ? Optional.empty() : Optional.of(new DomainException(
        ProblemCode.REAL_NAME_LEVEL_TOO_LOW, "realname.tooLow", levelCode(required), levelCode(account.realNameLevel())));
  }

  private String levelCode(int rank) {
    return levels.stream().filter(l -> l.rank() == rank).map(TongbanConfig.RealNameLevel::code).findFirst()
        .orElse("L" + rank);
  }

  static <T> Future<T> invalid(List<Violation> violations) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "hall.invalid",
        violations, violations.size()));
  }
}
