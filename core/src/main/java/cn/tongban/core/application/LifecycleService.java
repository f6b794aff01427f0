package cn.tongban.core.application;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.clock.WorkingCalendar;
import cn.tongban.core.form.FormDataChecker;
import cn.tongban.core.access.Caller;
import cn.tongban.plugin.Decision;
import cn.tongban.core.access.Role;
import cn.tongban.core.matter.IntakeScope;
import cn.tongban.core.matter.Matter;
import cn.tongban.core.matter.MatterStore;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What happens to a case after intake: the actions of the public contract, each allowed only in some
 * statuses (409 otherwise) and only to the roles that own it (403), each one transaction with its step,
 * audit event and outbox event, guarded by the case's version so two clerks never both win. Keeps the
 * case clock: the 5-working-day correction-notice rule, due dates from acceptance, and suspensions that
 * move every due date.
 */
public final class LifecycleService {
  /** 特别程序: the special procedures that stop the clock. */
  public static final Set<String> PROCEDURES = Set.of("HEARING", "TENDER", "AUCTION", "INSPECTION", "TESTING",
      "QUARANTINE", "APPRAISAL", "EXPERT_REVIEW", "ON_SITE_CHECK", "OTHER");
  /** How a decision reaches the applicant. */
  public static final Set<String> DELIVERY_METHODS = Set.of("WINDOW", "EXPRESS", "ELECTRONIC");

  private final ApplicationStore store;
  private final MatterStore matters;
  private final FormDataChecker checker;
  private final CalendarService calendar;

  public LifecycleService(ApplicationStore store, MatterStore matters, FormDataChecker checker,
      CalendarService calendar) {
    this.store = store;
    this.matters = matters;
    this.checker = checker;
    this.calendar = calendar;
  }

