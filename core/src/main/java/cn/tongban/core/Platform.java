package cn.tongban.core;

import cn.tongban.core.access.RateLimits;
import cn.tongban.core.agency.AgentAuthorisations;
import cn.tongban.core.agency.SameCityStatistics;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.audit.AuditChain;
import cn.tongban.core.application.ApplicationStore;
import cn.tongban.core.lifeevent.LifeEventStore;
import cn.tongban.core.project.ProjectStore;
import cn.tongban.core.application.DeadlineScanner;
import cn.tongban.core.application.ProvisionalDueDates;
import cn.tongban.core.disclosure.DisclosureService;
import cn.tongban.core.disclosure.ExportService;
import cn.tongban.core.disclosure.PenaltyService;
import cn.tongban.core.disclosure.PenaltyStore;
import cn.tongban.core.proactive.ReminderService;
import cn.tongban.core.intermediary.IntermediaryService;
import cn.tongban.core.rating.RatingService;
import cn.tongban.core.rating.RatingStore;
import cn.tongban.core.application.DepartmentStatistics;
import cn.tongban.core.application.AcceptanceReceipt;
import cn.tongban.core.application.LifecycleService;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.demo.DemoSeeder;
import cn.tongban.core.demo.IntermediaryDemo;
import cn.tongban.core.lifeevent.LifeEventService;
import cn.tongban.core.project.ProjectService;
import cn.tongban.core.hotline.WorkOrderDeadlines;
import cn.tongban.core.hotline.WorkOrderService;
import cn.tongban.core.hotline.WorkOrderStore;
import cn.tongban.core.supervision.SupervisionService;
import cn.tongban.core.identity.EnterpriseService;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.identity.IdentityStore;
import cn.tongban.core.identity.OrganisationService;
import cn.tongban.core.identity.WeChatLogin;
import cn.tongban.core.identity.SigningKeys;
import cn.tongban.core.oidc.OidcService;
import cn.tongban.core.infra.Database;
import cn.tongban.core.infra.EmbeddedPostgresServer;
import cn.tongban.core.infra.EmbeddedRedisServer;
import cn.tongban.core.infra.Notices;
import cn.tongban.core.infra.Redis;
import cn.tongban.core.licence.Licence;
import cn.tongban.core.licence.LicenceService;
import cn.tongban.core.material.MaterialService;
import cn.tongban.core.matter.CatalogueImporter;
import cn.tongban.core.matter.MatterAuthoringService;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.matter.MatterStore;
import cn.tongban.core.outbox.OutboxRelay;
import cn.tongban.core.plugin.PluginHost;
import cn.tongban.core.privacy.DataKeyRotation;
import cn.tongban.core.privacy.DataKeys;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.Rewrap;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.hall.AppointmentService;
import cn.tongban.core.hall.HallDutyService;
import cn.tongban.core.hall.HallJobs;
import cn.tongban.core.hall.HolidayRequestService;
import cn.tongban.core.hall.HomeVisitService;
import cn.tongban.core.hall.PreRegistrationService;
import cn.tongban.core.hall.QueueService;
import cn.tongban.core.sharing.SharedDataStore;
import cn.tongban.core.sharing.SharedDatasets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The running core, wired and nothing more: starting it brings up embedded PostgreSQL and Redis unless URLs
 * are configured, migrates the schema, imports the bundled catalogue and, in demo mode, seeds the demo data;
 * the constructor then wires the capabilities ({@link Capabilities}) in order and starts the periodic jobs
 * ({@link ScheduledJobs}). The accessors below are what the gateway uses. All blocking work runs on worker
 * threads.
 */
public final class Platform {
  /** Every table with sealed personal data, each declared by the store that owns it. */
  private static final List<SealedTable> SEALED_TABLES = List.of(IdentityStore.SEALED, ApplicationStore.SEALED,
      Licence.SEALED, MaterialService.SEALED, AgentAuthorisations.SEALED, ApplicationStore.SEALED_CREDIT,
      SigningKeys.SEALED, LicenceService.SEALED_KEYS, SharedDataStore.SEALED, WorkOrderStore.SEALED,
      PreRegistrationService.SEALED, HomeVisitService.SEALED, RatingStore.SEALED, PenaltyStore.SEALED);

