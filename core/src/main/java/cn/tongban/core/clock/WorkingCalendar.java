package cn.tongban.core.clock;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * 工作日历: which days are working days. Statutory holidays and official make-up working days (调休) are
 * data; every other day follows the Monday–Friday rule. Limits count from the day after the start event,
 * in working days with half-day steps. Immutable: a change to the calendar makes a new one.
 */
public final class WorkingCalendar {
  /** How a day differs from the Monday–Friday rule. */
  public enum Kind { HOLIDAY, WORKDAY }

  /** A due date; {@code halfDay} when the limit ends at noon of that day; warnings for unknown years. */
  public record DueDate(LocalDate date, boolean halfDay, Set<Integer> yearsWithoutCalendar) {
  }

  private final NavigableMap<LocalDate, Kind> special;
  private final Set<Integer> years;

  public WorkingCalendar(Map<LocalDate, Kind> special, Set<Integer> years) {
    this.special = new TreeMap<>(special);
    this.years = Set.copyOf(years);
  }

  public boolean isWorkingDay(LocalDate day) {
    Kind k = special.get(day);
    if (k != null) {
      return k == Kind.WORKDAY;
    }
    return day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY;
  }

  /** Whether {@code day} is a statutory holiday (法定节假日) of the calendar, not just a weekend. */
  public boolean isHoliday(LocalDate day) {
    return special.get(day) == Kind.HOLIDAY;
  }

  /** Whether the official notice for {@code year} has been entered. */
  public boolean knows(int year) {
    return years.contains(year);
  }

  /**
   * The day on which {@code workingDays} (a multiple of 0.5) after {@code start} ends: the first working day
   * after {@code start} is day one. Zero working days end on {@code start} itself (即办).
   */
  public DueDate addWorkingDays(LocalDate start, BigDecimal workingDays) {
    if (workingDays.signum() < 0 || workingDays.remainder(new BigDecimal("0.5")).signum() != 0) {
      throw new IllegalArgumentException("working days must be a non-negative multiple of 0.5: " + workingDays);
    }
    int whole = workingDays.setScale(0, RoundingMode.CEILING).intValueExact();
    boolean half = workingDays.stripTrailingZeros().scale() > 0;
    Set<Integer> unknown = new TreeSet<>();
    LocalDate day = start;
    for (int counted = 0; counted < whole; ) {
      day = day.plusDays(1);
      if (!knows(day.getYear())) {
        unknown.add(day.getYear());
      }
      if (isWorkingDay(day)) {
        counted++;
      }
    }
    return new DueDate(day, half, unknown);
  }

  /** Working days in {@code (from, to]}: how far a clock moves when it was stopped from one day to another. */
  public int workingDaysBetween(LocalDate from, LocalDate to) {
    int n = 0;
    for (LocalDate d = from.plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
      if (isWorkingDay(d)) {
        n++;
      }
    }
    return n;
  }
}
