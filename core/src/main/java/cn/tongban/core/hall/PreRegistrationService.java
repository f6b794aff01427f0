package cn.tongban.core.hall;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Channel;
import cn.tongban.core.access.Role;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.application.ApplicationView;
import cn.tongban.core.application.SubmitCommand;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.form.FormDataChecker;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * 预登记: an applicant fills a matter's form online; at the window a clerk or agent finds it by its number or the
 * applicant's identity number, checks it with them and turns it into a case in one step — the same submission
 * as any window intake ({@link ApplicationService#submit}, channel WINDOW), with the pre-registration's number as
 * its idempotency key, so a repeated conversion gives the same case. Unused ones expire.
 */
public final class PreRegistrationService {
  /** The sealed columns, for the key rotation's rewrap. */
  public static final SealedTable SEALED = PreRegistrationStore.SEALED;

  private final PreRegistrationStore store;
  /** The same store on the background pool: the periodic pass never waits for the requests' connections. */
  private final PreRegistrationStore jobs;
  private final MatterService matters;
  private final IdentityService identity;
  private final FormDataChecker checker;
  private final ApplicationService applications;
  private final QueueService queue;
  private final CalendarService calendar;
  private final int validDays;

  public PreRegistrationService(Pool pool, Pool background, PersonalData personal, MatterService matters,
      IdentityService identity, FormDataChecker checker, ApplicationService applications, QueueService queue,
      CalendarService calendar, int validDays) {
    this.store = new PreRegistrationStore(pool, personal);
    this.jobs = new PreRegistrationStore(background, personal);
    this.matters = matters;
    this.identity = identity;
    this.checker = checker;
    this.applications = applications;
    this.queue = queue;
    this.calendar = calendar;
    this.validDays = validDays;
  }

  /** How long a claim left by a failed conversion (a node gone mid-way) holds the pre-registration. */
  private static final int CLAIM_MINUTES = 5;

  private static boolean window(Caller caller) {
    return caller.kind() == Caller.Kind.STAFF && (caller.has(Role.CLERK) || caller.has(Role.AGENT))
        && caller.hallCode().isPresent();
  }

  /**
   * A citizen pre-registers for themselves: {matterCode, data}; the data is checked against the matter's
   * published form as a submission's would be (422 with every violation), so the window need not retype it.
   */
  public Future<JsonObject> create(Caller caller, JsonObject body, Locale locale) {
    if (caller.kind() != Caller.Kind.CITIZEN) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "preRegistration.forbidden"));
    }
    String matter = body.getString("matterCode");
    JsonObject data = body.getJsonObject("data", new JsonObject());
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    return identity.account(caller.subject()).compose(found -> {
      var account = found.orElseThrow(() -> new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
      JsonObject applicant = new JsonObject().put("kind", "PERSON").put("name", account.displayName())
          .put("idNumber", account.idNumber().orElse(null));
      return matters.getForSubmission(matter).compose(m -> checker.check(m.form().orElseThrow(), data,
              applicant.copy().put("phone", account.phone().orElse(null)), Optional.empty(), "DRAFT", locale))
          .compose(violations -> violations.isEmpty() ? Future.succeededFuture()
              : Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED,
                  "application.invalid", violations, violations.size())))
          .compose(v -> store.insert(matter, account.id(), applicant, data, now, now.plusDays(validDays),
              caller.scopeKey()))
          .compose(number -> store.find(store.pool(), number, false)).map(Optional::orElseThrow);
    });
  }

  /** One pre-registration: to its applicant, or to window staff (who check it with the applicant). */
  public Future<JsonObject> get(Caller caller, String number) {
    return store.find(store.pool(), number, false).compose(found -> found
        .filter(p -> window(caller) || caller.kind() == Caller.Kind.CITIZEN
            && caller.subject().equals(p.getString("accountId")))
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "preRegistration.notFound",
            number))));
  }

  /** Window staff: the open ones of an identity number; a citizen: their own. */
  public Future<List<JsonObject>> list(Caller caller, Optional<String> idNumber) {
    if (caller.kind() == Caller.Kind.CITIZEN) {
      return store.list(null, caller.subject());
    }
    if (!window(caller)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "preRegistration.forbidden"));
    }
    if (idNumber.isEmpty()) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "request.invalid", "idNumber"));
    }
    return store.list(idNumber.get(), null);
  }

  /**
   * Turns an open pre-registration into a case taken in at the caller's window: {ticketNumber?} links today's
   * queue visit to it. Answers the case as the submission does.
   */
  public Future<JsonObject> convert(Caller caller, String number, JsonObject body, Locale locale) {
    if (!window(caller)) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "preRegistration.forbidden"));
    }
    String hall = caller.hallCode().orElseThrow();
    String ticket = body.getString("ticketNumber");
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    String by = caller.scopeKey();
    return get(caller, number).compose(p -> store.claim(number, by, now, now.minusMinutes(CLAIM_MINUTES))
        .compose(claimed -> claimed ? Future.succeededFuture(p)
            : Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "preRegistration.state",
                "OPEN".equals(p.getString("status")) ? "CONVERTING" : p.getString("status")))))
        .compose(p -> {
      JsonObject applicant = p.getJsonObject("applicant");
      SubmitCommand cmd = new SubmitCommand(p.getString("matterCode"), p.getJsonObject("data"), Channel.WINDOW,
          Optional.of(hall), Optional.of(new JsonObject().put("name", applicant.getString("name"))
              .put("idNumber", applicant.getString("idNumber"))), Optional.of("pre-registration-" + number),
          new JsonArray());
      return applications.submit(caller, cmd, locale)
          .recover(failure -> store.release(number, by).compose(v -> Future.failedFuture(failure)))
          .compose(submission -> {
        String application = submission.application().number();
        return store.pool().withTransaction(tx -> store.converted(tx, number, application, caller.scopeKey(), now)
                .compose(changed -> !changed ? Future.<Void>succeededFuture()
                    : AuditLog.record(tx, caller.scopeKey(), "preRegistration.converted", "preRegistration", number,
                            new JsonObject().put("applicationNumber", application))
                        .compose(x -> Outbox.append(tx, "preRegistration", number, "PreRegistrationConverted",
                            new JsonObject().put("number", number).put("applicationNumber", application)))
                        .compose(x -> ticket == null ? Future.succeededFuture()
                            : queue.link(tx, hall, ticket, application))))
            .map(v -> new JsonObject().put("preRegistration", number).put("ticketNumber", ticket)
                .put("application", ApplicationView.of(submission.application(), caller)));
      });
    });
  }

  /** The periodic expiry of unused pre-registrations. */
  public Future<Integer> expire() {
    return jobs.expire(OffsetDateTime.now(calendar.clock()));
  }
}
