package cn.tongban.core.project;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.identity.EnterpriseService;
import cn.tongban.core.lifeevent.CombinedApplication;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * 工程建设项目审批: an enterprise registers a construction project and applies for its approval stages in turn
 * (立项用地规划许可 → 工程建设许可 → 施工许可 → 竣工验收). A stage's application is one combined form
 * ({@link CombinedApplication}, as for life events) making one case per bundled matter; each case then runs
 * in the case engine — parallel opinions with deemed consent, 容缺 and 告知承诺 at acceptance. The project
 * adds the stage clock (working days), the stage results, a tracking officer (跟踪跟办) for key projects and
 * one timeline, visible to the enterprise, its officer and supervisors only (404 to anybody else).
 */
public final class ProjectService {
  private static final Set<String> FINAL = Set.of("APPROVED", "DENIED", "DELIVERED", "WITHDRAWN", "TERMINATED",
      "NOT_ACCEPTED");
  private static final Set<String> PASSED = Set.of("APPROVED", "DELIVERED");
  private static final Set<String> TYPES = Set.of("HOUSING", "INDUSTRIAL", "MUNICIPAL", "TRANSPORT", "WATER", "OTHER");
  private static final String CODE_PATTERN = "^\\d{4}-\\d{6}-\\d{2}-\\d{2}-\\d{6}$";
  private static final int LIST_LIMIT = 50;

  private final Vertx vertx;
  private final ProjectStore store;
  /** The same store on the background pool: the periodic pass never waits for the requests' connections. */
  private final ProjectStore jobs;
  private final MatterService matters;
  private final CombinedApplication combined;
  private final EnterpriseService enterprises;
  private final PersonalData personal;
  private final CalendarService calendar;
  private volatile List<JsonObject> stages = List.of();

  public ProjectService(Vertx vertx, ProjectStore store, ProjectStore jobs, MatterService matters,
      CombinedApplication combined, EnterpriseService enterprises, PersonalData personal, CalendarService calendar) {
    this.vertx = vertx;
    this.personal = personal;
    this.store = store;
    this.jobs = jobs;
    this.matters = matters;
    this.combined = combined;
    this.enterprises = enterprises;
    this.calendar = calendar;
  }

  /** A create's answer, and whether it answers a retry with a key used before. */
  public record Created(JsonObject view, boolean replayed) {
  }

  /** How the caller stands to a project: the only three who see it. */
  enum Viewer { ENTERPRISE, OFFICER, SUPERVISOR }

  // ---- the stage definitions (catalogue/project-stages, bundled with the matter catalogue)

  /** Reads the bundled stage definitions (a worker thread: class-path reads block). */
  public Future<Void> loadStages() {
    return vertx.executeBlocking(() -> {
      List<JsonObject> out = new ArrayList<>();
      for (Object code : read("catalogue/project-stages/index.json").getJsonArray("stages")) {
        out.add(read("catalogue/project-stages/" + code + ".json"));
      }
      out.sort(Comparator.comparingInt(s -> s.getInteger("order")));
      stages = List.copyOf(out);
      return null;
    }, false);
  }

  private static JsonObject read(String path) {
    try (InputStream in = ProjectService.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing on the class path: " + path);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(path, e);
    }
  }

  private Optional<JsonObject> stage(String code) {
    return stages.stream().filter(s -> s.getString("code").equals(code)).findFirst();
  }

  /** The stages in order, each with its matters, combined form and the materials handed in once (public). */
  public Future<JsonObject> stageCatalogue() {
    List<Future<JsonObject>> each = stages.stream().map(this::stageSummary).toList();
    return Future.all(each).map(done -> new JsonObject().put("items",
        new JsonArray(each.stream().map(Future::result).toList())));
  }

  private Future<JsonObject> stageSummary(JsonObject def) {
    List<Future<JsonObject>> each = def.getJsonArray("matters").stream().map(o -> {
      String code = ((JsonObject) o).getString("matter");
      return matters.get(code).map(d -> {
        JsonObject m = d.matter().document();
        JsonObject out = new JsonObject().put("code", code).put("name", m.getString("name"))
            .put("department", m.getJsonObject("department")).put("promisedDays", m.getValue("promisedDays"))
            .put("legalDays", m.getValue("legalDays"));
        if (m.getValue("parallelApproval") instanceof JsonObject p) {
          out.put("parallelApproval", p);
        }
        return out;
      });
    }).toList();
    return Future.all(each).compose(done -> combined.materials(def)).map(materials -> {
      JsonObject out = new JsonObject().put("code", def.getString("code")).put("name", def.getString("name"))
          .put("order", def.getInteger("order")).put("limitDays", def.getInteger("limitDays"))
          .put("description", def.getString("description"))
          .put("matters", new JsonArray(each.stream().map(Future::result).toList())).put("materials", materials);
      if (def.getValue("form") instanceof JsonObject f) {
        out.put("form", f);
      }
      return out;
    });
  }

  // ---- registering a project

