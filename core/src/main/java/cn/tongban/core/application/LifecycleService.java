package cn.tongban.core.application;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.form.FormDataChecker;
import cn.tongban.core.access.Caller;
import cn.tongban.plugin.Decision;
import cn.tongban.core.access.Role;
import cn.tongban.core.matter.MatterStore;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  public static final Set<String> PROCEDURES = CaseSteps.PROCEDURES;
  /** How a decision reaches the applicant. */
  public static final Set<String> DELIVERY_METHODS = CaseSteps.DELIVERY_METHODS;

  private final ApplicationStore store;
  private final MatterStore matters;
  private final FormDataChecker checker;
  private final CalendarService calendar;
  private final CaseSteps.Services services;
  private final Map<CaseAction, CaseSteps.Step> steps = CaseSteps.all();

  public LifecycleService(ApplicationStore store, MatterStore matters, FormDataChecker checker,
      CalendarService calendar) {
    this.store = store;
    this.matters = matters;
    this.checker = checker;
    this.calendar = calendar;
    this.services = new CaseSteps.Services(store, matters, checker, calendar);
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
      CaseSteps.Step step = steps.get(action);
      return matters.find(a.matterCode()).map(m -> m.orElseThrow())
          .map(matter -> new CaseSteps.Context(caller, action, a, cmd, matter, locale,
              OffsetDateTime.now(calendar.clock()), calendar.today(), calendar.calendar(), services))
          .compose(ctx -> step.check(ctx).compose(v -> apply(step, ctx)));
    });
  }

  /** The step's change, written in one transaction with whatever else the step writes, guarded by the version. */
  private Future<Application> apply(CaseSteps.Step step, CaseSteps.Context ctx) {
    CaseSteps.Change change = new CaseSteps.Change(ctx);
    step.change(ctx, change);
    Application a = ctx.a();
    CaseAction action = ctx.action();
    return store.pool().withTransaction(tx -> {
      Future<Void> forward = Future.succeededFuture();
      if (action.decidesIntake() && a.sameCity().forwarded() && a.sameCity().forwardAnsweredAt().isEmpty()) {
        // The forwarded case is answered: the 1-working-day forwarding clock stops.
        change.detail.put("forwardAnswered", true).put("forwardOnTime",
            !ctx.today().isAfter(a.sameCity().forwardDueDate().orElse(ctx.today())));
        forward = store.answerForward(tx, a.id(), ctx.now());
      }
      return forward.compose(v -> step.alongside(tx, ctx, change))
          .compose(status -> store.transition(tx, new ApplicationStore.Transition(a, status, change.data,
              change.clock, change.supervision, ctx.now(), action.wire(), action.stepName(), ctx.caller().scopeKey(),
              ctx.cmd().comment().orElse(null), change.detail, action.eventType(), change.collection)))
          .map(updated -> updated.orElseThrow(() ->
              new DomainException(ProblemCode.STALE_VERSION, "action.stale", a.version() + 1)));
    });
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
      // The notice records the officer's account; the step it made names them.
      String officerAccount = a.clock().correction().get().getString("officer", "");
      return store.steps(a.id()).compose(steps -> matters.find(a.matterCode()).compose(m -> matters.findForm(
          matters.pool(), a.matterCode(), a.formVersion()).map(f -> CorrectionNotice.content(a, m.orElseThrow(),
              f.orElseThrow().schema(), applicantName(caller, a),
              steps.stream().filter(st -> officerAccount.equals(st.getString("handler"))).reduce((x, y) -> y)
                  .map(WrittenNotice::officer).orElse("")))));
    });
  }

  /**
   * 受理通知书 or 不予受理决定书 (art. 32) of a case the caller may see: the notice of the first acceptance (the
   * one that started the clock), or of the refusal; 409 while neither was decided.
   */
  public Future<IntakeNotice.Content> intakeNotice(Caller caller, String number) {
    return store.find(caller, number).compose(found -> {
      Application a = found.orElseThrow(() -> new DomainException(ProblemCode.APPLICATION_NOT_FOUND,
          "application.notFound", number));
      boolean refused = a.status() == ApplicationStatus.NOT_ACCEPTED;
      if (!refused && a.clock().acceptedAt().isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "notice.noIntakeDecision"));
      }
      String action = refused ? CaseAction.NOT_ACCEPT.wire() : CaseAction.ACCEPT.wire();
      return store.steps(a.id()).compose(steps -> matters.find(a.matterCode()).map(m -> IntakeNotice.content(a,
          m.orElseThrow(), steps.stream().filter(st -> action.equals(st.getString("action"))).findFirst()
              .orElseThrow(), applicantName(caller, a))));
    });
  }

  /**
   * 特别程序告知书 (art. 45) of a case the caller may see: its latest suspension, with the resumption after it
   * once there is one; 409 when the case was never suspended.
   */
  public Future<SpecialProcedureNotice.Content> specialProcedureNotice(Caller caller, String number) {
    return store.find(caller, number).compose(found -> {
      Application a = found.orElseThrow(() -> new DomainException(ProblemCode.APPLICATION_NOT_FOUND,
          "application.notFound", number));
      return store.steps(a.id()).compose(steps -> {
        int last = -1;
        for (int i = 0; i < steps.size(); i++) {
          if (CaseAction.SUSPEND.wire().equals(steps.get(i).getString("action"))) {
            last = i;
          }
        }
        if (last < 0) {
          return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "notice.noSuspension"));
        }
        JsonObject suspend = steps.get(last);
        Optional<JsonObject> resume = steps.subList(last + 1, steps.size()).stream()
            .filter(st -> CaseAction.RESUME.wire().equals(st.getString("action"))).findFirst();
        return matters.find(a.matterCode()).map(m -> SpecialProcedureNotice.content(a, m.orElseThrow(), suspend,
            resume, applicantName(caller, a)));
      });
    });
  }

  /** The applicant's name as a notice printed for this caller states it (masked for masked roles). */
  private static String applicantName(Caller caller, Application a) {
    return cn.tongban.core.identity.Masking.applicant(caller, a.submittedBy(), a.applicant()).getString("name", "");
  }

  /**
   * Every step of a case the caller may see. Who handled a step is named ({@code handlerName}, staff only); its
   * internal account id ({@code handler}) is for staff, never shown to applicants.
   */
  public Future<List<JsonObject>> steps(Caller caller, String number) {
    return store.find(caller, number).compose(found -> found
        .map(a -> store.steps(a.id()).map(steps -> caller.kind() == Caller.Kind.STAFF ? steps
            : steps.stream().map(st -> ApplicationView.without(st, "handler")).toList()))
        .orElseGet(() -> Future.failedFuture(new DomainException(ProblemCode.APPLICATION_NOT_FOUND,
            "application.notFound", number))));
  }

  /**
   * Public progress by number and query code: status, step names and times, due date; the applicant's
   * name masked and no personal data. A wrong code is answered exactly like an unknown number.
   */
  public Future<JsonObject> progress(String number, String queryCode, Locale locale) {
    return store.findProgress(number).map(found -> {
      ApplicationStore.Progress p = found.filter(x -> x.queryCode().equals(queryCode)).orElseThrow(() ->
          new DomainException(ProblemCode.APPLICATION_NOT_FOUND, "application.notFound", number));
      JsonArray steps = new JsonArray();
      p.steps().forEach(steps::add);
      return progressJson(p.number(), p.matterCode(), p.matterName(), p.status(), p.applicant(), p.submittedAt(),
          p.dueDate(), steps, locale);
    });
  }

  private static JsonObject progressJson(String number, String matterCode, String matterName,
      ApplicationStatus status, JsonObject applicant, OffsetDateTime submittedAt, Optional<java.time.LocalDate> due,
      JsonArray steps, Locale locale) {
    JsonObject json = new JsonObject()
        .put("number", number)
        .put("matterCode", matterCode)
        .put("matterName", matterName)
        .put("status", status.name())
        .put("statusName", Messages.get(locale, "status." + status.name()))
        .put("applicantName", ApplicationView.mask(applicant).getString("name"))
        .put("submittedAt", submittedAt.toString())
        .put("steps", steps);
    due.ifPresent(d -> json.put("dueDate", d.toString()));
    return json;
  }

  /**
   * The public progress of the cases of the person who registered this phone, and of the cases named here
   * (those an earlier 12345 order from the phone was about), newest first: for the hotline's caller lookup,
   * which the hotline service authorises. Walk-in cases are not indexed by phone: those are found by
   * number and query code.
   */
  public Future<List<JsonObject>> progressOfPhone(String phone, List<String> numbers, int limit, Locale locale) {
    return store.findForPhone(phone, numbers, limit).compose(found -> {
      List<Future<JsonObject>> each = found.stream().map(a -> publicProgress(a, locale)).toList();
      return Future.all(each).map(all -> each.stream().map(Future::result).toList());
    });
  }

  private Future<JsonObject> publicProgress(Application a, Locale locale) {
    return store.steps(a.id()).map(steps -> {
      JsonArray publicSteps = new JsonArray();
      steps.forEach(s -> publicSteps.add(new JsonObject().put("stepName", s.getString("stepName"))
          .put("status", s.getString("toStatus")).put("at", s.getString("endedAt"))));
      return progressJson(a.number(), a.matterCode(), a.matterName(), a.status(), a.applicant(), a.submittedAt(),
          a.clock().dueDate(), publicSteps, locale);
    });
  }
}
