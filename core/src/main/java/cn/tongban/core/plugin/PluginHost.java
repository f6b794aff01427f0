package cn.tongban.core.plugin;

import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.licence.Licence;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.DataSharingAdapter;
import cn.tongban.plugin.Decision;
import cn.tongban.plugin.EventSink;
import cn.tongban.plugin.EventSinkFactory;
import cn.tongban.plugin.FormHandler;
import cn.tongban.plugin.FormHandlerFactory;
import cn.tongban.plugin.HandlerContext;
import cn.tongban.plugin.MaterialScanner;
import cn.tongban.plugin.Violations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import cn.tongban.core.privacy.PersonalData;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The form handlers installed: found by ServiceLoader on the class path and in the jars of a plugin
 * directory, registered by id (two with one id stop the start). Runs their hooks for a form version with
 * a time limit each, collecting every violation.
 */
public final class PluginHost {
  private static final Logger LOG = Logger.getLogger(PluginHost.class.getName());
  private static final long HOOK_TIMEOUT_MS = 3_000;
  private final Map<String, FormHandlerFactory> factories;
  private final List<EventSink> sinks;
  private final Map<String, List<FormHandler>> handlers = new ConcurrentHashMap<>();
  private final Map<String, DataSharingAdapter> adapters;
  private final List<MaterialScanner> scanners;
  private final Vertx vertx;
  private final Clock clock;
  private final Pool pool;
  private final PersonalData personal;

  private PluginHost(Map<String, FormHandlerFactory> factories, List<EventSink> sinks,
      Map<String, DataSharingAdapter> adapters, List<MaterialScanner> scanners, Vertx vertx, Clock clock, Pool pool,
      PersonalData personal) {
    this.personal = personal;
    this.factories = Collections.unmodifiableMap(factories);
    this.scanners = List.copyOf(scanners);
    this.sinks = List.copyOf(sinks);
    this.adapters = Map.copyOf(adapters);
    this.vertx = vertx;
    this.clock = clock;
    this.pool = pool;
  }

  /** Finds every handler factory (blocking: class loading and jar scanning; call it from a worker). */
  public static PluginHost load(Vertx vertx, Clock clock, Optional<Path> pluginDir) throws IOException {
    return load(vertx, clock, pluginDir, Map.of(), null, null);
  }

