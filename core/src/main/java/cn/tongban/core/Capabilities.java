package cn.tongban.core;

import cn.tongban.core.access.RateLimits;
import cn.tongban.core.agency.AgentAuthorisations;
import cn.tongban.core.agency.SameCityStatistics;
import cn.tongban.core.application.AcceptanceReceipt;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.application.ApplicationStore;
import cn.tongban.core.application.DeadlineScanner;
import cn.tongban.core.application.DepartmentStatistics;
import cn.tongban.core.application.LifecycleService;
import cn.tongban.core.application.ProvisionalDueDates;
import cn.tongban.core.audit.AuditChain;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.config.TongbanConfig;
import cn.tongban.core.disclosure.DisclosureService;
import cn.tongban.core.disclosure.DisclosureStore;
import cn.tongban.core.disclosure.ExportService;
import cn.tongban.core.disclosure.PenaltyService;
import cn.tongban.core.disclosure.PenaltyStore;
import cn.tongban.core.form.DefinitionChecker;
import cn.tongban.core.form.FormDataChecker;
import cn.tongban.core.form.FormValidator;
import cn.tongban.core.hall.AppointmentService;
import cn.tongban.core.hall.HallDutyService;
import cn.tongban.core.hall.HallJobs;
import cn.tongban.core.hall.HolidayRequestService;
import cn.tongban.core.hall.HomeVisitService;
import cn.tongban.core.hall.PreRegistrationService;
import cn.tongban.core.hall.QueueService;
import cn.tongban.core.hotline.WorkOrderDeadlines;
import cn.tongban.core.hotline.WorkOrderService;
import cn.tongban.core.hotline.WorkOrderStore;
import cn.tongban.core.identity.EnterpriseService;
import cn.tongban.core.identity.IdentityService;
import cn.tongban.core.identity.IdentityStore;
import cn.tongban.core.identity.OrganisationService;
import cn.tongban.core.identity.WeChatLogin;
import cn.tongban.core.infra.Notices;
import cn.tongban.core.infra.Redis;
import cn.tongban.core.intermediary.IntermediaryService;
import cn.tongban.core.intermediary.IntermediaryStore;
import cn.tongban.core.licence.LicenceService;
import cn.tongban.core.lifeevent.CombinedApplication;
import cn.tongban.core.lifeevent.LifeEventService;
import cn.tongban.core.lifeevent.LifeEventStore;
import cn.tongban.core.material.EicarScanner;
import cn.tongban.core.material.MaterialService;
import cn.tongban.core.matter.MatterAuthoringService;
import cn.tongban.core.matter.MatterService;
import cn.tongban.core.matter.MatterStore;
import cn.tongban.core.outbox.OutboxRelay;
import cn.tongban.core.plugin.PluginHost;
import cn.tongban.core.privacy.DataKeyRotation;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.Rewrap;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.proactive.ReminderService;
import cn.tongban.core.proactive.ReminderStore;
import cn.tongban.core.project.ProjectService;
import cn.tongban.core.project.ProjectStore;
import cn.tongban.core.rating.RatingService;
import cn.tongban.core.rating.RatingStore;
import cn.tongban.core.sharing.SharedDatasets;
import cn.tongban.core.supervision.SupervisionService;
import cn.tongban.core.supervision.SupervisionStore;
import cn.tongban.plugin.MaterialScanner;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The wiring of each capability, one record per capability: its services made from what it needs (the
 * shared {@link Base} and the capabilities wired before it). {@link Platform} lists them in order. A new
 * capability adds its record here and one line in Platform's constructor (docs/architecture.md).
 */
final class Capabilities {
  private Capabilities() {
  }

  /** What every capability may use: the node, its configuration, the pools, Redis and the shared services. */
  record Base(Vertx vertx, TongbanConfig config, Pool pool, Pool background, Redis redis, PersonalData personal,
      CalendarService calendar, LicenceService licences, PluginHost plugins, Notices notices) {
  }

