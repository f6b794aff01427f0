package cn.tongban.core.application;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.EnumSet;
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

  /**
   * {@code {total, open, departments: [{code, name, total, open, byStatus: {STATUS: n}}]}}, departments by
   * code; 403 unless the caller is a supervisor or an administrator.
   */
  public Future<JsonObject> byDepartment(Caller caller) {
    if (caller.kind() != Caller.Kind.STAFF || !(caller.has(Role.SUPERVISOR) || caller.has(Role.ADMIN))) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "statistics.departmentsForbidden"));
    }
    return store.counts().map(rows -> {
      Map<String, JsonObject> departments = new LinkedHashMap<>();
      long total = 0;
      long open = 0;
      for (DepartmentCountStore.Count r : rows) {
        String code = r.departmentCode();
        long cases = r.cases();
        boolean isOpen = OPEN.contains(ApplicationStatus.valueOf(r.status()));
        JsonObject d = departments.computeIfAbsent(code, c -> new JsonObject().put("code", c)
            .put("name", r.name()).put("total", 0L).put("open", 0L).put("byStatus", new JsonObject()));
        d.put("total", d.getLong("total") + cases);
        d.getJsonObject("byStatus").put(r.status(), cases);
        if (isOpen) {
          d.put("open", d.getLong("open") + cases);
          open += cases;
        }
        total += cases;
      }
      return new JsonObject().put("total", total).put("open", open)
          .put("departments", new JsonArray(new java.util.ArrayList<>(departments.values())));
    });
  }

  /** Folds the counted changes into the totals (safe on every node at once); returns how many were folded. */
  public Future<Integer> fold() {
    return store.fold();
  }
}
