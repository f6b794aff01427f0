package cn.tongban.core.application;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * 按部门统计 for supervisors and administrators: every department's cases by status, exact as of the read.
 * The counts are kept by the database in the same transaction as every change of a case (migration V41), so
 * the read sums a few hundred rows however many cases there are; {@link #fold()} keeps those rows few.
 */
public final class DepartmentStatistics {
  /** Statuses of a case still being worked on. */
  static final Set<ApplicationStatus> OPEN = EnumSet.of(ApplicationStatus.SUBMITTED,
      ApplicationStatus.CORRECTION_REQUESTED, ApplicationStatus.ACCEPTED, ApplicationStatus.IN_REVIEW,
      ApplicationStatus.SUSPENDED);

  /** The counts' query, declared by the read model's store (public for the scale benchmark's query plans). */
  public static final String READ = DepartmentCountStore.READ;

  private final DepartmentCountStore store;

  public DepartmentStatistics(Pool pool) {
    this.store = new DepartmentCountStore(pool);
  }

  /** Every department's cases: in all, still open, and by status (statuses in code order). */
  public record Figures(long total, long open, List<Department> departments) {
    public JsonObject toJson() {
      return new JsonObject().put("total", total).put("open", open)
          .put("departments", new JsonArray(departments.stream().map(Department::toJson).toList()));
    }
  }

  /** One department's cases; its name when the organisation knows the department. */
  public record Department(String code, String name, long total, long open, Map<String, Long> byStatus) {
    public JsonObject toJson() {
      JsonObject statuses = new JsonObject();
      byStatus.forEach(statuses::put);
      return new JsonObject().put("code", code).put("name", name).put("total", total).put("open", open)
          .put("byStatus", statuses);
    }
  }

  /**
   * {@code {total, open, departments: [{code, name, total, open, byStatus: {STATUS: n}}]}}, departments by
   * code; 403 unless the caller is a supervisor or an administrator.
   */
  public Future<Figures> byDepartment(Caller caller) {
    if (caller.kind() != Caller.Kind.STAFF || !(caller.has(Role.SUPERVISOR) || caller.has(Role.ADMIN))) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "statistics.departmentsForbidden"));
    }
    return store.counts().map(rows -> {
      // Rows come by department code, then status: each department's rows are together.
      Map<String, List<DepartmentCountStore.Count>> byCode = new LinkedHashMap<>();
      rows.forEach(r -> byCode.computeIfAbsent(r.departmentCode(), c -> new ArrayList<>()).add(r));
      List<Department> departments = new ArrayList<>();
      long total = 0;
      long open = 0;
      for (List<DepartmentCountStore.Count> counts : byCode.values()) {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        long all = 0;
        long stillOpen = 0;
        for (DepartmentCountStore.Count r : counts) {
          byStatus.put(r.status(), r.cases());
          all += r.cases();
          if (OPEN.contains(ApplicationStatus.valueOf(r.status()))) {
            stillOpen += r.cases();
          }
        }
        departments.add(new Department(counts.get(0).departmentCode(), counts.get(0).name(), all, stillOpen,
            byStatus));
        total += all;
        open += stillOpen;
      }
      return new Figures(total, open, departments);
    });
  }

  /** Folds the counted changes into the totals (safe on every node at once); returns how many were folded. */
  public Future<Integer> fold() {
    return store.fold();
  }
}