  /** Accounts, sign-in, enterprises, the organisation, WeChat sign-in and the request rates. */
  record Identity(IdentityService identity, EnterpriseService enterprises, OrganisationService organisation,
      WeChatLogin wechat, RateLimits rateLimits) {
    static Identity wire(Base b) {
      TongbanConfig config = b.config();
      IdentityService identity = new IdentityService(b.vertx(), new IdentityStore(b.pool(), b.personal()), b.redis(),
          config, b.notices());
      return new Identity(identity,
          new EnterpriseService(b.pool(), b.personal(), b.plugins()::sharedRecord),
          new OrganisationService(b.vertx(), b.pool(), b.personal(), identity),
          new WeChatLogin(b.vertx(), b.pool(), b.personal(), config.wechatCode2SessionUrl(), config.wechatAppId(),
              config.wechatSecret(), config.demo()),
          new RateLimits(b.redis(), config.limits()));
    }
  }

  /** The matter catalogue, its forms' validation and authoring. */
  record Catalogue(MatterStore store, MatterService matters, FormValidator validator, FormDataChecker dataChecker,
      MatterAuthoringService authoring) {
    static Catalogue wire(Base b) {
      MatterStore store = new MatterStore(b.pool());
      FormValidator validator = new FormValidator();
      MatterService matters = new MatterService(store, b.notices());
      return new Catalogue(store, matters, validator, new FormDataChecker(validator, b.plugins()),
          // No form-handler plugins are installed yet: a definition naming one is refused at publishing.
          new MatterAuthoringService(store,
              new DefinitionChecker(validator, b.plugins().configSchemas(), b.plugins().configChecks()),
              validator, matters::announceChange));
    }
  }

  /**
   * Cases: submission, the lifecycle, receipts, materials, 代办 authorisations, the deadline scan, provisional
   * due dates and the case statistics.
   */
  record Cases(ApplicationStore store, ApplicationService applications, LifecycleService lifecycle,
      AcceptanceReceipt receipts, MaterialService materials, AgentAuthorisations authorisations,
      DeadlineScanner deadlines, ProvisionalDueDates provisionalDueDates, SameCityStatistics sameCityStatistics,
      DepartmentStatistics departmentStatistics) {
    static Cases wire(Base b, Identity people, Catalogue catalogue) {
      TongbanConfig config = b.config();
      Pool pool = b.pool();
      PersonalData personal = b.personal();
      CalendarService calendar = b.calendar();
      // At most TONGBAN_SUBMIT_IN_FLIGHT submission statements at once; the submissions arriving meanwhile share
      // the next commit (docs/architecture.md, "A submission, end to end").
      ApplicationStore applicationStore = new ApplicationStore(pool, personal, config.submitInFlight());
      List<MaterialScanner> scanners = new ArrayList<>(List.of(new EicarScanner()));
      scanners.addAll(b.plugins().scanners());
      MaterialService.VisibleCases visibleCases = (caller, number) -> applicationStore.find(caller, number)
          .map(found -> found.map(a -> new MaterialService.VisibleCase(a.matterCode(), a.applicant(), a.submittedBy(),
              a.sameCity().agency().map(x -> x.getString("origin")))));
      // The evidence of an authorisation staff record is a file they uploaded (materials are made just below).
      MaterialService[] materials = new MaterialService[1];
      AgentAuthorisations authorisations = new AgentAuthorisations(pool, people.identity(), calendar, personal,
          b.plugins()::sharedRecord, (id, kind, owner, by) -> materials[0].uploadedBy(id, kind, owner, by));
      materials[0] = new MaterialService(b.vertx(), pool, calendar, visibleCases, authorisations::authorisedAt,
          catalogue.store(), b.licences(), scanners, config.materialLimitBytes(), config.materialValidDays(),
          personal);
      ApplicationService applications = new ApplicationService(catalogue.matters(), applicationStore,
          people.identity(), catalogue.dataChecker(), calendar, people.enterprises(), config.areaCode(),
          config.realNameLevels(), materials[0], authorisations);
      LifecycleService lifecycle = new LifecycleService(applicationStore, catalogue.store(), catalogue.dataChecker(),
          calendar);
      ProvisionalDueDates provisionalDueDates = new ProvisionalDueDates(applicationStore, calendar);
      calendar.onYearChanged(provisionalDueDates::recompute);
      return new Cases(applicationStore, applications, lifecycle,
          new AcceptanceReceipt(people.organisation()::hallName, applicationStore, catalogue.store(), materials[0]),
          materials[0], authorisations,
          // Background work reads and writes through stores on the background pool: the same statements on other
          // connections, so that a flood of requests cannot starve it (docs/security.md, "Resource limits").
          // Services with a periodic pass take their store twice, one on each pool.
          new DeadlineScanner(new ApplicationStore(b.background(), personal, 1), calendar),
          provisionalDueDates, new SameCityStatistics(pool, calendar), new DepartmentStatistics(pool));
    }
  }