  private static final Logger LOG = Logger.getLogger(Platform.class.getName());

  private final Vertx vertx;
  private final TongbanConfig config;
  private final Optional<EmbeddedPostgresServer> embeddedPostgres;
  private final Optional<EmbeddedRedisServer> embeddedRedis;
  private final Pool pool;
  /**
   * The background jobs' own connections (every periodic pass, the outbox relay and what it calls, audit sealing):
   * a flood of requests cannot take them.
   */
  private final Pool background;
  private final Redis redis;
  private final SigningKeys signingKeys;
  private final PersonalData personal;
  private final OidcService oidc;
  private final CalendarService calendar;
  private final LicenceService licences;
  private final PluginHost plugins;
  private final MessageConsumer<String> calendarChanges;
  /** The database's notices (catalogue changes, ended sessions): what lets nodes keep shared state. */
  private final Notices notices;
  // The capabilities (Capabilities.java), in the order they are wired: each uses only those above it.
  private final Capabilities.Identity people;
  private final Capabilities.Catalogue catalogue;
  private final Capabilities.Cases cases;
  private final Capabilities.LifeEvents combined;
  private final Capabilities.Hotline hotline;
  private final Capabilities.Oversight oversight;
  private final Capabilities.Hall hall;
  private final RatingService ratings;
  private final IntermediaryService intermediaries;
  private final ReminderService reminders;
  private final Capabilities.Operations operations;
  private final ScheduledJobs jobs;
  private final IdempotencyExpiry idempotencyExpiry;

  private Platform(Vertx vertx, TongbanConfig config, Optional<EmbeddedPostgresServer> embeddedPostgres,
      Optional<EmbeddedRedisServer> embeddedRedis, Pool pool, Pool background, Redis redis,
      SigningKeys signingKeys, CalendarService calendar, LicenceService licences, PluginHost plugins,
      PersonalData personal, Notices notices) {
    this.vertx = vertx;
    this.config = config;
    this.embeddedPostgres = embeddedPostgres;
    this.embeddedRedis = embeddedRedis;
    this.pool = pool;
    this.background = background;
    this.redis = redis;
    this.signingKeys = signingKeys;
    this.personal = personal;
    this.calendar = calendar;
    this.licences = licences;
    this.plugins = plugins;
    this.notices = notices;
    this.calendarChanges = calendar.followChanges();
    Capabilities.Base base = new Capabilities.Base(vertx, config, pool, background, redis, personal, calendar,
        licences, plugins, notices);
    this.people = Capabilities.Identity.wire(base);
    this.oidc = new OidcService(vertx, pool, people.identity(), redis, config.tokenTtlSeconds(),
        config.oidcSessionHours());
    this.catalogue = Capabilities.Catalogue.wire(base);
    this.cases = Capabilities.Cases.wire(base, people, catalogue);
    this.combined = Capabilities.LifeEvents.wire(base, people, catalogue, cases);
    this.hotline = Capabilities.Hotline.wire(base, cases);
    this.oversight = Capabilities.Oversight.wire(base, cases, combined);
    this.hall = Capabilities.Hall.wire(base, people, catalogue, cases);
    this.ratings = Capabilities.ratings(base, cases, hall);
    this.intermediaries = Capabilities.intermediaries(base, people);
    this.reminders = Capabilities.reminders(base);
    this.operations = Capabilities.Operations.wire(base, people, catalogue, cases, SEALED_TABLES);
    // Folding the statistics is the job's; reading them (departmentStatistics) stays on the requests' pool.
    this.idempotencyExpiry = new IdempotencyExpiry(new ApplicationStore(background, personal, 1),
        new LifeEventStore(background), new ProjectStore(background), calendar.clock(),
        config.idempotencyRetentionHours());
    this.jobs = ScheduledJobs.start(vertx, config, new DepartmentStatistics(background), operations.relay(),
        operations.auditChain(), cases.deadlines(), ratings, hotline.deadlines(), hall.jobs(),
        oversight.disclosures(), reminders, intermediaries, idempotencyExpiry::pass,
        () -> signingKeys.pass(config.signingKeyMaxAgeDays()));
  }

