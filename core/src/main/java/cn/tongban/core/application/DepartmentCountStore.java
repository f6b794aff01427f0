package cn.tongban.core.application;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the departments' case counts (read model of 按部门统计, migration V41): the database keeps
 * {@code department_case_delta} in every case change's transaction; this reads the sums and folds the
 * deltas into {@code department_case_count}.
 */
public final class DepartmentCountStore {
  /** The counts, by department and status. */
  public static final String READ = """
      select c.department_code, d.name, c.status, c.cases
      from (select department_code, status, sum(cases) as cases
            from (select department_code, status, cases from department_case_count
                  union all
                  select department_code, status, cases from department_case_delta) k
            group by department_code, status) c
      left join department d on d.code = c.department_code
      where c.cases <> 0
      order by c.department_code, c.status""";

  private static final String FOLD = """
      with moved as (
        delete from department_case_delta returning department_code, status, cases
      )
      insert into department_case_count (department_code, status, cases)
      select department_code, status, sum(cases) from moved group by department_code, status
      on conflict (department_code, status) do update set cases = department_case_count.cases + excluded.cases""";

  private final Pool pool;

  public DepartmentCountStore(Pool pool) {
    this.pool = pool;
  }

  /** One department's cases in one status; the department's name when it is known. */
  public record Count(String departmentCode, String name, String status, long cases) {
  }

  /** Every non-zero count, by department code and status. */
  public Future<List<Count>> counts() {
    return pool.query(READ).execute().map(rows -> {
      List<Count> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Count(r.getString("department_code"), r.getString("name"), r.getString("status"),
            r.getLong("cases")));
      }
      return out;
    });
  }

  /** Folds the counted changes into the totals (safe on every node at once); returns how many were folded. */
  public Future<Integer> fold() {
    return pool.query(FOLD).execute().map(rows -> rows.rowCount());
  }
}
