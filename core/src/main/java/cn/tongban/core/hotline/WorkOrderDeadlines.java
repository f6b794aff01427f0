package cn.tongban.core.hotline;

import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.clock.CalendarService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.OffsetDateTime;

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
    LocalDate horizon = DeadlineWarnings.horizon(calendar.calendar(), today);
    return store.dueBy(horizon).compose(due -> {
      DeadlineWarnings.Batch batch = new DeadlineWarnings.Batch(today);
      due.forEach(d -> batch.add((Long) d[0], (String) d[1], (LocalDate) d[2]));
      return batch.isEmpty() ? Future.succeededFuture(0)
          : store.raise(batch.ids, batch.kinds, batch.levels, batch.dues, OffsetDateTime.now(calendar.clock()));
    }).map(raised -> new JsonObject().put("date", today.toString()).put("warningsRaised", raised));
  }
}
