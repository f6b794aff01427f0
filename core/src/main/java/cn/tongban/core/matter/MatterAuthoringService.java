package cn.tongban.core.matter;

import cn.tongban.core.form.FieldTypes;
import cn.tongban.core.form.FormVersion;
import cn.tongban.core.form.WorkingDraft;
import cn.tongban.core.event.Outbox;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.form.DefinitionChecker;
import cn.tongban.core.form.FormChanges;
import cn.tongban.core.form.FormValidator;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Authoring the catalogue (form authors only): matters, form drafts, publishing with every check, the
 * changes between versions, a dry run of sample data against any version, and export/import of a
 * matter with all its versions as one file.
 */
public final class MatterAuthoringService {
  /** The format of export files; import refuses any other. */
  public static final String EXPORT_FORMAT = "tongban.matter/1";

  private final MatterStore store;
  private final DefinitionChecker checker;
  private final FormValidator validator;
  /** Told when a change of the catalogue has committed: every node's kept reads go before the author hears. */
  private final java.util.function.Supplier<Future<Void>> changed;

  public MatterAuthoringService(MatterStore store, DefinitionChecker checker, FormValidator validator) {
    this(store, checker, validator, Future::succeededFuture);
  }

  public MatterAuthoringService(MatterStore store, DefinitionChecker checker, FormValidator validator,
      java.util.function.Supplier<Future<Void>> changed) {
    this.store = store;
    this.checker = checker;
    this.validator = validator;
    this.changed = changed;
    FieldTypes.all(); // loads the catalogue now, at start, not on an event loop
  }

  /** The form builder's field types: each type's JSON Schema fragment, UI-schema widget and labels. */
  public Future<JsonArray> fieldTypes(Caller caller) {
    return authorised(caller).map(v -> FieldTypes.all());
  }

  /** The matter's working draft (revision 0 and no definition when none was saved). */
  public Future<WorkingDraft> workingDraft(Caller caller, String code) {
    return authorised(caller).compose(v -> existing(store.pool(), code))
        .compose(m -> store.findWorkingDraft(store.pool(), code));
  }

  /**
   * Saves the builder's working draft (unchecked, as drafts are) if nobody saved since {@code baseRevision}
   * (0 = the first save); otherwise 409 {@code stale-version} naming who saved which revision when, and
   * nothing is overwritten.
   */
  public Future<WorkingDraft> saveWorkingDraft(Caller caller, String code, JsonObject definition, int baseRevision) {
    return authorised(caller).compose(v -> store.pool().withTransaction(tx -> store.lock(tx, code)
        .compose(found -> found ? store.saveWorkingDraft(tx, code, definition, baseRevision, caller.scopeKey())
            : Future.failedFuture(notFound(code)))
        .compose(saved -> saved.isPresent()
            ? audit(tx, caller, "form.draftSaved", code, new JsonObject().put("revision", saved.get().revision()))
                .map(saved.get())
            : store.findWorkingDraft(tx, code).compose(now -> Future.failedFuture(new DomainException(
                ProblemCode.STALE_VERSION, "draft.stale", now.updatedBy().orElse(""),
                now.updatedAt().map(t -> t.atZoneSameInstant(cn.tongban.core.clock.CalendarService.ZONE)
                    .toLocalTime().withNano(0).toString()).orElse(""), now.revision(),
                baseRevision))))));
  }

  /** Creates a matter; 422 with every problem, 409 when the code is taken. */
  public Future<Matter> create(Caller caller, JsonObject doc, Locale locale) {
    return authorised(caller)
        .compose(v -> withHalls(checker.checkMatter(doc, "", locale), doc, "", locale))
        .compose(MatterAuthoringService::valid)
        .compose(v -> committed(store.pool().withTransaction(tx -> store.nextSortOrder(tx)
            .compose(order -> store.insertIfAbsent(tx, doc, order, null))
            .compose(inserted -> inserted ? audit(tx, caller, "matter.created", doc.getString("code"), new JsonObject())
                : Future.failedFuture(new DomainException(ProblemCode.MATTER_EXISTS, "matter.exists",
                    doc.getString("code"))))
            .compose(v2 -> store.find(tx, doc.getString("code"))))))
        .map(Optional::orElseThrow);
  }

