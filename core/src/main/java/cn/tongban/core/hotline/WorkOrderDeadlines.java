package cn.tongban.core.hotline;

import cn.tongban.core.clock.CalendarService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * 电子监察 of work orders, as the case scanner does it for cases: a reminder one working day before the
 * sign-for or reply limit, a yellow card on the day, a red card after it; each raised once (a unique
 * warning row), with a {@code WorkOrderDeadlineWarning} outbox event. Safe on every node at once.
 */
public final class WorkOrderDeadlines {
  private final WorkOrderStore store;
  private final CalendarService calendar;

  public WorkOrderDeadlines(WorkOrderStore store, CalendarService calendar) {
    this.store = store;
    this.calendar = calendar;
  }

  /** One pass; answers the day and how many warnings were raised. */
  public Future<JsonObject> scan() {
    LocalDate today = calendar.today();
    LocalDate horizon = calendar.calendar().addWorkingDays(today, BigDecimal.ONE).date();
    return store.dueBy(horizon).compose(due -> {
      List<Long> ids = new ArrayList<>();
      List<String> kinds = new ArrayList<>();
      List<String> levels = new ArrayList<>();
      List<LocalDate> dues = new ArrayList<>();
      for (Object[] d : due) {
        LocalDate date = (LocalDate) d[2];
        ids.add((Long) d[0]);
        kinds.add((String) d[1]);
        dues.add(date);
        levels.add(date.isAfter(today) ? "REMINDER" : date.isEqual(today) ? "YELLOW" : "RED");
      }
      return ids.isEmpty() ? Future.succeededFuture(0)
          : store.raise(ids, kinds, levels, dues, OffsetDateTime.now(calendar.clock()));
    }).map(raised -> new JsonObject().put("date", today.toString()).put("warningsRaised", raised));
  }
}
