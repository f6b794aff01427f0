package cn.tongban.core.application;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.clock.WorkingCalendar;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Due dates beyond the loaded calendar: a case whose clock runs into a year without its holiday notice is
 * counted by the Monday–Friday rule and marked provisional; administrators and supervisors list such cases;
 * when the year is loaded, every running clock that reaches it is counted again.
 */
public final class ProvisionalDueDates {
  /** Who the recomputation is recorded as. */
  public static final String ACTOR = "system:calendar";
  private static final int LIMIT = 500;

  private final ApplicationStore store;
  private final CalendarService calendar;

  public ProvisionalDueDates(ApplicationStore store, CalendarService calendar) {
    this.store = store;
    this.calendar = calendar;
  }

  /**
   * The cases whose due dates are provisional (at most 500, the nearest statutory limit first) and the years
   * whose calendar they wait for; administrators and supervisors only.
   */
  public Future<JsonObject> list(Caller caller) {
    return Access.require(caller, "calendar.provisionalForbidden", Role.ADMIN, Role.SUPERVISOR)
        .compose(v -> store.provisionalCases(LIMIT))
        .map(items -> {
          TreeSet<Integer> years = new TreeSet<>();
          items.forEach(i -> i.getJsonArray("provisionalYears").forEach(y -> years.add((Integer) y)));
          return new JsonObject().put("years", new JsonArray(new ArrayList<>(years)))
              .put("items", new JsonArray(new ArrayList<>(items)));
        });
  }

  /**
   * Inside the transaction that changes {@code year} of the calendar: counts each running clock reaching the
   * year again. The working days a due date stood for are those between the clock's start and it as the
   * calendar counted them {@code before} (suspensions and an extension were added as working days, so they
   * are kept); the new due date is that many working days from the start as the calendar counts them
   * {@code after}. Answers how many cases moved.
   */
  public Future<Integer> recompute(SqlClient tx, WorkingCalendar before, WorkingCalendar after, int year) {
    return store.clocksReaching(tx, year).compose(clocks -> {
      List<Long> ids = new ArrayList<>();
      List<LocalDate> dues = new ArrayList<>();
      List<LocalDate> legalDues = new ArrayList<>();
      for (ApplicationStore.RunningClock c : clocks) {
        LocalDate due = recount(before, after, c.clockStart(), c.dueDate());
        LocalDate legal = recount(before, after, c.clockStart(), c.legalDueDate());
        if (!due.equals(c.dueDate()) || !legal.equals(c.legalDueDate())) {
          ids.add(c.id());
          dues.add(due);
          legalDues.add(legal);
        }
      }
      return store.moveDueDates(tx, ids, dues, legalDues, year, ACTOR, OffsetDateTime.now(calendar.clock()));
    });
  }

  private static LocalDate recount(WorkingCalendar before, WorkingCalendar after, LocalDate start, LocalDate due) {
    if (due == null || !due.isAfter(start)) {
      return due;
    }
    int days = before.workingDaysBetween(start, due);
    return after.addWorkingDays(start, BigDecimal.valueOf(days)).date();
  }
}
