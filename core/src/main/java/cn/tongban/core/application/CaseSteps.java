package cn.tongban.core.application;

import cn.tongban.core.access.Caller;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.clock.WorkingCalendar;
import cn.tongban.core.form.FormDataChecker;
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
import io.vertx.sqlclient.SqlClient;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Each case action's own rules, one small class per action: what its payload must carry ({@link Step#check}),
 * what it changes on the case ({@link Step#change}: clock, supervision, data, the step's detail and the
 * status), and what else its transaction writes ({@link Step#alongside}: opinions, credit records). Who may act
 * and from which status is {@link CaseAction}'s table; {@link LifecycleService} runs the steps in order.
 */
final class CaseSteps {
  /** 特别程序: the special procedures that stop the clock. */
  static final Set<String> PROCEDURES = Set.of("HEARING", "TENDER", "AUCTION", "INSPECTION", "TESTING",
      "QUARANTINE", "APPRAISAL", "EXPERT_REVIEW", "ON_SITE_CHECK", "OTHER");
  /** How a decision reaches the applicant. */
  static final Set<String> DELIVERY_METHODS = Set.of("WINDOW", "EXPRESS", "ELECTRONIC");

  private CaseSteps() {
  }

  /** What a step works with: the action, the case as found, the command, the matter, and the day. */
  record Context(Caller caller, CaseAction action, Application a, ActionCommand cmd, Matter matter, Locale locale,
      OffsetDateTime now, LocalDate today, WorkingCalendar cal, Services services) {
  }

  /** What the checks read besides the case. */
  record Services(ApplicationStore store, MatterStore matters, FormDataChecker checker, CalendarService calendar) {
  }

  /** The change a step makes, starting from the case as it is; what {@link ApplicationStore#transition} writes. */
  static final class Change {
    ApplicationStatus to;
    JsonObject data;
    Application.Clock clock;
    Application.Supervision supervision;
    final JsonObject detail = new JsonObject();
    Optional<JsonObject> collection = Optional.empty();
    /** The departments asked for an opinion at acceptance (parallel approval), with their due dates. */
    final JsonArray parallel = new JsonArray();

    Change(Context ctx) {
      this.to = ctx.action().to(ctx.a());
      this.data = ctx.a().data();
      this.clock = ctx.a().clock();
      this.supervision = ctx.a().supervision();
    }

    void clock(Optional<LocalDate> noticeDueDate, Optional<LocalDate> dueDate, Optional<LocalDate> legalDueDate) {
      Application.Clock c = clock;
      clock = new Application.Clock(noticeDueDate, c.acceptedAt(), c.clockStart(), dueDate, legalDueDate,
          c.suspendedAt(), c.suspendedFromStatus(), c.correction());
    }

    void supervision(Optional<JsonObject> deficiency, Optional<JsonObject> commitments) {
      Application.Supervision s = supervision;
      supervision = new Application.Supervision(s.parallelDepartments(), s.opinions(), s.warnings(), deficiency,
          commitments);
    }
  }

  /** One action's rules; every method has a default for actions that only change the status. */
  interface Step {
    /** Checks what the action carries: 422 with every violation, or 409 when the case cannot take it. */
    default Future<Void> check(Context ctx) {
      return Future.succeededFuture();
    }

    /** The action's change to the case (it may still refuse, as collection changes do). */
    default void change(Context ctx, Change change) {
    }

    /** What the transaction writes besides the case; the status the case ends in. */
    default Future<ApplicationStatus> alongside(SqlClient tx, Context ctx, Change change) {
      return Future.succeededFuture(change.to);
    }
  }

  /** The step of every action: a test checks none is missing. */
  static Map<CaseAction, Step> all() {
    Map<CaseAction, Step> steps = new EnumMap<>(CaseAction.class);
    steps.put(CaseAction.ACCEPT, new Accept());
    steps.put(CaseAction.NOT_ACCEPT, new CommentRequired());
    steps.put(CaseAction.REQUEST_CORRECTION, new Correction());
    steps.put(CaseAction.RESUBMIT, new Resubmit());
    steps.put(CaseAction.REVIEW_PASS, new ReviewPass());
    steps.put(CaseAction.REVIEW_RETURN, new Correction());
    steps.put(CaseAction.APPROVE, new Step() { });
    steps.put(CaseAction.DENY, new Deny());
    steps.put(CaseAction.SUSPEND, new Suspend());
    steps.put(CaseAction.RESUME, new Resume());
    steps.put(CaseAction.WITHDRAW, new Step() { });
    steps.put(CaseAction.DELIVER, new Deliver());
    steps.put(CaseAction.OPINION, new Opinion());
    steps.put(CaseAction.SUPPLY, new Supply());
    steps.put(CaseAction.VERIFY_COMMITMENT, new VerifyCommitment());
    steps.put(CaseAction.EXTEND, new Extend());
    steps.put(CaseAction.CHANGE_COLLECTION, new ChangeCollection());
    steps.put(CaseAction.TERMINATE, new Terminate());
    return steps;
  }

  // ------------------------------------------------------------------------------------------ the steps

  /**
   * 受理: starts the promised and legal clocks (Art. 32: from the intake day when the correction notice came
   * late or never), opens parallel approval, and records 容缺 and 告知承诺 accepted with it.
   */
  static final class Accept implements Step {
    public Future<Void> check(Context ctx) {
      JsonArray missing = ctx.cmd().body().getJsonArray("missingMaterials", new JsonArray());
      JsonArray promised = ctx.cmd().body().getJsonArray("commitments", new JsonArray());
      if (missing.isEmpty() && promised.isEmpty()) {
        return Future.succeededFuture();
      }
      Locale locale = ctx.locale();
      return ctx.services().store().badCredit(ctx.a().applicant()).compose(bad -> {
        Map<String, JsonObject> materials = new HashMap<>();
        ctx.matter().document().getJsonArray("materials", new JsonArray())
            .forEach(o -> materials.put(((JsonObject) o).getString("code"), (JsonObject) o));
        List<Violation> v = new ArrayList<>();
        if (bad) {
          v.add(new Violation(missing.isEmpty() ? "/commitments" : "/missingMaterials", "badCredit",
              Messages.get(locale, "action.badCredit")));
        }
        LocalDate limit = ctx.cal().addWorkingDays(ctx.today(), BigDecimal.valueOf(ctx.matter().promisedDays())).date();
        for (int i = 0; i < missing.size(); i++) {
          JsonObject item = missing.getJsonObject(i);
          JsonObject material = materials.get(item.getString("material"));
          if (material == null || !material.getBoolean("tolerable", false)) {
            v.add(new Violation("/missingMaterials/" + i + "/material", "notTolerable",
                Messages.get(locale, "action.notTolerable", item.getString("material"))));
          }
          LocalDate deadline = parseDate(item.getString("deadline"));
          if (deadline == null || deadline.isAfter(limit) || deadline.isBefore(ctx.today())) {
            v.add(new Violation("/missingMaterials/" + i + "/deadline", "maximum",
                Messages.get(locale, "action.deficiencyDeadline", limit.toString())));
          }
        }
        if (!missing.isEmpty() && ctx.cmd().body().getString("commitment", "").isBlank()) {
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
        return result(v);
      });
    }

    public void change(Context ctx, Change ch) {
      Application.Clock c = ch.clock;
      Application.Supervision sv = ch.supervision;
      WorkingCalendar cal = ctx.cal();
      LocalDate today = ctx.today();
      Matter matter = ctx.matter();
      if (c.acceptedAt().isPresent() && c.clockStart().isPresent()) {
        // Accepted once, the statutory clock keeps running from that acceptance: a review-return and a
        // re-acceptance cannot restart it (Art. 42: the limit runs from acceptance; only a special
        // procedure, Art. 45, stops it).
        ch.detail.put("clockStart", c.clockStart().get().toString())
            .put("dueDate", c.dueDate().map(Object::toString).orElse(null))
            .put("legalDueDate", c.legalDueDate().map(Object::toString).orElse(null)).put("clockKept", true);
      } else {
        boolean late = c.correction().map(x -> x.getBoolean("late", false)).orElse(false)
            || c.noticeDueDate().map(today::isAfter).orElse(false);
        LocalDate start = late ? ctx.a().intakeDate() : today;
        var due = cal.addWorkingDays(start, BigDecimal.valueOf(matter.promisedDays()));
        var legal = cal.addWorkingDays(start, BigDecimal.valueOf(matter.legalDays()));
        ch.clock = new Application.Clock(c.noticeDueDate(), Optional.of(ctx.now()), Optional.of(start),
            Optional.of(due.date()), Optional.of(legal.date()), Optional.empty(), Optional.empty(), c.correction());
        ch.detail.put("clockStart", start.toString()).put("dueDate", due.date().toString())
            .put("legalDueDate", legal.date().toString()).put("countedFromIntake", late);
      }
      JsonArray departments = matter.document().getJsonObject("parallelApproval", new JsonObject())
          .getJsonArray("departments", new JsonArray());
      for (Object o : departments) {
        JsonObject d = ((JsonObject) o).copy();
        d.put("dueDate", cal.addWorkingDays(today, BigDecimal.valueOf(d.getDouble("limitDays", 0d))).date()
            .toString());
        ch.parallel.add(d);
      }
      JsonObject body = ctx.cmd().body();
      JsonArray missing = body.getJsonArray("missingMaterials", new JsonArray());
      Optional<JsonObject> deficiency = missing.isEmpty() ? sv.deficiency() : Optional.of(new JsonObject()
          .put("items", missing.copy()).put("commitment", body.getString("commitment"))
          .put("acceptedAt", ctx.now().toString()).put("fulfilled", false));
      JsonArray promised = body.getJsonArray("commitments", new JsonArray());
      Optional<JsonObject> commitments = promised.isEmpty() ? sv.commitments() : Optional.of(new JsonObject()
          .put("items", promised.copy()).put("verificationDueDate",
              cal.addWorkingDays(today, BigDecimal.valueOf(matter.legalDays())).date().toString()));
      ch.supervision = new Application.Supervision(ch.parallel.stream().map(o -> ((JsonObject) o).getString("code"))
          .toList(), sv.opinions(), sv.warnings(), deficiency, commitments);
      deficiency.ifPresent(x -> ch.detail.put("missingMaterials", x.getJsonArray("items")));
      commitments.ifPresent(x -> ch.detail.put("commitments", x.getJsonArray("items")));
    }

    public Future<ApplicationStatus> alongside(SqlClient tx, Context ctx, Change ch) {
      return ch.parallel.isEmpty() ? Future.succeededFuture(ch.to)
          : ctx.services().store().openOpinions(tx, ctx.a().id(), ch.parallel).map(ch.to);
    }
  }

  /** 不予受理 (and anything else that only needs its reasons): a comment is required. */
  static final class CommentRequired implements Step {
    public Future<Void> check(Context ctx) {
      List<Violation> v = new ArrayList<>();
      requireComment(ctx, v);
      return result(v);
    }
  }

  /**
   * 补正告知 at the window and 审核退回 in review: the one-time list of what to correct, each item with its
   * message; a window's notice after the 5-working-day limit is marked late.
   */
  static final class Correction implements Step {
    public Future<Void> check(Context ctx) {
      List<Violation> v = new ArrayList<>();
      JsonArray items = ctx.cmd().items().orElse(new JsonArray());
      if (items.isEmpty()) {
        v.add(new Violation("/items", "minItems", Messages.get(ctx.locale(), "action.itemsRequired")));
      }
      Optional<JsonObject> earlier = ctx.a().clock().correction();
      for (int i = 0; i < items.size(); i++) {
        Object item = items.getValue(i);
        if (!(item instanceof JsonObject o) || o.getString("message", "").isBlank()) {
          v.add(new Violation("/items/" + i + "/message", "required",
              Messages.get(ctx.locale(), "action.itemMessage")));
        }
        if (item instanceof JsonObject o && earlier.isPresent() && !aboutResubmission(o, earlier.get())) {
          String at = o.containsKey("pointer") ? "/pointer" : o.containsKey("material") ? "/material" : "";
          v.add(new Violation("/items/" + i + at, "oneTimeNotice", Messages.get(ctx.locale(),
              "action.oneTimeNotice")));
        }
      }
      return result(v);
    }

    /**
     * 一次性告知 (Art. 32): after a first notice, an item may only be about what the resubmission newly handed
     * in — a form field it changed (its {@code pointer}, or one above it) or a material the first notice asked
     * for again; anything else the first notice could have named.
     */
    static boolean aboutResubmission(JsonObject item, JsonObject earlier) {
      String pointer = item.getString("pointer");
      if (pointer != null) {
        return earlier.getJsonArray("changed", new JsonArray()).stream().map(String::valueOf)
            .anyMatch(c -> c.equals(pointer) || c.startsWith(pointer + "/") || pointer.startsWith(c + "/"));
      }
      String material = item.getString("material");
      return material != null && earlier.getJsonArray("items", new JsonArray()).stream()
          .anyMatch(o -> o instanceof JsonObject x && material.equals(x.getString("material")));
    }

    public void change(Context ctx, Change ch) {
      Application.Clock c = ch.clock;
      boolean late = ctx.action() == CaseAction.REQUEST_CORRECTION
          && c.noticeDueDate().map(ctx.today()::isAfter).orElse(false);
      JsonArray items = ctx.cmd().items().orElseThrow();
      JsonObject notice = new JsonObject().put("items", items).put("noticeAt", ctx.now().toString())
          .put("officer", ctx.caller().scopeKey()).put("step", ctx.action().stepName()).put("late", late);
      // A further notice names only what the resubmission handed in (checked above); recorded as such.
      c.correction().ifPresent(x -> {
        notice.put("aboutResubmission", true);
        ch.detail.put("aboutResubmission", true);
      });
      ch.clock = new Application.Clock(c.noticeDueDate(), c.acceptedAt(), c.clockStart(), c.dueDate(),
          c.legalDueDate(), c.suspendedAt(), c.suspendedFromStatus(), Optional.of(notice));
      ch.detail.put("items", items).put("late", late);
    }
  }

  /** 补正提交: the corrected data, checked against the case's pinned form version; a fresh 5-day window. */
  static final class Resubmit implements Step {
    public Future<Void> check(Context ctx) {
      Application a = ctx.a();
      if (ctx.cmd().data().isEmpty()) {
        return result(List.of(new Violation("/data", "required", Messages.get(ctx.locale(), "violation.required",
            Messages.get(ctx.locale(), "field.root")))));
      }
      MatterStore matters = ctx.services().matters();
      return matters.findForm(matters.pool(), a.matterCode(), a.formVersion())
          .compose(form -> ctx.services().checker().check(form.orElseThrow(), ctx.cmd().data().get(), a.applicant(),
              Optional.of(a.number()), a.status().name(), ctx.locale()))
          .compose(CaseSteps::result);
    }

    public void change(Context ctx, Change ch) {
      Application.Clock c = ch.clock;
      ch.data = ctx.cmd().data().orElseThrow();
      // A fresh 5-working-day window for deciding on the corrected application.
      // What the resubmission changed: the only fields a further notice may name (一次性告知).
      JsonArray changed = new JsonArray();
      changedPointers("/data", ctx.a().data(), ch.data, changed);
      ch.clock = new Application.Clock(Optional.of(ctx.cal().addWorkingDays(ctx.today(), BigDecimal.valueOf(5)).date()),
          c.acceptedAt(), c.clockStart(), c.dueDate(), c.legalDueDate(), c.suspendedAt(), c.suspendedFromStatus(),
          c.correction().map(x -> x.copy().put("resubmittedAt", ctx.now().toString()).put("changed", changed)));
      ch.detail.put("correctedItems", ch.clock.correction().map(x -> x.getJsonArray("items")).orElse(new JsonArray()))
          .put("changed", changed);
    }

    /** The JSON pointers of the leaves (or whole values of another type) that differ between two values. */
    static void changedPointers(String at, Object before, Object after, JsonArray out) {
      if (before instanceof JsonObject b && after instanceof JsonObject a) {
        Set<String> keys = new java.util.TreeSet<>(b.fieldNames());
        keys.addAll(a.fieldNames());
        for (String k : keys) {
          changedPointers(at + "/" + k.replace("~", "~0").replace("/", "~1"), b.getValue(k), a.getValue(k), out);
        }
      } else if (before instanceof JsonArray b && after instanceof JsonArray a && b.size() == a.size()) {
        for (int i = 0; i < a.size(); i++) {
          changedPointers(at + "/" + i, b.getValue(i), a.getValue(i), out);
        }
      } else if (!java.util.Objects.equals(before, after)) {
        out.add(at);
      }
    }
  }

  /** 审核通过: not while parallel approval runs (the departments' opinions move the case on). */
  static final class ReviewPass implements Step {
    public Future<Void> check(Context ctx) {
      return ctx.a().supervision().parallelDepartments().isEmpty() ? Future.succeededFuture()
          : Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.parallelReview"));
    }
  }

  /** 审批不予: after review, or straight away when a department disagreed in parallel approval; with reasons. */
  static final class Deny implements Step {
    public Future<Void> check(Context ctx) {
      Application a = ctx.a();
      if (a.status() == ApplicationStatus.ACCEPTED && a.supervision().opinions().stream()
          .noneMatch(o -> "DISAGREE".equals(((JsonObject) o).getString("opinion")))) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.illegal",
            ctx.action().wire(), Messages.get(ctx.locale(), "status." + a.status().name())));
      }
      List<Violation> v = new ArrayList<>();
      requireComment(ctx, v);
      return result(v);
    }
  }

  /** 特别程序: the clock stops; reasons and the procedure are required. */
  static final class Suspend implements Step {
    public Future<Void> check(Context ctx) {
      List<Violation> v = new ArrayList<>();
      requireComment(ctx, v);
      if (ctx.cmd().procedure().filter(PROCEDURES::contains).isEmpty()) {
        v.add(new Violation("/procedure", "enum", Messages.get(ctx.locale(), "action.procedure",
            String.join(", ", PROCEDURES.stream().sorted().toList()))));
      }
      return result(v);
    }

    public void change(Context ctx, Change ch) {
      Application.Clock c = ch.clock;
      ch.clock = new Application.Clock(c.noticeDueDate(), c.acceptedAt(), c.clockStart(), c.dueDate(),
          c.legalDueDate(), Optional.of(ctx.now()), Optional.of(ctx.a().status()), c.correction());
      ch.detail.put("procedure", ctx.cmd().procedure().orElseThrow());
    }
  }

  /** 恢复办理: every due date moves by the working days the case was suspended. */
  static final class Resume implements Step {
    public void change(Context ctx, Change ch) {
      Application.Clock c = ch.clock;
      WorkingCalendar cal = ctx.cal();
      LocalDate stopped = c.suspendedAt().orElseThrow().atZoneSameInstant(CalendarService.ZONE).toLocalDate();
      int shift = cal.workingDaysBetween(stopped, ctx.today());
      BigDecimal days = BigDecimal.valueOf(shift);
      ch.clock = new Application.Clock(c.noticeDueDate(), c.acceptedAt(), c.clockStart(),
          c.dueDate().map(d -> cal.addWorkingDays(d, days).date()),
          c.legalDueDate().map(d -> cal.addWorkingDays(d, days).date()), Optional.empty(), Optional.empty(),
          c.correction());
      ch.detail.put("suspendedWorkingDays", shift).put("dueDate", ch.clock.dueDate().map(Object::toString)
          .orElse(null));
    }
  }

  /** 送达: by a method that fits what the applicant chose at intake. */
  static final class Deliver implements Step {
    public Future<Void> check(Context ctx) {
      List<Violation> v = new ArrayList<>();
      Locale locale = ctx.locale();
      if (ctx.cmd().deliveryMethod().filter(DELIVERY_METHODS::contains).isEmpty()) {
        v.add(new Violation("/deliveryMethod", "enum", Messages.get(locale, "action.deliveryMethod")));
      } else {
        // As the applicant chose at intake: by post only to the address they gave, at a window only when
        // they come to collect it; an electronic delivery (e-licence, online result) always fits.
        String chosen = ctx.a().sameCity().collection().map(x -> x.getString("method")).orElse("INTAKE_HALL");
        String method = ctx.cmd().deliveryMethod().get();
        boolean fits = "ELECTRONIC".equals(method) || ("EXPRESS".equals(chosen) == "EXPRESS".equals(method));
        if (!fits) {
          v.add(new Violation("/deliveryMethod", "collection", Messages.get(locale, "collection.deliveryMismatch",
              Messages.get(locale, "collection.method." + chosen), Messages.get(locale, "delivery.method." + method))));
        }
      }
      // What was charged is recorded as given (GraphQL's input is not checked by the contract); 电子监察 flags
      // a fee that is not on the matter's list.
      Object fees = ctx.cmd().body().getValue("fees");
      if (fees != null && !(fees instanceof JsonArray)) {
        v.add(new Violation("/fees", "type", Messages.get(locale, "action.fees")));
      } else if (fees instanceof JsonArray list) {
        for (int i = 0; i < list.size(); i++) {
          if (!(list.getValue(i) instanceof JsonObject f) || !(f.getValue("name") instanceof String n) || n.isBlank()
              || n.length() > 100 || !(f.getValue("amount") instanceof Number amount) || amount.doubleValue() < 0) {
            v.add(new Violation("/fees/" + i, "type", Messages.get(locale, "action.fees")));
          }
        }
      }
      return result(v);
    }

    public void change(Context ctx, Change ch) {
      ch.detail.put("deliveryMethod", ctx.cmd().deliveryMethod().orElseThrow());
      Optional.ofNullable(ctx.cmd().body().getJsonArray("fees")).filter(f -> !f.isEmpty())
          .ifPresent(f -> ch.detail.put("fees", f.copy()));
      // What the applicant chose at intake, beside how it was delivered.
      ctx.a().sameCity().collection().ifPresent(x -> ch.detail.put("collection", x.getString("method")));
    }
  }

  /** 部门意见 in parallel approval; the case moves to review once every department agreed. */
  static final class Opinion implements Step {
    public Future<Void> check(Context ctx) {
      if (ctx.a().supervision().parallelDepartments().isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.notParallel"));
      }
      List<Violation> v = new ArrayList<>();
      String opinion = ctx.cmd().body().getString("opinion", "");
      if (!Set.of("AGREE", "DISAGREE").contains(opinion)) {
        v.add(new Violation("/opinion", "enum", Messages.get(ctx.locale(), "action.opinionValue")));
      } else if ("DISAGREE".equals(opinion)) {
        requireComment(ctx, v);
      }
      return result(v);
    }

    public Future<ApplicationStatus> alongside(SqlClient tx, Context ctx, Change ch) {
      ApplicationStore store = ctx.services().store();
      String dept = ctx.caller().departmentCode().orElseThrow();
      String opinion = ctx.cmd().body().getString("opinion");
      ch.detail.put("department", dept).put("opinion", opinion);
      return store.decideOpinion(tx, ctx.a().id(), dept, opinion, ctx.cmd().comment().orElse(null),
              ctx.caller().scopeKey(), ctx.now())
          .compose(decided -> decided ? store.opinionCounts(tx, ctx.a().id()) : Future.failedFuture(
              new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.opinionGiven", dept)))
          .map(counts -> counts[0] == 0 && counts[1] == 0 ? ApplicationStatus.IN_REVIEW : ch.to);
    }
  }

  /** 容缺补齐: materials accepted as missing are handed in; fulfilled once all are. */
  static final class Supply implements Step {
    public Future<Void> check(Context ctx) {
      Optional<JsonObject> deficiency = ctx.a().supervision().deficiency();
      if (deficiency.isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.noDeficiency"));
      }
      List<Violation> v = new ArrayList<>();
      JsonArray materials = ctx.cmd().body().getJsonArray("materials", new JsonArray());
      Set<String> missing = new HashSet<>();
      deficiency.get().getJsonArray("items").forEach(o -> missing.add(((JsonObject) o).getString("material")));
      if (materials.isEmpty()) {
        v.add(new Violation("/materials", "minItems", Messages.get(ctx.locale(), "action.supplyWhat")));
      }
      for (int i = 0; i < materials.size(); i++) {
        if (!missing.contains(String.valueOf(materials.getValue(i)))) {
          v.add(new Violation("/materials/" + i, "enum", Messages.get(ctx.locale(), "action.notMissing",
              materials.getValue(i))));
        }
      }
      return result(v);
    }

    public void change(Context ctx, Change ch) {
      JsonObject d = ch.supervision.deficiency().orElseThrow().copy();
      JsonArray supplied = ctx.cmd().body().getJsonArray("materials", new JsonArray());
      JsonArray items = new JsonArray();
      for (Object o : d.getJsonArray("items")) {
        JsonObject item = ((JsonObject) o).copy();
        if (supplied.contains(item.getString("material"))) {
          item.put("suppliedAt", ctx.now().toString());
        }
        items.add(item);
      }
      boolean all = items.stream().allMatch(o -> ((JsonObject) o).containsKey("suppliedAt"));
      d.put("items", items).put("fulfilled", all);
      ch.supervision(Optional.of(d), ch.supervision.commitments());
      ch.detail.put("materials", supplied).put("fulfilled", all);
    }
  }

  /** 承诺核查: a commitment checked; a false one terminates the case and records bad credit. */
  static final class VerifyCommitment implements Step {
    public Future<Void> check(Context ctx) {
      if (ctx.a().supervision().commitments().isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.noCommitment"));
      }
      List<Violation> v = new ArrayList<>();
      String result = ctx.cmd().body().getString("result", "");
      if (!Set.of("TRUE", "FALSE").contains(result)) {
        v.add(new Violation("/result", "enum", Messages.get(ctx.locale(), "action.verifyResult")));
      } else if ("FALSE".equals(result)) {
        requireComment(ctx, v);
      }
      return result(v);
    }

    public void change(Context ctx, Change ch) {
      JsonObject com = ch.supervision.commitments().orElseThrow().copy();
      String result = ctx.cmd().body().getString("result");
      com.put("verifiedAt", ctx.now().toString()).put("result", result).put("verifiedBy", ctx.caller().scopeKey())
          .put("comment", ctx.cmd().comment().orElse(null));
      ch.supervision(ch.supervision.deficiency(), Optional.of(com));
      ch.detail.put("result", result);
      if ("FALSE".equals(result)) {
        // A false commitment ends the case; the record says why (告知承诺: terminate, rectify, credit record).
        ch.to = ApplicationStatus.TERMINATED;
        ch.detail.put("terminated", "false-commitment");
      }
    }

    public Future<ApplicationStatus> alongside(SqlClient tx, Context ctx, Change ch) {
      return ch.to != ApplicationStatus.TERMINATED ? Future.succeededFuture(ch.to)
          : ctx.services().store().recordBadCredit(tx, ctx.a().applicant(),
              "告知承诺不实：" + ctx.cmd().comment().orElse("")).map(ch.to);
    }
  }

  /**
   * 延期: once, with reasons, by 10 working days (15 for joint handling; Administrative Licensing Law art.
   * 42, 43), or by the matter's own {@code extension} where its rule sets one.
   */
  static final class Extend implements Step {
    public Future<Void> check(Context ctx) {
      List<Violation> v = new ArrayList<>();
      requireComment(ctx, v);
      JsonObject doc = ctx.matter().document();
      boolean joint = doc.containsKey("parallelApproval") || !doc.getJsonArray("jointDepartments",
          new JsonArray()).isEmpty();
      // A matter whose own rule sets the extension (e.g. 低保: 25 → 40 working days) is extended by that.
      Integer own = doc.getJsonObject("extension", new JsonObject()).getInteger("workingDays");
      Integer days = ctx.cmd().body().getInteger("workingDays");
      if (own != null ? !own.equals(days) : days == null || !(days == 10 || joint && days == 15)) {
        v.add(new Violation("/workingDays", "enum", Messages.get(ctx.locale(), "action.extendDays",
            own != null ? String.valueOf(own) : joint ? "10, 15" : "10")));
      }
      return ctx.services().store().hasStep(ctx.a().id(), CaseAction.EXTEND.wire()).compose(extended -> extended
          ? Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.extendedOnce"))
          : result(v));
    }

    public void change(Context ctx, Change ch) {
      WorkingCalendar cal = ctx.cal();
      BigDecimal days = BigDecimal.valueOf(ctx.cmd().body().getInteger("workingDays"));
      Application.Clock c = ch.clock;
      ch.clock(c.noticeDueDate(), c.dueDate().map(d -> cal.addWorkingDays(d, days).date()),
          c.legalDueDate().map(d -> cal.addWorkingDays(d, days).date()));
      ch.detail.put("workingDays", days.intValue()).put("legalDueDate",
          ch.clock.legalDueDate().map(Object::toString).orElse(null));
    }
  }

  /** 变更领取方式: the new choice checked as at intake; the step names the methods only, never an address. */
  static final class ChangeCollection implements Step {
    public void change(Context ctx, Change ch) {
      Matter matter = ctx.matter();
      Application a = ctx.a();
      List<Violation> v = new ArrayList<>();
      JsonObject given = ctx.cmd().body().getValue("collection") instanceof JsonObject x ? x : null;
      if (given == null) {
        v.add(new Violation("/collection", "required", Messages.get(ctx.locale(), "violation.required",
            Messages.isEnglish(ctx.locale()) ? "collection" : "领取方式")));
      } else {
        ch.collection = Optional.of(CollectionChoice.check(matter.document(), matter.name(),
            IntakeScope.of(matter.document()), a.hallCode(), a.sameCity().homeHall(), given, v, ctx.locale()));
      }
      if (!v.isEmpty()) {
        throw DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid", v, v.size());
      }
      ch.detail.put("from", a.sameCity().collection().map(x -> x.getString("method")).orElse("INTAKE_HALL"))
          .put("to", ch.collection.get().getString("method"));
    }
  }

  /** 终止办理: only when a 容缺 deadline passed unfulfilled; with reasons. */
  static final class Terminate implements Step {
    public Future<Void> check(Context ctx) {
      List<Violation> v = new ArrayList<>();
      requireComment(ctx, v);
      return result(v);
    }

    public void change(Context ctx, Change ch) {
      boolean overdue = ctx.a().supervision().deficiency().filter(d -> !d.getBoolean("fulfilled", false))
          .map(d -> d.getJsonArray("items").stream().map(JsonObject.class::cast)
              .anyMatch(i -> !i.containsKey("suppliedAt")
                  && LocalDate.parse(i.getString("deadline")).isBefore(ctx.today())))
          .orElse(false);
      if (!overdue) {
        throw new DomainException(ProblemCode.ILLEGAL_TRANSITION, "action.terminateWhy");
      }
      ch.detail.put("reason", "deficiency-overdue");
    }
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static Future<Void> result(List<Violation> v) {
    return v.isEmpty() ? Future.succeededFuture() : Future.failedFuture(DomainException.withViolations(
        ProblemCode.VALIDATION_FAILED, "application.invalid", v, v.size()));
  }

  private static void requireComment(Context ctx, List<Violation> v) {
    if (ctx.cmd().comment().filter(s -> !s.isBlank()).isEmpty()) {
      v.add(new Violation("/comment", "required", Messages.get(ctx.locale(), "action.commentRequired")));
    }
  }

  private static LocalDate parseDate(String s) {
    try {
      return s == null ? null : LocalDate.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
