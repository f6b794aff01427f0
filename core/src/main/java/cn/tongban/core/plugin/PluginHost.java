package cn.tongban.core.plugin;

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
import cn.tongban.plugin.Plugin;
import cn.tongban.plugin.PluginContext;
import cn.tongban.plugin.PluginKind;
import cn.tongban.plugin.Violations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.sharing.SharedDataStore;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The plugins installed ({@link Plugin}: form handlers, event sinks, data sources, material scanners): found
 * by one ServiceLoader pass on the class path and in the jars of a plugin directory, ids unique across every
 * kind (two with one id stop the start), started in load order ({@link #start}) and stopped in reverse order
 * when the platform closes ({@link #stop}). Runs the hooks of the form handlers bound to a form version with a
 * time limit each, collecting every violation, and hands every event to the configured event sinks.
 */
public final class PluginHost {
  private static final Logger LOG = Logger.getLogger(PluginHost.class.getName());
  private static final long HOOK_TIMEOUT_MS = 3_000;
  /**
   * The service files read: {@code cn.tongban.plugin.Plugin}, and each kind's own file, which plugins listed
   * before the common interface existed (a class listed in several is loaded once).
   */
  private static final List<Class<? extends Plugin>> SERVICES = List.of(Plugin.class, FormHandlerFactory.class,
      EventSinkFactory.class, DataSharingAdapter.class, MaterialScanner.class);
  private final List<Plugin> plugins;
  private final Map<String, FormHandlerFactory> factories;
  private final List<EventSinkFactory> sinkFactories;
  private volatile List<EventSink> sinks = List.of();
  private final List<Plugin> started = new ArrayList<>();
  private final Map<String, List<FormHandler>> handlers = new ConcurrentHashMap<>();
  /** Whether a form version's handlers do anything at a hook, by version and hook (see {@link #acts}). */
  private final Map<String, Boolean> acting = new ConcurrentHashMap<>();
  private final Map<String, DataSharingAdapter> adapters;
  private final List<MaterialScanner> scanners;
  private final Vertx vertx;
  private final Clock clock;
  private final Map<String, String> settings;
  private final PersonalData personal;
  /** Where handlers read from when the requests call them (validation, prefill, the platform's own checks). */
  private final Reads reads;

  /**
   * Where handlers and sinks read imported shared datasets and e-licences from: the requests' pool, or the
   * outbox relay's own, so that a delivery never waits for the requests' connections (docs/security.md,
   * "Resource limits").
   */
  public record Reads(Pool pool, LicenceLookup licences) {
  }

  private PluginHost(List<Plugin> plugins, Map<String, DataSharingAdapter> adapters, Vertx vertx, Clock clock,
      Map<String, String> settings, Pool pool, PersonalData personal, LicenceLookup licences) {
    this.plugins = List.copyOf(plugins);
    Map<String, FormHandlerFactory> factories = new LinkedHashMap<>();
    List<EventSinkFactory> sinkFactories = new ArrayList<>();
    List<MaterialScanner> scanners = new ArrayList<>();
    for (Plugin p : plugins) {
      switch (p.kind()) {
        case FORM_HANDLER -> factories.put(p.id(), (FormHandlerFactory) p);
        case EVENT_SINK -> sinkFactories.add((EventSinkFactory) p);
        case MATERIAL_SCANNER -> scanners.add((MaterialScanner) p);
        case DATA_SOURCE -> { } // by source, in adapters
      }
    }
    this.factories = Collections.unmodifiableMap(factories);
    this.sinkFactories = List.copyOf(sinkFactories);
    this.scanners = List.copyOf(scanners);
    this.adapters = Map.copyOf(adapters);
    this.vertx = vertx;
    this.clock = clock;
    this.settings = Map.copyOf(settings);
    this.personal = personal;
    this.reads = new Reads(pool, licences);
  }

  /** Finds every plugin (blocking: class loading and jar scanning; call it from a worker); none is started. */
  public static PluginHost load(Vertx vertx, Clock clock, Optional<Path> pluginDir) throws IOException {
    return load(vertx, clock, pluginDir, Map.of(), null, null, LicenceLookup.NONE);
  }

  /**
   * As {@link #load(Vertx, Clock, Optional)}, with the settings plugins are started with, the database whose
   * imported department datasets answer every source no adapter serves, and the e-licence library handlers
   * read licences from.
   */
  public static PluginHost load(Vertx vertx, Clock clock, Optional<Path> pluginDir, Map<String, String> settings,
      Pool pool, PersonalData personal, LicenceLookup licences) throws IOException {
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
    Map<String, Plugin> found = new LinkedHashMap<>();
    Set<Class<?>> seen = new HashSet<>();
    List<String> oldListing = new ArrayList<>();
    for (Class<? extends Plugin> service : SERVICES) {
      for (Plugin p : ServiceLoader.load(service, loader)) {
        if (!seen.add(p.getClass())) {
          continue;
        }
        if (service != Plugin.class) {
          oldListing.add(p.getClass().getName());
        }
        PluginKind kind = p.kind();
        if (kind == null || !kind.type().isInstance(p)) {
          throw new IllegalStateException("the plugin " + p.id() + " (" + p.getClass().getName() + ") is of kind "
              + kind + " but does not implement " + (kind == null ? "a kind's interface" : kind.type().getName()));
        }
        Plugin earlier = found.putIfAbsent(p.id(), p);
        if (earlier != null) {
          throw new IllegalStateException("two plugins have the id " + p.id() + ": " + earlier.getClass().getName()
              + " (" + earlier.kind() + ") and " + p.getClass().getName() + " (" + kind + ")");
        }
      }
    }
    Map<String, DataSharingAdapter> adapters = new LinkedHashMap<>();
    for (Plugin p : found.values()) {
      if (p instanceof DataSharingAdapter a) {
        for (String source : a.sources()) {
          DataSharingAdapter earlier = adapters.putIfAbsent(source, a);
          if (earlier != null) {
            throw new IllegalStateException("two data-sharing adapters serve the source " + source + ": "
                + earlier.getClass().getName() + " and " + a.getClass().getName());
          }
        }
      }
    }
    if (!oldListing.isEmpty()) {
      LOG.info(() -> "plugins listed in their kind's service file rather than META-INF/services/"
          + Plugin.class.getName() + " (still loaded): " + oldListing);
    }
    return new PluginHost(new ArrayList<>(found.values()), adapters, vertx, clock, settings, pool, personal,
        licences);
  }

  /** Every plugin found, in load order (the order they start in). */
  public List<Plugin> plugins() {
    return plugins;
  }

  /**
   * Starts every plugin, one after the other in load order, each with {@link Plugin#START_TIMEOUT_MS}, and
   * makes the sink of each event sink its settings configure. The first that fails (or overruns, or whose
   * sink cannot be made) fails the whole start, naming it, after the ones already started were stopped.
   */
  public Future<Void> start() {
    PluginContext context = PluginContext.of(vertx, clock, settings);
    List<EventSink> configured = new ArrayList<>();
    List<String> notConfigured = new ArrayList<>();
    return startFrom(0, context, configured, notConfigured).map(v -> {
      sinks = List.copyOf(configured);
      LOG.info(() -> "plugins started: form handlers " + factories.keySet() + "; event sinks "
          + sinkFactories.stream().map(Plugin::id).filter(id -> !notConfigured.contains(id)).toList()
          + " (not configured: " + notConfigured + "); live data-sharing sources " + adapters.keySet()
          + "; material scanners " + scanners.stream().map(Plugin::id).toList());
      return null;
    });
  }

  private Future<Void> startFrom(int i, PluginContext context, List<EventSink> configured, List<String> notConfigured) {
    if (i == plugins.size()) {
      return Future.succeededFuture();
    }
    Plugin p = plugins.get(i);
    return call(() -> p.start(context)).timeout(Plugin.START_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(v -> {
          synchronized (started) {
            started.add(p);
          }
          if (p instanceof EventSinkFactory f) {
            Optional<EventSink> sink = f.create(settings);
            sink.ifPresentOrElse(configured::add, () -> notConfigured.add(f.id()));
          }
          return Future.<Void>succeededFuture();
        })
        .transform(ar -> ar.succeeded() ? startFrom(i + 1, context, configured, notConfigured)
            : stop().transform(x -> Future.failedFuture(new IllegalStateException("the plugin " + p.id() + " ("
                + p.getClass().getName() + ", " + p.kind() + ") did not start: " + ar.cause().getMessage(),
                ar.cause()))));
  }

  /**
   * Stops the plugins started, in reverse order, each with {@link Plugin#STOP_TIMEOUT_MS}; a failure or an
   * overrun is logged and the next one is stopped all the same. Never fails; a second call stops nothing.
   */
  public Future<Void> stop() {
    List<Plugin> running;
    synchronized (started) {
      running = new ArrayList<>(started);
      started.clear();
    }
    Collections.reverse(running);
    return stopFrom(running, 0).onComplete(ar -> {
      if (!running.isEmpty()) {
        LOG.info(() -> "plugins stopped: " + running.stream().map(Plugin::id).toList());
      }
    });
  }

  private static Future<Void> stopFrom(List<Plugin> running, int i) {
    if (i == running.size()) {
      return Future.succeededFuture();
    }
    Plugin p = running.get(i);
    return call(p::stop).timeout(Plugin.STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS).transform(ar -> {
      if (ar.failed()) {
        LOG.log(Level.WARNING, "the plugin " + p.id() + " (" + p.getClass().getName() + ") did not stop cleanly: "
            + ar.cause().getMessage(), ar.cause());
      }
      return stopFrom(running, i + 1);
    });
  }

  /** A plugin's future, with a throw or a null turned into a failed one. */
  private static Future<Void> call(java.util.function.Supplier<Future<Void>> hook) {
    try {
      Future<Void> f = hook.get();
      return f != null ? f : Future.failedFuture("returned null instead of a future");
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
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
  public Future<Optional<Decision>> decide(String cacheKey, JsonArray bindings, CaseView view, Reads from) {
    return bound(cacheKey, bindings).compose(bound -> decideFrom(bound, 0, view, context(from)));
  }

  private Future<Optional<Decision>> decideFrom(List<FormHandler> bound, int i, CaseView view,
      HandlerContext context) {
    if (i == bound.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    return bound.get(i).decide(context, view).timeout(HOOK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(d -> d.isPresent() ? Future.succeededFuture(d) : decideFrom(bound, i + 1, view, context));
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
    return prefillWithSources(cacheKey, bindings, draft).map(p -> p.getJsonObject("data"));
  }

  /**
   * As {@link #prefill}, with where each filled top-level field came from: {@code {data, sources: {field:
   * {handler, source?, via?}}}} — the handler's id, the shared-data source it names, and {@code via} the live
   * adapter's id or {@code dataset} (the department's imported dataset).
   */
  public Future<JsonObject> prefillWithSources(String cacheKey, JsonArray bindings, CaseView draft) {
    return bound(cacheKey, bindings).compose(bound -> {
      List<Future<JsonObject>> runs = new ArrayList<>();
      for (FormHandler h : bound) {
        runs.add(h.prefill(context(), draft).timeout(HOOK_TIMEOUT_MS, TimeUnit.MILLISECONDS));
      }
      return Future.all(runs).recover(e -> Future.failedFuture(
          new DomainException(ProblemCode.DEPENDENCY_UNAVAILABLE, "dependency.down", "form handler")))
          .map(all -> {
            JsonObject merged = new JsonObject();
            JsonObject sources = new JsonObject();
            for (int i = 0; i < all.size(); i++) {
              JsonObject filled = all.<JsonObject>resultAt(i);
              merged.mergeIn(filled);
              FormHandler h = bound.get(i);
              String handler = bindings.getJsonObject(i).getString("id");
              for (String field : filled.fieldNames()) {
                JsonObject from = new JsonObject().put("handler", handler);
                h.sourceOf(field).ifPresent(source -> {
                  DataSharingAdapter adapter = adapters.get(source);
                  from.put("source", source).put("via", adapter != null && adapter.live() ? adapter.id() : "dataset");
                });
                sources.put(field, from);
              }
            }
            return new JsonObject().put("data", merged).put("sources", sources);
          });
    });
  }

  /** Delivers an event to every configured sink; fails (for a retry) if any of them fails. */
  public Future<Void> deliverToSinks(JsonObject event, Optional<CaseView> view) {
    return deliverToSinks(event, view, reads);
  }

  /** {@link #deliverToSinks(JsonObject, Optional)}, the sinks reading {@code from}. */
  public Future<Void> deliverToSinks(JsonObject event, Optional<CaseView> view, Reads from) {
    HandlerContext context = context(from);
    List<Future<Void>> runs = new ArrayList<>();
    for (EventSink sink : sinks) {
      runs.add(sink.deliver(context, event, view).timeout(HOOK_TIMEOUT_MS * 3, TimeUnit.MILLISECONDS));
    }
    return Future.all(runs).mapEmpty();
  }

  /** Whether any event sink is configured: each is handed every event with its case. */
  public boolean hasSinks() {
    return !sinks.isEmpty();
  }

  /**
   * Whether a handler bound to a form version does anything at {@code hook}, or decides (即办件) when
   * {@code hook} is empty: whether it overrides the hook's no-op default. The outbox relay reads and opens a
   * case only for the deliveries that look at it. True when a bound handler is not installed, so that the
   * delivery goes on and fails as it always has.
   */
  public boolean acts(Optional<Hook> hook, String cacheKey, JsonArray bindings) {
    String method = hook.map(Hook::method).orElse("decide");
    return acting.computeIfAbsent(cacheKey + '#' + method, k -> {
      List<FormHandler> bound;
      try {
        bound = handlers(cacheKey, bindings);
      } catch (DomainException missing) {
        return true;
      }
      for (FormHandler h : bound) {
        try {
          if (h.getClass().getMethod(method, HandlerContext.class, CaseView.class).getDeclaringClass()
              != FormHandler.class) {
            return true;
          }
        } catch (NoSuchMethodException cannot) {
          return true;
        }
      }
      return false;
    });
  }

  /** The side-effect hooks an event calls, by event type. */
  public enum Hook {
    SUBMIT("onSubmit"), ACCEPT("onAccept"), CORRECTION("onCorrection"), APPROVE("onApprove"), REJECT("onReject"),
    ISSUE("onIssue");

    private final String method;

    Hook(String method) {
      this.method = method;
    }

    /** The {@link FormHandler} method it calls. */
    String method() {
      return method;
    }
  }

  /** Runs one side-effect hook of every handler bound to a form version; fails if any handler fails. */
  public Future<Void> run(Hook hook, String cacheKey, JsonArray bindings, CaseView view, Reads from) {
    return bound(cacheKey, bindings).compose(bound -> runAll(hook, bound, view, context(from)));
  }

  private Future<Void> runAll(Hook hook, List<FormHandler> bound, CaseView view, HandlerContext context) {
    List<Future<Void>> runs = new ArrayList<>();
    for (FormHandler h : bound) {
      Future<Void> f = switch (hook) {
        case SUBMIT -> h.onSubmit(context, view);
        case ACCEPT -> h.onAccept(context, view);
        case CORRECTION -> h.onCorrection(context, view);
        case APPROVE -> h.onApprove(context, view);
        case REJECT -> h.onReject(context, view);
        case ISSUE -> h.onIssue(context, view);
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

  /**
   * What a department's shared data holds on a subject (数据共享): the live adapter's answer, else the
   * imported dataset's record. For checks the platform makes itself (the identity on record of a person
   * someone names, an enterprise's legal representative); a failing source fails the future.
   */
  public Future<Optional<JsonObject>> sharedRecord(String source, String subjectKey) {
    return context().sharedData(source, subjectKey);
  }

  private HandlerContext context() {
    return context(reads);
  }

  private HandlerContext context(Reads from) {
    return new HandlerContext() {
      public Vertx vertx() {
        return vertx;
      }

      public Clock clock() {
        return clock;
      }

      public Future<Optional<JsonObject>> sharedData(String source, String subjectKey) {
        DataSharingAdapter adapter = adapters.get(source);
        if (adapter != null && adapter.live()) {
          return adapter.lookup(this, source, subjectKey);
        }
        return importedRecord(from.pool(), source, subjectKey);
      }

      public Future<List<JsonObject>> licences(String holderCode, String typeName) {
        return from.licences().valid(holderCode, typeName);
      }
    };
  }

  /** The column contexts of a shared dataset record, declared by its store. */
  public static final String SHARED_RECORD = SharedDataStore.SHARED_RECORD;
  public static final String SHARED_SUBJECT = SharedDataStore.SHARED_SUBJECT;

  /** A department's record of a subject from its dataset imported into table {@code shared_dataset_record}. */
  private Future<Optional<JsonObject>> importedRecord(Pool pool, String source, String subjectKey) {
    if (pool == null) {
      return Future.failedFuture("no database to read the shared dataset " + source + " from");
    }
    return new SharedDataStore(pool, personal).record(source, subjectKey);
  }

  /** A view of a case for handlers: copies, so nothing they do changes it. */
  public static CaseView view(Optional<String> number, String matterCode, int version, JsonObject data,
      JsonObject applicant, String status) {
    return view(number, matterCode, version, data, applicant, status, Optional.empty());
  }

  /** The same, with the case's query code for the event sinks that tell the applicant. */
  public static CaseView view(Optional<String> number, String matterCode, int version, JsonObject data,
      JsonObject applicant, String status, Optional<String> queryCode) {
    return new CaseView() {
      public Optional<String> queryCode() {
        return queryCode;
      }

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
