package cn.tongban.core.hall;

import cn.tongban.core.clock.WorkingCalendar;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A hall's opening hours as data: periods on working days and on Saturdays (REGULAR, NOON 午间不间断, EVENING
 * 延时), the slot length and the places per slot, per matter where it differs. Which hours a date has follows
 * the working-day calendar: a working day (make-up Saturdays included) has the WORKDAY periods, an ordinary
 * Saturday the SATURDAY ones, a Sunday or a statutory holiday none.
 */
public record HallHours(String hallCode, Map<String, List<Period>> hours, int slotMinutes, int capacity,
    Map<String, Integer> capacities, boolean custom) {

  /** The kinds of day that have hours. */
  public static final List<String> DAY_KINDS = List.of("WORKDAY", "SATURDAY");
  /** The kinds of period. */
  public static final Set<String> PERIOD_KINDS = Set.of("REGULAR", "NOON", "EVENING");

  /** One opening period of a day. */
  public record Period(LocalTime from, LocalTime to, String kind) {
    JsonObject toJson() {
      return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("kind", kind);
    }
  }

  /** One bookable slot of a day. */
  public record Slot(LocalTime start, LocalTime end, String period) {
  }

  /** The hours of a hall that has none of its own: mornings and afternoons of working days. */
  public static HallHours defaults(String hallCode, int slotMinutes, int capacity) {
    return new HallHours(hallCode, Map.of("WORKDAY", List.of(
        new Period(LocalTime.of(9, 0), LocalTime.of(12, 0), "REGULAR"),
        new Period(LocalTime.of(14, 0), LocalTime.of(17, 0), "REGULAR")), "SATURDAY", List.of()),
        slotMinutes, capacity, Map.of(), false);
  }

  /** The kind of day {@code date} is for the hall, or empty when it is closed. */
  public static Optional<String> dayKind(WorkingCalendar calendar, LocalDate date) {
    if (calendar.isWorkingDay(date)) {
      return Optional.of("WORKDAY");
    }
    return date.getDayOfWeek() == DayOfWeek.SATURDAY && !calendar.isHoliday(date) ? Optional.of("SATURDAY")
        : Optional.empty();
  }

  /** The slots of {@code date}, in order; none when the hall is closed that day. */
  public List<Slot> slots(WorkingCalendar calendar, LocalDate date) {
    List<Slot> out = new ArrayList<>();
    dayKind(calendar, date).ifPresent(kind -> {
      for (Period p : hours.getOrDefault(kind, List.of())) {
        for (LocalTime t = p.from(); !t.plusMinutes(slotMinutes).isAfter(p.to()) && !t.plusMinutes(slotMinutes)
            .isBefore(t); t = t.plusMinutes(slotMinutes)) {
          out.add(new Slot(t, t.plusMinutes(slotMinutes), p.kind()));
        }
      }
    });
    return out;
  }

  /**
   * Whether numbers are given and called at {@code at} on {@code date}: from {@code leadMinutes} before the day's
   * first period to the end of its last (a noon pause included); never on a closed day. {@code leadMinutes < 0}:
   * at any time.
   */
  public boolean open(WorkingCalendar calendar, LocalDate date, LocalTime at, int leadMinutes) {
    if (leadMinutes < 0) {
      return true;
    }
    List<Period> day = dayKind(calendar, date).map(k -> hours.getOrDefault(k, List.of())).orElse(List.of());
    if (day.isEmpty()) {
      return false;
    }
    LocalTime first = day.get(0).from();
    LocalTime from = first.minusMinutes(leadMinutes).isAfter(first) ? LocalTime.MIN : first.minusMinutes(leadMinutes);
    return !at.isBefore(from) && !at.isAfter(day.get(day.size() - 1).to());
  }

  /** The places of one slot of {@code matterCode}. */
  public int capacityOf(String matterCode) {
    return capacities.getOrDefault(matterCode, capacity);
  }

  public JsonObject toJson() {
    JsonObject h = new JsonObject();
    DAY_KINDS.forEach(k -> h.put(k, new JsonArray(hours.getOrDefault(k, List.of()).stream()
        .map(Period::toJson).toList())));
    JsonObject caps = new JsonObject();
    capacities.forEach(caps::put);
    return new JsonObject().put("hallCode", hallCode).put("hours", h).put("slotMinutes", slotMinutes)
        .put("capacity", capacity).put("capacities", caps).put("custom", custom);
  }

  /** Reads stored or sent hours; every problem goes to {@code violations} with its pointer. */
  public static HallHours parse(String hallCode, JsonObject body, List<Violation> violations, Locale locale) {
    Map<String, List<Period>> hours = new LinkedHashMap<>();
    JsonObject given = body.getValue("hours") instanceof JsonObject o ? o : new JsonObject();
    for (String kind : DAY_KINDS) {
      List<Period> periods = new ArrayList<>();
      JsonArray list = given.getValue(kind) instanceof JsonArray a ? a : new JsonArray();
      for (int i = 0; i < list.size(); i++) {
        String pointer = "/hours/" + kind + "/" + i;
        JsonObject p = list.getValue(i) instanceof JsonObject o ? o : new JsonObject();
        LocalTime from = time(p.getString("from"));
        LocalTime to = time(p.getString("to"));
        String periodKind = p.getString("kind", "REGULAR");
        if (from == null || to == null || !from.isBefore(to)) {
          violations.add(new Violation(pointer, "period", Messages.get(locale, "hall.period")));
        } else if (!PERIOD_KINDS.contains(periodKind)) {
          violations.add(new Violation(pointer + "/kind", "enum", Messages.get(locale, "violation.enum", "kind")));
        } else if (!periods.isEmpty() && from.isBefore(periods.get(periods.size() - 1).to())) {
          violations.add(new Violation(pointer, "overlap", Messages.get(locale, "hall.overlap")));
        } else {
          periods.add(new Period(from, to, periodKind));
        }
      }
      hours.put(kind, List.copyOf(periods));
    }
    Map<String, Integer> capacities = new LinkedHashMap<>();
    JsonObject caps = body.getValue("capacities") instanceof JsonObject o ? o : new JsonObject();
    caps.forEach(e -> {
      if (e.getValue() instanceof Number n && n.intValue() >= 1 && n.intValue() <= 1000) {
        capacities.put(e.getKey(), n.intValue());
      } else {
        violations.add(new Violation("/capacities/" + e.getKey(), "range",
            Messages.get(locale, "violation.minimum", "capacity", 1)));
      }
    });
    return new HallHours(hallCode, hours, body.getInteger("slotMinutes", 30), body.getInteger("capacity", 4),
        capacities, true);
  }

  private static LocalTime time(String text) {
    try {
      return text == null || !text.matches("\\d{2}:\\d{2}") ? null : LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
