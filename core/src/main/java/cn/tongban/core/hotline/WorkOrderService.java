package cn.tongban.core.hotline;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.config.TongbanConfig.HotlineDeadlines;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.identity.Masking;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * 12345 work orders (docs/hotline.md). The hotline takes calls (首问负责: the taker owns the order), answers
 * consultations at once or dispatches to a department; the department signs for, replies or returns; the
 * hotline calls back and closes; the supervisor urges. Hotline staff and supervisors see every order,
 * department staff those dispatched to their department; the caller's identity is shown in full to the
 * hotline only. Every change is one transaction with its step, audit row and outbox event.
 */
public final class WorkOrderService {
  /** A case's public progress (status, steps, due date, personal data masked), given its query code. */
  @FunctionalInterface
  public interface CaseProgress {
    Future<JsonObject> progress(String number, String queryCode, Locale locale);
  }

  /**
   * The public progress (personal data masked) of the cases of whoever registered a phone, and of the cases
   * with these numbers, newest first.
   */
  @FunctionalInterface
  public interface PhoneCases {
    Future<List<JsonObject>> progress(String phone, List<String> numbers, int limit, Locale locale);
  }

  private static final int MAX_LIST = 200;
  /** A caller's earlier orders and cases shown at the call screen: enough to recognise a repeat caller. */
  private static final int CALLER_HISTORY = 20;

  private final WorkOrderStore store;
  private final CalendarService calendar;
  private final HotlineDeadlines deadlines;
  private final CaseProgress cases;
  private final PhoneCases phoneCases;

  public WorkOrderService(WorkOrderStore store, CalendarService calendar, HotlineDeadlines deadlines,
      CaseProgress cases, PhoneCases phoneCases) {
    this.store = store;
    this.calendar = calendar;
    this.deadlines = deadlines;
    this.cases = cases;
    this.phoneCases = phoneCases;
  }

  /** 受理: a hotline operator records a call; with {@code answer} the order is closed at once (直接办结). */
  public Future<JsonObject> create(Caller caller, JsonObject body, Locale locale) {
    return Access.require(caller, "workOrder.createForbidden", Role.HOTLINE).compose(v -> checkNew(body, locale))
        .compose(v -> {
          OffsetDateTime now = OffsetDateTime.now(calendar.clock());
          WorkOrder w = new WorkOrder();
          JsonObject who = body.getJsonObject("caller");
          w.type = body.getString("type");
          w.caller = new JsonObject().put("name", who.getString("name").trim()).put("phone", who.getString("phone"));
          if (who.getString("idNumber") != null) {
            w.caller.put("idNumber", who.getString("idNumber"));
          }
          w.subject = body.getString("subject").trim();
          w.content = body.getString("content").trim();
          w.placeHallCode = body.getString("placeHallCode");
          w.matterCode = body.getString("matterCode");
          w.caseNumber = body.getString("caseNumber");
          w.ownerId = UUID.fromString(caller.subject());
          String answer = text(body, "answer");
          w.status = answer == null ? "ACCEPTED" : "CLOSED";
          w.reply = answer;
          w.repliedAt = answer == null ? null : now;
          w.closedAt = w.repliedAt;
          w.createdAt = now;
          return store.pool().withTransaction(tx -> store.insert(tx, w, calendar.today()).compose(number -> {
            w.number = number;
            Future<Void> steps = store.step(tx, number, "accept", null, "ACCEPTED", caller.scopeKey(),
                Optional.of(w.ownerId), null, null, now);
            if (answer != null) {
              steps = steps.compose(x -> store.step(tx, number, "close", "ACCEPTED", "CLOSED", caller.scopeKey(),
                  Optional.of(w.ownerId), null, "直接办结：" + answer, now));
            }
            return steps.compose(x -> record(tx, caller, w, "create", null))
                .map(number);
          })).compose(number -> get(caller, number));
        });
  }