  /**
   * Takes a submitted case as far as a rule decided (即办件), acting as the platform: 受理, and for an
   * approval 审核通过 and 准予 too — each an ordinary step with its audit and outbox events, the rule named in
   * its comment. Approval by rule only for 即办件 ({@code immediateMatter}); otherwise the case is only
   * accepted. Safe to repeat: steps the case has already passed are skipped.
   */
  public Future<Application> decideAutomatically(String number, Decision decision, boolean immediateMatter) {
    return store.findForProgress(number).compose(found -> {
      Application a = found.orElseThrow(() -> new DomainException(ProblemCode.APPLICATION_NOT_FOUND,
          "application.notFound", number));
      Caller system = new Caller(Caller.Kind.STAFF, "system:rules", Set.of(Role.CLERK, Role.REVIEWER, Role.APPROVER),
          Optional.of(a.departmentCode()), a.hallCode(), Set.of());
      boolean approve = decision.outcome() == Decision.Outcome.APPROVE && immediateMatter;
      List<CaseAction> steps = approve ? List.of(CaseAction.ACCEPT, CaseAction.REVIEW_PASS, CaseAction.APPROVE)
          : List.of(CaseAction.ACCEPT);
      String comment = Messages.get(Messages.DEFAULT, approve ? "rules.approved" : "rules.accepted", decision.rule());
      Future<Application> chain = Future.succeededFuture(a);
      for (CaseAction step : steps) {
        chain = chain.compose(current -> !step.allowedFrom(current.status()) ? Future.succeededFuture(current)
            : act(system, number, new ActionCommand(step.wire(), Optional.of(comment), Optional.of(current.version()),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), new JsonObject()),
                Messages.DEFAULT));
      }
      return chain;
    });
  }

  /** Acts on a case: 404 when the caller cannot see it, 403 wrong role, 409 wrong state or stale version, 422 bad payload. */
  public Future<Application> act(Caller caller, String number, ActionCommand cmd, Locale locale) {
    CaseAction action = CaseAction.fromWire(cmd.action()).orElse(null);
    if (action == null) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "action.unknown", cmd.action()));
    }
    return store.find(caller, number).compose(found -> {
      Application a = found.orElseThrow(() -> new DomainException(ProblemCode.APPLICATION_NOT_FOUND,
          "application.notFound", number));
      if (!mayAct(caller, action, a)) {
        throw new DomainException(ProblemCode.FORBIDDEN, "action.forbidden", action.wire());
      }
      if (!action.allowedFrom(a.status())) {
        throw new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.illegal", action.wire(),
            Messages.get(locale, "status." + a.status().name()));
      }
      if (cmd.expectedVersion().isPresent() && cmd.expectedVersion().get() != a.version()) {
        throw new DomainException(ProblemCode.STALE_VERSION, "action.stale", a.version());
      }
      return payload(action, a, cmd, locale)
          .compose(v -> matters.find(a.matterCode()).map(m -> m.orElseThrow()))
          .compose(matter -> apply(caller, action, a, cmd, matter, locale));
    });
  }

  private Future<Application> apply(Caller caller, CaseAction action, Application a, ActionCommand cmd,
      Matter matter, Locale locale) {
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    LocalDate today = calendar.today();
    WorkingCalendar cal = calendar.calendar();
    Application.Clock c = a.clock();
    Application.Supervision sv = a.supervision();
    JsonObject data = a.data();
    JsonObject detail = new JsonObject();
    ApplicationStatus to = action.to(a);
    JsonArray parallel = new JsonArray();
    Optional<JsonObject> changedCollection = Optional.empty();
    switch (action) {
      case ACCEPT -> {
        // Art. 32: without a timely correction notice the case counts as accepted on the intake day.
        boolean late = c.correction().map(x -> x.getBoolean("late", false)).orElse(false)
            || c.noticeDueDate().map(today::isAfter).orElse(false);
        LocalDate start = late ? a.intakeDate() : today;
        var due = cal.addWorkingDays(start, BigDecimal.valueOf(matter.promisedDays()));
        var legal = cal.addWorkingDays(start, BigDecimal.valueOf(matter.legalDays()));
        c = new Application.Clock(c.noticeDueDate(), Optional.of(now), Optional.of(start), Optional.of(due.date()),
            Optional.of(legal.date()), Optional.empty(), Optional.empty(), c.correction());
        detail.put("clockStart", start.toString()).put("dueDate", due.date().toString())
            .put("legalDueDate", legal.date().toString()).put("countedFromIntake", late);
        JsonArray departments = matter.document().getJsonObject("parallelApproval", new JsonObject())
            .getJsonArray("departments", new JsonArray());
        for (Object o : departments) {
          JsonObject d = ((JsonObject) o).copy();
          d.put("dueDate", cal.addWorkingDays(today, BigDecimal.valueOf(d.getDouble("limitDays", 0d))).date()
              .toString());
          parallel.add(d);
        }
        JsonArray missing = cmd.body().getJsonArray("missingMaterials", new JsonArray());
        Optional<JsonObject> deficiency = missing.isEmpty() ? sv.deficiency() : Optional.of(new JsonObject()
            .put("items", missing.copy()).put("commitment", cmd.body().getString("commitment"))
            .put("acceptedAt", now.toString()).put("fulfilled", false));
        JsonArray promised = cmd.body().getJsonArray("commitments", new JsonArray());
        Optional<JsonObject> commitments = promised.isEmpty() ? sv.commitments() : Optional.of(new JsonObject()
            .put("items", promised.copy()).put("verificationDueDate",
                cal.addWorkingDays(today, BigDecimal.valueOf(matter.legalDays())).date().toString()));
        sv = new Application.Supervision(parallel.stream().map(o -> ((JsonObject) o).getString("code")).toList(),
            sv.opinions(), sv.warnings(), deficiency, commitments);
        deficiency.ifPresent(x -> detail.put("missingMaterials", x.getJsonArray("items")));
        commitments.ifPresent(x -> detail.put("commitments", x.getJsonArray("items")));
      }
      case REQUEST_CORRECTION, REVIEW_RETURN -> {
        boolean late = action == CaseAction.REQUEST_CORRECTION
            && c.noticeDueDate().map(today::isAfter).orElse(false);
        JsonObject notice = new JsonObject().put("items", cmd.items().orElseThrow()).put("noticeAt", now.toString())
            .put("officer", caller.scopeKey()).put("step", action.stepName()).put("late", late);
        c = new Application.Clock(c.noticeDueDate(), c.acceptedAt(), c.clockStart(), c.dueDate(), c.legalDueDate(),
            c.suspendedAt(), c.suspendedFromStatus(), Optional.of(notice));
        detail.put("items", cmd.items().orElseThrow()).put("late", late);
      }
      case RESUBMIT -> {
        data = cmd.data().orElseThrow();
        // A fresh 5-working-day window for deciding on the corrected application.
        c = new Application.Clock(Optional.of(cal.addWorkingDays(today, BigDecimal.valueOf(5)).date()),
            c.acceptedAt(), c.clockStart(), c.dueDate(), c.legalDueDate(), c.suspendedAt(), c.suspendedFromStatus(),
            c.correction().map(x -> x.copy().put("resubmittedAt", now.toString())));
        detail.put("correctedItems", c.correction().map(x -> x.getJsonArray("items")).orElse(new JsonArray()));
      }
      case SUSPEND -> {
        c = new Application.Clock(c.noticeDueDate(), c.acceptedAt(), c.clockStart(), c.dueDate(), c.legalDueDate(),
            Optional.of(now), Optional.of(a.status()), c.correction());
        detail.put("procedure", cmd.procedure().orElseThrow());
      }
      case RESUME -> {
        LocalDate stopped = c.suspendedAt().orElseThrow().atZoneSameInstant(CalendarService.ZONE).toLocalDate();
        int shift = cal.workingDaysBetween(stopped, today);
        BigDecimal days = BigDecimal.valueOf(shift);
        c = new Application.Clock(c.noticeDueDate(), c.acceptedAt(), c.clockStart(),
            c.dueDate().map(d -> cal.addWorkingDays(d, days).date()),
            c.legalDueDate().map(d -> cal.addWorkingDays(d, days).date()), Optional.empty(), Optional.empty(),
            c.correction());
        detail.put("suspendedWorkingDays", shift).put("dueDate", c.dueDate().map(Object::toString).orElse(null));
      }
      case DELIVER -> {
        detail.put("deliveryMethod", cmd.deliveryMethod().orElseThrow());
        // What the applicant chose at intake, beside how it was delivered.
        a.sameCity().collection().ifPresent(x -> detail.put("collection", x.getString("method")));
      }
      case SUPPLY -> {
        JsonObject d = sv.deficiency().orElseThrow().copy();
        JsonArray supplied = cmd.body().getJsonArray("materials", new JsonArray());
        JsonArray items = new JsonArray();
        for (Object o : d.getJsonArray("items")) {
          JsonObject item = ((JsonObject) o).copy();
          if (supplied.contains(item.getString("material"))) {
            item.put("suppliedAt", now.toString());
          }
          items.add(item);
        }
        boolean all = items.stream().allMatch(o -> ((JsonObject) o).containsKey("suppliedAt"));
        d.put("items", items).put("fulfilled", all);
        sv = new Application.Supervision(sv.parallelDepartments(), sv.opinions(), sv.warnings(), Optional.of(d),
            sv.commitments());
        detail.put("materials", supplied).put("fulfilled", all);
      }
      case VERIFY_COMMITMENT -> {
        JsonObject com = sv.commitments().orElseThrow().copy();
        String result = cmd.body().getString("result");
        com.put("verifiedAt", now.toString()).put("result", result).put("verifiedBy", caller.scopeKey())
            .put("comment", cmd.comment().orElse(null));
        sv = new Application.Supervision(sv.parallelDepartments(), sv.opinions(), sv.warnings(), sv.deficiency(),
            Optional.of(com));
        detail.put("result", result);
        if ("FALSE".equals(result)) {
          // A false commitment ends the case; the record says why (告知承诺: terminate, rectify, credit record).
          to = ApplicationStatus.TERMINATED;
          detail.put("terminated", "false-commitment");
        }
      }
      case TERMINATE -> detail.put("reason", terminationReason(a, today));
      case EXTEND -> {
        BigDecimal days = BigDecimal.valueOf(cmd.body().getInteger("workingDays"));
        c = new Application.Clock(c.noticeDueDate(), c.acceptedAt(), c.clockStart(),
            c.dueDate().map(d -> cal.addWorkingDays(d, days).date()),
            c.legalDueDate().map(d -> cal.addWorkingDays(d, days).date()), c.suspendedAt(), c.suspendedFromStatus(),
            c.correction());
        detail.put("workingDays", days.intValue()).put("legalDueDate",
            c.legalDueDate().map(Object::toString).orElse(null));
      }
      case CHANGE_COLLECTION -> {
        List<Violation> v = new ArrayList<>();
        JsonObject given = cmd.body().getValue("collection") instanceof JsonObject x ? x : null;
        if (given == null) {
          v.add(new Violation("/collection", "required", Messages.get(locale, "violation.required",
              Messages.isEnglish(locale) ? "collection" : "领取方式")));
        } else {
          changedCollection = Optional.of(CollectionChoice.check(matter.document(), matter.name(),
              IntakeScope.of(matter.document()), a.hallCode(), a.sameCity().homeHall(), given, v, locale));
        }
        if (!v.isEmpty()) {
          return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED,
              "application.invalid", v, v.size()));
        }
        // The step names the methods only: an address stays in the sealed collection, not in the history.
        detail.put("from", a.sameCity().collection().map(x -> x.getString("method")).orElse("INTAKE_HALL"))
            .put("to", changedCollection.get().getString("method"));
      }
      default -> {
        // The other actions change the status only.
      }
    }
    ApplicationStatus target = to;
    Optional<JsonObject> collection = changedCollection;
    JsonObject stepDetail = detail;
    JsonObject newData = data;
    Application.Clock newClock = c;
    Application.Supervision newSv = sv;
    return store.pool().withTransaction(tx -> {
      Future<ApplicationStatus> status = Future.succeededFuture(target);
      if (action.decidesIntake() && a.sameCity().forwarded() && a.sameCity().forwardAnsweredAt().isEmpty()) {
        // The forwarded case is answered: the 1-working-day forwarding clock stops.
        stepDetail.put("forwardAnswered", true).put("forwardOnTime",
            !today.isAfter(a.sameCity().forwardDueDate().orElse(today)));
        status = store.answerForward(tx, a.id(), now).map(target);
      }
      if (action == CaseAction.ACCEPT && !parallel.isEmpty()) {
        status = status.compose(x -> store.openOpinions(tx, a.id(), parallel).map(target));
      } else if (action == CaseAction.VERIFY_COMMITMENT && target == ApplicationStatus.TERMINATED) {
        status = store.recordBadCredit(tx, a.applicant(), "告知承诺不实：" + cmd.comment().orElse("")).map(target);
      } else if (action == CaseAction.OPINION) {
        String dept = caller.departmentCode().orElseThrow();
        String opinion = cmd.body().getString("opinion");
        stepDetail.put("department", dept).put("opinion", opinion);
        status = store.decideOpinion(tx, a.id(), dept, opinion, cmd.comment().orElse(null), caller.scopeKey(), now)
            .compose(decided -> decided ? store.opinionCounts(tx, a.id()) : Future.failedFuture(
                new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.opinionGiven", dept)))
            .map(counts -> counts[0] == 0 && counts[1] == 0 ? ApplicationStatus.IN_REVIEW : target);
      }
      return status.compose(s -> store.transition(tx, new ApplicationStore.Transition(a, s, newData, newClock, newSv,
              now, action.wire(), action.stepName(), caller.scopeKey(), cmd.comment().orElse(null), stepDetail,
              action.eventType(), collection)))
          .map(updated -> updated.orElseThrow(() ->
              new DomainException(ProblemCode.STALE_VERSION, "action.stale", a.version() + 1)));
    });
  }

  /** Why a case may be terminated now: a 容缺 deadline passed unfulfilled; otherwise 409. */
  private static String terminationReason(Application a, LocalDate today) {
    boolean overdue = a.supervision().deficiency().filter(d -> !d.getBoolean("fulfilled", false))
        .map(d -> d.getJsonArray("items").stream().map(JsonObject.class::cast)
            .anyMatch(i -> !i.containsKey("suppliedAt") && LocalDate.parse(i.getString("deadline")).isBefore(today)))
        .orElse(false);
    if (!overdue) {
      throw new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.terminateWhy");
    }
    return "deficiency-overdue";
  }

  /** Checks what the action itself carries; for a resubmission, the new data against the pinned form version. */
  private Future<Void> payload(CaseAction action, Application a, ActionCommand cmd, Locale locale) {
    List<Violation> v = new ArrayList<>();
    switch (action) {
      case NOT_ACCEPT -> requireComment(cmd, v, locale);
      case DENY -> {
        // A refusal comes after review, or straight away when a department disagreed in parallel approval.
        if (a.status() == ApplicationStatus.ACCEPTED && a.supervision().opinions().stream()
            .noneMatch(o -> "DISAGREE".equals(((JsonObject) o).getString("opinion")))) {
          return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.illegal",
              action.wire(), Messages.get(locale, "status." + a.status().name())));
        }
        requireComment(cmd, v, locale);
      }
      case REQUEST_CORRECTION, REVIEW_RETURN -> {
        JsonArray items = cmd.items().orElse(new JsonArray());
        if (items.isEmpty()) {
          v.add(new Violation("/items", "minItems", Messages.get(locale, "action.itemsRequired")));
        }
        for (int i = 0; i < items.size(); i++) {
          Object item = items.getValue(i);
          if (!(item instanceof JsonObject o) || o.getString("message", "").isBlank()) {
            v.add(new Violation("/items/" + i + "/message", "required", Messages.get(locale, "action.itemMessage")));
          }
        }
      }
      case SUSPEND -> {
        requireComment(cmd, v, locale);
        if (cmd.procedure().filter(PROCEDURES::contains).isEmpty()) {
          v.add(new Violation("/procedure", "enum", Messages.get(locale, "action.procedure",
              String.join(", ", PROCEDURES.stream().sorted().toList()))));
        }
      }
      case ACCEPT -> {
        return acceptPayload(a, cmd, locale);
      }
      case OPINION -> {
        if (a.supervision().parallelDepartments().isEmpty()) {
          return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.notParallel"));
        }
        if (!Set.of("AGREE", "DISAGREE").contains(cmd.body().getString("opinion", ""))) {
          v.add(new Violation("/opinion", "enum", Messages.get(locale, "action.opinionValue")));
        } else if ("DISAGREE".equals(cmd.body().getString("opinion"))) {
          requireComment(cmd, v, locale);
        }
      }
      case SUPPLY -> {
        if (a.supervision().deficiency().isEmpty()) {
          return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.noDeficiency"));
        }
        JsonArray materials = cmd.body().getJsonArray("materials", new JsonArray());
        Set<String> missing = new java.util.HashSet<>();
        a.supervision().deficiency().get().getJsonArray("items")
            .forEach(o -> missing.add(((JsonObject) o).getString("material")));
        if (materials.isEmpty()) {
          v.add(new Violation("/materials", "minItems", Messages.get(locale, "action.supplyWhat")));
        }
        for (int i = 0; i < materials.size(); i++) {
          if (!missing.contains(String.valueOf(materials.getValue(i)))) {
            v.add(new Violation("/materials/" + i, "enum", Messages.get(locale, "action.notMissing",
                materials.getValue(i))));
          }
        }
      }
      case VERIFY_COMMITMENT -> {
        if (a.supervision().commitments().isEmpty()) {
          return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.noCommitment"));
        }
        if (!Set.of("TRUE", "FALSE").contains(cmd.body().getString("result", ""))) {
          v.add(new Violation("/result", "enum", Messages.get(locale, "action.verifyResult")));
        } else if ("FALSE".equals(cmd.body().getString("result"))) {
          requireComment(cmd, v, locale);
        }
      }
      case REVIEW_PASS -> {
        if (!a.supervision().parallelDepartments().isEmpty()) {
          return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.parallelReview"));
        }
      }
      case TERMINATE -> requireComment(cmd, v, locale);
      case EXTEND -> {
        requireComment(cmd, v, locale);
        return matters.find(a.matterCode()).compose(m -> {
          JsonObject doc = m.orElseThrow().document();
          boolean joint = doc.containsKey("parallelApproval") || !doc.getJsonArray("jointDepartments",
              new JsonArray()).isEmpty();
          Integer days = cmd.body().getInteger("workingDays");
          if (days == null || !(days == 10 || joint && days == 15)) {
            v.add(new Violation("/workingDays", "enum", Messages.get(locale, "action.extendDays",
                joint ? "10, 15" : "10")));
          }
          return store.hasStep(a.id(), CaseAction.EXTEND.wire()).compose(extended -> extended
              ? Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.extendedOnce"))
              : v.isEmpty() ? Future.<Void>succeededFuture() : invalid(v));
        });
      }
      case DELIVER -> {
        if (cmd.deliveryMethod().filter(DELIVERY_METHODS::contains).isEmpty()) {
          v.add(new Violation("/deliveryMethod", "enum", Messages.get(locale, "action.deliveryMethod")));
        } else {
          // As the applicant chose at intake: by post only to the address they gave, at a window only when
          // they come to collect it; an electronic delivery (e-licence, online result) always fits.
          String chosen = a.sameCity().collection().map(x -> x.getString("method")).orElse("INTAKE_HALL");
          String method = cmd.deliveryMethod().get();
          boolean fits = "ELECTRONIC".equals(method) || ("EXPRESS".equals(chosen) == "EXPRESS".equals(method));
          if (!fits) {
            v.add(new Violation("/deliveryMethod", "collection", Messages.get(locale, "collection.deliveryMismatch",
                Messages.get(locale, "collection.method." + chosen), Messages.get(locale, "delivery.method." + method))));
          }
        }
      }
      case RESUBMIT -> {
        if (cmd.data().isEmpty()) {
          v.add(new Violation("/data", "required", Messages.get(locale, "violation.required",
              Messages.get(locale, "field.root"))));
        } else {
          return matters.findForm(matters.pool(), a.matterCode(), a.formVersion())
              .compose(form -> checker.check(form.orElseThrow(), cmd.data().get(), a.applicant(),
                  Optional.of(a.number()), a.status().name(), locale))
              .compose(all -> all.isEmpty() ? Future.<Void>succeededFuture() : invalid(all));
        }
      }
      default -> {
        // no payload
      }
    }
    return v.isEmpty() ? Future.succeededFuture() : invalid(v);
  }

  /**
   * 容缺 and 告知承诺 at acceptance: only materials the matter marks as tolerable / replaceable by a
   * commitment, deadlines within the promised limit, and never for applicants flagged with bad credit.
   */
  private Future<Void> acceptPayload(Application a, ActionCommand cmd, Locale locale) {
    JsonArray missing = cmd.body().getJsonArray("missingMaterials", new JsonArray());
    JsonArray promised = cmd.body().getJsonArray("commitments", new JsonArray());
    if (missing.isEmpty() && promised.isEmpty()) {
      return Future.succeededFuture();
    }
    return matters.find(a.matterCode()).compose(m -> store.badCredit(a.applicant())
        .compose(bad -> {
          Matter matter = m.orElseThrow();
          java.util.Map<String, JsonObject> materials = new java.util.HashMap<>();
          matter.document().getJsonArray("materials", new JsonArray())
              .forEach(o -> materials.put(((JsonObject) o).getString("code"), (JsonObject) o));
          List<Violation> v = new ArrayList<>();
          if (bad) {
            v.add(new Violation(missing.isEmpty() ? "/commitments" : "/missingMaterials", "badCredit",
                Messages.get(locale, "action.badCredit")));
          }
          LocalDate limit = calendar.calendar().addWorkingDays(calendar.today(),
              BigDecimal.valueOf(matter.promisedDays())).date();
          for (int i = 0; i < missing.size(); i++) {
            JsonObject item = missing.getJsonObject(i);
            JsonObject material = materials.get(item.getString("material"));
            if (material == null || !material.getBoolean("tolerable", false)) {
              v.add(new Violation("/missingMaterials/" + i + "/material", "notTolerable",
                  Messages.get(locale, "action.notTolerable", item.getString("material"))));
            }
            LocalDate deadline = parseDate(item.getString("deadline"));
            if (deadline == null || deadline.isAfter(limit) || deadline.isBefore(calendar.today())) {
              v.add(new Violation("/missingMaterials/" + i + "/deadline", "maximum",
                  Messages.get(locale, "action.deficiencyDeadline", limit.toString())));
            }
          }
          if (!missing.isEmpty() && cmd.body().getString("commitment", "").isBlank()) {
            v.add(new Violation("/commitment", "required", Messages.get(locale, "action.commitmentText")));
          }
          for (int i = 0; i < promised.size(); i++) {
            JsonObject item = promised.getJsonObject(i);
            JsonObject material = materials.get(item.getString("material"));
            if (material == null || !material.getBoolean("commitment", false)) {
              v.add(new Violation("/commitments/" + i + "/material", "notReplaceable",
                  Messages.get(locale, "action.notReplaceable", item.getString("material"))));
            }
            if (item.getString("statement", "").isBlank()) {
              v.add(new Violation("/commitments/" + i + "/statement", "required",
                  Messages.get(locale, "action.commitmentText")));
            }
          }
          return v.isEmpty() ? Future.<Void>succeededFuture() : invalid(v);
        }));
  }

  private static LocalDate parseDate(String s) {
    try {
      return s == null ? null : LocalDate.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static <T> Future<T> invalid(List<Violation> v) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
        v, v.size()));
  }

  private static void requireComment(ActionCommand cmd, List<Violation> v, Locale locale) {
    if (cmd.comment().filter(s -> !s.isBlank()).isEmpty()) {
      v.add(new Violation("/comment", "required", Messages.get(locale, "action.commentRequired")));
    }
  }

  private static boolean mayAct(Caller caller, CaseAction action, Application a) {
    for (Role role : action.roles()) {
      if (role == Role.APPLICANT) {
        // The find above already limited a citizen to their own cases.
        if (caller.kind() == Caller.Kind.CITIZEN || a.submittedBy().equals(caller.scopeKey())) {
          return true;
        }
      } else if (caller.kind() == Caller.Kind.STAFF && caller.has(role)) {
        boolean forwarded = action.decidesIntake() && a.sameCity().forwarded();
        boolean inScope = switch (role) {
          case REVIEWER, APPROVER -> action.decidesIntake()
              ? forwarded && caller.departmentCode().filter(a.sameCity().acceptingDepartment()::equals).isPresent()
              : caller.departmentCode().filter(d -> action == CaseAction.OPINION
                  ? a.supervision().parallelDepartments().contains(d) : a.departmentCode().equals(d)).isPresent();
          case CLERK -> !forwarded && (caller.hallCode().isPresent() && caller.hallCode().equals(a.hallCode())
              || a.submittedBy().equals(caller.scopeKey()));
          default -> false;
        };
        if (inScope) {
          return true;
        }
      }
    }
    return false;
  }

  /** The content of the case's one-time correction notice, to print as a page or PDF; 409 when it has none. */
  public Future<CorrectionNotice.Content> correctionNotice(Caller caller, String number) {
    return store.find(caller, number).compose(found -> {
      Application a = found.orElseThrow(() -> new DomainException(ProblemCode.APPLICATION_NOT_FOUND,
          "application.notFound", number));
      if (a.clock().correction().isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "notice.none"));
      }
      return matters.find(a.matterCode()).compose(m -> matters.findForm(matters.pool(), a.matterCode(),
          a.formVersion()).map(f -> CorrectionNotice.content(a, m.orElseThrow(), f.orElseThrow().schema())));
    });
  }

  /** Every step of a case the caller may see. */
  public Future<List<JsonObject>> steps(Caller caller, String number) {
    return store.find(caller, number).compose(found -> found
        .map(a -> store.steps(a.id()))
        .orElseGet(() -> Future.failedFuture(new DomainException(ProblemCode.APPLICATION_NOT_FOUND,
            "application.notFound", number))));
  }

  /**
   * Public progress by number and query code: status, step names and times, due date; the applicant's
   * name masked and no personal data. A wrong code is answered exactly like an unknown number.
   */
  public Future<JsonObject> progress(String number, String queryCode, Locale locale) {
    return store.findForProgress(number).compose(found -> {
      Application a = found.filter(x -> x.queryCode().equals(queryCode)).orElseThrow(() ->
          new DomainException(ProblemCode.APPLICATION_NOT_FOUND, "application.notFound", number));
      return store.steps(a.id()).map(steps -> {
        JsonArray publicSteps = new JsonArray();
        steps.forEach(s -> publicSteps.add(new JsonObject().put("stepName", s.getString("stepName"))
            .put("status", s.getString("toStatus")).put("at", s.getString("endedAt"))));
        JsonObject json = new JsonObject()
            .put("number", a.number())
            .put("matterCode", a.matterCode())
            .put("matterName", a.matterName())
            .put("status", a.status().name())
            .put("statusName", Messages.get(locale, "status." + a.status().name()))
            .put("applicantName", ApplicationView.mask(a.applicant()).getString("name"))
            .put("submittedAt", a.submittedAt().toString())
            .put("steps", publicSteps);
        a.clock().dueDate().ifPresent(d -> json.put("dueDate", d.toString()));
        return json;
      });
    });
  }
}