  /** One pass of the idempotency-key expiry now (tests; the scheduled job runs it every scan interval). */
  public Future<Integer> expireIdempotencyKeys() {
    return idempotencyExpiry.pass();
  }

  /** Starts everything the configuration asks for, on the system clock. */
  public static Future<Platform> start(Vertx vertx, TongbanConfig config) {
    return start(vertx, config, Clock.system(CalendarService.ZONE));
  }

  /** Starts everything, telling time by {@code clock} (tests move it; production uses the system clock). */
  public static Future<Platform> start(Vertx vertx, TongbanConfig config, Clock clock) {
    // The personal-data keys first: a deployment without them stops here, before anything starts.
    return vertx.executeBlocking(() -> DataKeys.resolve(config), false)
        .compose(personal -> start(vertx, config, clock, personal));
  }

  private static Future<Platform> start(Vertx vertx, TongbanConfig config, Clock clock, PersonalData personal) {
    Future<Optional<EmbeddedPostgresServer>> pg = config.pgUrl().isPresent()
        ? Future.succeededFuture(Optional.empty())
        : vertx.executeBlocking(() -> Optional.of(EmbeddedPostgresServer.start(config.dataDir().resolve("pg"))),
            false);
    Future<Optional<EmbeddedRedisServer>> rd = config.redisUrl().isPresent()
        ? Future.succeededFuture(Optional.empty())
        : vertx.executeBlocking(() -> Optional.of(EmbeddedRedisServer.start(config.dataDir().resolve("redis"))),
            false);
    return Future.all(pg, rd).compose(started -> {
      String pgUrl = config.pgUrl().orElseGet(() -> pg.result().orElseThrow().url());
      String redisUrl = config.redisUrl().orElseGet(() -> rd.result().orElseThrow().url());
      return Database.migrate(vertx, pgUrl)
          .compose(v -> Redis.connect(vertx, redisUrl))
          .compose(redis -> {
            Pool pool = Database.pool(vertx, pgUrl, config.pgPoolSize());
            return DataKeys.check(pool, personal)
                .compose(v -> new Rewrap(pool, personal, SEALED_TABLES).legacy())
                .compose(sealed -> {
                  if (sealed > 0) {
                    LOG.info("sealed the personal data of " + sealed + " rows stored before encryption");
                  }
                  return new CatalogueImporter(vertx, new MatterStore(pool)).importBundled();
                })
                .compose(n -> config.demo() ? new DemoSeeder(vertx, pool, personal).seed() : Future.succeededFuture())
                .compose(v -> SigningKeys.load(vertx, pool, personal, config.tokenTtlSeconds()))
                .compose(key -> {
                  CalendarService calendar = new CalendarService(vertx, pool, clock);
                  // The licence library before the plugins: handlers read licences through it.
                  LicenceService licences = new LicenceService(vertx, pool, calendar, config.areaCode(),
                      personal, config.publicUrl());
                  return calendar.load()
                      .compose(c -> licences.ensureKey())
                      .compose(v -> config.demo() ? DemoSeeder.seedLicences(pool, licences, calendar.today())
                          : Future.succeededFuture())
                      .compose(v -> vertx.executeBlocking(() -> PluginHost.load(vertx, clock,
                          Optional.of(config.dataDir().resolve("plugins")), config.pluginSettings(), pool, personal,
                          licences::validOf), false))
                      // A plugin that does not start stops the platform start (the error names it).
                      .compose(plugins -> plugins.start()
                          .compose(v -> Notices.start(vertx, pgUrl, pool))
                          .map(notices -> new Platform(vertx, config, pg.result(), rd.result(), pool,
                              Database.pool(vertx, pgUrl, config.limits().backgroundPoolSize(), "background"), redis, key,
                              calendar, licences, plugins, personal, notices))
                          // 一件事: the bundled life events need the matters' published forms, so they come last.
                          .compose(p -> p.lifeEvents().importBundled().map(p).otherwise(e -> {
                            LOG.warning("bundled life events not imported: " + e);
                            return p;
                          }))
                          .compose(p -> p.projects().loadStages().map(p))
                          .compose(p -> config.demo() ? DemoSeeder.seedProject(pool, p.enterprises(), p.projects()).map(p)
                              : Future.succeededFuture(p))
                          .compose(p -> config.demo() && config.ratings().demoRatings()
                              ? DemoSeeder.seedRatings(pool, p.queue(), p.ratings()).map(p) : Future.succeededFuture(p))
                          .compose(p -> config.demo() ? IntermediaryDemo.seed(pool, p.intermediaries(), p.enterprises(),
                              calendar.today()).map(p) : Future.succeededFuture(p))
                          .compose(p -> config.demo() && config.demoSupervision()
                              ? DemoSeeder.seedSupervision(pool, p.matters(), p.applications(), p.lifecycle(),
                                  p.deadlines(), p.penalties(), calendar.today()).map(p)
                              : Future.succeededFuture(p))
                          .recover(e -> plugins.stop().transform(x -> Future.failedFuture(e))));
                });
          })
          .recover(e -> stopEmbedded(vertx, pg.result(), rd.result()).transform(x -> Future.failedFuture(e)));
    }, e -> {
      // One embedded server may have started while the other failed: stop what did start.
      return stopEmbedded(vertx, Optional.ofNullable(pg.result()).flatMap(o -> o),
          Optional.ofNullable(rd.result()).flatMap(o -> o)).transform(x -> Future.failedFuture(e));
    });
  }

