package cn.tongban.core.application;

import cn.tongban.core.access.Channel;
import cn.tongban.core.agency.AgentAuthorisations;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.form.FormDataChecker;
import cn.tongban.core.access.Caller;
import cn.tongban.core.identity.EnterpriseService;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.access.Role;
import cn.tongban.core.material.MaterialService;
import cn.tongban.core.form.FormVersion;
import cn.tongban.core.matter.IntakeScope;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.page.Cursor;
import cn.tongban.core.page.Page;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.IdNumber;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** 办件: submitting an application, and reading the cases a caller may see. */
public final class ApplicationService {
  // 查询码 alphabet: no 0/O, 1/I/L, so it can be read out over the phone.
  private static final char[] QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Printable ASCII, 1–128 characters (compiled once: every keyed submission is checked). */
  private static final java.util.regex.Pattern IDEMPOTENCY_KEY = java.util.regex.Pattern.compile("[\\x21-\\x7E]{1,128}");
  private static final Set<Channel> CITIZEN_CHANNELS = Set.of(Channel.WEB, Channel.MINI_PROGRAM, Channel.KIOSK);

  private final MatterService matters;
  /** The intake last read per hall and matter ({@link #submitFresh}). */
  private final java.util.Map<String, ApplicationStore.Intake> intakes = new java.util.concurrent.ConcurrentHashMap<>();
  private final ApplicationStore store;
  private final IdentityService identity;
  private final FormDataChecker checker;
  private final CalendarService calendar;
  private final EnterpriseService enterprises;
  private final String areaCode;
  private final List<TongbanConfig.RealNameLevel> levels;
  private final MaterialService materialsOwned;
  private final AgentAuthorisations authorisations;

  private String levelCode(int rank) {
    return levels.stream().filter(l -> l.rank() == rank).map(TongbanConfig.RealNameLevel::code).findFirst()
        .orElse("L" + rank);
  }

  public ApplicationService(MatterService matters, ApplicationStore store, IdentityService identity,
      FormDataChecker checker, CalendarService calendar, EnterpriseService enterprises, String areaCode,
      List<TongbanConfig.RealNameLevel> levels, MaterialService materials, AgentAuthorisations authorisations) {
    this.authorisations = authorisations;
    this.levels = List.copyOf(levels);
    this.materialsOwned = materials;
    this.enterprises = enterprises;
    this.matters = matters;
    this.store = store;
    this.identity = identity;
    this.checker = checker;
    this.calendar = calendar;
    this.areaCode = areaCode;
  }

  /** The outcome of a submission: the case, and whether it is a replay of an earlier identical request. */
  public record Submission(Application application, boolean replayed) {
  }

