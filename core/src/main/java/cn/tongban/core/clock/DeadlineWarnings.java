package cn.tongban.core.clock;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The one warning rule on the working-day clock, for cases, bad reviews and work orders alike: a limit
 * within one working day gets a REMINDER, on its day a YELLOW card, once past a RED card (each raised once).
 */
public final class DeadlineWarnings {
  private DeadlineWarnings() {
  }

  /** How far ahead a scan on {@code today} looks: one working day. */
  public static LocalDate horizon(WorkingCalendar calendar, LocalDate today) {
    return calendar.addWorkingDays(today, BigDecimal.ONE).date();
  }

  /** The level of a limit due on {@code due}, seen on {@code today} (a limit within the horizon). */
  public static String level(LocalDate due, LocalDate today) {
    return due.isAfter(today) ? "REMINDER" : due.isEqual(today) ? "YELLOW" : "RED";
  }

  /** Due limits gathered column by column, as a set-based insert of warnings takes them. */
  public static final class Batch {
    private final LocalDate today;
    public final List<Long> ids = new ArrayList<>();
    public final List<String> kinds = new ArrayList<>();
    public final List<String> levels = new ArrayList<>();
    public final List<LocalDate> dues = new ArrayList<>();

    public Batch(LocalDate today) {
      this.today = today;
    }

    public Batch add(long id, String kind, LocalDate due) {
      ids.add(id);
      kinds.add(kind);
      dues.add(due);
      levels.add(level(due, today));
      return this;
    }

    public boolean isEmpty() {
      return ids.isEmpty();
    }
  }
}