  public TongbanConfig config() {
    return config;
  }

  public MatterService matters() {
    return catalogue.matters();
  }

  /** Submissions waiting for a commit slot, on this node (tests hold a commit back to make a batch form). */
  public int submissionsQueued() {
    return cases.store().submissionsQueued();
  }

  public ApplicationService applications() {
    return cases.applications();
  }

  public MatterAuthoringService authoring() {
    return catalogue.authoring();
  }

  public CalendarService calendar() {
    return calendar;
  }

  public AcceptanceReceipt receipts() {
    return cases.receipts();
  }

  public LifecycleService lifecycle() {
    return cases.lifecycle();
  }

  /** The data keys: which seals, what is still sealed with others, and the rewrap that finishes a rotation. */
  public DataKeyRotation dataKeys() {
    return operations.dataKeys();
  }

  public PersonalData personal() {
    return personal;
  }

  public LicenceService licences() {
    return licences;
  }

  public MaterialService materials() {
    return cases.materials();
  }

  public WeChatLogin wechat() {
    return people.wechat();
  }

  public OrganisationService organisation() {
    return people.organisation();
  }

  /** 主动提醒: the rules, a citizen's reminders and opt-outs, and the scan (tests run it by hand). */
  public ReminderService reminders() {
    return reminders;
  }

  /** The hall services' periodic pass (tests run it by hand on a moved clock). */
  public HallJobs hallJobs() {
    return hall.jobs();
  }

  public QueueService queue() {
    return hall.queue();
  }

  public PreRegistrationService preRegistrations() {
    return hall.preRegistrations();
  }

  public HomeVisitService homeVisits() {
    return hall.homeVisits();
  }

  public HallDutyService hallDuty() {
    return hall.hallDuty();
  }

  public HolidayRequestService holidayRequests() {
    return hall.holidayRequests();
  }

  public AppointmentService appointments() {
    return hall.appointments();
  }

  /** The pool requests use (the background jobs have their own); tests take all of it to show that. */
  public Pool pool() {
    return pool;
  }

  /** The GraphQL and public-lookup rates (docs/security.md, "Resource limits"). */
  public RateLimits rateLimits() {
    return people.rateLimits();
  }

  public AgentAuthorisations authorisations() {
    return cases.authorisations();
  }