  /** 一件事一次办 and 工程建设项目: several matters applied for together. */
  record LifeEvents(LifeEventService lifeEvents, ProjectService projects) {
    static LifeEvents wire(Base b, Identity people, Catalogue catalogue, Cases cases) {
      return new LifeEvents(
          new LifeEventService(b.vertx(), new LifeEventStore(b.pool()), catalogue.matters(), cases.applications(),
              catalogue.validator(), b.personal(), b.calendar().clock()),
          new ProjectService(b.vertx(), new ProjectStore(b.pool()), new ProjectStore(b.background()),
              catalogue.matters(),
              new CombinedApplication(catalogue.matters(), cases.applications(), catalogue.validator()),
              people.enterprises(), b.personal(), b.calendar()));
    }
  }

  /** 12345 work orders and their deadline scan. */
  record Hotline(WorkOrderService workOrders, WorkOrderDeadlines deadlines) {
    static Hotline wire(Base b, Cases cases) {
      return new Hotline(
          new WorkOrderService(new WorkOrderStore(b.pool(), b.personal()), b.calendar(), b.config().hotlineDeadlines(),
              cases.lifecycle()::progress, cases.lifecycle()::progressOfPhone),
          // The work orders' deadline scan, like the case scan, on the background pool.
          new WorkOrderDeadlines(new WorkOrderStore(b.background(), b.personal()), b.calendar()));
    }
  }

  /**
   * 电子监察 and 问责, 双公示 and the exports. 问责 follows every scan (periodic or on demand): a red card it
   * raised opens its accountability at once; 工程建设项目: the stage clocks' warnings follow every scan as well
   * (each raised once by its unique row).
   */
  record Oversight(SupervisionService supervision, DisclosureService disclosures, PenaltyService penalties,
      ExportService exports) {
    static Oversight wire(Base b, Cases cases, LifeEvents lifeEvents) {
      SupervisionService supervision = new SupervisionService(new SupervisionStore(b.pool()),
          new SupervisionStore(b.background()), b.calendar(),
          b.config().accountabilityExplainDays());
      cases.deadlines().afterScan(() -> supervision.scan().compose(r -> lifeEvents.projects().scan()
          .map(p -> r.put("stageWarningsRaised", p.getInteger("warningsRaised")))));
      DisclosureService disclosures = new DisclosureService(new DisclosureStore(b.pool(), b.personal()),
          new DisclosureStore(b.background(), b.personal()), b.calendar());
      return new Oversight(supervision, disclosures,
          new PenaltyService(new PenaltyStore(b.pool(), b.personal()), disclosures, b.calendar()),
          new ExportService(b.pool(), b.personal()));
    }
  }

  /** Hall services: opening hours, appointments, queue numbers, pre-registration, home visits, duty, holidays. */
  record Hall(AppointmentService appointments, QueueService queue, PreRegistrationService preRegistrations,
      HomeVisitService homeVisits, HallDutyService hallDuty, HolidayRequestService holidayRequests, HallJobs jobs) {
    static Hall wire(Base b, Identity people, Catalogue catalogue, Cases cases) {
      TongbanConfig config = b.config();
      Pool pool = b.pool();
      CalendarService calendar = b.calendar();
      AppointmentService appointments = new AppointmentService(pool, b.background(), calendar, catalogue.matters(),
          people.identity(),
          config);
      QueueService queue = new QueueService(pool, calendar, appointments, config.hall().ticketLeadMinutes());
      PreRegistrationService preRegistrations = new PreRegistrationService(pool, b.background(), b.personal(),
          catalogue.matters(),
          people.identity(), catalogue.dataChecker(), cases.applications(), queue, calendar,
          config.hall().preRegistrationDays());
      HomeVisitService homeVisits = new HomeVisitService(pool, b.background(), b.personal(), catalogue.matters(),
          people.identity(),
          cases.applications(), calendar, appointments, config.hall().homeVisitDays());
      return new Hall(appointments, queue, preRegistrations, homeVisits,
          new HallDutyService(pool, appointments, calendar),
          new HolidayRequestService(pool, appointments, calendar, catalogue.matters(), people.identity(), config.hall()),
          new HallJobs(appointments, preRegistrations, homeVisits));
    }
  }

