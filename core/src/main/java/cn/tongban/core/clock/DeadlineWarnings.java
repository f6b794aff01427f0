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

  /**
   * The one statement that raises a batch of warnings ({@code $1} ids, {@code $2} kinds, {@code $3} levels,
   * {@code $4} due dates, {@code $5} the time; see {@link #raiseArguments}): each warning not raised before
   * goes into {@code table} (keyed by {@code parentColumn}) with its outbox event of {@code eventType}, whose
   * aggregate id and payload are expressions over {@code p} (the parent row of {@code parentTable}) and
   * {@code ins} (the warning); it answers how many were new.
   */
  public static String raiseStatement(String table, String parentColumn, String parentTable, String aggregateType,
      String aggregateId, String eventType, String payload) {
    return """
        with cand as (
          select * from unnest($1::bigint[], $2::text[], $3::text[], $4::date[]) as t(parent, kind, level, due_date)
        ), ins as (
          insert into %1$s (%2$s, kind, level, due_date, raised_at)
          select parent, kind, level, due_date, $5 from cand
          on conflict do nothing
          returning *
        ), events as (
          insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
          select '%4$s', %5$s, '%6$s', %7$s
          from ins join %3$s p on p.id = ins.%2$s
        )
        select count(*) from ins""".formatted(table, parentColumn, parentTable, aggregateType, aggregateId,
        eventType, payload);
  }

  /** The arguments of {@link #raiseStatement}. */
  public static io.vertx.sqlclient.Tuple raiseArguments(List<Long> ids, List<String> kinds, List<String> levels,
      List<LocalDate> dues, java.time.OffsetDateTime at) {
    return io.vertx.sqlclient.Tuple.of(ids.toArray(Long[]::new), kinds.toArray(String[]::new),
        levels.toArray(String[]::new), dues.toArray(LocalDate[]::new), at);
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