  /**
   * 项目登记: {code, name, type, investment, township, site, creditCode, keyProject?} by the enterprise's legal
   * representative or agent. An Idempotency-Key (optional) makes a retry answer the project made before.
   */
  public Future<Created> register(Caller caller, JsonObject body, Optional<String> key, Locale locale) {
    if (caller.kind() != Caller.Kind.CITIZEN) {
      return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "project.registerForbidden"));
    }
    // Keyed like a submission's: the stored hash of a request with personal data confirms no guess of it.
    String hash = personal.requestHash(body);
    Future<Optional<ProjectStore.Project>> earlier = key.isPresent() ? store.byKey(caller.scopeKey(), key.get())
        : Future.succeededFuture(Optional.empty());
    return earlier.compose(found -> {
      if (found.isPresent()) {
        return replay(caller, found.get(), body, key.get());
      }
      List<Violation> v = checkProject(body, locale);
      String creditCode = body.getString("creditCode");
      Future<Optional<EnterpriseService.Enterprise>> acting = creditCode == null
          ? Future.succeededFuture(Optional.empty()) : enterprises.actingFor(caller, creditCode);
      return acting.compose(enterprise -> {
        if (enterprise.isEmpty() && v.stream().noneMatch(x -> x.pointer().equals("/creditCode"))) {
          v.add(new Violation("/creditCode", "notRepresented", Messages.get(locale, "project.notRepresented")));
        }
        if (!v.isEmpty()) {
          return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "project.invalid", v,
              v.size()));
        }
        ProjectStore.Project p = new ProjectStore.Project(UUID.randomUUID(), body.getString("code"),
            body.getString("name").strip(), body.getString("type"), investment(body), body.getString("township"),
            body.getString("site").strip(), creditCode, enterprise.get().name(), body.getBoolean("keyProject", false),
            Optional.empty(), Optional.empty(), caller.scopeKey(), Optional.of(hash), now());
        return store.pool().withTransaction(tx -> store.insert(tx, p, key).compose(inserted -> {
          if (!inserted) {
            return Future.succeededFuture(false);
          }
          JsonObject detail = new JsonObject().put("code", p.code()).put("creditCode", p.creditCode())
              .put("keyProject", p.keyProject());
          return store.addEvent(tx, p.id(), "REGISTERED", null, null, null, caller.scopeKey(), p.enterpriseName(),
                  detail, p.createdAt())
              .compose(id -> AuditLog.record(tx, caller.scopeKey(), "project.registered", "project", p.code(), detail))
              .compose(x -> Outbox.append(tx, "project", p.id().toString(), "ProjectRegistered", detail))
              .map(true);
        })).compose(inserted -> {
          if (inserted) {
            return view(caller, p, Viewer.ENTERPRISE).map(view -> new Created(view, false));
          }
          // The key raced with another request, or the project code is taken.
          return (key.isPresent() ? store.byKey(caller.scopeKey(), key.get()) : Future.succeededFuture(
              Optional.<ProjectStore.Project>empty())).compose(raced -> raced.isPresent()
                  ? replay(caller, raced.get(), body, key.get())
                  : Future.failedFuture(new DomainException(ProblemCode.PROJECT_EXISTS, "project.exists", p.code())));
        });
      });
    });
  }

  private Future<Created> replay(Caller caller, ProjectStore.Project p, JsonObject body, String key) {
    if (!personal.sameRequest(p.requestHash().orElse(null), body)) {
      return Future.failedFuture(new DomainException(ProblemCode.IDEMPOTENCY_KEY_REUSED,
          "application.idempotencyReused", key));
    }
    return view(caller, p, Viewer.ENTERPRISE).map(view -> new Created(view, true));
  }

  private static BigDecimal investment(JsonObject body) {
    return new BigDecimal(String.valueOf(body.getValue("investment")));
  }

  private List<Violation> checkProject(JsonObject body, Locale locale) {
    List<Violation> v = new ArrayList<>();
    if (!(body.getValue("code") instanceof String code) || !code.matches(CODE_PATTERN)) {
      v.add(new Violation("/code", "pattern", Messages.get(locale, "project.code")));
    }
    text(body, "name", 4, 100, "项目名称", v, locale);
    if (!(body.getValue("type") instanceof String t) || !TYPES.contains(t)) {
      v.add(new Violation("/type", "enum", Messages.get(locale, "project.type")));
    }
    Object inv = body.getValue("investment");
    if (!(inv instanceof Number n) || n.doubleValue() <= 0 || n.doubleValue() > 10_000_000) {
      v.add(new Violation("/investment", "range", Messages.get(locale, "project.investment")));
    }
    JsonObject townships = stages.isEmpty() ? new JsonObject() : stages.get(0).getJsonObject("form", new JsonObject())
        .getJsonObject("schema", new JsonObject()).getJsonObject("properties", new JsonObject())
        .getJsonObject("township", new JsonObject());
    JsonArray allowed = townships.getJsonArray("enum", new JsonArray());
    if (!(body.getValue("township") instanceof String t) || (!allowed.isEmpty() && !allowed.contains(t))) {
      v.add(new Violation("/township", "enum", Messages.get(locale, "project.township")));
    }
    text(body, "site", 5, 200, "建设地点", v, locale);
    if (!(body.getValue("creditCode") instanceof String)) {
      v.add(new Violation("/creditCode", "required", Messages.get(locale, "violation.required", "统一社会信用代码")));
    }
    if (body.containsKey("keyProject") && !(body.getValue("keyProject") instanceof Boolean)) {
      v.add(new Violation("/keyProject", "type", Messages.get(locale, "project.keyProject")));
    }
    return v;
  }

  private static void text(JsonObject body, String field, int min, int max, String label, List<Violation> v,
      Locale locale) {
    if (!(body.getValue(field) instanceof String s) || s.isBlank()) {
      v.add(new Violation("/" + field, "required", Messages.get(locale, "violation.required", label)));
    } else if (s.strip().length() < min || s.strip().length() > max) {
      v.add(new Violation("/" + field, "length", Messages.get(locale, "project.length", label, min, max)));
    }
  }

  // ---- reading

  /** The projects the caller sees: of their enterprises (citizens), tracked by them (staff), all (supervisors). */
  public Future<JsonObject> list(Caller caller) {
    Future<List<ProjectStore.Project>> found;
    if (caller.has(Role.SUPERVISOR)) {
      found = store.list(List.of(), Optional.empty(), true, LIST_LIMIT);
    } else if (caller.kind() == Caller.Kind.CITIZEN) {
      found = enterprises.mine(caller).compose(mine -> store.list(mine.stream()
          .map(o -> ((JsonObject) o).getString("creditCode")).toList(), Optional.empty(), false, LIST_LIMIT));
    } else if (caller.kind() == Caller.Kind.STAFF) {
      found = store.list(List.of(), Optional.of(caller.subject()), false, LIST_LIMIT);
    } else {
      found = Future.succeededFuture(List.of());
    }
    return found.compose(all -> {
      List<Future<JsonObject>> each = all.stream().map(p -> stagesOf(p).map(st -> current(summary(p), st))).toList();
      return Future.all(each).map(done -> new JsonObject().put("items",
          new JsonArray(each.stream().map(Future::result).toList())));
    });
  }

  /** The whole project: stages with their cases, clocks and results, warnings and the timeline. */
  public Future<JsonObject> get(Caller caller, String code) {
    return visible(caller, code).compose(pv -> view(caller, pv.project(), pv.viewer()));
  }

  private record Seen(ProjectStore.Project project, Viewer viewer) {
  }

  private Future<Seen> visible(Caller caller, String code) {
    return store.byCode(code).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(notFound(code));
      }
      ProjectStore.Project p = found.get();
      if (caller.has(Role.SUPERVISOR)) {
        return Future.succeededFuture(new Seen(p, Viewer.SUPERVISOR));
      }
      if (caller.kind() == Caller.Kind.STAFF && p.officerId().filter(caller.subject()::equals).isPresent()) {
        return Future.succeededFuture(new Seen(p, Viewer.OFFICER));
      }
      if (caller.kind() != Caller.Kind.CITIZEN) {
        return Future.failedFuture(notFound(code));
      }
      return enterprises.actingFor(caller, p.creditCode()).compose(e -> e.isPresent()
          ? Future.succeededFuture(new Seen(p, Viewer.ENTERPRISE)) : Future.failedFuture(notFound(code)));
    });
  }

  private static DomainException notFound(String code) {
    return new DomainException(ProblemCode.NOT_FOUND, "project.notFound", code);
  }

  private static JsonObject summary(ProjectStore.Project p) {
    JsonObject out = new JsonObject().put("code", p.code()).put("name", p.name()).put("type", p.type())
        .put("investment", p.investment().stripTrailingZeros().toPlainString()).put("township", p.township())
        .put("site", p.site()).put("creditCode", p.creditCode()).put("enterpriseName", p.enterpriseName())
        .put("keyProject", p.keyProject()).put("registeredAt", p.createdAt().toString());
    p.officerName().ifPresent(n -> out.put("officer", new JsonObject().put("name", n)));
    return out;
  }

  private record StageState(JsonObject def, Optional<ProjectStore.Stage> applied) {
  }

  private Future<List<StageState>> stagesOf(ProjectStore.Project p) {
    return store.stages(p.id()).map(applied -> stages.stream().map(def -> new StageState(def, applied.stream()
        .filter(s -> s.stage().equals(def.getString("code"))).findFirst())).toList());
  }

  /** The latest stage applied for (the first before any): {@code currentStage} and its name. */
  private static JsonObject current(JsonObject out, List<StageState> all) {
    JsonObject current = all.get(0).def();
    for (StageState s : all) {
      if (s.applied().isPresent()) {
        current = s.def();
      }
    }
    return out.put("currentStage", current.getString("code")).put("currentStageName", current.getString("name"));
  }

  private Future<JsonObject> view(Caller caller, ProjectStore.Project p, Viewer viewer) {
    return stagesOf(p).compose(all -> {
      List<String> numbers = all.stream().flatMap(s -> s.applied().stream()).flatMap(s -> s.cases().stream())
          .map(ProjectStore.Linked::caseNumber).toList();
      Future<Map<String, ProjectStore.CaseRow>> cases = store.cases(numbers);
      Future<Map<String, JsonArray>> opinions = store.opinions(numbers);
      Future<List<JsonObject>> steps = store.steps(numbers);
      Future<List<JsonObject>> warnings = store.warnings(p.id(), numbers);
      Future<List<ProjectStore.Event>> events = store.events(p.id());
      return Future.all(cases, opinions, steps, warnings, events).compose(done -> names(all).map(matterNames -> {
        LocalDate today = calendar.today();
        JsonArray stageViews = new JsonArray();
        int total = 0;
        for (StageState s : all) {
          JsonObject sv = stageView(s, cases.result(), opinions.result(), matterNames, today);
          total += sv.getInteger("workingDays", 0);
          stageViews.add(sv);
        }
        List<JsonObject> timeline = new ArrayList<>();
        events.result().forEach(e -> timeline.add(eventView(e)));
        timeline.addAll(steps.result());
        timeline.sort(Comparator.comparing(o -> OffsetDateTime.parse(o.getString("at"))));
        // A 容缺 warning names a material by code: add its name, as the cases' items have it.
        Map<String, String> matterOf = new LinkedHashMap<>();
        all.stream().flatMap(s -> s.applied().stream()).flatMap(s -> s.cases().stream())
            .forEach(l -> matterOf.put(l.caseNumber(), l.matterCode()));
        warnings.result().forEach(w -> Optional.ofNullable(w.getString("caseNumber")).map(matterOf::get)
            .map(m -> matterNames.get(m + "/" + w.getString("subject"))).ifPresent(n -> w.put("subjectName", n)));
        return current(summary(p), all).put("viewerRole", viewer.name())
            .put("totalWorkingDays", total).put("stages", stageViews)
            .put("warnings", new JsonArray(warnings.result())).put("timeline", new JsonArray(timeline));
      }));
    });
  }

  /** Matter code → name, for every matter of every stage. */
  private Future<Map<String, String>> names(List<StageState> all) {
    List<String> codes = all.stream().flatMap(s -> s.def().getJsonArray("matters").stream())
        .map(o -> ((JsonObject) o).getString("matter")).distinct().toList();
    List<Future<MatterService.MatterDetail>> each = codes.stream().map(matters::get).toList();
    return Future.all(each).map(done -> {
      // matter code → name, and "<matter>/<material code>" → the material's name
      Map<String, String> out = new LinkedHashMap<>();
      each.forEach(f -> {
        JsonObject m = f.result().matter().document();
        out.put(f.result().matter().code(), f.result().matter().name());
        m.getJsonArray("materials", new JsonArray()).forEach(o -> out.put(m.getString("code") + "/"
            + ((JsonObject) o).getString("code"), ((JsonObject) o).getString("name")));
      });
      return out;
    });
  }

  private JsonObject stageView(StageState s, Map<String, ProjectStore.CaseRow> cases, Map<String, JsonArray> opinions,
      Map<String, String> matterNames, LocalDate today) {
    JsonObject def = s.def();
    JsonObject out = new JsonObject().put("code", def.getString("code")).put("name", def.getString("name"))
        .put("order", def.getInteger("order")).put("limitDays", def.getInteger("limitDays"))
        .put("configured", !def.getJsonArray("matters").isEmpty())
        .put("matters", new JsonArray(def.getJsonArray("matters").stream().map(o -> {
          String code = ((JsonObject) o).getString("matter");
          return new JsonObject().put("code", code).put("name", matterNames.get(code));
        }).toList()));
    if (s.applied().isEmpty()) {
      return out.put("status", "NOT_STARTED").put("workingDays", 0).put("cases", new JsonArray());
    }
    ProjectStore.Stage st = s.applied().get();
    out.put("appliedAt", st.appliedAt().toString()).put("clockStart", st.clockStart().toString())
        .put("dueDate", st.dueDate().toString());
    JsonArray caseViews = new JsonArray();
    boolean allFinal = !st.cases().isEmpty();
    boolean allPassed = allFinal;
    Optional<OffsetDateTime> last = Optional.empty();
    List<ProjectStore.Linked> now = current(st);
    for (ProjectStore.Linked l : st.cases()) {
      ProjectStore.CaseRow c = cases.get(l.caseNumber());
      boolean isCurrent = now.contains(l);
      JsonObject cv = new JsonObject().put("number", l.caseNumber()).put("matterCode", l.matterCode())
          .put("matterName", matterNames.get(l.matterCode())).put("attempt", l.attempt()).put("current", isCurrent);
      if (!isCurrent) {
        // A refused case a re-application replaced: shown, not counted in the stage's state.
        if (c != null) {
          cv.put("status", c.status()).put("departmentCode", c.departmentCode())
              .put("departmentName", c.departmentName()).put("decision", c.status())
              .put("opinions", opinions.getOrDefault(c.number(), new JsonArray()));
          c.decidedAt().ifPresent(t -> cv.put("decidedAt", t.toString()));
        }
        caseViews.add(cv);
        continue;
      }
      if (c != null) {
        cv.put("status", c.status()).put("departmentCode", c.departmentCode()).put("departmentName", c.departmentName())
            .put("opinions", opinions.getOrDefault(c.number(), new JsonArray()));
        c.acceptedAt().ifPresent(t -> cv.put("acceptedAt", t.toString()));
        c.dueDate().ifPresent(d -> cv.put("dueDate", d.toString()));
        c.decidedAt().ifPresent(t -> cv.put("decidedAt", t.toString()));
        c.deficiency().ifPresent(d -> cv.put("deficiency", named(d, l.matterCode(), matterNames)));
        c.commitments().ifPresent(d -> cv.put("commitments", named(d, l.matterCode(), matterNames)));
        c.licence().ifPresent(d -> cv.put("licence", d));
        if (FINAL.contains(c.status())) {
          cv.put("decision", c.status());
          if (c.decidedAt().isPresent() && (last.isEmpty() || c.decidedAt().get().isAfter(last.get()))) {
            last = c.decidedAt();
          }
        }
        allFinal &= FINAL.contains(c.status());
        allPassed &= PASSED.contains(c.status());
      } else {
        allFinal = false;
        allPassed = false;
      }
      caseViews.add(cv);
    }
    String status = !linked(st) ? "INCOMPLETE" : allFinal ? "COMPLETED" : "IN_PROGRESS";
    LocalDate end = status.equals("COMPLETED") && last.isPresent()
        ? last.get().atZoneSameInstant(CalendarService.ZONE).toLocalDate() : today;
    // The intake day counts as the first working day when it is one, as the case clock counts it.
    int days = calendar.calendar().workingDaysBetween(st.clockStart().minusDays(1), end);
    JsonArray attempts = new JsonArray().add(new JsonObject().put("attempt", 1).put("appliedAt", st.appliedAt().toString())
        .put("matters", new JsonArray(st.definition().getJsonArray("matters").stream()
            .map(o -> ((JsonObject) o).getString("matter")).toList())));
    st.attempts().forEach(t -> attempts.add(new JsonObject().put("attempt", t.attempt())
        .put("appliedAt", t.appliedAt().toString()).put("matters", new JsonArray(t.positions().stream()
            .map(i -> st.definition().getJsonArray("matters").getJsonObject(i).getString("matter")).toList()))));
    out.put("status", status).put("workingDays", days).put("cases", caseViews).put("attempts", attempts);
    if (status.equals("COMPLETED")) {
      out.put("result", allPassed ? "PASSED" : "NOT_PASSED").put("completedAt", last.map(Object::toString).orElse(null))
          .put("reapplicable", !allPassed);
    } else if (!status.equals("INCOMPLETE") && !st.dueDate().isAfter(DeadlineWarnings.horizon(calendar.calendar(),
        today))) {
      out.put("warningLevel", DeadlineWarnings.level(st.dueDate(), today));
    }
    return out;
  }

  /** A case's 容缺 or 告知承诺 record with each item's material name ({@code materialName}). */
  private static JsonObject named(JsonObject record, String matter, Map<String, String> names) {
    JsonObject out = record.copy();
    out.getJsonArray("items", new JsonArray()).forEach(o -> {
      JsonObject item = (JsonObject) o;
      String name = names.get(matter + "/" + item.getString("material"));
      if (name != null) {
        item.put("materialName", name);
      }
    });
    return out;
  }

  private static JsonObject eventView(ProjectStore.Event e) {
    JsonObject out = new JsonObject().put("at", e.at().toString()).put("kind", e.kind())
        .put("actorName", e.actorName()).put("detail", e.detail());
    e.stage().ifPresent(s -> out.put("stage", s));
    e.departmentCode().ifPresent(d -> out.put("departmentCode", d));
    e.departmentName().ifPresent(d -> out.put("departmentName", d));
    e.note().ifPresent(n -> out.put("note", n));
    return out;
  }

  // ---- applying for a stage

  /**
   * 一张表单: {data, materials?, channel?} for the stage's combined form; the project's own facts (code, name,
   * enterprise, site, investment) are filled in from the project, the applicant is the enterprise. Every problem
   * at once (422, pointers into this request) and no case made; then one case per matter. The Idempotency-Key
   * is required, so a cut-off application completes on retry.
   */
  public Future<Created> applyStage(Caller caller, String code, String stageCode, JsonObject body,
      Optional<String> key, Locale locale) {
    if (key.isEmpty() || !key.get().matches("[\\x21-\\x7E]{1,128}")) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "lifeEvent.keyRequired",
          List.of(new Violation("/idempotencyKey", "required", Messages.get(locale, "lifeEvent.keyRequired"))), 1));
    }
    return visible(caller, code).compose(seen -> {
      if (seen.viewer() != Viewer.ENTERPRISE) {
        return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "project.applyForbidden"));
      }
      ProjectStore.Project p = seen.project();
      JsonObject def = stage(stageCode).orElseThrow(() -> new DomainException(ProblemCode.NOT_FOUND,
          "project.stageNotFound", stageCode));
      JsonObject request = request(p, def, body);
      JsonObject meaning = new JsonObject().put("project", p.code()).put("stage", stageCode).put("request", request);
      String hash = personal.requestHash(meaning);
      return stagesOf(p).compose(all -> {
        StageState mine = all.stream().filter(s -> s.def().getString("code").equals(stageCode)).findFirst().orElseThrow();
        if (mine.applied().isPresent()) {
          ProjectStore.Stage earlier = mine.applied().get();
          Optional<ProjectStore.Attempt> again = earlier.attempts().stream()
              .filter(t -> t.idempotencyKey().equals(key.get()) && t.submittedBy().equals(caller.scopeKey()))
              .findFirst();
          if (again.isPresent()) {
            // A retry of a re-application: the same request completes (or answers) it.
            JsonObject sub = attemptDefinition(earlier.definition(), again.get().positions());
            return personal.sameRequest(again.get().requestHash(), meaning)
                ? finishAttempt(caller, p, sub, earlier, again.get(), request(p, sub, body), locale)
                    .map(v -> new Created(v, true))
                : Future.failedFuture(new DomainException(ProblemCode.IDEMPOTENCY_KEY_REUSED,
                    "application.idempotencyReused", key.get()));
          }
          if (earlier.submittedBy().equals(caller.scopeKey()) && earlier.idempotencyKey().equals(key.get())) {
            return personal.sameRequest(earlier.requestHash(), meaning)
                ? finish(caller, p, earlier.definition(), earlier, request(p, earlier.definition(), body), locale)
                    .map(v -> new Created(v, true))
                : Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "project.stageApplied",
                    def.getString("name")));
          }
          // Another key: a re-application of the refused matters, when the stage allows one.
          return reapply(caller, p, def, earlier, body, key.get(), meaning, locale);
        }
        if (def.getJsonArray("matters").isEmpty()) {
          return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "project.stageNotConfigured",
              def.getString("name")));
        }
        Optional<String> blocking = blocking(all, def);
        if (blocking.isPresent()) {
          return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "project.previousStageOpen",
              blocking.get(), def.getString("name")));
        }
        return blockingStatus(all, def).compose(open -> open.isPresent()
            ? Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "project.previousStageOpen",
                open.get(), def.getString("name")))
            : combined.check(caller, "project-stage:" + stageCode, def, request, "project.stageInvalid", locale)
                .compose(planned -> {
                  LocalDate start = calendar.today();
                  LocalDate due = calendar.calendar().addWorkingDays(start,
                      BigDecimal.valueOf(def.getInteger("limitDays"))).date();
                  return store.insertStage(p.id(), stageCode, def, caller.scopeKey(), key.get(), hash, now(), start, due)
                      .compose(inserted -> stagesOf(p).compose(again -> {
                        ProjectStore.Stage made = again.stream().filter(s -> s.def().getString("code").equals(stageCode))
                            .findFirst().orElseThrow().applied().orElseThrow();
                        if (!inserted && (!personal.sameRequest(made.requestHash(), meaning)
                            || !made.submittedBy().equals(caller.scopeKey()))) {
                          return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION,
                              "project.stageApplied", def.getString("name")));
                        }
                        return finish(caller, p, def, made, request, locale).map(v -> new Created(v, !inserted));
                      }));
                }));
      });
    });
  }

  /** The combined request: the caller's data with the project's own facts, for the enterprise. */
  private static JsonObject request(ProjectStore.Project p, JsonObject def, JsonObject body) {
    JsonObject data = body.getValue("data") instanceof JsonObject d ? d.copy() : new JsonObject();
    JsonObject facts = new JsonObject().put("enterpriseName", p.enterpriseName()).put("creditCode", p.creditCode())
        .put("projectName", p.name()).put("projectCode", p.code()).put("township", p.township())
        .put("location", p.site()).put("totalInvestment", p.investment().stripTrailingZeros().doubleValue());
    for (Map.Entry<String, Object> f : def.getJsonObject("projectFields", new JsonObject())) {
      String field = f.getKey().substring(1);
      if (facts.containsKey(field)) {
        data.put(field, facts.getValue(field));
      }
    }
    JsonObject out = new JsonObject().put("data", data).put("channel", body.getString("channel", "WEB"))
        .put("applicant", new JsonObject().put("kind", "ENTERPRISE").put("creditCode", p.creditCode()));
    if (body.getValue("materials") != null) {
      out.put("materials", body.getValue("materials"));
    }
    return out;
  }

  /** The name of an earlier stage not applied for yet, if any. */
  private static Optional<String> blocking(List<StageState> all, JsonObject def) {
    return all.stream().filter(s -> s.def().getInteger("order") < def.getInteger("order") && s.applied().isEmpty())
        .map(s -> s.def().getString("name")).findFirst();
  }

  /** The name of an earlier stage whose cases have not all been approved, if any. */
  private Future<Optional<String>> blockingStatus(List<StageState> all, JsonObject def) {
    List<StageState> earlier = all.stream().filter(s -> s.def().getInteger("order") < def.getInteger("order")).toList();
    List<String> numbers = earlier.stream().flatMap(s -> s.applied().stream()).flatMap(s -> s.cases().stream())
        .map(ProjectStore.Linked::caseNumber).toList();
    return store.cases(numbers).map(rows -> earlier.stream().filter(s -> !linked(s.applied().get())
            || current(s.applied().get()).stream().anyMatch(l -> rows.get(l.caseNumber()) == null
                || !PASSED.contains(rows.get(l.caseNumber()).status())))
        .map(s -> s.def().getString("name")).findFirst());
  }

  /** Whether every application of the stage (the first and each re-application) has linked all its cases. */
  private static boolean linked(ProjectStore.Stage st) {
    return st.completedAt().isPresent() && st.attempts().stream().allMatch(t -> t.completedAt().isPresent());
  }

  /** The stage's current cases: for each of its matters, the case of the latest application that made one. */
  private static List<ProjectStore.Linked> current(ProjectStore.Stage st) {
    Map<Integer, ProjectStore.Linked> latest = new java.util.TreeMap<>();
    st.cases().forEach(l -> latest.merge(l.position(), l, (a, b) -> b.attempt() > a.attempt() ? b : a));
    return List.copyOf(latest.values());
  }

  /** The stage definition narrowed to the matters at {@code positions} (a re-application's). */
  private static JsonObject attemptDefinition(JsonObject def, List<Integer> positions) {
    JsonArray all = def.getJsonArray("matters");
    return def.copy().put("matters", new JsonArray(positions.stream().map(all::getValue).toList()));
  }

  /**
   * 重新申报: a stage whose cases are all decided and some refused (denied, not accepted, terminated or withdrawn)
   * is applied for again for its refused matters only — what passed stays passed, as a 工程建设项目审批 system
   * does it. The same combined form (its data checked again, mapped to the refused matters only); one new case
   * per refused matter, linked as the stage's next attempt; the stage's due date moves to the new limit.
   */
  private Future<Created> reapply(Caller caller, ProjectStore.Project p, JsonObject def, ProjectStore.Stage earlier,
      JsonObject body, String key, JsonObject meaning, Locale locale) {
    String hash = personal.requestHash(meaning);
    List<ProjectStore.Linked> now = current(earlier);
    List<String> numbers = now.stream().map(ProjectStore.Linked::caseNumber).toList();
    return store.cases(numbers).compose(rows -> {
      boolean allFinal = linked(earlier) && now.stream().allMatch(l -> rows.get(l.caseNumber()) != null
          && FINAL.contains(rows.get(l.caseNumber()).status()));
      List<Integer> refused = now.stream().filter(l -> rows.get(l.caseNumber()) != null
          && !PASSED.contains(rows.get(l.caseNumber()).status())).map(ProjectStore.Linked::position).toList();
      if (!allFinal || refused.isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, allFinal
            ? "project.stageApplied" : "project.stageOpen", def.getString("name")));
      }
      JsonObject sub = attemptDefinition(earlier.definition(), refused);
      JsonObject request = request(p, sub, body);
      int attempt = earlier.attempts().stream().mapToInt(ProjectStore.Attempt::attempt).max().orElse(1) + 1;
      return combined.check(caller, "project-stage:" + earlier.stage(), sub, request, "project.stageInvalid", locale)
          .compose(planned -> {
            LocalDate due = calendar.calendar().addWorkingDays(calendar.today(),
                BigDecimal.valueOf(def.getInteger("limitDays"))).date();
            return store.insertAttempt(p.id(), earlier.stage(), attempt, refused, caller.scopeKey(), key, hash, now(),
                due);
          })
          .compose(inserted -> stagesOf(p).compose(all -> {
            ProjectStore.Stage st = all.stream().flatMap(s -> s.applied().stream())
                .filter(s -> s.stage().equals(earlier.stage())).findFirst().orElseThrow();
            Optional<ProjectStore.Attempt> made = st.attempts().stream()
                .filter(t -> t.idempotencyKey().equals(key) && t.submittedBy().equals(caller.scopeKey())).findFirst();
            if (made.isEmpty() || !personal.sameRequest(made.get().requestHash(), meaning)) {
              return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "project.stageApplied",
                  def.getString("name")));
            }
            return finishAttempt(caller, p, sub, st, made.get(), request, locale).map(v -> new Created(v, !inserted));
          }));
    });
  }

  /** Makes the stage's first application's cases not made yet, then links them (see {@link #link}). */
  private Future<JsonObject> finish(Caller caller, ProjectStore.Project p, JsonObject def, ProjectStore.Stage stage,
      JsonObject request, Locale locale) {
    List<Integer> all = java.util.stream.IntStream.range(0, def.getJsonArray("matters").size()).boxed().toList();
    return link(caller, p, def, stage, 1, all, stage.completedAt().isPresent(), request, locale);
  }

  /** The same for a re-application: its narrowed definition, its positions in the stage's. */
  private Future<JsonObject> finishAttempt(Caller caller, ProjectStore.Project p, JsonObject sub,
      ProjectStore.Stage stage, ProjectStore.Attempt attempt, JsonObject request, Locale locale) {
    return link(caller, p, sub, stage, attempt.attempt(), attempt.positions(), attempt.completedAt().isPresent(),
        request, locale);
  }

  /**
   * Makes the cases of one application of the stage (attempt 1, or a re-application) not made yet, each keyed
   * by the stage and attempt, then links them with the timeline entry ({@code STAGE_APPLIED} or
   * {@code STAGE_REAPPLIED}), the audit row and the outbox event in one transaction. {@code positions} maps the
   * planned matters (0, 1 …) to the stage definition's.
   */
  private Future<JsonObject> link(Caller caller, ProjectStore.Project p, JsonObject def, ProjectStore.Stage stage,
      int attempt, List<Integer> positions, boolean linkedAlready, JsonObject request, Locale locale) {
    if (linkedAlready) {
      return view(caller, p, Viewer.ENTERPRISE).map(v -> stageOf(v, stage.stage()));
    }
    List<CombinedApplication.Made> made = stage.cases().stream().filter(l -> l.attempt() == attempt)
        .map(l -> new CombinedApplication.Made(positions.indexOf(l.position()), l.matterCode(), l.caseNumber()))
        .toList();
    boolean first = attempt == 1;
    String prefix = "ps:" + p.id() + ":" + stage.stage() + ":" + (first ? "" : attempt + ":");
    return combined.plan(def, request)
        .compose(planned -> combined.submit(caller, planned, prefix, made, locale))
        .compose(all -> store.pool().withTransaction(tx -> {
          List<ProjectStore.Linked> links = all.stream().map(m -> new ProjectStore.Linked(positions.get(m.position()),
              m.matterCode(), m.caseNumber(), attempt)).toList();
          return store.completeStage(tx, p.id(), stage.stage(), attempt, links, now()).compose(now -> {
                if (!now) {
                  return Future.succeededFuture();
                }
                JsonObject detail = new JsonObject().put("project", p.code()).put("stage", stage.stage())
                    .put("cases", new JsonArray(all.stream().map(CombinedApplication.Made::caseNumber).toList()));
                if (!first) {
                  detail.put("attempt", attempt);
                }
                return store.addEvent(tx, p.id(), first ? "STAGE_APPLIED" : "STAGE_REAPPLIED", stage.stage(), null,
                        null, caller.scopeKey(), p.enterpriseName(), detail, now())
                    .compose(id -> AuditLog.record(tx, caller.scopeKey(), first ? "project.stageApplied"
                        : "project.stageReapplied", "project", p.code(), detail))
                    .compose(v -> Outbox.append(tx, "project", p.id().toString(), first ? "ProjectStageApplied"
                        : "ProjectStageReapplied", detail));
              });
        }))
        .compose(x -> view(caller, p, Viewer.ENTERPRISE)).map(v -> stageOf(v, stage.stage()));
  }

  private static JsonObject stageOf(JsonObject view, String stage) {
    JsonObject st = view.getJsonArray("stages").stream().map(o -> (JsonObject) o)
        .filter(s -> s.getString("code").equals(stage)).findFirst().orElseThrow();
    return st.put("project", view.getString("code")).put("totalWorkingDays", view.getInteger("totalWorkingDays"));
  }

  // ---- 跟踪跟办: the tracking officer

  /**
   * Names the tracking officer of a project (supervisors): {username} of an active staff account; the project
   * becomes a key project. The officer then sees the whole project and is warned of its delays.
   */
  public Future<JsonObject> assignOfficer(Caller caller, String code, JsonObject body, Locale locale) {
    return Access.require(caller, "project.assignForbidden", Role.SUPERVISOR).compose(x -> visible(caller, code))
        .compose(seen -> {
          String username = body.getValue("username") instanceof String u ? u.strip() : "";
          if (username.isEmpty()) {
            return invalid(new Violation("/username", "required", Messages.get(locale, "violation.required", "跟办人员账号")));
          }
          return store.staffAccount(username, Role.PROJECT_OFFICER.name()).compose(account -> {
            if (account.isEmpty()) {
              return invalid(new Violation("/username", "unknownStaff", Messages.get(locale, "project.unknownStaff",
                  username)));
            }
            if (!account.get().hasRole()) {
              return invalid(new Violation("/username", "notProjectOfficer", Messages.get(locale,
                  "project.notProjectOfficer", username)));
            }
            ProjectStore.Project p = seen.project();
            JsonObject detail = new JsonObject().put("project", p.code()).put("officer", account.get().displayName());
            return store.pool().withTransaction(tx -> store.setOfficer(tx, p.id(), account.get().id(),
                    account.get().displayName())
                .compose(v -> store.addEvent(tx, p.id(), "OFFICER_ASSIGNED", null, null, null, caller.scopeKey(),
                    "电子监察", detail, now()))
                .compose(id -> AuditLog.record(tx, caller.scopeKey(), "project.officerAssigned", "project", p.code(),
                    detail))
                .compose(v -> Outbox.append(tx, "project", p.id().toString(), "ProjectOfficerAssigned", detail)))
                .compose(v -> get(caller, code));
          });
        });
  }

  /**
   * The officer records a contact with the enterprise ({kind: CONTACT, note}) or a coordination with a
   * department ({kind: COORDINATION, departmentCode, note}), optionally about one stage; 201 with the entry.
   */
  public Future<JsonObject> record(Caller caller, String code, JsonObject body, Locale locale) {
    return visible(caller, code).compose(seen -> {
      if (seen.viewer() != Viewer.OFFICER) {
        return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "project.recordForbidden"));
      }
      List<Violation> v = new ArrayList<>();
      String kind = body.getValue("kind") instanceof String k ? k : "";
      if (!kind.equals("CONTACT") && !kind.equals("COORDINATION")) {
        v.add(new Violation("/kind", "enum", Messages.get(locale, "project.recordKind")));
      }
      String note = body.getValue("note") instanceof String n ? n.strip() : "";
      if (note.isEmpty() || note.length() > 2000) {
        v.add(new Violation("/note", note.isEmpty() ? "required" : "maxLength", Messages.get(locale, "project.note")));
      }
      String stageCode = body.getValue("stage") instanceof String st ? st : null;
      if (body.getValue("stage") != null && (stageCode == null || stage(stageCode).isEmpty())) {
        v.add(new Violation("/stage", "enum", Messages.get(locale, "project.stageUnknown")));
      }
      String dept = body.getValue("departmentCode") instanceof String d ? d : null;
      Future<Boolean> deptOk = dept == null ? Future.succeededFuture(!kind.equals("COORDINATION"))
          : store.departmentExists(dept);
      return deptOk.compose(ok -> {
        if (!ok) {
          v.add(new Violation("/departmentCode", dept == null ? "required" : "unknownDepartment",
              Messages.get(locale, "project.department")));
        }
        if (!v.isEmpty()) {
          return Future.<JsonObject>failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED,
              "project.invalid", v, v.size()));
        }
        ProjectStore.Project p = seen.project();
        OffsetDateTime at = now();
        JsonObject detail = new JsonObject().put("project", p.code()).put("kind", kind).put("stage", stageCode)
            .put("departmentCode", dept);
        return store.pool().withTransaction(tx -> store.addEvent(tx, p.id(), kind, stageCode, dept, note,
                caller.scopeKey(), p.officerName().orElse(""), new JsonObject(), at)
            .compose(id -> AuditLog.record(tx, caller.scopeKey(), "project.recorded", "project", p.code(), detail)
                .compose(x -> Outbox.append(tx, "project", p.id().toString(), "ProjectTrackingRecorded", detail))
                .map(id)))
            .map(id -> {
              JsonObject out = new JsonObject().put("id", id).put("kind", kind).put("note", note)
                  .put("at", at.toString()).put("actorName", p.officerName().orElse(""));
              if (stageCode != null) {
                out.put("stage", stageCode);
              }
              if (dept != null) {
                out.put("departmentCode", dept);
              }
              return out;
            });
      });
    });
  }

  private static <T> Future<T> invalid(Violation v) {
    return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "project.invalid",
        List.of(v), 1));
  }

  /**
   * One pass of the stage clocks (ScheduledJobs): an open stage within a working day of its limit gets a
   * REMINDER, on the day a YELLOW card, past it a RED card — the one rule, each raised once with its outbox
   * event ({@code ProjectStageDeadlineWarning}). The cases' own limits are warned about by the case scanner.
   */
  public Future<JsonObject> scan() {
    LocalDate today = calendar.today();
    LocalDate horizon = DeadlineWarnings.horizon(calendar.calendar(), today);
    return jobs.dueStages(horizon).compose(due -> {
      DeadlineWarnings.Batch batch = new DeadlineWarnings.Batch(today);
      due.forEach(d -> batch.add((Long) d[0], "STAGE_DUE", (LocalDate) d[1]));
      return batch.isEmpty() ? Future.succeededFuture(0) : jobs.raise(batch, now());
    }).map(raised -> new JsonObject().put("date", today.toString()).put("warningsRaised", raised));
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(calendar.clock());
  }
}