  private Future<Void> checkNew(JsonObject body, Locale locale) {
    List<Violation> v = new ArrayList<>();
    // The REST contract checks these shapes already; GraphQL's JSON input arrives unchecked.
    if (!(body.getValue("type") instanceof String type && WorkOrderNames.TYPES.containsKey(type))) {
      v.add(new Violation("/type", "enum", Messages.get(locale, "violation.enum", "工单类型")));
    }
    JsonObject who = body.getValue("caller") instanceof JsonObject c ? c : new JsonObject();
    if (!(who.getValue("phone") instanceof String phone && phone.matches("[0-9+-]{5,20}"))) {
      v.add(new Violation("/caller/phone", "pattern", Messages.get(locale, "violation.pattern", "来电号码")));
    }
    if (who.getValue("idNumber") != null && !(who.getValue("idNumber") instanceof String)) {
      v.add(new Violation("/caller/idNumber", "pattern", Messages.get(locale, "violation.pattern", "身份证号码")));
    }
    for (String field : List.of("placeHallCode", "matterCode", "caseNumber", "answer")) {
      if (body.getValue(field) != null && !(body.getValue(field) instanceof String)) {
        v.add(new Violation("/" + field, "type", Messages.get(locale, "violation.type", field)));
      }
    }
    if (!v.isEmpty()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "workOrder.invalid",
          List.copyOf(v), v.size()));
    }
    if (text(who, "name") == null) {
      v.add(new Violation("/caller/name", "required", Messages.get(locale, "violation.required", "来电人姓名")));
    }
    if (text(body, "subject") == null) {
      v.add(new Violation("/subject", "required", Messages.get(locale, "violation.required", "标题")));
    }
    if (text(body, "content") == null) {
      v.add(new Violation("/content", "required", Messages.get(locale, "violation.required", "诉求内容")));
    }
    List<Future<?>> lookups = new ArrayList<>();
    exists(lookups, v, body, "placeHallCode", store::hallExists, locale);
    exists(lookups, v, body, "matterCode", store::matterExists, locale);
    exists(lookups, v, body, "caseNumber", store::caseExists, locale);
    return Future.all(lookups).compose(x -> v.isEmpty() ? Future.<Void>succeededFuture()
        : Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "workOrder.invalid",
            List.copyOf(v), v.size())));
  }

  private static void exists(List<Future<?>> lookups, List<Violation> v, JsonObject body, String field,
      java.util.function.Function<String, Future<Boolean>> exists, Locale locale) {
    String value = body.getString(field);
    if (value != null) {
      lookups.add(exists.apply(value).onSuccess(found -> {
        if (!found) {
          synchronized (v) {
            v.add(new Violation("/" + field, "unknown", Messages.get(locale, "workOrder.unknown." + field, value)));
          }
        }
      }));
    }
  }

  /** One action on an order (see {@link WorkOrderActions}). */
  public Future<JsonObject> act(Caller caller, String number, JsonObject body, Locale locale) {
    WorkOrderActions.Action action = body.getValue("action") instanceof String name
        ? WorkOrderActions.ALL.get(name) : null;
    if (action == null) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", "action"));
    }
    return scope(caller).compose(scope -> store.pool().withTransaction(tx -> store.lock(tx, number)
            .compose(found -> {
              WorkOrder w = visible(found, scope, number);
              if (action.roles().stream().noneMatch(caller::has)) {
                throw new DomainException(ProblemCode.FORBIDDEN, "workOrder.actionForbidden", action.name());
              }
              if (!action.from().contains(w.status)) {
                throw new DomainException(ProblemCode.ILLEGAL_TRANSITION, "workOrder.illegal", action.name(),
                    WorkOrderNames.STATUSES.get(w.status));
              }
              OffsetDateTime now = OffsetDateTime.now(calendar.clock());
              WorkOrderActions.Context c = new WorkOrderActions.Context(caller, body, locale, calendar.today(), now,
                  w, store, calendar.calendar(), deadlines);
              String from = w.status;
              String department = w.departmentCode;
              return action.check(c).compose(x -> {
                String comment = action.apply(c);
                w.updatedAt = now;
                return store.update(tx, w)
                    .compose(y -> store.step(tx, number, action.name(), from, w.status, caller.scopeKey(),
                        account(caller), w.departmentCode != null ? w.departmentCode : department, comment, now))
                    .compose(y -> record(tx, caller, w, action.name(), from));
              });
            })))
        // Read without the scope: a department that has just returned the order no longer holds it.
        .compose(x -> detail(caller, Optional.empty(), number));
  }

  /** One order with its history and warnings, as the caller may see it. */
  public Future<JsonObject> get(Caller caller, String number) {
    return scope(caller).compose(scope -> detail(caller, scope, number));
  }

  private Future<JsonObject> detail(Caller caller, Optional<String> scope, String number) {
    return store.find(store.pool(), number).compose(found -> {
      WorkOrder w = visible(found, scope, number);
      return Future.all(store.steps(w.id), store.warnings(w.id)).map(all -> view(caller, w)
          .put("history", new JsonArray(all.<List<JsonObject>>resultAt(0)))
          .put("warnings", new JsonArray(all.<List<JsonObject>>resultAt(1))));
    });
  }

  /** Orders the caller may see, newest first, narrowed by the filter (at most 200). */
  public Future<List<JsonObject>> list(Caller caller, Optional<String> status, Optional<String> type,
      Optional<String> departmentCode, boolean overdue, Optional<String> callerPhone, Optional<String> caseNumber,
      int limit) {
    return scope(caller).compose(scope -> store.list(new WorkOrderStore.Filter(status, type, departmentCode, overdue,
            callerPhone, caseNumber, scope, Math.max(1, Math.min(limit, MAX_LIST))), calendar.today()))
        .map(orders -> orders.stream().map(w -> view(caller, w)).toList());
  }

  /** The departments an order may be dispatched to: for the hotline's dispatch list (and whoever sees orders). */
  public Future<List<JsonObject>> departments(Caller caller) {
    return scope(caller).compose(v -> store.departments());
  }

  /** Volume by type and department, on-time rate and satisfaction; hotline and supervisors. */
  public Future<JsonObject> statistics(Caller caller, Optional<String> from, Optional<String> to, Locale locale) {
    return Access.require(caller, "workOrder.statisticsForbidden", Role.HOTLINE, Role.SUPERVISOR).compose(v -> {
      LocalDate today = calendar.today();
      LocalDate first = from.map(WorkOrderActions::date).orElse(today.withDayOfMonth(1));
      LocalDate last = to.map(WorkOrderActions::date).orElse(today);
      if (first == null || last == null || last.isBefore(first)) {
        return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "workOrder.invalid",
            List.of(new Violation(first == null ? "/from" : "/to", "range",
                Messages.get(locale, "statistics.range"))), 1));
      }
      return store.statistics(first, last, today);
    });
  }

  /**
   * 关联办件: a case's status, steps and due date (personal data masked) from its number and query code, with
   * the orders that name it; hotline and supervisors.
   */
  public Future<JsonObject> lookupCase(Caller caller, String number, String queryCode, Locale locale) {
    return Access.require(caller, "workOrder.lookupForbidden", Role.HOTLINE, Role.SUPERVISOR)
        .compose(v -> cases.progress(number, queryCode, locale))
        .compose(progress -> list(caller, Optional.empty(), Optional.empty(), Optional.empty(), false,
            Optional.empty(), Optional.of(number), MAX_LIST)
            .map(orders -> progress.put("workOrders", new JsonArray(orders))));
  }

  /**
   * 来电人历史: what the hotline sees when a call comes in from a phone — the earlier orders from it, and the
   * cases of the person registered with it or named by those orders (status, steps, due date; personal data
   * masked); hotline and supervisors.
   */
  public Future<JsonObject> callerHistory(Caller caller, String phone, Locale locale) {
    return Access.require(caller, "workOrder.lookupForbidden", Role.HOTLINE, Role.SUPERVISOR).compose(v -> {
      if (phone == null || !phone.matches("[0-9+-]{5,20}")) {
        return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "workOrder.invalid",
            List.of(new Violation("/phone", "pattern", Messages.get(locale, "violation.pattern", "来电号码"))), 1));
      }
      return list(caller, Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.of(phone),
          Optional.empty(), CALLER_HISTORY)
          .compose(orders -> phoneCases.progress(phone, orders.stream().map(o -> o.getString("caseNumber"))
                  .filter(java.util.Objects::nonNull).distinct().toList(), CALLER_HISTORY, locale)
              .map(found -> new JsonObject().put("phone", phone).put("workOrders", new JsonArray(orders))
                  .put("cases", new JsonArray(found))));
    });
  }

  /**
   * Which orders the caller may see: every order (empty) for the hotline and supervisors, those of their
   * department for department staff; anyone else is refused.
   */
  private static Future<Optional<String>> scope(Caller caller) {
    if (caller.kind() == Caller.Kind.STAFF && (caller.has(Role.HOTLINE) || caller.has(Role.SUPERVISOR))) {
      return Future.succeededFuture(Optional.empty());
    }
    if (caller.kind() == Caller.Kind.STAFF && caller.departmentCode().isPresent()
        && WorkOrderActions.DEPARTMENT.stream().anyMatch(caller::has)) {
      return Future.succeededFuture(caller.departmentCode());
    }
    return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "workOrder.forbidden"));
  }

  private static WorkOrder visible(Optional<WorkOrder> found, Optional<String> scope, String number) {
    return found.filter(w -> scope.isEmpty() || scope.get().equals(w.departmentCode))
        .orElseThrow(() -> new DomainException(ProblemCode.NOT_FOUND, "workOrder.notFound", number));
  }

  private static Optional<UUID> account(Caller caller) {
    try {
      return Optional.of(UUID.fromString(caller.subject()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The audit row and the outbox event of a change (no personal data in either). */
  private static Future<Void> record(SqlClient tx, Caller caller, WorkOrder w, String action, String from) {
    JsonObject detail = new JsonObject().put("action", action).put("number", w.number).put("type", w.type)
        .put("fromStatus", from).put("status", w.status).put("departmentCode", w.departmentCode)
        .put("dueDate", w.dueDate == null ? null : w.dueDate.toString());
    String event = "WorkOrder" + switch (action) {
      case "create" -> "Created";
      case "dispatch" -> "Dispatched";
      case "sign-for" -> "SignedFor";
      case "return" -> "Returned";
      case "reply" -> "Replied";
      case "close" -> "Closed";
      case "call-back" -> "CalledBack";
      case "urge" -> "Urged";
      case "reopen" -> "Reopened";
      case "extend" -> "ExtensionRequested";
      default -> "ExtensionDecided";
    };
    if ("call-back".equals(action)) {
      detail.put("satisfaction", w.satisfaction);
    }
    return AuditLog.record(tx, caller.scopeKey(), "workOrder." + action, "work-order", w.number, detail)
        .compose(v -> Outbox.append(tx, "work-order", w.number, event, detail));
  }

  /** The order as the caller may see it: the caller's identity in full for the hotline only. */
  private JsonObject view(Caller caller, WorkOrder w) {
    boolean full = caller.has(Role.HOTLINE);
    JsonObject who = w.caller.copy();
    if (!full) {
      who.put("name", Masking.name(who.getString("name"))).put("phone", Masking.phone(who.getString("phone")));
      if (who.containsKey("idNumber")) {
        who.put("idNumber", Masking.idNumber(who.getString("idNumber")));
      }
    }
    LocalDate today = calendar.today();
    return new JsonObject()
        .put("number", w.number).put("type", w.type).put("typeName", WorkOrderNames.TYPES.get(w.type))
        .put("status", w.status).put("statusName", WorkOrderNames.STATUSES.get(w.status))
        .put("caller", who).put("subject", w.subject).put("content", w.content)
        .put("placeHallCode", w.placeHallCode).put("placeHallName", w.placeHallName)
        .put("matterCode", w.matterCode).put("caseNumber", w.caseNumber)
        .put("owner", new JsonObject().put("name", w.ownerName))
        .put("departmentCode", w.departmentCode).put("departmentName", w.departmentName)
        .put("dispatchedAt", at(w.dispatchedAt))
        .put("signDueDate", w.signDueDate == null ? null : w.signDueDate.toString())
        .put("dueDate", w.dueDate == null ? null : w.dueDate.toString())
        .put("overdue", w.overdue(today))
        .put("signedAt", at(w.signedAt)).put("reply", w.reply).put("repliedAt", at(w.repliedAt))
        .put("returnReason", w.returnReason).put("returns", w.returns).put("urges", w.urges)
        .put("reopens", w.reopens).put("extension", w.extension).put("satisfaction", w.satisfaction)
        .put("calledBackAt", at(w.calledBackAt)).put("closedAt", at(w.closedAt))
        .put("createdAt", at(w.createdAt)).put("updatedAt", at(w.updatedAt));
  }

  private static String at(OffsetDateTime t) {
    return t == null ? null : t.toString();
  }

  private static String text(JsonObject o, String field) {
    Object v = o.getValue(field);
    return v instanceof String s && !s.isBlank() ? s.trim() : null;
  }
}
