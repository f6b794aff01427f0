package cn.tongban.core.hotline;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.clock.WorkingCalendar;
import cn.tongban.core.config.TongbanConfig.HotlineDeadlines;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The actions on a work order, one small class each: who may take it, from which statuses, what its input
 * must be, and what it changes. {@link WorkOrderService#act} finds the action, checks the caller and the
 * status, then {@link Action#check} and {@link Action#apply} inside the order's transaction.
 */
final class WorkOrderActions {
  static final Set<Role> HOTLINE = Set.of(Role.HOTLINE);
  static final Set<Role> DEPARTMENT = Set.of(Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_ADMIN);
  static final Set<Role> SUPERVISION = Set.of(Role.SUPERVISOR);

  private WorkOrderActions() {
  }

  /** What an action sees: the caller, the body, the locked order and the clock. */
  record Context(Caller caller, JsonObject body, Locale locale, LocalDate today, OffsetDateTime now, WorkOrder order,
      WorkOrderStore store, WorkingCalendar calendar, HotlineDeadlines deadlines) {

    LocalDate addWorkingDays(LocalDate from, int days) {
      return calendar.addWorkingDays(from, BigDecimal.valueOf(days)).date();
    }

    String text(String field) {
      return body.getValue(field) instanceof String v && !v.isBlank() ? v.trim() : null;
    }

    DomainException required(String field, String label) {
      return invalid(new Violation("/" + field, "required", Messages.get(locale, "violation.required", label)));
    }

    DomainException invalid(Violation v) {
      return DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "workOrder.invalid", List.of(v), 1);
    }
  }

  /**
   * One action: its wire name, the roles that may take it and the statuses it starts from. {@link #check}
   * fails with the problem to report; {@link #apply} changes the order.
   */
  abstract static class Action {
    private final String name;
    private final Set<Role> roles;
    private final Set<String> from;

    Action(String name, Set<Role> roles, String... from) {
      this.name = name;
      this.roles = roles;
      this.from = Set.of(from);
    }

    String name() {
      return name;
    }

    Set<Role> roles() {
      return roles;
    }

    Set<String> from() {
      return from;
    }

    Future<Void> check(Context c) {
      return Future.succeededFuture();
    }

    /** Changes the order; answers the step's comment (or null). */
    abstract String apply(Context c);
  }

  /** Every action by its wire name. */
  static final Map<String, Action> ALL = java.util.stream.Stream.of(new Dispatch(), new SignFor(), new Return(),
      new Reply(), new Close(), new CallBack(), new Urge(), new Reopen(), new Extend(), new ApproveExtension(),
      new HandOver()).collect(java.util.stream.Collectors.toUnmodifiableMap(Action::name, a -> a));

  /** 派单: to a department, with the type's limit or an earlier or later day the dispatcher sets. */
  static final class Dispatch extends Action {
    Dispatch() {
      super("dispatch", HOTLINE, "ACCEPTED", "RETURNED");
    }

    @Override
    Future<Void> check(Context c) {
      String department = c.text("departmentCode");
      if (department == null) {
        return Future.failedFuture(c.required("departmentCode", "承办部门"));
      }
      if (c.body().getValue("deadline") != null) {
        LocalDate deadline = date(c.body().getValue("deadline"));
        if (deadline == null || !deadline.isAfter(c.today())) {
          return Future.failedFuture(c.invalid(new Violation("/deadline", "range",
              Messages.get(c.locale(), "workOrder.deadline", c.today().toString()))));
        }
      }
      return c.store().departmentExists(department).compose(found -> found ? Future.<Void>succeededFuture()
          : Future.failedFuture(c.invalid(new Violation("/departmentCode", "unknown",
              Messages.get(c.locale(), "workOrder.unknownDepartment", department)))));
    }

    String apply(Context c) {
      WorkOrder w = c.order();
      w.departmentCode = c.text("departmentCode");
      w.dispatcherId = UUID.fromString(c.caller().subject());
      w.dispatchedAt = c.now();
      w.signDueDate = c.addWorkingDays(c.today(), c.deadlines().signForDays());
      LocalDate start = w.createdAt.atZoneSameInstant(java.time.ZoneId.of("Asia/Shanghai")).toLocalDate();
      LocalDate byType = c.addWorkingDays(start, c.deadlines().replyDays().get(w.type));
      w.dueDate = c.body().getValue("deadline") != null ? date(c.body().getValue("deadline"))
          : byType.isAfter(c.today()) ? byType : c.addWorkingDays(c.today(), 1);
      w.extension = null;
      w.status = "DISPATCHED";
      return c.text("comment");
    }
  }

  /** 签收: the department takes the order on. */
  static final class SignFor extends Action {
    SignFor() {
      super("sign-for", DEPARTMENT, "DISPATCHED");
    }

    String apply(Context c) {
      c.order().signedAt = c.now();
      c.order().status = "SIGNED";
      return null;
    }
  }

  /** 退单: a misrouted order goes back to its owner with a reason; never closed by the department. */
  static final class Return extends Action {
    Return() {
      super("return", DEPARTMENT, "DISPATCHED", "SIGNED");
    }

    @Override
    Future<Void> check(Context c) {
      return c.text("reason") == null ? Future.failedFuture(c.required("reason", "退单理由")) : Future.succeededFuture();
    }

    String apply(Context c) {
      WorkOrder w = c.order();
      w.returnReason = c.text("reason");
      w.returns++;
      w.departmentCode = null;
      w.signDueDate = null;
      w.dueDate = null;
      w.signedAt = null;
      w.extension = null;
      w.status = "RETURNED";
      return w.returnReason;
    }
  }

  /** 答复: the department's answer to the caller. */
  static final class Reply extends Action {
    Reply() {
      super("reply", DEPARTMENT, "SIGNED");
    }

    @Override
    Future<Void> check(Context c) {
      return c.text("text") == null ? Future.failedFuture(c.required("text", "答复内容")) : Future.succeededFuture();
    }

    String apply(Context c) {
      c.order().reply = c.text("text");
      c.order().repliedAt = c.now();
      c.order().extension = null;
      c.order().status = "REPLIED";
      return c.order().reply;
    }
  }

  /** 办结: the hotline closes a replied order. */
  static final class Close extends Action {
    Close() {
      super("close", HOTLINE, "REPLIED");
    }

    String apply(Context c) {
      c.order().closedAt = c.now();
      c.order().status = "CLOSED";
      return c.text("comment");
    }
  }

  /** 回访: the caller's satisfaction (1 非常不满意 … 5 非常满意), once per reply. */
  static final class CallBack extends Action {
    CallBack() {
      super("call-back", HOTLINE, "REPLIED", "CLOSED");
    }

    @Override
    Future<Void> check(Context c) {
      if (c.order().satisfaction != null) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "workOrder.calledBack"));
      }
      Object s = c.body().getValue("satisfaction");
      return s instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 1 && n.intValue() <= 5
          ? Future.succeededFuture()
          : Future.failedFuture(c.invalid(new Violation("/satisfaction", "range",
              Messages.get(c.locale(), "workOrder.satisfaction"))));
    }

    String apply(Context c) {
      c.order().satisfaction = ((Number) c.body().getValue("satisfaction")).intValue();
      c.order().calledBackAt = c.now();
      return c.text("comment");
    }
  }

  /** 督办: the supervisor urges a department on an order it holds. */
  static final class Urge extends Action {
    Urge() {
      super("urge", SUPERVISION, "DISPATCHED", "SIGNED");
    }

    String apply(Context c) {
      c.order().urges++;
      return c.text("comment");
    }
  }

  /**
   * 首问负责 handed on: the owner gives an open order to another hotline operator, with a reason on record; an
   * order never has no owner, and only its owner hands it on.
   */
  static final class HandOver extends Action {
    HandOver() {
      super("hand-over", HOTLINE, "ACCEPTED", "DISPATCHED", "SIGNED", "RETURNED", "REPLIED");
    }

    @Override
    Future<Void> check(Context c) {
      if (!c.order().ownerId.toString().equals(c.caller().subject())) {
        return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "workOrder.notOwner"));
      }
      if (c.text("reason") == null) {
        return Future.failedFuture(c.required("reason", "移交原因"));
      }
      String to = c.text("toUsername");
      if (to == null) {
        return Future.failedFuture(c.required("toUsername", "接手坐席"));
      }
      return c.store().hotlineOperator(to).compose(found -> {
        if (found.isEmpty() || found.get().getKey().equals(c.order().ownerId)) {
          return Future.failedFuture(c.invalid(new Violation("/toUsername", "unknown",
              Messages.get(c.locale(), "workOrder.handOverTo", to))));
        }
        c.order().ownerId = found.get().getKey();
        c.order().ownerName = found.get().getValue();
        return Future.succeededFuture();
      });
    }

    String apply(Context c) {
      // check() found the new owner and set it on the locked order.
      return "移交给 " + c.order().ownerName + "：" + c.text("reason");
    }
  }

  /** 重办: the caller is not satisfied; back to the same department with fresh limits. */
  static final class Reopen extends Action {
    Reopen() {
      super("reopen", HOTLINE, "REPLIED", "CLOSED");
    }

    @Override
    Future<Void> check(Context c) {
      return c.text("reason") == null ? Future.failedFuture(c.required("reason", "重办理由")) : Future.succeededFuture();
    }

    String apply(Context c) {
      WorkOrder w = c.order();
      w.reopens++;
      w.reply = null;
      w.repliedAt = null;
      w.signedAt = null;
      w.closedAt = null;
      w.satisfaction = null;
      w.calledBackAt = null;
      w.dispatchedAt = c.now();
      w.signDueDate = c.addWorkingDays(c.today(), c.deadlines().signForDays());
      w.dueDate = c.addWorkingDays(c.today(), c.deadlines().replyDays().get(w.type));
      w.status = "DISPATCHED";
      return c.text("reason");
    }
  }

  /** 申请延期: the department asks for a later reply day, with a reason; the dispatcher decides. */
  static final class Extend extends Action {
    Extend() {
      super("extend", DEPARTMENT, "DISPATCHED", "SIGNED");
    }

    @Override
    Future<Void> check(Context c) {
      if (c.order().extension != null && "PENDING".equals(c.order().extension.getString("status"))) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "workOrder.extensionPending"));
      }
      if (c.text("reason") == null) {
        return Future.failedFuture(c.required("reason", "延期理由"));
      }
      LocalDate deadline = date(c.body().getValue("deadline"));
      if (deadline == null || !deadline.isAfter(c.order().dueDate)) {
        return Future.failedFuture(c.invalid(new Violation("/deadline", "range",
            Messages.get(c.locale(), "workOrder.extensionDeadline", c.order().dueDate.toString()))));
      }
      return Future.succeededFuture();
    }

    String apply(Context c) {
      c.order().extension = new JsonObject().put("status", "PENDING").put("reason", c.text("reason"))
          .put("deadline", date(c.body().getValue("deadline")).toString()).put("requestedAt", c.now().toString());
      return c.text("reason");
    }
  }

  /** 延期审批: only the order's dispatcher approves or refuses a pending extension. */
  static final class ApproveExtension extends Action {
    ApproveExtension() {
      super("approve-extension", HOTLINE, "DISPATCHED", "SIGNED");
    }

    @Override
    Future<Void> check(Context c) {
      WorkOrder w = c.order();
      if (w.extension == null || !"PENDING".equals(w.extension.getString("status"))) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "workOrder.noExtension"));
      }
      if (w.dispatcherId == null || !w.dispatcherId.toString().equals(c.caller().subject())) {
        return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "workOrder.notDispatcher"));
      }
      return c.body().getValue("approved") instanceof Boolean ? Future.succeededFuture()
          : Future.failedFuture(c.required("approved", "是否同意"));
    }

    String apply(Context c) {
      WorkOrder w = c.order();
      boolean approved = c.body().getBoolean("approved");
      w.extension = w.extension.copy().put("status", approved ? "APPROVED" : "REFUSED")
          .put("decidedAt", c.now().toString());
      if (approved) {
        w.dueDate = LocalDate.parse(w.extension.getString("deadline"));
      }
      return (approved ? "同意延期至 " + w.dueDate : "不同意延期") + (c.text("comment") == null ? "" : "：" + c.text("comment"));
    }
  }

  /** A YYYY-MM-DD day, or null. */
  static LocalDate date(Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
