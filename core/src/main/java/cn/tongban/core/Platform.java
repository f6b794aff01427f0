package cn.tongban.core;

import cn.tongban.core.access.RateLimits;
import cn.tongban.core.agency.AgentAuthorisations;
import cn.tongban.core.agency.SameCityStatistics;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.audit.AuditChain;
import cn.tongban.core.application.ApplicationStore;
import cn.tongban.core.application.DeadlineScanner;
import cn.tongban.core.application.ProvisionalDueDates;
import cn.tongban.core.disclosure.DisclosureService;
import cn.tongban.core.disclosure.DisclosureStore;
import cn.tongban.core.disclosure.ExportService;
import cn.tongban.core.disclosure.PenaltyService;
import cn.tongban.core.disclosure.PenaltyStore;
import cn.tongban.core.proactive.ReminderService;
import cn.tongban.core.proactive.ReminderStore;
import cn.tongban.core.intermediary.IntermediaryService;
import cn.tongban.core.intermediary.IntermediaryStore;
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
import cn.tongban.core.lifeevent.LifeEventStore;
import cn.tongban.core.lifeevent.CombinedApplication;
import cn.tongban.core.project.ProjectService;
import cn.tongban.core.project.ProjectStore;
import cn.tongban.core.hotline.WorkOrderDeadlines;
import cn.tongban.core.hotline.WorkOrderService;
import cn.tongban.core.hotline.WorkOrderStore;
import cn.tongban.core.supervision.SupervisionService;
import cn.tongban.core.supervision.SupervisionStore;
import cn.tongban.core.form.DefinitionChecker;
import cn.tongban.core.form.FormDataChecker;
import cn.tongban.core.form.FormValidator;
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
import cn.tongban.core.infra.Redis;
import cn.tongban.core.licence.Licence;
import cn.tongban.core.licence.LicenceService;
import cn.tongban.core.material.EicarScanner;
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
import cn.tongban.core.sharing.SharedDatasets;
import cn.tongban.plugin.MaterialScanner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The running core: stores, services and the servers they use. Starting it brings up embedded
 * PostgreSQL and Redis unless URLs are configured, migrates the schema, imports the bundled catalogue and,
 * in demo mode, seeds the demo accounts. All blocking work runs on worker threads.
 */
public final class Platform {
  /** Every table with sealed personal data, each declared by the store that owns it. */
  private static final List<SealedTable> SEALED_TABLES = List.of(IdentityStore.SEALED, ApplicationStore.SEALED,
      Licence.SEALED, MaterialService.SEALED, AgentAuthorisations.SEALED, ApplicationStore.SEALED_CREDIT,
      SigningKeys.SEALED, LicenceService.SEALED_KEYS, PluginHost.SEALED_SHARED, WorkOrderStore.SEALED,
      PreRegistrationService.SEALED, HomeVisitService.SEALED, RatingStore.SEALED, PenaltyStore.SEALED);

  private static final Logger LOG = Logger.getLogger(Platform.class.getName());

  private final Vertx vertx;
  private final TongbanConfig config;
  private final Optional<EmbeddedPostgresServer> embeddedPostgres;
  private final Optional<EmbeddedRedisServer> embeddedRedis;
  private final Pool pool;
  /** The background jobs' own connections (relay, audit sealing, deadline scan): a flood of requests cannot take them. */
  private final Pool background;
  private final RateLimits rateLimits;
  private final Redis redis;
  private final SigningKeys.Pem signingKey;
  private final OidcService oidc;
  private final MatterService matters;
  private final ApplicationService applications;
  private final IdentityService identity;
  private final MatterAuthoringService authoring;
  private final CalendarService calendar;
  private final LifecycleService lifecycle;
  private final AcceptanceReceipt receipts;
  private final DeadlineScanner deadlines;
  private final ProvisionalDueDates provisionalDueDates;
  private final RatingService ratings;
  private final IntermediaryService intermediaries;
  private final LifeEventService lifeEvents;
  private final ProjectService projects;
  private final DisclosureService disclosures;
  private final PenaltyService penalties;
  private final ExportService exports;
  private final ReminderService reminders;
  private final WorkOrderService workOrders;
  private final WorkOrderDeadlines workOrderDeadlines;
  private final SupervisionService supervision;
  private final EnterpriseService enterprises;
  private final OrganisationService organisation;
  private final AgentAuthorisations authorisations;
  private final SameCityStatistics sameCityStatistics;
  private final DepartmentStatistics departmentStatistics;
  private final WeChatLogin wechat;
  private final LicenceService licences;
  private final MaterialService materials;
  private final OutboxRelay relay;
  private final SharedDatasets sharedDatasets;
  private final PersonalData personal;
  private final DataKeyRotation dataKeys;
  private final AuditChain auditChain;
  private final MessageConsumer<String> calendarChanges;
  private final ScheduledJobs jobs;
  private final PluginHost plugins;
  private final AppointmentService appointments;
  private final HallJobs hallJobs;
  private final QueueService queue;
  private final PreRegistrationService preRegistrations;
  private final HomeVisitService homeVisits;
  private final HallDutyService hallDuty;
  private final HolidayRequestService holidayRequests;