  /**
   * As {@link #load(Vertx, Clock, Optional)}, with the settings event sinks and data-sharing adapters configure
   * themselves from, and the database whose imported department datasets answer every source no adapter serves.
   */
  public static PluginHost load(Vertx vertx, Clock clock, Optional<Path> pluginDir, Map<String, String> settings,
      Pool pool, PersonalData personal) throws IOException {
    ClassLoader loader = PluginHost.class.getClassLoader();
    if (pluginDir.isPresent() && Files.isDirectory(pluginDir.get())) {
      List<URL> jars = new ArrayList<>();
      try (Stream<Path> files = Files.list(pluginDir.get())) {
        for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
          jars.add(p.toUri().toURL());
        }
      }
      loader = new URLClassLoader(jars.toArray(URL[]::new), loader);
    }
    Map<String, FormHandlerFactory> found = new LinkedHashMap<>();
    for (FormHandlerFactory f : ServiceLoader.load(FormHandlerFactory.class, loader)) {
      FormHandlerFactory earlier = found.putIfAbsent(f.id(), f);
      if (earlier != null) {
        throw new IllegalStateException("two form handlers have the id " + f.id() + ": "
            + earlier.getClass().getName() + " and " + f.getClass().getName());
      }
    }
    List<EventSink> sinks = new ArrayList<>();
    List<String> sinkIds = new ArrayList<>();
    for (EventSinkFactory f : ServiceLoader.load(EventSinkFactory.class, loader)) {
      f.create(settings).ifPresent(sink -> {
        sinks.add(sink);
        sinkIds.add(f.id());
      });
    }
    Map<String, DataSharingAdapter> adapters = new LinkedHashMap<>();
    for (DataSharingAdapter a : ServiceLoader.load(DataSharingAdapter.class, loader)) {
      a.configure(settings);
      for (String source : a.sources()) {
        DataSharingAdapter earlier = adapters.putIfAbsent(source, a);
        if (earlier != null) {
          throw new IllegalStateException("two data-sharing adapters serve the source " + source + ": "
              + earlier.getClass().getName() + " and " + a.getClass().getName());
        }
      }
    }
    List<MaterialScanner> scanners = new ArrayList<>();
    ServiceLoader.load(MaterialScanner.class, loader).forEach(scanners::add);
    LOG.info(() -> "form handlers installed: " + found.keySet() + "; event sinks configured: " + sinkIds
        + "; live data-sharing sources: " + adapters.keySet() + "; material scanners: "
        + scanners.stream().map(MaterialScanner::id).toList());
    return new PluginHost(found, sinks, adapters, scanners, vertx, clock, pool, personal);
  }

  /** The virus scanners plugins brought (the platform adds its own EICAR check). */
  public List<MaterialScanner> scanners() {
    return scanners;
  }

  /**
   * What is wrong with each handler configuration beyond its schema (by handler id): the factory's own
   * check, e.g. an expression that does not compile.
   */
  public Map<String, java.util.function.Function<JsonObject, Map<String, String>>> configChecks() {
    Map<String, java.util.function.Function<JsonObject, Map<String, String>>> out = new LinkedHashMap<>();
    factories.forEach((id, f) -> out.put(id, f::configProblems));
    return out;
  }

  /**
   * The first decision the handlers bound to a form version take on a submitted case (即办件 rules), in
   * binding order; empty when none decides.
   */
  public Future<Optional<Decision>> decide(String cacheKey, JsonArray bindings, CaseView view) {
    return bound(cacheKey, bindings).compose(bound -> decideFrom(bound, 0, view));
  }

  private Future<Optional<Decision>> decideFrom(List<FormHandler> bound, int i, CaseView view) {
    if (i == bound.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    return bound.get(i).decide(context(), view).timeout(HOOK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(d -> d.isPresent() ? Future.succeededFuture(d) : decideFrom(bound, i + 1, view));
  }

  /** The configuration schema of every installed handler, by id. */
  public Map<String, JsonObject> configSchemas() {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    factories.forEach((id, f) -> out.put(id, f.configSchema()));
    return out;
  }

  /**
   * Runs the validate hooks of the handlers bound to a form version; pointers are prefixed with
   * {@code prefix}. A handler that fails or overruns its time is a 503, never a silent pass.
   */
  public Future<List<Violation>> validate(String cacheKey, JsonArray bindings, CaseView view, String prefix,
      Locale locale) {
    return bound(cacheKey, bindings).compose(bound -> validateAll(bound, view, prefix, locale));
  }

  private Future<List<Violation>> validateAll(List<FormHandler> bound, CaseView view, String prefix, Locale locale) {
    if (bound.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Violation> out = Collections.synchronizedList(new ArrayList<>());
    Violations sink = new Violations() {
      public void add(String pointer, String code, String message) {
        out.add(new Violation(prefix + pointer, code, message));
      }

      public Locale locale() {
        return locale;
      }
    };
    List<Future<Void>> runs = new ArrayList<>();
    for (FormHandler h : bound) {
      runs.add(h.validate(context(), view, sink).timeout(HOOK_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }
    return Future.all(runs).transform(ar -> ar.succeeded() ? Future.succeededFuture(List.copyOf(out))
        : Future.failedFuture(new DomainException(ProblemCode.DEPENDENCY_UNAVAILABLE, "dependency.down",
            "form handler")));
  }

  /** What the prefill hooks of a form version's handlers know, merged (later handlers win on a clash). */
  public Future<JsonObject> prefill(String cacheKey, JsonArray bindings, CaseView draft) {
    return bound(cacheKey, bindings).compose(bound -> {
      List<Future<JsonObject>> runs = new ArrayList<>();
      for (FormHandler h : bound) {
        runs.add(h.prefill(context(), draft).timeout(HOOK_TIMEOUT_MS, TimeUnit.MILLISECONDS));
      }
      return Future.all(runs).recover(e -> Future.failedFuture(
          new DomainException(ProblemCode.DEPENDENCY_UNAVAILABLE, "dependency.down", "form handler")));
    }).map(all -> {
      JsonObject merged = new JsonObject();
      for (int i = 0; i < all.size(); i++) {
        merged.mergeIn(all.<JsonObject>resultAt(i));
      }
      return merged;
    });
  }

  /** Delivers an event to every configured sink; fails (for a retry) if any of them fails. */
  public Future<Void> deliverToSinks(JsonObject event, Optional<CaseView> view) {
    List<Future<Void>> runs = new ArrayList<>();
    for (EventSink sink : sinks) {
      runs.add(sink.deliver(context(), event, view).timeout(HOOK_TIMEOUT_MS * 3, TimeUnit.MILLISECONDS));
    }
    return Future.all(runs).mapEmpty();
  }

  /** The side-effect hooks an event calls, by event type. */
  public enum Hook { SUBMIT, ACCEPT, CORRECTION, APPROVE, REJECT, ISSUE }

  /** Runs one side-effect hook of every handler bound to a form version; fails if any handler fails. */
  public Future<Void> run(Hook hook, String cacheKey, JsonArray bindings, CaseView view) {
    return bound(cacheKey, bindings).compose(bound -> runAll(hook, bound, view));
  }

  private Future<Void> runAll(Hook hook, List<FormHandler> bound, CaseView view) {
    List<Future<Void>> runs = new ArrayList<>();
    for (FormHandler h : bound) {
      Future<Void> f = switch (hook) {
        case SUBMIT -> h.onSubmit(context(), view);
        case ACCEPT -> h.onAccept(context(), view);
        case CORRECTION -> h.onCorrection(context(), view);
        case APPROVE -> h.onApprove(context(), view);
        case REJECT -> h.onReject(context(), view);
        case ISSUE -> h.onIssue(context(), view);
      };
      runs.add(f.timeout(HOOK_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }
    return Future.all(runs).mapEmpty();
  }

  /** The handlers of a form version, or a 503 when it names one that is not installed. */
  private Future<List<FormHandler>> bound(String cacheKey, JsonArray bindings) {
    try {
      return Future.succeededFuture(handlers(cacheKey, bindings));
    } catch (DomainException e) {
      return Future.failedFuture(e);
    }
  }

  private List<FormHandler> handlers(String cacheKey, JsonArray bindings) {
    // A form version never changes, so its handlers are made once.
    return handlers.computeIfAbsent(cacheKey, k -> {
      List<FormHandler> list = new ArrayList<>();
      for (Object o : bindings) {
        JsonObject b = (JsonObject) o;
        FormHandlerFactory f = factories.get(b.getString("id"));
        if (f == null) {
          // A published form names a handler this installation lacks: refuse rather than skip its checks.
          throw new DomainException(ProblemCode.DEPENDENCY_UNAVAILABLE, "dependency.down",
              "form handler " + b.getString("id"));
        }
        list.add(f.create(b.getJsonObject("config", new JsonObject())));
      }
      return List.copyOf(list);
    });
  }

  private HandlerContext context() {
    return new HandlerContext() {
      public Vertx vertx() {
        return vertx;
      }

      public Clock clock() {
        return clock;
      }

      public Future<Optional<JsonObject>> sharedData(String source, String subjectKey) {
        DataSharingAdapter adapter = adapters.get(source);
        if (adapter != null) {
          return adapter.lookup(this, source, subjectKey);
        }
        return importedRecord(source, subjectKey);
      }

      public Future<List<JsonObject>> licences(String holderCode, String typeName) {
        return validLicences(holderCode, typeName);
      }
    };
  }

  /** A holder's valid licences of one type from the e-licence library, newest first. */
  private Future<List<JsonObject>> validLicences(String holderCode, String typeName) {
    if (pool == null) {
      return Future.succeededFuture(List.of());
    }
    LocalDate today = LocalDate.now(clock);
    return pool.preparedQuery("select " + Licence.COLUMNS + " from licence where holder_index in ($1, $4) and type_name = $2"
            + " and status = 'ACTIVE' and (valid_until is null or valid_until >= $3)"
            + " order by issue_date desc, created_at desc")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, holderCode), typeName, today, holderCode))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(Licence.from(r, personal).toJson(today)));
          return out;
        });
  }

  /** The column context of a shared dataset record (sealed: it is a person's or an enterprise's data). */
  public static final String SHARED_RECORD = "shared_dataset_record.record";
  public static final String SHARED_SUBJECT = "shared_dataset_record.subject";

  /** A shared dataset record's sealed subject and content, for a rewrap. */
  public static final SealedTable SEALED_SHARED = new SealedTable("shared_dataset_record",
      "select source, subject_index, subject_sealed, record from shared_dataset_record where $2::bytea is not null"
          + " and (" + SealedTable.stale("subject_sealed") + " or " + SealedTable.stale("record")
          + ") order by source, subject_index",
      "update shared_dataset_record set subject_sealed = $3, subject_index = $4, record = $5"
          + " where source = $1 and subject_index = $2",
      (personal, r) -> {
        String subject = personal.open(SHARED_SUBJECT, r.getString("subject_sealed"));
        return Tuple.of(r.getString("source"), r.getString("subject_index"), personal.seal(SHARED_SUBJECT, subject),
            personal.index(PersonalData.Kind.ID, subject),
            personal.seal(SHARED_RECORD, personal.open(SHARED_RECORD, r.getString("record"))));
      });

  /** A department's record of a subject from its dataset imported into table {@code shared_dataset_record}. */
  private Future<Optional<JsonObject>> importedRecord(String source, String subjectKey) {
    if (pool == null) {
      return Future.failedFuture("no database to read the shared dataset " + source + " from");
    }
    return pool.preparedQuery("SELECT record FROM shared_dataset_record WHERE source = $1 AND subject_index = $2")
        .execute(Tuple.of(source, personal.index(PersonalData.Kind.ID, subjectKey)))
        .map(rows -> rows.size() == 0 ? Optional.<JsonObject>empty()
            : Optional.of(personal.openJson(SHARED_RECORD, rows.iterator().next().getString("record"))));
  }

  /** A view of a case for handlers: copies, so nothing they do changes it. */
  public static CaseView view(Optional<String> number, String matterCode, int version, JsonObject data,
      JsonObject applicant, String status) {
    return new CaseView() {
      public Optional<String> number() {
        return number;
      }

      public String matterCode() {
        return matterCode;
      }

      public int formVersion() {
        return version;
      }

      public JsonObject data() {
        return data.copy();
      }

      public JsonObject applicant() {
        return applicant.copy();
      }

      public String status() {
        return status;
      }
    };
  }
}