  public DepartmentStatistics departmentStatistics() {
    return cases.departmentStatistics();
  }

  public SameCityStatistics sameCityStatistics() {
    return cases.sameCityStatistics();
  }

  public EnterpriseService enterprises() {
    return people.enterprises();
  }

  public OutboxRelay relay() {
    return operations.relay();
  }

  public SharedDatasets sharedDatasets() {
    return operations.sharedDatasets();
  }

  public AuditChain auditChain() {
    return operations.auditChain();
  }

  public DeadlineScanner deadlines() {
    return cases.deadlines();
  }

  public ProvisionalDueDates provisionalDueDates() {
    return cases.provisionalDueDates();
  }

  public DisclosureService disclosures() {
    return oversight.disclosures();
  }

  public PenaltyService penalties() {
    return oversight.penalties();
  }

  public ExportService exports() {
    return oversight.exports();
  }

  public RatingService ratings() {
    return ratings;
  }

  public IntermediaryService intermediaries() {
    return intermediaries;
  }

  /** 一件事一次办: life events and the applications made for them. */
  public ProjectService projects() {
    return combined.projects();
  }

  public LifeEventService lifeEvents() {
    return combined.lifeEvents();
  }

  /** 12345 work orders. */
  public WorkOrderService workOrders() {
    return hotline.workOrders();
  }

  /** The work orders' deadline scan (a periodic job; tests run a pass themselves). */
  /** 电子监察: warned items, timeliness, 问责. */
  public SupervisionService supervision() {
    return oversight.supervision();
  }

  public WorkOrderDeadlines workOrderDeadlines() {
    return hotline.deadlines();
  }

  public IdentityService identity() {
    return people.identity();
  }

  public OidcService oidc() {
    return oidc;
  }

  /** The token-signing keys as this node read them, their rotation and refresh. */
  public SigningKeys signingKeys() {
    return signingKeys;
  }

  /**
   * {@code UP} when PostgreSQL and Redis both answer within two seconds, {@code DEGRADED} when only Redis does
   * not, {@code DOWN} when PostgreSQL does not; the components say which failed.
   */
  public Future<JsonObject> health() {
    Future<Object> db = Database.ping(pool).map(r -> (Object) "UP")
        .timeout(2, TimeUnit.SECONDS);
    Future<Object> cache = redis.ping().map(r -> (Object) "UP").timeout(2, TimeUnit.SECONDS);
    return Future.join(db, cache).transform(ar -> {
      JsonObject components = new JsonObject()
          .put("postgres", component(db))
          .put("redis", component(cache));
      // Without Redis only sign-in stops (tokens are checked against the database): degraded, not down.
      String status = !db.succeeded() ? "DOWN" : cache.succeeded() ? "UP" : "DEGRADED";
      return Future.succeededFuture(new JsonObject().put("status", status).put("components", components)
          .put("demo", config.demo()));
    });
  }

  private static JsonObject component(Future<Object> f) {
    return f.succeeded() ? new JsonObject().put("status", "UP")
        : new JsonObject().put("status", "DOWN").put("error", String.valueOf(f.cause().getMessage()));
  }

  /**
   * Stops the scheduled jobs (the outbox relay among them), then the plugins (in reverse order, each with a
   * time limit), closes the pool and Redis connection, then stops the embedded servers.
   */
  public Future<Void> close() {
    calendarChanges.unregister();
    return jobs.stop()
        .transform(x -> notices.close())
        .transform(x -> plugins.stop())
        .transform(x -> Future.join(pool.close(), background.close(), redis.close()))
        .transform(ar -> stopEmbedded(vertx, embeddedPostgres, embeddedRedis));
  }

  private static Future<Void> stopEmbedded(Vertx vertx, Optional<EmbeddedPostgresServer> pg,
      Optional<EmbeddedRedisServer> redis) {
    return vertx.executeBlocking(() -> {
      for (AutoCloseable c : new AutoCloseable[] {redis.orElse(null), pg.orElse(null)}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping an embedded server failed", e);
          }
        }
      }
      return null;
    }, false);
  }
}
