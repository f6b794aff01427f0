package cn.tongban.bench;

import cn.tongban.core.clock.WorkingCalendar;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Working-day arithmetic on the 2026 calendar (holidays and make-up days as in migration V3): the due
 * date of a 20-working-day limit started just before the National Day week, a half-day limit, and the
 * working days a stopped clock moves over a year.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WorkingCalendarBenchmark {
  private static final BigDecimal TWENTY = BigDecimal.valueOf(20);
  private static final BigDecimal HALF = new BigDecimal("2.5");
  private static final LocalDate BEFORE_NATIONAL_DAY = LocalDate.of(2026, 9, 24);

  private final WorkingCalendar calendar = calendar2026();

  static WorkingCalendar calendar2026() {
    Map<LocalDate, WorkingCalendar.Kind> days = new HashMap<>();
    String[][] holidays = {{"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
        {"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"},
        {"2026-10-01", "2026-10-07"}};
    for (String[] h : holidays) {
      for (LocalDate d = LocalDate.parse(h[0]); !d.isAfter(LocalDate.parse(h[1])); d = d.plusDays(1)) {
        days.put(d, WorkingCalendar.Kind.HOLIDAY);
      }
    }
    for (String w : new String[] {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
        "2026-10-10"}) {
      days.put(LocalDate.parse(w), WorkingCalendar.Kind.WORKDAY);
    }
    return new WorkingCalendar(days, Set.of(2026));
  }

  @Benchmark
  public Object dueDateOf20WorkingDays() {
    return calendar.addWorkingDays(BEFORE_NATIONAL_DAY, TWENTY);
  }

  @Benchmark
  public Object dueDateOfHalfDayLimit() {
    return calendar.addWorkingDays(BEFORE_NATIONAL_DAY, HALF);
  }

  @Benchmark
  public int workingDaysInAYear() {
    return calendar.workingDaysBetween(LocalDate.of(2025, 12, 31), LocalDate.of(2026, 12, 31));
  }
}