  /** 好差评: it reads a hall visit through {@link RatingService.Visits}, so rating does not depend on the hall. */
  static RatingService ratings(Base b, Cases cases, Hall hall) {
    QueueService queue = hall.queue();
    RatingService.Visits visits = (h, day, number) -> queue.visit(h, day, number).map(found -> found.map(t ->
        new RatingService.Visit(t.getString("id"), h, day, number, t.getString("status"),
            Optional.ofNullable(t.getString("matterCode")), Optional.ofNullable(t.getString("departmentCode")),
            Optional.ofNullable(t.getString("windowCode")), Optional.ofNullable(t.getString("calledBy")),
            Optional.ofNullable(t.getString("accountId")),
            Optional.ofNullable(t.getValue("finishedAt")).map(f -> f instanceof OffsetDateTime o ? o
                : OffsetDateTime.parse(f.toString())))));
    return new RatingService(new RatingStore(b.pool(), b.personal()), new RatingStore(b.background(), b.personal()),
        cases.applications(), cases.authorisations(),
        visits, b.calendar(), b.config().ratings());
  }

  /** 网上中介超市. */
  static IntermediaryService intermediaries(Base b, Identity people) {
    return new IntermediaryService(new IntermediaryStore(b.pool()), new IntermediaryStore(b.background()),
        people.enterprises(), b.calendar(),
        b.config().intermediaryBlacklistBelow());
  }

  /** 主动提醒. */
  static ReminderService reminders(Base b) {
    return new ReminderService(new ReminderStore(b.pool(), b.personal()), new ReminderStore(b.background(), b.personal()),
        b.calendar().clock(), b.config().publicUrl());
  }

  /** Running the platform: the outbox relay, the audit chain, the data keys and their rewrap, shared datasets. */
  record Operations(OutboxRelay relay, AuditChain auditChain, DataKeyRotation dataKeys, SharedDatasets sharedDatasets) {
    static Operations wire(Base b, Identity people, Catalogue catalogue, Cases cases, List<SealedTable> sealed) {
      TongbanConfig config = b.config();
      Pool background = b.background();
      // What the relay calls (licence issue, decisions by rule, handlers' and sinks' reads, recipients' phones) on
      // the background pool too: instances of their own, the services holding no state of their own.
      ApplicationStore backgroundCases = new ApplicationStore(background, b.personal(), 1);
      MatterStore backgroundMatters = new MatterStore(background);
      LicenceService backgroundLicences = new LicenceService(b.vertx(), background, b.calendar(), config.areaCode(),
          b.personal(), config.publicUrl());
      IdentityStore backgroundAccounts = new IdentityStore(background, b.personal());
      return new Operations(
          new OutboxRelay(b.vertx(), background, backgroundCases, backgroundMatters, b.plugins(),
              new PluginHost.Reads(background, backgroundLicences::validOf), backgroundLicences,
              new LifecycleService(backgroundCases, backgroundMatters, catalogue.dataChecker(), b.calendar()),
              config.outboxMaxAttempts(), config.outboxBackoffMillis(), config.outboxLeaseSeconds(),
              account -> backgroundAccounts.findById(account).map(a -> a.flatMap(x -> x.phone()))),
          new AuditChain(b.background()),
          new DataKeyRotation(b.pool(), b.personal(), new Rewrap(b.pool(), b.personal(), sealed)),
          new SharedDatasets(b.pool(), b.personal()));
    }
  }
}