  private Platform(Vertx vertx, TongbanConfig config, Optional<EmbeddedPostgresServer> embeddedPostgres,
      Optional<EmbeddedRedisServer> embeddedRedis, Pool pool, Pool background, Redis redis,
      SigningKeys.Pem signingKey, CalendarService calendar, LicenceService licences, PluginHost plugins,
      PersonalData personal) {
    this.vertx = vertx;
    this.plugins = plugins;
    this.personal = personal;
    this.config = config;
    this.embeddedPostgres = embeddedPostgres;
    this.embeddedRedis = embeddedRedis;
    this.pool = pool;
    this.background = background;
    this.redis = redis;
    this.rateLimits = new RateLimits(redis, config.limits());
    this.signingKey = signingKey;
    this.calendar = calendar;
    this.calendarChanges = calendar.followChanges();
    MatterStore matterStore = new MatterStore(pool);
    this.matters = new MatterService(matterStore);
    this.identity = new IdentityService(vertx, new IdentityStore(pool, personal), redis, config);
    this.oidc = new OidcService(vertx, pool, identity, redis, config.tokenTtlSeconds());
    FormValidator validator = new FormValidator();
    // At most TONGBAN_SUBMIT_IN_FLIGHT submission statements at once; the submissions arriving meanwhile share
    // the next commit (docs/architecture.md, "A submission, end to end").
    ApplicationStore applicationStore = new ApplicationStore(pool, personal, config.submitInFlight());
    this.enterprises = new EnterpriseService(pool, personal, plugins::sharedRecord);
    this.organisation = new OrganisationService(vertx, pool, personal, identity);
    this.wechat = new WeChatLogin(vertx, pool, personal, config.wechatCode2SessionUrl(), config.wechatAppId(),
        config.wechatSecret());
    FormDataChecker dataChecker = new FormDataChecker(validator, plugins);
    this.licences = licences;
    List<MaterialScanner> scanners = new ArrayList<>(List.of(new EicarScanner()));
    scanners.addAll(plugins.scanners());
    MaterialService.VisibleCases visibleCases = (caller, number) -> applicationStore.find(caller, number)
        .map(found -> found.map(a -> new MaterialService.VisibleCase(a.matterCode(), a.applicant(), a.submittedBy(),
            a.sameCity().agency().map(x -> x.getString("origin")))));
    // The evidence of an authorisation staff record is a file they uploaded (materials are made just below).
    this.authorisations = new AgentAuthorisations(pool, identity, calendar, personal, plugins::sharedRecord,
        (id, kind, owner, by) -> materials().uploadedBy(id, kind, owner, by));
    this.materials = new MaterialService(vertx, pool, calendar, visibleCases, authorisations::authorisedAt,
        matterStore, licences, scanners, config.materialLimitBytes(), config.materialValidDays(), personal);
    this.sameCityStatistics = new SameCityStatistics(pool, calendar);
    this.departmentStatistics = new DepartmentStatistics(pool);
    this.applications = new ApplicationService(matters, applicationStore, identity, dataChecker, calendar,
        enterprises, config.areaCode(), config.realNameLevels(), materials, authorisations);
    this.lifecycle = new LifecycleService(applicationStore, matterStore, dataChecker, calendar);
    this.receipts = new AcceptanceReceipt(organisation::hallName, applicationStore, matterStore, materials);
    // The scan reads and writes cases through a store on the background pool (same statements, other connections).
    this.deadlines = new DeadlineScanner(new ApplicationStore(background, personal, 1), calendar);
    this.provisionalDueDates = new ProvisionalDueDates(applicationStore, calendar);
    calendar.onYearChanged(provisionalDueDates::recompute);
    this.lifeEvents = new LifeEventService(vertx, new LifeEventStore(pool), matters, applications, validator,
        calendar.clock());
    this.projects = new ProjectService(vertx, new ProjectStore(pool), matters,
        new CombinedApplication(matters, applications, validator), enterprises, calendar);
    WorkOrderStore workOrderStore = new WorkOrderStore(pool, personal);
    this.workOrders = new WorkOrderService(workOrderStore, calendar, config.hotlineDeadlines(), lifecycle::progress,
        lifecycle::progressOfPhone);
    // The work orders' deadline scan, like the case scan, on the background pool.
    this.workOrderDeadlines = new WorkOrderDeadlines(new WorkOrderStore(background, personal), calendar);
    this.supervision = new SupervisionService(new SupervisionStore(pool), calendar,
        config.accountabilityExplainDays());
    // 问责 follows every scan (periodic or on demand): a red card it raised opens its accountability at once.
    // 工程建设项目: the stage clocks' warnings follow every scan as well (each raised once by its unique row).
    deadlines.afterScan(() -> supervision.scan().compose(r -> projects.scan()
        .map(p -> r.put("stageWarningsRaised", p.getInteger("warningsRaised")))));
    this.sharedDatasets = new SharedDatasets(pool, personal);
    this.dataKeys = new DataKeyRotation(pool, personal, new Rewrap(pool, personal, SEALED_TABLES));
    this.relay = new OutboxRelay(vertx, background, applicationStore, matterStore, plugins, licences, lifecycle,
        config.outboxMaxAttempts(), config.outboxBackoffMillis(), config.outboxLeaseSeconds(),
        account -> identity.account(account).map(a -> a.flatMap(x -> x.phone())));
    this.auditChain = new AuditChain(background);
    // No form-handler plugins are installed yet: a definition naming one is refused at publishing.
    this.authoring = new MatterAuthoringService(matterStore,
        new DefinitionChecker(validator, plugins.configSchemas(), plugins.configChecks()), validator);
    this.appointments = new AppointmentService(pool, calendar, matters, identity, config);
    this.queue = new QueueService(pool, calendar, appointments, config.hall().ticketLeadMinutes());
    // 好差评 reads a hall visit through this, so that rating does not depend on the hall services.
    RatingService.Visits visits = (hall, day, number) -> queue.visit(hall, day, number).map(found -> found.map(t ->
        new RatingService.Visit(t.getString("id"), hall, day, number, t.getString("status"),
            Optional.ofNullable(t.getString("matterCode")), Optional.ofNullable(t.getString("departmentCode")),
            Optional.ofNullable(t.getString("windowCode")), Optional.ofNullable(t.getString("calledBy")),
            Optional.ofNullable(t.getString("accountId")),
            Optional.ofNullable(t.getValue("finishedAt")).map(f -> f instanceof OffsetDateTime o ? o
                : OffsetDateTime.parse(f.toString())))));
    this.ratings = new RatingService(new RatingStore(pool, personal), applications, authorisations, visits, calendar,
        config.ratings());
    this.preRegistrations = new PreRegistrationService(pool, personal, matters, identity, dataChecker, applications,
        queue, calendar, config.hall().preRegistrationDays());
    this.homeVisits = new HomeVisitService(pool, personal, matters, identity, applications, calendar, appointments,
        config.hall().homeVisitDays());
    this.hallDuty = new HallDutyService(pool, appointments, calendar);
    this.holidayRequests = new HolidayRequestService(pool, appointments, calendar, matters, identity, config.hall());
    this.hallJobs = new HallJobs(appointments, preRegistrations, homeVisits);
    this.disclosures = new DisclosureService(new DisclosureStore(pool, personal), calendar);
    this.penalties = new PenaltyService(new PenaltyStore(pool, personal), disclosures, calendar);
    this.exports = new ExportService(pool, personal);
    this.reminders = new ReminderService(new ReminderStore(pool, personal), calendar.clock(), config.publicUrl());
    this.intermediaries = new IntermediaryService(new IntermediaryStore(pool), enterprises, calendar,
        config.intermediaryBlacklistBelow());
    // Folding the statistics is the job's; reading them (departmentStatistics) stays on the requests' pool.
    this.jobs = ScheduledJobs.start(vertx, config, new DepartmentStatistics(background), relay, auditChain, deadlines,
        ratings, workOrderDeadlines, hallJobs, disclosures, reminders, intermediaries);
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
                .compose(v -> SigningKeys.load(vertx, pool, personal))
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
                          Optional.of(config.dataDir().resolve("plugins")), config.settings(), pool, personal,
                          licences::validOf), false))
                      // A plugin that does not start stops the platform start (the error names it).
                      .compose(plugins -> plugins.start()
                          .map(v -> new Platform(vertx, config, pg.result(), rd.result(), pool,
                              Database.pool(vertx, pgUrl, config.limits().backgroundPoolSize()), redis, key,
                              calendar, licences, plugins, personal))
                          // 一件事: the bundled life events need the matters' published forms, so they come last.
                          .compose(p -> p.lifeEvents.importBundled().map(p).otherwise(e -> {
                            LOG.warning("bundled life events not imported: " + e);
                            return p;
                          }))
                          .compose(p -> p.projects.loadStages().map(p))
                          .compose(p -> config.demo() ? DemoSeeder.seedProject(pool, p.enterprises, p.projects).map(p)
                              : Future.succeededFuture(p))
                          .compose(p -> config.demo() && config.ratings().demoRatings()
                              ? DemoSeeder.seedRatings(pool, p.queue, p.ratings).map(p) : Future.succeededFuture(p))
                          .compose(p -> config.demo() ? IntermediaryDemo.seed(pool, p.intermediaries, p.enterprises,
                              calendar.today()).map(p) : Future.succeededFuture(p))
                          .compose(p -> config.demo() && config.demoSupervision()
                              ? DemoSeeder.seedSupervision(pool, p.matters, p.applications, p.lifecycle, p.deadlines,
                                  p.penalties, calendar.today()).map(p)
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
    return matters;
  }

  public ApplicationService applications() {
    return applications;
  }

  public MatterAuthoringService authoring() {
    return authoring;
  }

  public CalendarService calendar() {
    return calendar;
  }

  public AcceptanceReceipt receipts() {
    return receipts;
  }

  public LifecycleService lifecycle() {
    return lifecycle;
  }

  /** The data keys: which seals, what is still sealed with others, and the rewrap that finishes a rotation. */
  public DataKeyRotation dataKeys() {
    return dataKeys;
  }

  public PersonalData personal() {
    return personal;
  }

  public LicenceService licences() {
    return licences;
  }

  public MaterialService materials() {
    return materials;
  }

  public WeChatLogin wechat() {
    return wechat;
  }

  public OrganisationService organisation() {
    return organisation;
  }

  /** 主动提醒: the rules, a citizen's reminders and opt-outs, and the scan (tests run it by hand). */
  public ReminderService reminders() {
    return reminders;
  }

  /** The hall services' periodic pass (tests run it by hand on a moved clock). */
  public HallJobs hallJobs() {
    return hallJobs;
  }

  public QueueService queue() {
    return queue;
  }

  public PreRegistrationService preRegistrations() {
    return preRegistrations;
  }

  public HomeVisitService homeVisits() {
    return homeVisits;
  }

  public HallDutyService hallDuty() {
    return hallDuty;
  }

  public HolidayRequestService holidayRequests() {
    return holidayRequests;
  }

  public AppointmentService appointments() {
    return appointments;
  }

  /** The pool requests use (the background jobs have their own); tests take all of it to show that. */
  public Pool pool() {
    return pool;
  }

  /** The GraphQL and public-lookup rates (docs/security.md, "Resource limits"). */
  public RateLimits rateLimits() {
    return rateLimits;
  }

  public AgentAuthorisations authorisations() {
    return authorisations;
  }

  public DepartmentStatistics departmentStatistics() {
    return departmentStatistics;
  }

  public SameCityStatistics sameCityStatistics() {
    return sameCityStatistics;
  }

  public EnterpriseService enterprises() {
    return enterprises;
  }

  public OutboxRelay relay() {
    return relay;
  }

  public SharedDatasets sharedDatasets() {
    return sharedDatasets;
  }

  public AuditChain auditChain() {
    return auditChain;
  }

  public DeadlineScanner deadlines() {
    return deadlines;
  }

  public ProvisionalDueDates provisionalDueDates() {
    return provisionalDueDates;
  }

  public DisclosureService disclosures() {
    return disclosures;
  }

  public PenaltyService penalties() {
    return penalties;
  }

  public ExportService exports() {
    return exports;
  }

  public RatingService ratings() {
    return ratings;
  }

  public IntermediaryService intermediaries() {
    return intermediaries;
  }

  /** 一件事一次办: life events and the applications made for them. */
  public ProjectService projects() {
    return projects;
  }

  public LifeEventService lifeEvents() {
    return lifeEvents;
  }

  /** 12345 work orders. */
  public WorkOrderService workOrders() {
    return workOrders;
  }

  /** The work orders' deadline scan (a periodic job; tests run a pass themselves). */
  /** 电子监察: warned items, timeliness, 问责. */
  public SupervisionService supervision() {
    return supervision;
  }

  public WorkOrderDeadlines workOrderDeadlines() {
    return workOrderDeadlines;
  }

  public IdentityService identity() {
    return identity;
  }

  public OidcService oidc() {
    return oidc;
  }

  public SigningKeys.Pem signingKey() {
    return signingKey;
  }

  /**
   * {@code UP} when PostgreSQL and Redis both answer within two seconds, {@code DEGRADED} when only Redis does
   * not, {@code DOWN} when PostgreSQL does not; the components say which failed.
   */
  public Future<JsonObject> health() {
    Future<Object> db = pool.query("select 1").execute().map(r -> (Object) "UP")
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
