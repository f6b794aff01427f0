package cn.tongban.core.lifeevent;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.application.Application;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.application.ApplicationStatus;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.form.FormValidator;
import cn.tongban.core.json.CanonicalJson;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * 一件事一次办: life events — bundles of matters of several departments behind one combined form — as
 * versioned data (bundled with the catalogue, exported and imported like matters), and applications for
 * them. One application makes one case per matter through {@link ApplicationService#submit}, so every
 * rule of a submission applies to each; each case is then decided by its own department on its own clock,
 * and the applicant follows them as one item.
 *
 * <p>All-or-nothing: every case is checked ({@link ApplicationService#check}) before any is made, so bad
 * input creates nothing (422, pointers into the combined form). Then the application is recorded, the
 * cases are made one by one with idempotency keys derived from it, and the links are written with the audit
 * and outbox rows in one transaction. Should that be cut off (a node or the database going away between
 * two cases), the application stays INCOMPLETE and the same request with the same Idempotency-Key completes
 * it: the cases made replay, the missing ones are made. Cases are not made in one database transaction
 * because a submission is one statement of its own (group commit, intake stamp); forking that path for
 * bundles would give bundled cases different rules.
 */
public final class LifeEventService {
  private static final Logger LOG = Logger.getLogger(LifeEventService.class.getName());
  public static final String EXPORT_FORMAT = "tongban.lifeevent/1";
  private static final String IMPORTER = "system:bundled-catalogue";
  private static final Set<ApplicationStatus> FINAL = Set.of(ApplicationStatus.APPROVED, ApplicationStatus.DENIED,
      ApplicationStatus.DELIVERED, ApplicationStatus.WITHDRAWN, ApplicationStatus.TERMINATED,
      ApplicationStatus.NOT_ACCEPTED);
  private static final int LIST_LIMIT = 50;

  private final Vertx vertx;
  private final LifeEventStore store;
  private final MatterService matters;
  private final ApplicationService applications;
  private final FormValidator validator;
  private final CombinedApplication combined;
  private final PersonalData personal;
  private final Clock clock;

  public LifeEventService(Vertx vertx, LifeEventStore store, MatterService matters, ApplicationService applications,
      FormValidator validator, PersonalData personal, Clock clock) {
    this.vertx = vertx;
    this.personal = personal;
    this.store = store;
    this.matters = matters;
    this.applications = applications;
    this.validator = validator;
    this.combined = new CombinedApplication(matters, applications, validator);
    this.clock = clock;
  }

  /** An application's view, and whether it answers a retry with a key used before. */
  public record Applied(JsonObject view, boolean replayed) {
  }

  // ---- the catalogue of life events (public)

  /** Every life event, in catalogue order: {items: [{code, name, description, themes, version, matters}]}. */
  public Future<JsonObject> list() {
    return store.listCurrent().compose(all -> {
      List<Future<JsonObject>> each = all.stream().map(v -> summary(v)).toList();
      return Future.all(each).map(done -> {
        JsonArray items = new JsonArray();
        each.forEach(f -> items.add(f.result()));
        return new JsonObject().put("items", items);
      });
    });
  }

  /** One life event with its combined form and the materials handed in once for all its matters. */
  public Future<JsonObject> get(String code) {
    return current(code).compose(v -> summary(v).compose(summary -> combined.materials(v.document()).map(materials -> summary
        .put("acceptanceConditions", v.document().getString("acceptanceConditions"))
        .put("form", v.document().getJsonObject("form"))
        .put("materials", materials))));
  }

  private Future<LifeEventStore.Version> current(String code) {
    return store.current(store.pool(), code).map(found -> found.orElseThrow(() ->
        new DomainException(ProblemCode.NOT_FOUND, "lifeEvent.notFound", code)));
  }

  private Future<JsonObject> summary(LifeEventStore.Version v) {
    JsonObject doc = v.document();
    JsonArray entries = doc.getJsonArray("matters", new JsonArray());
    List<Future<JsonObject>> each = new ArrayList<>();
    for (Object o : entries) {
      String code = ((JsonObject) o).getString("matter");
      each.add(matters.get(code).map(d -> {
        JsonObject m = d.matter().document();
        return new JsonObject().put("code", code).put("name", m.getString("name"))
            .put("department", m.getJsonObject("department"))
            .put("promisedDays", m.getValue("promisedDays")).put("legalDays", m.getValue("legalDays"));
      }));
    }
    return Future.all(each).map(done -> {
      JsonArray list = new JsonArray();
      each.forEach(f -> list.add(f.result()));
      return new JsonObject().put("code", v.code()).put("name", doc.getString("name"))
          .put("description", doc.getString("description"))
          .put("themes", doc.getJsonArray("themes", new JsonArray())).put("version", v.version())
          .put("matters", list);
    });
  }

  // ---- definitions: export, import, the bundled ones

  /** The life event with every version of its definition, as one file (form authors, administrators). */
  public Future<JsonObject> export(Caller caller, String code) {
    return authoring(caller).compose(x -> current(code)).compose(current -> store.versions(code).map(all -> {
      JsonArray versions = new JsonArray();
      all.forEach(v -> versions.add(new JsonObject().put("version", v.version()).put("document", v.document())
          .put("createdBy", v.createdBy()).put("createdAt", v.createdAt().toString())));
      return new JsonObject().put("format", EXPORT_FORMAT).put("exportedAt", OffsetDateTime.now(clock).toString())
          .put("lifeEvent", current.document()).put("versions", versions);
    }));
  }

  /**
   * Imports a definition ({format, lifeEvent}) as the life event's next version (version 1 when new);
   * applications made before keep the version they were made on. Checked first; 422 with every problem.
   */
  public Future<JsonObject> importFile(Caller caller, JsonObject file, Locale locale) {
    return authoring(caller).compose(x -> {
      if (!EXPORT_FORMAT.equals(file.getString("format"))) {
        return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "lifeEvent.format",
            List.of(new Violation("/format", "const", EXPORT_FORMAT)), file.getString("format")));
      }
      JsonObject doc = file.getValue("lifeEvent") instanceof JsonObject d ? d : new JsonObject();
      return check(doc, "/lifeEvent", locale).compose(problems -> problems.isEmpty() ? Future.succeededFuture()
              : Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED,
                  "lifeEvent.definitionInvalid", problems, problems.size())))
          .compose(y -> store.pool().withTransaction(tx -> store.addVersion(tx, doc, Optional.empty(),
                  caller.scopeKey())
              .compose(version -> published(tx, caller.scopeKey(), "lifeevent.imported", doc.getString("code"),
                  version))))
          .compose(y -> get(doc.getString("code")));
    });
  }

  private static Future<Void> authoring(Caller caller) {
    return Access.require(caller, "lifeEvent.forbidden", Role.FORM_AUTHOR, Role.ADMIN);
  }

  private static Future<Void> published(io.vertx.sqlclient.SqlClient tx, String actor, String action, String code,
      int version) {
    JsonObject detail = new JsonObject().put("version", version);
    return AuditLog.record(tx, actor, action, "life_event", code, detail)
        .compose(v -> Outbox.append(tx, "life_event", code, "LifeEventPublished", detail.copy().put("code", code)));
  }

  /**
   * What is wrong with a definition: its code and name, at least two matters each with a published form,
   * every mapped field declared by the matter's form (target) and by the combined form (source), and a
   * combined form that compiles.
   */
  Future<List<Violation>> check(JsonObject doc, String at, Locale locale) {
    List<Violation> out = new ArrayList<>();
    if (!(doc.getValue("code") instanceof String code) || !code.matches("[a-z][a-z0-9-]{2,63}")) {
      out.add(new Violation(at + "/code", "pattern", Messages.get(locale, "violation.pattern", "code")));
    }
    if (!(doc.getValue("name") instanceof String name) || name.isBlank()) {
      out.add(new Violation(at + "/name", "required", Messages.get(locale, "violation.required", "name")));
    }
    JsonObject schema = doc.getValue("form") instanceof JsonObject f && f.getValue("schema") instanceof JsonObject s
        ? s : null;
    if (schema == null) {
      out.add(new Violation(at + "/form/schema", "required", Messages.get(locale, "violation.required", "form.schema")));
    } else {
      try {
        validator.compile(schema);
      } catch (RuntimeException e) {
        out.add(new Violation(at + "/form/schema", "schema", Messages.get(locale, "lifeEvent.badForm", e.getMessage())));
      }
    }
    JsonArray entries = doc.getValue("matters") instanceof JsonArray a ? a : new JsonArray();
    if (entries.size() < 2) {
      out.add(new Violation(at + "/matters", "minItems", Messages.get(locale, "lifeEvent.fewMatters")));
    }
    List<Future<Void>> each = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String prefix = at + "/matters/" + i;
      JsonObject entry = entries.getValue(i) instanceof JsonObject e ? e : new JsonObject();
      String matter = entry.getString("matter", "");
      each.add(matters.getForSubmission(matter).transform(found -> {
        if (found.failed()) {
          out.add(new Violation(prefix + "/matter", "unknownMatter",
              Messages.get(locale, "lifeEvent.unknownMatter", matter)));
          return Future.succeededFuture();
        }
        JsonObject target = found.result().form().orElseThrow().schema();
        for (Map.Entry<String, Object> f : entry.getJsonObject("fields", new JsonObject())) {
          if (!LifeEventMapping.declares(target, f.getKey())) {
            out.add(new Violation(prefix + "/fields", "unknownField",
                Messages.get(locale, "lifeEvent.unknownField", f.getKey())));
          }
          if (schema != null && !LifeEventMapping.declares(schema, String.valueOf(f.getValue()))) {
            out.add(new Violation(prefix + "/fields", "unknownField",
                Messages.get(locale, "lifeEvent.unknownField", f.getValue())));
          }
        }
        for (Map.Entry<String, Object> c : entry.getJsonObject("constants", new JsonObject())) {
          if (!LifeEventMapping.declares(target, c.getKey())) {
            out.add(new Violation(prefix + "/constants", "unknownField",
                Messages.get(locale, "lifeEvent.unknownField", c.getKey())));
          }
        }
        return Future.succeededFuture();
      }));
    }
    return Future.join(each).transform(x -> Future.succeededFuture(List.copyOf(out)));
  }

  /**
   * Imports the life events bundled with the catalogue ({@code catalogue/bundles/}): a new one as version 1,
   * a changed one as a new version, one authored or imported here left alone — as the bundled matters.
   * A definition that fails its check is logged and skipped; the rest of the platform starts.
   */
  public Future<Integer> importBundled() {
    return vertx.executeBlocking(LifeEventService::readBundled, false).compose(bundled -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (JsonObject doc : bundled) {
        chain = chain.compose(n -> importOne(doc).map(changed -> changed ? n + 1 : n));
      }
      return chain;
    }).onSuccess(n -> LOG.info(() -> "bundled life events: " + n + " added or updated"));
  }

  private Future<Boolean> importOne(JsonObject doc) {
    String hash = CanonicalJson.sha256(doc);
    return check(doc, "", Locale.ROOT).compose(problems -> {
      if (!problems.isEmpty()) {
        LOG.warning(() -> "bundled life event " + doc.getString("code") + " skipped: " + problems);
        return Future.succeededFuture(false);
      }
      // Two nodes starting together would otherwise both see no row and store version 1 and 2 of one file.
      return store.pool().withTransaction(tx -> store.lockBundledImport(tx)
          .compose(locked -> store.bundledHash(tx, doc.getString("code"))).compose(recorded -> {
        if (recorded.isPresent() && (recorded.get().isEmpty() || recorded.get().get().equals(hash))) {
          return Future.succeededFuture(false);
        }
        return store.addVersion(tx, doc, Optional.of(hash), IMPORTER)
            .compose(version -> published(tx, IMPORTER, "lifeevent.bundled", doc.getString("code"), version))
            .map(true);
      }));
    });
  }

  static List<JsonObject> readBundled() {
    List<JsonObject> out = new ArrayList<>();
    for (Object code : read("catalogue/bundles/index.json").getJsonArray("bundles", new JsonArray())) {
      out.add(read("catalogue/bundles/" + code + ".json"));
    }
    return out;
  }

  private static JsonObject read(String path) {
    try (InputStream in = LifeEventService.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing on the class path: " + path);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(path, e);
    }
  }

  // ---- applications

  /**
   * 一次提交: {data, channel, materials?, hallCode?, applicant?} against the combined form; one case per
   * matter. The Idempotency-Key is required: it is what makes a cut-off application completable.
   */
  public Future<Applied> apply(Caller caller, String code, JsonObject body, Optional<String> key, Locale locale) {
    if (key.isEmpty() || !key.get().matches("[\\x21-\\x7E]{1,128}")) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "lifeEvent.keyRequired",
          List.of(new Violation("/idempotencyKey", "required", Messages.get(locale, "lifeEvent.keyRequired"))), 1));
    }
    JsonObject data = body.getValue("data") instanceof JsonObject d ? d : new JsonObject();
    // Keyed like a submission's: the stored hash of a request full of personal data confirms no guess of it.
    JsonObject meaning = new JsonObject().put("code", code).put("data", data)
        .put("channel", body.getString("channel")).put("hallCode", body.getString("hallCode"))
        .put("applicant", body.getValue("applicant")).put("materials", body.getValue("materials"));
    String hash = personal.requestHash(meaning);
    return store.findByKey(caller.scopeKey(), key.get()).compose(earlier -> {
      if (earlier.isPresent()) {
        return resume(caller, earlier.get(), meaning, body, key.get(), locale);
      }
      return current(code).compose(v -> combined.check(caller, "lifeevent:" + v.document().getString("code"),
          v.document(), body, "lifeEvent.invalid", locale).compose(cmds -> {
        UUID id = UUID.randomUUID();
        return store.insertApplication(id, code, v.version(), caller.scopeKey(), key.get(), hash,
                OffsetDateTime.now(clock))
            .compose(inserted -> inserted.isPresent()
                ? finish(caller, id, v.document(), cmds, List.of(), locale).map(view -> new Applied(view, false))
                // the same key at the same moment from another request: answer as its retry
                : store.findByKey(caller.scopeKey(), key.get()).compose(raced ->
                    resume(caller, raced.orElseThrow(), meaning, body, key.get(), locale)));
      }));
    });
  }

  private Future<Applied> resume(Caller caller, LifeEventStore.Applied earlier, JsonObject meaning, JsonObject body,
      String key, Locale locale) {
    if (!personal.sameRequest(earlier.requestHash(), meaning)) {
      return Future.failedFuture(new DomainException(ProblemCode.IDEMPOTENCY_KEY_REUSED,
          "application.idempotencyReused", key));
    }
    if (earlier.completedAt().isPresent()) {
      return view(caller, earlier).map(view -> new Applied(view, true));
    }
    return store.versions(earlier.code()).compose(all -> {
      JsonObject doc = all.stream().filter(v -> v.version() == earlier.version()).findFirst().orElseThrow().document();
      return combined.plan(doc, body).compose(cmds -> finish(caller, earlier.id(), doc, cmds, earlier.cases(), locale))
          .map(view -> new Applied(view, true));
    });
  }

  /** Makes the cases not made yet, one after another, then links them all with the audit and outbox rows. */
  private Future<JsonObject> finish(Caller caller, UUID id, JsonObject doc, List<CombinedApplication.Planned> cmds,
      List<LifeEventStore.Linked> made, Locale locale) {
    Map<Integer, LifeEventStore.Linked> linked = new LinkedHashMap<>();
    Future<Void> chain = combined.submit(caller, cmds, "le:" + id + ":", made.stream()
            .map(l -> new CombinedApplication.Made(l.position(), l.matterCode(), l.caseNumber())).toList(), locale)
        .map(all -> {
          all.forEach(m -> linked.put(m.position(), new LifeEventStore.Linked(m.position(), m.matterCode(),
              m.caseNumber())));
          return null;
        });
    OffsetDateTime now = OffsetDateTime.now(clock);
    return chain.compose(x -> store.pool().withTransaction(tx -> store.complete(tx, id, List.copyOf(linked.values()),
            now).compose(first -> {
              if (!first) {
                return Future.succeededFuture();
              }
              JsonArray numbers = new JsonArray();
              linked.values().forEach(l -> numbers.add(l.caseNumber()));
              JsonObject detail = new JsonObject().put("lifeEvent", doc.getString("code")).put("cases", numbers);
              return AuditLog.record(tx, caller.scopeKey(), "lifeevent.applied", "life_event_application",
                      id.toString(), detail)
                  .compose(v -> Outbox.append(tx, "life_event_application", id.toString(), "LifeEventApplied",
                      detail.copy().put("id", id.toString())));
            })))
        .compose(x -> store.find(id)).compose(found -> view(caller, found.orElseThrow()));
  }

  /** The application as one item: each case with its department and status (submitter only; 404 otherwise). */
  public Future<JsonObject> application(Caller caller, String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(notFound());
    }
    return store.find(uuid).compose(found -> found.filter(a -> a.submittedBy().equals(caller.scopeKey()))
        .map(a -> view(caller, a)).orElseGet(() -> Future.failedFuture(notFound())));
  }

  /** The caller's own life-event applications, newest first (at most 50): {items: [...]}. */
  public Future<JsonObject> mine(Caller caller) {
    return store.listBySubmitter(caller.scopeKey(), LIST_LIMIT).compose(all -> {
      List<Future<JsonObject>> each = all.stream().map(a -> view(caller, a)).toList();
      return Future.all(each).map(done -> {
        JsonArray items = new JsonArray();
        each.forEach(f -> items.add(f.result()));
        return new JsonObject().put("items", items);
      });
    });
  }

  private static DomainException notFound() {
    return new DomainException(ProblemCode.NOT_FOUND, "lifeEvent.applicationNotFound");
  }

  private Future<JsonObject> view(Caller caller, LifeEventStore.Applied a) {
    List<Future<JsonObject>> each = a.cases().stream().map(l -> applications.get(caller, l.caseNumber())
        .compose(c -> matters.get(c.matterCode()).map(d -> caseView(l, c, d.matter().document()))
            .otherwise(caseView(l, c, new JsonObject())))
        .otherwise(new JsonObject().put("position", l.position()).put("matterCode", l.matterCode())
            .put("number", l.caseNumber()))).toList();
    return Future.all(each).compose(done -> store.versions(a.code()).map(versions -> {
      JsonArray cases = new JsonArray();
      each.forEach(f -> cases.add(f.result()));
      boolean allFinal = !cases.isEmpty() && cases.stream().allMatch(o -> {
        String s = ((JsonObject) o).getString("status");
        return s != null && FINAL.contains(ApplicationStatus.valueOf(s));
      });
      String status = a.completedAt().isEmpty() ? "INCOMPLETE" : allFinal ? "COMPLETED" : "IN_PROGRESS";
      String name = versions.stream().filter(v -> v.version() == a.version()).findFirst()
          .map(v -> v.document().getString("name")).orElse(a.code());
      JsonObject out = new JsonObject().put("id", a.id().toString()).put("lifeEventCode", a.code())
          .put("lifeEventName", name).put("version", a.version()).put("status", status)
          .put("submittedAt", a.createdAt().toString()).put("caseNumbers", new JsonArray(a.cases().stream()
              .map(LifeEventStore.Linked::caseNumber).toList()))
          .put("cases", cases);
      a.completedAt().ifPresent(t -> out.put("completedAt", t.toString()));
      return out;
    }));
  }

  private static JsonObject caseView(LifeEventStore.Linked l, Application c, JsonObject matter) {
    JsonObject out = new JsonObject().put("position", l.position()).put("number", c.number())
        .put("matterCode", c.matterCode()).put("matterName", c.matterName()).put("status", c.status().name())
        .put("departmentCode", c.departmentCode()).put("updatedAt", c.updatedAt().toString());
    JsonObject dept = matter.getJsonObject("department");
    if (dept != null && c.departmentCode().equals(dept.getString("code"))) {
      out.put("departmentName", dept.getString("name"));
    }
    c.clock().dueDate().ifPresent(d -> out.put("dueDate", d.toString()));
    return out;
  }
}
