package cn.tongban.core.agency;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only SQL of 同城通办 statistics over the cases taken between two dates (inclusive, Beijing time),
 * and its row mapping into the statistics' parts.
 */
public final class SameCityStatisticsStore {
  private static final String RANGE = """
      with c as (
        select a.* from application a
        where a.submitted_at >= ($1::date)::timestamp at time zone 'Asia/Shanghai'
          and a.submitted_at < ($2::date + 1)::timestamp at time zone 'Asia/Shanghai'
      )""";

  private static final String TOTALS = RANGE + """
      select count(*) as total,
             count(*) filter (where m.same_city) as same_city_matters,
             count(*) filter (where c.forwarded_at is not null) as forwarded,
             count(*) filter (where c.forwarded_at is not null and c.forward_answered_at is not null) as answered,
             count(*) filter (where c.forwarded_at is not null and c.forward_answered_at is null) as pending,
             count(*) filter (where c.forwarded_at is not null and (c.forward_answered_at is null
               and c.forward_due_date < $3 or (c.forward_answered_at at time zone 'Asia/Shanghai')::date
               > c.forward_due_date)) as late,
             avg(extract(epoch from c.forward_answered_at - c.forwarded_at) / 3600.0)
               filter (where c.forward_answered_at is not null) as avg_hours,
             max(extract(epoch from c.forward_answered_at - c.forwarded_at) / 3600.0)
               filter (where c.forward_answered_at is not null) as max_hours,
             count(*) filter (where c.agency is not null) as agency,
             count(*) filter (where c.collection->>'method' = 'INTAKE_HALL') as collect_intake,
             count(*) filter (where c.collection->>'method' = 'HOME_DEPARTMENT') as collect_home,
             count(*) filter (where c.collection->>'method' = 'EXPRESS') as collect_express
      from c join matter m on m.code = c.matter_code""";

  private static final String BY_HALL = RANGE + """
      select c.hall_code, h.name, h.level, count(*) as cases,
             count(*) filter (where c.forwarded_at is not null) as forwarded
      from c left join hall h on h.code = c.hall_code
      group by c.hall_code, h.name, h.level order by cases desc, c.hall_code""";

  private static final String BY_DEPARTMENT = RANGE + """
      select coalesce(c.accepting_department_code, c.department_code) as dept, d.name, count(*) as cases,
             count(*) filter (where c.forwarded_at is not null) as forwarded
      from c left join department d on d.code = coalesce(c.accepting_department_code, c.department_code)
      group by 1, d.name order by cases desc, 1""";

  private final Pool pool;

  public SameCityStatisticsStore(Pool pool) {
    this.pool = pool;
  }

  /** The period's totals; the hours are rounded to 1/100, null while no forwarded case was answered. */
  public record Totals(long total, long sameCityMatterCases, long forwarded, long answered, long pending, long late,
      Double averageHours, Double maxHours, long agentHandled, long collectedAtIntakeHall,
      long collectedAtHomeDepartment, long sentByExpress) {
  }

  /** Cases taken in at one hall (name and level null for a hall no longer known). */
  public record HallCount(String hallCode, String hallName, String level, long cases, long forwarded) {
  }

  /** Cases of one home (accepting) department. */
  public record DepartmentCount(String departmentCode, String departmentName, long cases, long forwarded) {
  }

  /** The totals, forwarding times, agent-handled cases and collection methods; {@code today} judges lateness. */
  public Future<Totals> totals(LocalDate from, LocalDate to, LocalDate today) {
    return pool.preparedQuery(TOTALS).execute(Tuple.of(from, to, today)).map(rows -> totals(rows.iterator().next()));
  }

  /** Cases by intake hall, most first. */
  public Future<List<HallCount>> byIntakeHall(LocalDate from, LocalDate to) {
    return pool.preparedQuery(BY_HALL).execute(Tuple.of(from, to)).map(rows -> {
      List<HallCount> out = new ArrayList<>();
      rows.forEach(r -> out.add(new HallCount(r.getString(0), r.getString(1), r.getString(2), r.getLong(3),
          r.getLong(4))));
      return out;
    });
  }

  /** Cases by home (accepting) department, most first. */
  public Future<List<DepartmentCount>> byHomeDepartment(LocalDate from, LocalDate to) {
    return pool.preparedQuery(BY_DEPARTMENT).execute(Tuple.of(from, to)).map(rows -> {
      List<DepartmentCount> out = new ArrayList<>();
      rows.forEach(r -> out.add(new DepartmentCount(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3))));
      return out;
    });
  }

  private static Totals totals(Row r) {
    Number avg = (Number) r.getValue("avg_hours");
    Number max = (Number) r.getValue("max_hours");
    return new Totals(r.getLong("total"), r.getLong("same_city_matters"), r.getLong("forwarded"),
        r.getLong("answered"), r.getLong("pending"), r.getLong("late"),
        avg == null ? null : Math.round(avg.doubleValue() * 100) / 100.0,
        max == null ? null : Math.round(max.doubleValue() * 100) / 100.0,
        r.getLong("agency"), r.getLong("collect_intake"), r.getLong("collect_home"), r.getLong("collect_express"));
  }
}