  /**
   * Validates everything first (channel, applicant, the data against the pinned form version), then
   * stores the case with its audit and outbox events in one statement. Invalid → 422 with every
   * violation and nothing stored; same idempotency key and body → the same case.
   */
  public Future<Submission> submit(Caller caller, SubmitCommand cmd, Locale locale) {
    if (!channelAllowed(caller, cmd.channel())) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "application.channelNotAllowed",
          cmd.channel().name()));
    }
    if (cmd.idempotencyKey().isPresent() && !IDEMPOTENCY_KEY.matcher(cmd.idempotencyKey().get()).matches()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
          List.of(new Violation("/idempotencyKey", "pattern", Messages.get(locale, "violation.pattern",
              "idempotencyKey"))), 1));
    }
    String requestHash = store.personal().requestHash(meaning(cmd));
    // The happy path does not look for an earlier request with the same key: the insert's
    // "on conflict do nothing" finds it. Only when the submission fails (or the insert conflicts) is the
    // earlier case read, so that a retry is answered as before: the same case when the body is the same,
    // 409 when it differs, whatever the validation would say now.
    Future<Submission> fresh = submitFresh(caller, cmd, locale, requestHash);
    Future<Submission> answered = cmd.idempotencyKey().isEmpty() ? fresh
        : fresh.recover(failure -> store.findByIdempotencyKey(caller.scopeKey(), cmd.idempotencyKey().get())
            .compose(found -> found.isPresent() ? replay(found.get(), requestHash, cmd)
                : Future.<Submission>failedFuture(failure),
                lookupFailed -> Future.failedFuture(failure)));
    // Not stored, and no earlier case with the key: the intake changed at every attempt (forms published
    // one after another while this was submitted). Nothing was stored; the applicant may simply submit again.
    return answered.recover(failure -> Future.failedFuture(failure instanceof KeyUsedBefore
            ? new DomainException(ProblemCode.STALE_VERSION, "application.intakeChanged") : failure));
  }

  /**
   * Submits against the intake (hall level, city hall, stamp of the matter's published form) this node
   * last read for the hall and matter, read first when there is none. The submission statement inserts
   * only while that intake is still the current one; when it fails in any way (not stored, invalid,
   * refused), the intake is read again, and if it has changed meanwhile (a form published or a hall
   * changed, on any node) the submission is made again against the new one. So no submission pays a read
   * for what rarely changes, and none is judged by what has changed.
   */
  private Future<Submission> submitFresh(Caller caller, SubmitCommand cmd, Locale locale, String requestHash) {
    Optional<String> hall = cmd.hallCode().or(caller::hallCode);
    String key = hall.orElse("") + '\u0000' + cmd.matterCode();
    ApplicationStore.Intake kept = intakes.get(key);
    return kept != null ? attempt(caller, cmd, locale, requestHash, hall, key, kept, 1)
        : store.intake(hall, cmd.matterCode()).compose(read -> {
          keep(key, hall, read);
          return attempt(caller, cmd, locale, requestHash, hall, key, read, 1);
        });
  }

  private static final int INTAKE_ATTEMPTS = 3;
  private static final int INTAKES_KEPT = 10_000;

  private Future<Submission> attempt(Caller caller, SubmitCommand cmd, Locale locale, String requestHash,
      Optional<String> hall, String key, ApplicationStore.Intake used, int attempt) {
    return submitWith(caller, cmd, locale, requestHash, hall, used, true).recover(failure ->
        attempt == INTAKE_ATTEMPTS || !(failure instanceof DomainException || failure instanceof KeyUsedBefore)
            ? Future.failedFuture(failure)
            : store.intake(hall, cmd.matterCode()).compose(now -> {
              if (now.fingerprint().equals(used.fingerprint())) {
                return Future.failedFuture(failure);
              }
              keep(key, hall, now);
              return attempt(caller, cmd, locale, requestHash, hall, key, now, attempt + 1);
            }, readFailed -> Future.failedFuture(failure)));
  }

  /** Keeps an intake of a matter and hall that exist (request fields cannot fill the map with others). */
  private void keep(String key, Optional<String> hall, ApplicationStore.Intake intake) {
    if (intake.formStamp().isEmpty() || (hall.isPresent() && intake.hallLevel().isEmpty())) {
      intakes.remove(key);
      return;
    }
    if (intakes.size() >= INTAKES_KEPT) {
      intakes.clear();
    }
    intakes.put(key, intake);
  }

  /**
   * Everything {@link #submit} checks before it stores (channel, key format, matter and published form,
   * applicant and real-name level, 通办范围 and 代办, the data with the form's handlers, the materials),
   * without storing: fails as submit would, succeeds when submit would store. A life event checks every
   * matter's case this way before it makes any (nothing half-created).
   */
  public Future<Void> check(Caller caller, SubmitCommand cmd, Locale locale) {
    if (!channelAllowed(caller, cmd.channel())) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "application.channelNotAllowed",
          cmd.channel().name()));
    }
    Optional<String> hall = cmd.hallCode().or(caller::hallCode);
    return store.intake(hall, cmd.matterCode())
        .compose(intake -> submitWith(caller, cmd, locale, store.personal().requestHash(meaning(cmd)), hall, intake, false)).mapEmpty();
  }

  private Future<Submission> submitWith(Caller caller, SubmitCommand cmd, Locale locale, String requestHash,
      Optional<String> hall, ApplicationStore.Intake used, boolean storing) {
    Future<ApplicationStore.Intake> intake = Future.succeededFuture(used);
    Future<MatterService.MatterDetail> matter = matters.getForSubmission(cmd.matterCode(),
        () -> Future.succeededFuture(used.formStamp()));
    Future<Applicant> applicantRead = applicant(caller, cmd, locale);
    return matter
          .compose(detail -> applicantRead.compose(applicant -> {
            FormVersion form = detail.form().orElseThrow();
            int required = detail.matter().document().getInteger("minRealNameLevel", 1);
            if (caller.kind() == Caller.Kind.CITIZEN && applicant.realNameLevel() < required) {
              return Future.failedFuture(new DomainException(ProblemCode.REAL_NAME_LEVEL_TOO_LOW, "realname.tooLow",
                  levelCode(required), levelCode(applicant.realNameLevel())));
            }
            List<Violation> routingViolations = new ArrayList<>();
            Future<ApplicationStore.Routing> routing = agency(caller, cmd, applicant, hall)
                .compose(agency -> intake.map(at -> routing(detail.matter().document(),
                    detail.matter().name(), hall, at, cmd, agency, routingViolations, locale)));
            bindOwnIdentity(caller, form, cmd.data(), applicant.json());
            return routing.compose(route -> checker.check(form, cmd.data(), applicant.json(), Optional.empty(),
                    "SUBMITTED", locale)
                .compose(dataViolations -> {
                  List<Violation> violations = new ArrayList<>(applicant.violations());
                  violations.addAll(routingViolations);
                  violations.addAll(dataViolations);
                  // Outside the applicant's own authorisation, staff hand in only files they uploaded.
                  Optional<String> uploader = libraryAllowed(route) ? Optional.empty() : Optional.of(caller.scopeKey());
                  return materials(detail.matter().document(), cmd.materials(), applicant.json(), uploader, locale)
                      .compose(materials -> {
                        violations.addAll(materials.violations());
                        if (!violations.isEmpty()) {
                          return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED,
                              "application.invalid", violations, violations.size()));
                        }
                        if (!storing) {
                          return Future.succeededFuture((Submission) null);
                        }
                        return store(caller, cmd, locale, detail, form, applicant, requestHash,
                            libraryAllowed(route) ? materials.plan() : handedInOnly(materials.plan()), route, used);
                      });
                }));
          }));
  }

  /**
   * Whether the applicant's library (licences, earlier uploads) may fill the case by itself: always, except
   * under an authorisation staff recorded alone; only one the applicant granted themselves opens it.
   */
  private static boolean libraryAllowed(ApplicationStore.Routing route) {
    return route.agency().map(a -> "GRANTED".equals(a.getString("origin"))).orElse(true);
  }

  private static ApplicationStore.Materials handedInOnly(ApplicationStore.Materials plan) {
    return new ApplicationStore.Materials(new JsonArray(), plan.handedIn(), new JsonArray());
  }

  /**
   * 代办: an agent (or a clerk naming an authorisation) applies only under the applicant's valid authorisation
   * for this hall and matter; 403 otherwise. The record says the service is free of charge, by rule.
   */
  private Future<Optional<JsonObject>> agency(Caller caller, SubmitCommand cmd, Applicant applicant,
      Optional<String> hall) {
    boolean agent = caller.kind() == Caller.Kind.STAFF
        && (caller.has(Role.AGENT) || cmd.authorisationId().isPresent());
    String idNumber = applicant.json().getString("idNumber");
    if (!agent || hall.isEmpty() || idNumber == null || !applicant.violations().isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return authorisations.usable(cmd.authorisationId(), idNumber, hall.get(), cmd.matterCode()).map(found -> {
      JsonObject a = found.orElseThrow(() -> new DomainException(ProblemCode.FORBIDDEN, "agency.notAuthorised",
          cmd.matterCode()));
      return Optional.of(new JsonObject().put("authorisationId", a.getString("id"))
          .put("agent", caller.scopeKey()).put("hallCode", hall.get())
          .put("authorisedMatter", a.getString("matterCode")).put("validUntil", a.getString("validUntil"))
          .put("origin", a.getString("origin"))
          .put("fee", 0).put("feeRule", "FREE_BY_RULE"));
    });
  }

  /**
   * 通办范围 and forwarding: the intake hall must be in the matter's scope; a same-city case taken in away
   * from its home hall is forwarded there, to be accepted or returned within 1 working day; the applicant's
   * choice of where to collect the result is checked. Problems go into {@code v}.
   */
  private ApplicationStore.Routing routing(JsonObject matter, String matterName, Optional<String> hall,
      ApplicationStore.Intake intake, SubmitCommand cmd, Optional<JsonObject> agency, List<Violation> v,
      Locale locale) {
    IntakeScope scope = IntakeScope.of(matter);
    if (hall.isPresent() && intake.hallLevel().isEmpty()) {
      v.add(new Violation("/hallCode", "unknown", Messages.get(locale, "violation.enum",
          Messages.isEnglish(locale) ? "hall" : "受理大厅")));
    } else if (hall.isPresent() && !scope.admits(hall.get(), IntakeScope.Level.valueOf(intake.hallLevel().get()))) {
      v.add(new Violation("/hallCode", "outOfScope", Messages.get(locale, "intake.outOfScope", hall.get(),
          matterName)));
    }
    Optional<String> home = scope.homeHall().or(intake::cityHall);
    Optional<String> at = hall.or(intake::cityHall);
    boolean forwarded = scope.sameCity() && home.isPresent() && at.isPresent() && !home.equals(at);
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    Optional<LocalDate> due = forwarded
        ? Optional.of(calendar.calendar().addWorkingDays(calendar.today(), BigDecimal.ONE).date()) : Optional.empty();
    JsonObject collection = CollectionChoice.check(matter, matterName, scope, at, home, cmd.collection().orElse(null),
        v, locale);
    return new ApplicationStore.Routing(scope.acceptingDepartment(), at, home, forwarded ? Optional.of(now)
        : Optional.empty(), due, collection, agency, agency.map(a -> a.getString("authorisationId")));
  }

  /** How a submission's materials will be satisfied, and what is wrong with the files it names. */
  private record MaterialPlan(ApplicationStore.Materials plan, List<Violation> violations) {
  }

  /**
   * The matter's licence-sourced materials are looked up in the e-licence library; files named in the
   * submission must be the applicant's own valid uploads for one of the matter's materials; the other
   * applicant-supplied materials are filled from the applicant's earlier files where there are any.
   */
  private Future<MaterialPlan> materials(JsonObject matter, JsonArray given, JsonObject applicant,
      Optional<String> uploader, Locale locale) {
    JsonArray needs = matter.getJsonArray("materials", new JsonArray());
    Set<String> codes = new java.util.HashSet<>();
    needs.forEach(o -> codes.add(((JsonObject) o).getString("code")));
    List<Violation> violations = new ArrayList<>();
    JsonArray handedIn = new JsonArray();
    List<String> ids = new ArrayList<>();
    Set<String> named = new java.util.HashSet<>();
    for (int i = 0; i < given.size(); i++) {
      JsonObject ref = given.getValue(i) instanceof JsonObject j ? j : new JsonObject();
      String code = ref.getValue("code") instanceof String c ? c : null;
      String id = ref.getValue("materialId") instanceof String m ? m : null;
      if (code == null || !codes.contains(code)) {
        violations.add(new Violation("/materials/" + i + "/code", "unknownMaterial",
            Messages.get(locale, "material.unknown", String.valueOf(code))));
      } else {
        named.add(code);
      }
      ids.add(id);
      handedIn.add(new JsonObject().put("code", code).put("materialId", id));
    }
    ApplicationStore.Materials plan = plan(needs, named, handedIn);
    Future<List<Integer>> bad = ids.isEmpty() ? Future.succeededFuture(List.of())
        : materialsOwned.notOwned(applicant.getString("idNumber"), ids, uploader);
    return bad.map(indexes -> {
      for (int i : indexes) {
        violations.add(new Violation("/materials/" + i + "/materialId", "notOwned",
            Messages.get(locale, "material.notOwned", String.valueOf(ids.get(i)))));
      }
      return new MaterialPlan(plan, violations);
    });
  }

  /**
   * Which of the matter's materials the library may satisfy: licence-sourced ones by a licence of their
   * type, applicant-supplied ones not handed in now ({@code named}) by an earlier file. Submission and
   * {@link #reusableMaterials} both plan with this, and the store applies one rule to the plan.
   */
  private static ApplicationStore.Materials plan(JsonArray needs, Set<String> named, JsonArray handedIn) {
    JsonArray licenceNeeds = new JsonArray();
    JsonArray reusable = new JsonArray();
    for (Object o : needs) {
      JsonObject need = (JsonObject) o;
      if ("LICENCE".equals(need.getString("source")) && need.getString("licenceType") != null) {
        licenceNeeds.add(new JsonObject().put("code", need.getString("code"))
            .put("licenceType", need.getString("licenceType")));
      }
      if ("APPLICANT".equals(need.getString("source")) && !named.contains(need.getString("code"))) {
        reusable.add(new JsonObject().put("code", need.getString("code")));
      }
    }
    return new ApplicationStore.Materials(licenceNeeds, handedIn, reusable);
  }

  /** Whose library {@link #reusableMaterials} reads: a person's identity number and/or a credit code. */
  private record Holder(Optional<String> idNumber, Optional<String> creditCode) {
  }

  /**
   * 免提交、复用, before submitting: each of the matter's materials with what a submission made now would
   * attach to it ({@code satisfiedBy}: a licence from the library, or an earlier upload), by the very plan
   * and rule the submission uses. Clerks and agents ask for a walk-in applicant by identity number (an
   * audited read of personal data); a citizen for themselves, or an enterprise they act for. 403 otherwise.
   */
  public Future<JsonArray> reusableMaterials(Caller caller, String matterCode, Optional<String> idNumber,
      Optional<String> creditCode, Locale locale) {
    return holder(caller, idNumber, creditCode, locale).compose(h -> matters.get(matterCode).compose(detail -> {
      JsonArray needs = detail.matter().document().getJsonArray("materials", new JsonArray());
      Optional<String> idIndex = h.idNumber()
          .map(n -> store.personal().index(cn.tongban.core.privacy.PersonalData.Kind.ID, n));
      Future<Void> audited = caller.kind() == Caller.Kind.STAFF
          ? store.auditLibraryRead(caller.scopeKey(), idIndex.orElseThrow(), matterCode) : Future.succeededFuture();
      return audited.compose(v -> store.wouldSatisfy(idIndex, h.creditCode(),
          plan(needs, Set.of(), new JsonArray()), calendar.today())).map(found -> {
            JsonArray out = new JsonArray();
            for (Object o : needs) {
              JsonObject need = (JsonObject) o;
              String code = need.getString("code");
              JsonObject item = new JsonObject().put("code", code).put("name", need.getString("name"))
                  .put("required", need.getBoolean("required", false)).put("source", need.getString("source"));
              Optional.ofNullable(need.getString("licenceType")).ifPresent(t -> item.put("licenceType", t));
              if (found.licences().containsKey(code)) {
                item.put("satisfiedBy", new JsonObject().put("kind", "LICENCE").put("licence",
                    cn.tongban.core.licence.Licence.from(found.licences().get(code), store.personal())
                        .toPublicJson()));
              } else if (found.files().containsKey(code)) {
                item.put("satisfiedBy", new JsonObject().put("kind", "REUSED")
                    .put("material", found.files().get(code)));
              } else {
                item.putNull("satisfiedBy");
              }
              out.add(item);
            }
            return out;
          });
    }));
  }

  private Future<Holder> holder(Caller caller, Optional<String> idNumber, Optional<String> creditCode,
      Locale locale) {
    if (caller.kind() == Caller.Kind.CITIZEN) {
      return identity.account(caller.subject()).compose(a -> {
        var account = a.orElseThrow(() -> new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
        Optional<String> own = account.idNumber();
        if (idNumber.isPresent() && !idNumber.equals(own)) {
          return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "material.reusableForbidden"));
        }
        if (creditCode.isEmpty()) {
          return Future.succeededFuture(new Holder(own, Optional.empty()));
        }
        return enterprises.actingFor(caller, creditCode.get()).compose(e -> e.isPresent()
            ? Future.succeededFuture(new Holder(own, creditCode))
            : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "material.reusableForbidden")));
      });
    }
    if (caller.kind() != Caller.Kind.STAFF || !(caller.has(Role.CLERK) || caller.has(Role.AGENT))) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "material.reusableForbidden"));
    }
    // A walk-in applicant is a person (that is what a window submission takes): their identity number.
    List<Violation> violations = new ArrayList<>();
    if (idNumber.isEmpty() || !IdNumber.isValid(idNumber.get())) {
      violations.add(new Violation("/idNumber", idNumber.isEmpty() ? "required" : "idNumber",
          Messages.get(locale, idNumber.isEmpty() ? "violation.required" : "violation.pattern",
              Messages.isEnglish(locale) ? "identity number" : "公民身份号码")));
    }
    if (creditCode.isPresent()) {
      violations.add(new Violation("/creditCode", "notAllowed", Messages.get(locale, "material.reusableCreditCode")));
    }
    if (!violations.isEmpty()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "material.invalid",
          violations));
    }
    if (caller.has(Role.CLERK)) {
      // The walk-in is at the window, their identity card checked; the read is audited.
      return Future.succeededFuture(new Holder(idNumber, Optional.empty()));
    }
    // An agent sees a person's library only under an authorisation the person granted themselves.
    return caller.hallCode().map(hall -> authorisations.grantedAt(idNumber.get(), hall))
        .orElse(Future.succeededFuture(false))
        .compose(granted -> granted ? Future.succeededFuture(new Holder(idNumber, Optional.empty()))
            : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "material.reusableNotGranted")));
  }

  private Future<Submission> store(Caller caller, SubmitCommand cmd, Locale locale, MatterService.MatterDetail detail,
      FormVersion form, Applicant applicant, String requestHash, ApplicationStore.Materials materials,
      ApplicationStore.Routing routing, ApplicationStore.Intake intake) {
    Optional<String> hall = cmd.hallCode().or(caller::hallCode);
    OffsetDateTime now = OffsetDateTime.now(calendar.clock());
    // Art. 32: a one-time correction notice must go out within 5 working days of intake.
    LocalDate noticeDue = calendar.calendar().addWorkingDays(calendar.today(), BigDecimal.valueOf(5)).date();
    return store.insert(new ApplicationStore.NewApplication(areaCode, form.matterCode(), detail.matter().name(),
            form.version(),
            cmd.channel(), hall, IntakeScope.of(detail.matter().document()).approvingDepartment(), applicant.json(),
            applicant.json().getString("idNumber"), cmd.data(), queryCode(), caller.scopeKey(),
            cmd.idempotencyKey(), requestHash, noticeDue, now,
            Optional.ofNullable(applicant.json().getString("creditCode")), materials, routing,
            intake.fingerprint()))
        .recover(e -> Future.failedFuture(unknownHall(e, locale)))
        .compose(inserted -> inserted
            .map(s -> Future.succeededFuture(new Submission(s.application(), false)))
            // The key was used before (a retry, or a concurrent request): submit() answers as its replay.
            .orElseGet(() -> Future.failedFuture(new KeyUsedBefore())));
  }

  /** The insert found the caller's idempotency key taken; {@link #submit} reads the earlier case. */
  private static final class KeyUsedBefore extends RuntimeException {
    KeyUsedBefore() {
      super("idempotency key used before", null, false, false);
    }
  }

  /**
   * 一次提交、多次复用: the form data the platform can fill in for the caller before they start, from the
   * handlers the matter's published form binds (e.g. profile-prefill), with the form version it fits.
   */
  public Future<JsonObject> prefill(Caller caller, String matterCode, Optional<JsonObject> applicantGiven,
      Locale locale) {
    SubmitCommand probe = new SubmitCommand(matterCode, new JsonObject(), Channel.WEB, Optional.empty(),
        applicantGiven, Optional.empty(), new JsonArray());
    return matters.getForSubmission(matterCode).compose(detail -> applicant(caller, probe, locale)
        .compose(applicant -> checker.prefill(detail.form().orElseThrow(), applicant.json())
            // Kept (hashes, not values) so the case can record which submitted fields came from where.
            .compose(filled -> store.offerPrefill(caller.scopeKey(), matterCode, filled.getJsonObject("data"),
                    filled.getJsonObject("sources"))
                .map(new JsonObject().put("matterCode", matterCode)
                    .put("formVersion", detail.form().orElseThrow().version()).put("data", filled.getJsonObject("data"))
                    .put("sources", filled.getJsonObject("sources"))))));
  }

  /**
   * Where the case's data came from, by top-level field ({@code {handler, source?, via?}}, or handler
   * {@code applicant} for what was typed): whoever may see the case; 404 otherwise.
   */
  public Future<JsonObject> dataSources(Caller caller, String number) {
    return store.find(caller, number).compose(found -> found.isEmpty()
        ? Future.failedFuture(new DomainException(ProblemCode.APPLICATION_NOT_FOUND, "application.notFound", number))
        : store.dataSources(number).map(sources -> new JsonObject().put("number", number)
            .put("prefilled", !sources.isEmpty()).put("sources", sources)));
  }

  /**
   * The case if the caller may see it; 404 otherwise, so numbers cannot be probed. Staff reading
   * someone else's case leave an audit event.
   */
  public Future<Application> get(Caller caller, String number) {
    return store.find(caller, number).compose(found -> found
        .map(a -> caller.kind() == Caller.Kind.STAFF && !a.submittedBy().equals(caller.scopeKey())
            ? store.auditRead(caller.scopeKey(), a.number()).map(a) : Future.succeededFuture(a))
        .orElseGet(() -> Future.failedFuture(
            new DomainException(ProblemCode.APPLICATION_NOT_FOUND, "application.notFound", number))));
  }

  /** Whether the caller may see the case (the same scope as {@link #get}; nothing audited: no data is read). */
  public Future<Boolean> visible(Caller caller, String number) {
    return store.find(caller, number).map(Optional::isPresent);
  }

  /** The cases the caller may see, newest first. */
  public Future<Page<Application>> list(Caller caller, ApplicationQuery query, int limit, Optional<String> cursor) {
    return before(cursor).compose(before -> store.list(caller, query, before, limit + 1)
        .map(rows -> Page.of(rows, limit, a -> Cursor.encode(a.id()))));
  }

  /**
   * The same cases and pages as {@link #list} (the same scope, order and cursors), as a list shows them:
   * without their form data and the detail only one case's page shows.
   */
  public Future<Page<ApplicationSummary>> listSummaries(Caller caller, ApplicationQuery query, int limit,
      Optional<String> cursor) {
    return before(cursor).compose(before -> store.listSummaries(caller, query, before, limit + 1)
        .map(rows -> Page.of(rows, limit, a -> Cursor.encode(a.id()))));
  }

  /** The case id a list cursor points before. */
  private static Future<Optional<Long>> before(Optional<String> cursor) {
    try {
      return Future.succeededFuture(Cursor.decode(cursor, 1).map(k -> k.getLong(0)));
    } catch (DomainException e) {
      return Future.failedFuture(e);
    } catch (ClassCastException e) {
      return Future.failedFuture(new DomainException(ProblemCode.BAD_REQUEST, "application.cursor"));
    }
  }

  private Future<Submission> replay(ApplicationStore.Stored stored, String requestHash, SubmitCommand cmd) {
    if (!stored.requestHash().equals(requestHash) && !store.personal().sameRequest(stored.requestHash(), meaning(cmd))) {
      return Future.failedFuture(new DomainException(ProblemCode.IDEMPOTENCY_KEY_REUSED,
          "application.idempotencyReused", cmd.idempotencyKey().orElse("")));
    }
    return Future.succeededFuture(new Submission(stored.application(), true));
  }

  private static boolean channelAllowed(Caller caller, Channel channel) {
    return switch (caller.kind()) {
      // Through a third-party channel (a token exchanged by the client): only on that client's channels.
      case CITIZEN -> CITIZEN_CHANNELS.contains(channel)
          && (caller.channels().isEmpty() || caller.channels().contains(channel.name()));
      // A channel acts for a citizen only with the citizen's own token (token exchange), never on its own.
      case CLIENT -> false;
      case STAFF -> switch (channel) {
        // HOME_VISIT: 上门受理, the hall's staff at the applicant's door (through HomeVisitService).
        case WINDOW, HOME_VISIT -> caller.has(Role.CLERK) || caller.has(Role.AGENT);
        case HOTLINE -> caller.has(Role.HOTLINE);
        default -> false;
      };
    };
  }

  /** Who the case is for, what is wrong with how they were given, and (for a citizen) their real-name level. */
  /**
   * 申请人即本人: where the form keeps the applicant's identity number (the field its profile-prefill handler
   * fills), a citizen applying as a person names their own — the case's applicant is the signed-in account,
   * and form data naming someone else there would make the file say another person applied. The field is
   * bound to the account's number before the data is checked and stored (whatever was typed there; the page
   * fills it from the profile anyway). Staff taking a walk-in's case check the identity card at the window;
   * enterprises are not persons.
   */
  private static void bindOwnIdentity(Caller caller, FormVersion form, JsonObject data, JsonObject applicant) {
    String own = applicant.getString("idNumber");
    if (caller.kind() != Caller.Kind.CITIZEN || !"PERSON".equals(applicant.getString("kind")) || own == null
        || data == null) {
      return;
    }
    for (Object o : form.handlers()) {
      String pointer = o instanceof JsonObject h && "profile-prefill".equals(h.getString("id"))
          ? h.getJsonObject("config", new JsonObject()).getString("idNumber") : null;
      if (pointer != null) {
        var at = pointer(pointer);
        // A well-formed number that is not theirs is bound; a malformed one is left for the checks to point at,
        // so the person sees their typing mistake rather than a silent change.
        if (at.queryJson(data) instanceof String typed && !typed.trim().equalsIgnoreCase(own)
            && IdNumber.isValid(typed.trim())) {
          at.writeJson(data, own);
        }
      }
    }
  }

  /** Parsed pointers of published forms' handlers (they never change), instead of a parse per submission. */
  private static final Map<String, io.vertx.core.json.pointer.JsonPointer> POINTERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static io.vertx.core.json.pointer.JsonPointer pointer(String text) {
    if (POINTERS.size() >= 1_000) {
      POINTERS.clear();
    }
    return POINTERS.computeIfAbsent(text, io.vertx.core.json.pointer.JsonPointer::from);
  }

  private record Applicant(JsonObject json, List<Violation> violations, int realNameLevel) {
  }

  private Future<Applicant> applicant(Caller caller, SubmitCommand cmd, Locale locale) {
    if (caller.kind() == Caller.Kind.CITIZEN) {
      String creditCode = cmd.applicant().filter(x -> "ENTERPRISE".equals(x.getString("kind")))
          .map(x -> x.getString("creditCode")).orElse(null);
      return identity.account(caller.subject()).compose(a -> {
        var account = a.orElseThrow(() -> new DomainException(ProblemCode.UNAUTHENTICATED, "auth.invalidToken"));
        JsonObject person = new JsonObject().put("kind", "PERSON").put("name", account.displayName())
            .put("idNumber", account.idNumber().orElse(null)).put("phone", account.phone().orElse(null));
        if (creditCode == null) {
          return Future.succeededFuture(new Applicant(person, List.of(), account.realNameLevel()));
        }
        // An enterprise applies through its legal representative or an authorised agent (经办人).
        return enterprises.actingFor(caller, creditCode).map(e -> e
            .map(ent -> new Applicant(new JsonObject().put("kind", "ENTERPRISE").put("name", ent.name())
                .put("creditCode", ent.creditCode()).put("idNumber", account.idNumber().orElse(null))
                .put("agent", person), List.of(), account.realNameLevel()))
            .orElseGet(() -> new Applicant(person, List.of(new Violation("/applicant/creditCode", "notAuthorised",
                Messages.get(locale, "enterprise.notAgent"))), account.realNameLevel())));
      });
    }
    List<Violation> violations = new ArrayList<>();
    JsonObject given = cmd.applicant().orElse(null);
    if (given == null) {
      violations.add(new Violation("/applicant", "required",
          Messages.get(locale, "violation.required", Messages.get(locale, "field.applicant"))));
      return Future.succeededFuture(new Applicant(new JsonObject(), violations, 0));
    }
    String name = given.getString("name");
    String idNumber = given.getString("idNumber");
    if (name == null || name.isBlank()) {
      violations.add(new Violation("/applicant/name", "required",
          Messages.get(locale, "violation.required", Messages.isEnglish(locale) ? "name" : "姓名")));
    }
    if (idNumber == null || !IdNumber.isValid(idNumber)) {
      violations.add(new Violation("/applicant/idNumber", idNumber == null ? "required" : "idNumber",
          Messages.get(locale, idNumber == null ? "violation.required" : "violation.pattern",
              Messages.isEnglish(locale) ? "identity number" : "公民身份号码")));
    }
    JsonObject json = new JsonObject().put("kind", "PERSON").put("name", name).put("idNumber", idNumber)
        .put("phone", given.getString("phone"));
    return Future.succeededFuture(new Applicant(json, violations, 0));
  }

  private static Throwable unknownHall(Throwable e, Locale locale) {
    if (e instanceof PgException pg && "23503".equals(pg.getSqlState())
        && String.valueOf(pg.getConstraint()).contains("hall")) {
      return DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "application.invalid",
          List.of(new Violation("/hallCode", "unknown", Messages.get(locale, "violation.enum",
              Messages.isEnglish(locale) ? "hall" : "受理大厅"))), 1);
    }
    return e;
  }

  /**
   * Eight characters drawn uniformly from the alphabet: one call to the system's random source for 16 bytes
   * (each a lock and a read), a byte kept when below the largest multiple of the alphabet's size.
   */
  static String queryCode() {
    int n = QUERY_CODE_ALPHABET.length;
    int below = 256 - 256 % n;
    char[] code = new char[8];
    byte[] random = new byte[16];
    int filled = 0;
    while (filled < code.length) {
      RANDOM.nextBytes(random);
      for (int i = 0; i < random.length && filled < code.length; i++) {
        int b = random[i] & 0xFF;
        if (b < below) {
          code[filled++] = QUERY_CODE_ALPHABET[b % n];
        }
      }
    }
    return new String(code);
  }

  /**
   * The request's meaning, hashed (keyed: it holds personal data) independently of key order to tell a retry from
   * a different request.
   */
  static JsonObject meaning(SubmitCommand cmd) {
    JsonObject meaning = new JsonObject()
        .put("matterCode", cmd.matterCode())
        .put("data", cmd.data())
        .put("channel", cmd.channel().name())
        .put("hallCode", cmd.hallCode().orElse(null))
        .put("applicant", cmd.applicant().orElse(null))
        .put("materials", cmd.materials().isEmpty() ? null : cmd.materials());
    // Added later: only when given, so earlier requests keep their hash.
    cmd.collection().ifPresent(c -> meaning.put("collection", c));
    cmd.authorisationId().ifPresent(a -> meaning.put("authorisationId", a));
    return meaning;
  }
}
