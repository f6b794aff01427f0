package cn.tongban.core.hall;

import cn.tongban.core.clock.CalendarService;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Hall times: Beijing time, written with their offset (2026-12-07T09:00:00+08:00). */
final class HallTime {
  private HallTime() {
  }

  static OffsetDateTime at(LocalDate day, LocalTime time) {
    return day.atTime(time).atZone(CalendarService.ZONE).toOffsetDateTime();
  }

  static OffsetDateTime local(OffsetDateTime t) {
    return t.atZoneSameInstant(CalendarService.ZONE).toOffsetDateTime();
  }

  static String text(OffsetDateTime t) {
    return t == null ? null : local(t).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  /** A sent date-time, or null when it is not one. */
  static OffsetDateTime parse(String text) {
    try {
      return text == null ? null : local(OffsetDateTime.parse(text));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