  /** Replaces a matter's document; the code cannot change. */
  public Future<Matter> update(Caller caller, String code, JsonObject doc, Locale locale) {
    JsonObject full = doc.copy();
    if (full.getString("code") == null) {
      full.put("code", code);
    } else if (!code.equals(full.getString("code"))) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "matter.codeMismatch",
          List.of(new Violation("/code", "const", full.getString("code"))), full.getString("code")));
    }
    return authorised(caller)
        .compose(v -> withHalls(checker.checkMatter(full, "", locale), full, "", locale))
        .compose(MatterAuthoringService::valid)
        .compose(v -> committed(store.pool().withTransaction(tx -> store.update(tx, full, Optional.empty())
            .compose(found -> found ? audit(tx, caller, "matter.updated", code, new JsonObject())
                : Future.failedFuture(notFound(code)))
            .compose(v2 -> store.find(tx, code)))))
        .map(Optional::orElseThrow);
  }

  /** Every version of a matter's form, oldest first. */
  public Future<List<FormVersion>> forms(Caller caller, String code) {
    return authorised(caller).compose(v -> existing(store.pool(), code)).compose(m -> store.listForms(store.pool(), code));
  }

  public Future<FormVersion> form(Caller caller, String code, int version) {
    return authorised(caller).compose(v -> findForm(store.pool(), code, version));
  }

  /** Stores a new draft version (drafts are checked when published); returns its number. */
  public Future<Integer> createDraft(Caller caller, String code, JsonObject definition) {
    return authorised(caller).compose(v -> store.pool().withTransaction(tx -> store.lock(tx, code)
        .compose(found -> found ? store.insertForm(tx, code, Optional.empty(), FormVersion.Status.DRAFT, definition,
            caller.scopeKey()) : Future.failedFuture(notFound(code)))
        .compose(version -> audit(tx, caller, "form.drafted", code, new JsonObject().put("version", version))
            .map(version))));
  }

  /**
   * Publishes a draft after checking everything (422 with every problem, nothing published); the
   * version published before is retired. Cases already submitted stay on their version.
   */
  public Future<FormVersion> publish(Caller caller, String code, int version, Locale locale) {
    return authorised(caller).compose(v -> committed(store.pool().withTransaction(tx -> store.lock(tx, code)
        .compose(found -> found ? findForm(tx, code, version) : Future.failedFuture(notFound(code)))
        .compose(form -> {
          if (form.status() != FormVersion.Status.DRAFT) {
            return Future.failedFuture(new DomainException(ProblemCode.FORM_NOT_DRAFT, "form.notDraft", version,
                form.status().name()));
          }
          return existing(tx, code).compose(matter -> {
            List<Violation> problems = checker.checkForm(form.definition(), matter.document(), locale);
            if (!problems.isEmpty()) {
              return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED,
                  "definition.invalid", problems, problems.size()));
            }
            return store.publish(tx, code, version)
                .compose(x -> audit(tx, caller, "form.published", code, new JsonObject().put("version", version)))
                .compose(x -> outbox(tx, code, version))
                .compose(x -> findForm(tx, code, version));
          });
        }))));
  }

  /** {@code tx}, answered once every node's kept catalogue reads went, if it committed. */
  private <T> Future<T> committed(Future<T> tx) {
    // Should telling fail, the trigger's notice (sent at the commit) still reaches every node.
    return tx.compose(result -> changed.get().otherwiseEmpty().map(result));
  }

  /** A dry run's answer as both APIs give it: {@code valid} and every violation. */
  public static JsonObject dryRunJson(List<Violation> violations) {
    JsonArray list = new JsonArray();
    violations.forEach(v -> list.add(v.toJson()));
    return new JsonObject().put("valid", violations.isEmpty()).put("violations", list);
  }

  /** Validates sample data against any version (the form builder's preview); nothing is stored. */
  public Future<List<Violation>> dryRun(Caller caller, String code, int version, JsonObject data, Locale locale) {
    return form(caller, code, version).map(form ->
        validator.validate(code + "@" + version, form.schema(), form.uiSchema(), data, "/data", locale));
  }

  /**
   * Validates sample data against the working draft as last saved (the builder's 试填), as a submission would
   * check it, without its handlers; no version is made and nothing is stored. 404 when no draft was saved,
   * 422 {@code invalidSchema} at {@code /definition/schema} when the draft's schema does not compile.
   */
  public Future<List<Violation>> dryRunDraft(Caller caller, String code, JsonObject data, Locale locale) {
    return savedDraft(caller, code, locale).map(draft -> {
      JsonObject definition = draft.definition().orElseThrow();
      try {
        return validator.validateOnce(definition.getJsonObject("schema"), uiSchemaOf(definition), data, "/data",
            locale);
      } catch (RuntimeException e) {
        throw invalidDraft(e, locale);
      }
    });
  }

  /**
   * What the working draft changes: against version {@code since}, else the published version; with neither,
   * every field of the draft is {@code added} and {@code from} is absent. {@code to} is absent too (the draft
   * is no version) and {@code draftRevision} says which revision was compared. No version is made.
   */
  public Future<JsonObject> draftChanges(Caller caller, String code, Optional<Integer> since, Locale locale) {
    return savedDraft(caller, code, locale).compose(draft -> (since.isPresent()
            ? findForm(store.pool(), code, since.get()).map(Optional::of)
            : store.listForms(store.pool(), code).map(list -> list.stream()
                .filter(f -> f.status() == FormVersion.Status.PUBLISHED).findFirst()))
        .map(base -> {
          try {
            JsonObject changes = FormChanges.between(base.map(FormVersion::schema).orElseGet(JsonObject::new),
                draft.definition().orElseThrow().getJsonObject("schema"));
            base.ifPresent(f -> changes.put("from", f.version()));
            return changes.put("draftRevision", draft.revision());
          } catch (RuntimeException e) {
            throw invalidDraft(e, locale);
          }
        }));
  }

  private Future<WorkingDraft> savedDraft(Caller caller, String code, Locale locale) {
    return workingDraft(caller, code).compose(d -> d.definition().isPresent() ? Future.succeededFuture(d)
        : Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "draft.none", code)));
  }

  private static JsonObject uiSchemaOf(JsonObject definition) {
    return definition.getValue("uiSchema") instanceof JsonObject ui ? ui : null;
  }

  /** A saved draft is unchecked: a schema that does not compile, or is no object, is the author's problem. */
  private static DomainException invalidDraft(RuntimeException e, Locale locale) {
    return DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "definition.invalid",
        List.of(new Violation("/definition/schema", "invalidSchema",
            Messages.get(locale, "definition.invalidSchema", String.valueOf(e.getMessage())))), 1);
  }

  /** What changed from version {@code from} to version {@code to}. */
  public Future<JsonObject> changes(Caller caller, String code, int from, int to) {
    return form(caller, code, from).compose(a -> findForm(store.pool(), code, to).map(b ->
        FormChanges.between(a.schema(), b.schema()).put("from", from).put("to", to)));
  }

  /** The matter with every version of its form, as one file. */
  public Future<JsonObject> export(Caller caller, String code) {
    return authorised(caller).compose(v -> existing(store.pool(), code)).compose(matter ->
        store.listForms(store.pool(), code).map(forms -> {
          JsonArray versions = new JsonArray();
          forms.forEach(f -> versions.add(f.toAuthoringJson()));
          return new JsonObject().put("format", EXPORT_FORMAT).put("exportedAt", OffsetDateTime.now().toString())
              .put("matter", matter.document()).put("forms", versions);
        }));
  }

  /** Imports an export file into this installation: the matter and every version, statuses kept. */
  public Future<Matter> importFile(Caller caller, JsonObject file, Locale locale) {
    if (!EXPORT_FORMAT.equals(file.getString("format"))) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "import.format",
          List.of(new Violation("/format", "const", EXPORT_FORMAT)), file.getString("format")));
    }
    JsonObject doc = file.getJsonObject("matter", new JsonObject());
    JsonArray forms = file.getJsonArray("forms", new JsonArray());
    List<Violation> problems = new java.util.ArrayList<>(checker.checkMatter(doc, "/matter", locale));
    if (problems.isEmpty()) {
      // A published version must pass what publishing checks, wherever it was published before.
      long published = forms.stream().filter(f -> f instanceof JsonObject o
          && FormVersion.Status.PUBLISHED.name().equals(o.getString("status"))).count();
      if (published > 1) {
        problems.add(new Violation("/forms", "onePublished", Messages.get(locale, "import.onePublished")));
      }
      for (int i = 0; i < forms.size(); i++) {
        JsonObject f = forms.getJsonObject(i);
        if (FormVersion.Status.PUBLISHED.name().equals(f.getString("status"))) {
          String prefix = "/forms/" + i;
          checker.checkForm(definitionOf(f), doc, locale).forEach(v -> problems.add(
              new Violation(prefix + v.pointer(), v.code(), v.message())));
        }
      }
    }
    return authorised(caller)
        .compose(v -> withHalls(problems, doc, "/matter", locale))
        .compose(MatterAuthoringService::valid)
        .compose(v -> committed(store.pool().withTransaction(tx -> store.nextSortOrder(tx)
            .compose(order -> store.insertIfAbsent(tx, doc, order, null))
            .compose(inserted -> {
              if (!inserted) {
                return Future.failedFuture(new DomainException(ProblemCode.MATTER_EXISTS, "matter.exists",
                    doc.getString("code")));
              }
              Future<Void> chain = Future.succeededFuture();
              for (Object o : forms) {
                JsonObject f = (JsonObject) o;
                chain = chain.compose(x -> store.insertForm(tx, doc.getString("code"),
                    Optional.of(f.getInteger("version")), FormVersion.Status.valueOf(f.getString("status")), f,
                    caller.scopeKey()).mapEmpty());
              }
              return chain.compose(x -> audit(tx, caller, "matter.imported", doc.getString("code"),
                  new JsonObject().put("versions", forms.size())));
            })
            .compose(x -> store.find(tx, doc.getString("code"))))))
        .map(Optional::orElseThrow);
  }

  private static JsonObject definitionOf(JsonObject version) {
    JsonObject d = new JsonObject().put("schema", version.getValue("schema"));
    for (String part : List.of("uiSchema", "handlers", "materialBindings")) {
      if (version.containsKey(part)) {
        d.put(part, version.getValue(part));
      }
    }
    return d;
  }

  private static Future<Void> authorised(Caller caller) {
    return caller.has(Role.FORM_AUTHOR) || caller.has(Role.ADMIN) ? Future.succeededFuture()
        : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "authoring.forbidden"));
  }

  /**
   * The problems found so far, plus every hall and department the matter's 通办范围 names that the
   * organisation does not have (only looked up when the document is otherwise sound).
   */
  private Future<List<Violation>> withHalls(List<Violation> problems, JsonObject doc, String prefix, Locale locale) {
    JsonObject scope = doc.getJsonObject("sameCityScope");
    if (!problems.isEmpty() || scope == null) {
      return Future.succeededFuture(problems);
    }
    java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
    JsonArray halls = scope.getJsonArray("intakeHalls", new JsonArray());
    for (int i = 0; i < halls.size(); i++) {
      named.put(prefix + "/sameCityScope/intakeHalls/" + i, halls.getString(i));
    }
    if (scope.getString("homeHall") != null) {
      named.put(prefix + "/sameCityScope/homeHall", scope.getString("homeHall"));
    }
    java.util.Map<String, String> departments = new java.util.LinkedHashMap<>();
    for (String field : List.of("acceptingDepartment", "approvingDepartment")) {
      if (scope.getString(field) != null) {
        departments.put(prefix + "/sameCityScope/" + field, scope.getString(field));
      }
    }
    return store.knownPlaces(named.values().toArray(String[]::new), departments.values().toArray(String[]::new))
        .map(known -> {
          List<Violation> out = new java.util.ArrayList<>(problems);
          named.forEach((pointer, code) -> {
            if (!known.contains("hall:" + code)) {
              out.add(new Violation(pointer, "unknownHall", Messages.get(locale, "definition.unknownHall", code)));
            }
          });
          // The implementing department is created with the matter; a joint one must exist already.
          String own = doc.getJsonObject("department").getString("code");
          departments.forEach((pointer, code) -> {
            if (!code.equals(own) && !known.contains("department:" + code)) {
              out.add(new Violation(pointer, "unknownDepartment",
                  Messages.get(locale, "definition.unknownDepartment", code)));
            }
          });
          return out;
        });
  }

  private static Future<Void> valid(List<Violation> violations) {
    return violations.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "matter.invalid",
            violations, violations.size()));
  }

  private Future<Matter> existing(SqlClient client, String code) {
    return store.find(client, code).compose(m -> m.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(notFound(code))));
  }

  private Future<FormVersion> findForm(SqlClient client, String code, int version) {
    return store.findForm(client, code, version).compose(f -> f.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new DomainException(ProblemCode.FORM_VERSION_NOT_FOUND, "form.notFound",
            code, version))));
  }

  private static DomainException notFound(String code) {
    return new DomainException(ProblemCode.MATTER_NOT_FOUND, "matter.notFound", code);
  }

  private static Future<Void> audit(SqlClient tx, Caller caller, String action, String code, JsonObject detail) {
    return AuditLog.record(tx, caller.scopeKey(), action, "matter", code, detail);
  }

  private static Future<Void> outbox(SqlClient tx, String code, int version) {
    return Outbox.append(tx, "matter", code, "FormPublished", new JsonObject().put("matterCode", code)
        .put("version", version));
  }
}
