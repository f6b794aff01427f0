package cn.tongban.gateway.rest;

import cn.tongban.core.Platform;
import cn.tongban.gateway.auth.Authentication;
import cn.tongban.gateway.auth.TokenService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;

import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.HashMap;
import java.util.Map;

/**
 * REST from the contract: the router is built from api-schema's OpenAPI document, which validates every
 * request; each operation id maps to a thin handler over the core services. An operation is public only
 * when the contract says {@code security: []}.
 */
public final class RestApi {
  private final Router router;
  private final Handler<RoutingContext> tokenFromForm;

  private RestApi(Router router, Handler<RoutingContext> tokenFromForm) {
    this.router = router;
    this.tokenFromForm = tokenFromForm;
  }

  public Router router() {
    return router;
  }

  /** The token endpoint for form-encoded bodies, which the contract validator does not read. */
  public Handler<RoutingContext> tokenFromForm() {
    return tokenFromForm;
  }

  /**
   * Builds the REST router from the contract document (its YAML text). vertx-openapi 5.0 rejects
   * {@code application/problem+json}, {@code text/html}, {@code text/csv}, {@code application/pdf}, {@code image/png} and xlsx as
   * response media types, so the router gets a copy where they say {@code application/json},
   * {@code text/plain} and {@code application/octet-stream}; responses are not validated, and the published document keeps the
   * true media types.
   */
  @SuppressWarnings("unchecked")
  public static Future<RestApi> create(Vertx vertx, Platform platform, TokenService tokens, String contractYaml) {
    AuthOperations auth = new AuthOperations(platform.identity(), tokens, platform.wechat());
    MatterOperations matters = new MatterOperations(platform.matters(), platform.authoring());
    ApplicationOperations applications = new ApplicationOperations(platform.applications(), platform.ratings(),
        platform.lifecycle(),
        platform.receipts(), platform.rateLimits());
    CalendarOperations calendar = new CalendarOperations(platform.calendar(), platform.provisionalDueDates());
    Map<String, Handler<RoutingContext>> operations = new HashMap<>();
    operations.put("getHealth", rc -> platform.health().onComplete(ar -> {
      boolean up = ar.succeeded() && "UP".equals(ar.result().getString("status"));
      rc.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
          .end(ar.succeeded() ? ar.result().encode() : "{\"status\":\"DOWN\"}");
    }));
    operations.put("issueToken", auth::issueToken);
    operations.put("logout", auth::logout);
    operations.put("wechatSignIn", auth::wechatSignIn);
    operations.put("wechatLink", auth::wechatLink);
    operations.put("changePassword", auth::changePassword);
    CitizenOperations citizens = new CitizenOperations(platform.identity());
    operations.put("registerCitizen", citizens::registerCitizen);
    operations.put("setRealNameLevel", citizens::setRealNameLevel);
    operations.put("listRealNameLevels", rc -> rc.response().putHeader("Content-Type", "application/json")
        .end(new io.vertx.core.json.JsonArray(platform.config().realNameLevels().stream()
            .map(l -> new JsonObject().put("rank", l.rank()).put("code", l.code()).put("name", l.name())).toList())
            .encode()));
    OrganisationOperations organisation = new OrganisationOperations(platform.organisation());
    operations.put("getMe", organisation::getMe);
    operations.put("createStaffAccount", organisation::createStaffAccount);
    operations.put("setAccountDisabled", organisation::setAccountDisabled);
    operations.put("putDepartment", organisation::putDepartment);
    operations.put("listDepartments", organisation::listDepartments);
    operations.put("putHall", organisation::putHall);
    operations.put("listHalls", organisation::listHalls);
    operations.put("putWindow", organisation::putWindow);
    EnterpriseOperations enterprises = new EnterpriseOperations(platform.enterprises());
    operations.put("registerEnterprise", enterprises::registerEnterprise);
    operations.put("listMyEnterprises", enterprises::listMyEnterprises);
    operations.put("authoriseAgent", enterprises::authoriseAgent);
    operations.put("listEnterpriseClaims", enterprises::listEnterpriseClaims);
    operations.put("decideEnterpriseClaim", enterprises::decideEnterpriseClaim);
    operations.put("listMatters", matters::listMatters);
    operations.put("getMatter", matters::getMatter);
    operations.put("createMatter", matters::createMatter);
    operations.put("updateMatter", matters::updateMatter);
    operations.put("listFormVersions", matters::listFormVersions);
    operations.put("createFormDraft", matters::createFormDraft);
    operations.put("getFormVersion", matters::getFormVersion);
    operations.put("publishForm", matters::publishForm);
    operations.put("dryRunForm", matters::dryRunForm);
    operations.put("formChanges", matters::formChanges);
    operations.put("listFormFieldTypes", matters::listFormFieldTypes);
    operations.put("getWorkingDraft", matters::getWorkingDraft);
    operations.put("saveWorkingDraft", matters::saveWorkingDraft);
    operations.put("dryRunWorkingDraft", matters::dryRunWorkingDraft);
    operations.put("workingDraftChanges", matters::workingDraftChanges);
    operations.put("exportMatter", matters::exportMatter);
    operations.put("importMatter", matters::importMatter);
    operations.put("submitApplication", applications::submitApplication);
    operations.put("listApplications", applications::listApplications);
    operations.put("listApplicationSummaries", applications::listApplicationSummaries);
    operations.put("getApplication", applications::getApplication);
    operations.put("prefillApplication", applications::prefillApplication);
    operations.put("listReusableMaterials", applications::listReusableMaterials);
    operations.put("actOnApplication", applications::actOnApplication);
    operations.put("listCaseSteps", applications::listCaseSteps);
    operations.put("getApplicationDataSources", applications::getApplicationDataSources);
    operations.put("getProgress", applications::getProgress);
    operations.put("getCorrectionNotice", applications::getCorrectionNotice);
    operations.put("getIntakeNotice", applications::getIntakeNotice);
    operations.put("getSpecialProcedureNotice", applications::getSpecialProcedureNotice);
    operations.put("getReceipt", applications::getReceipt);
    operations.put("computeDueDate", calendar::computeDueDate);
    operations.put("setCalendarDay", calendar::setCalendarDay);
    operations.put("setCalendarYear", calendar::setCalendarYear);
    operations.put("listProvisionalCases", calendar::listProvisionalCases);
    SupervisionOperations supervision = new SupervisionOperations(platform.deadlines(), platform.relay(),
        platform.sharedDatasets(), platform.auditChain(), platform.departmentStatistics());
    LicenceOperations licences = new LicenceOperations(platform.licences(), platform.rateLimits());
    operations.put("listMyLicences", licences::listMyLicences);
    operations.put("getLicence", licences::getLicence);
    operations.put("getLicenceQr", licences::getLicenceQr);
    operations.put("printLicence", licences::printLicence);
    operations.put("revokeLicence", licences::revokeLicence);
    operations.put("verifyLicence", licences::verifyLicence);
    operations.put("rotateLicenceKey", licences::rotateLicenceKey);
    operations.put("getDataKeys", rc -> Rest.reply(rc, platform.dataKeys().status(RequestContext.requireCaller(rc)), 200));
    operations.put("rewrapDataKeys", rc -> Rest.reply(rc, platform.dataKeys().start(RequestContext.requireCaller(rc)),
        202));
    MaterialOperations materials = new MaterialOperations(platform.materials());
    operations.put("uploadMaterial", materials::uploadMaterial);
    operations.put("listMyMaterials", materials::listMyMaterials);
    operations.put("getMaterial", materials::getMaterial);
    operations.put("getMaterialContent", materials::getMaterialContent);
    operations.put("listCaseMaterials", materials::listCaseMaterials);
    operations.put("runDeadlineScan", supervision::runDeadlineScan);
    operations.put("departmentStatistics", supervision::departmentStatistics);
    operations.put("listDeadEvents", supervision::listDeadEvents);
    operations.put("retryDeadEvent", supervision::retryDeadEvent);
    operations.put("importSharedDataset", supervision::importSharedDataset);
    operations.put("verifyAuditChain", supervision::verifyAuditChain);
    SameCityOperations sameCity = new SameCityOperations(platform.authorisations(), platform.sameCityStatistics());
    operations.put("grantAuthorisation", sameCity::grantAuthorisation);
    operations.put("listAuthorisations", sameCity::listAuthorisations);
    operations.put("revokeAuthorisation", sameCity::revokeAuthorisation);
    operations.put("sameCityStatistics", sameCity::sameCityStatistics);
    DisclosureOperations disclosure = new DisclosureOperations(platform.penalties(), platform.disclosures(),
        platform.exports());
    operations.put("recordPenalty", disclosure::recordPenalty);
    operations.put("importPenalties", disclosure::importPenalties);
    operations.put("changePenaltyStatus", disclosure::changePenaltyStatus);
    operations.put("listPenalties", disclosure::listPenalties);
    operations.put("listDisclosures", disclosure::listDisclosures);
    operations.put("exportTable", disclosure::exportTable);
    operations.put("exportProgress", disclosure::exportProgress);
    RatingOperations ratings = new RatingOperations(platform.ratings());
    operations.put("rateApplication", ratings::rateApplication);
    operations.put("listRatings", ratings::listRatings);
    operations.put("rateVisit", ratings::rateVisit);
    operations.put("actOnRating", ratings::actOnRating);
    operations.put("ratingStatistics", ratings::ratingStatistics);
    operations.put("ratingSettings", ratings::ratingSettings);
    IntermediaryOperations intermediaries = new IntermediaryOperations(platform.intermediaries());
    operations.put("listIntermediaries", intermediaries::listIntermediaries);
    operations.put("getIntermediary", intermediaries::getIntermediary);
    operations.put("listIntermediaryServices", intermediaries::listIntermediaryServices);
    operations.put("registerIntermediary", intermediaries::registerIntermediary);
    operations.put("selectIntermediary", intermediaries::selectIntermediary);
    operations.put("getIntermediarySelection", intermediaries::getIntermediarySelection);
    operations.put("actOnIntermediarySelection", intermediaries::actOnIntermediarySelection);
    operations.put("evaluateIntermediary", intermediaries::evaluateIntermediary);
    operations.put("setIntermediaryBlacklist", intermediaries::setIntermediaryBlacklist);
    operations.put("updateIntermediary", intermediaries::updateIntermediary);
    operations.put("renewIntermediaryQualification", intermediaries::renewIntermediaryQualification);
    operations.put("listIntermediarySelections", intermediaries::listIntermediarySelections);
    MonitoringOperations monitoring = new MonitoringOperations(platform.supervision());
    operations.put("listWarnedItems", monitoring::listWarnedItems);
    operations.put("timelinessStatistics", monitoring::timelinessStatistics);
    operations.put("listAccountability", monitoring::listAccountability);
    operations.put("explainAccountability", monitoring::explainAccountability);
    operations.put("closeAccountability", monitoring::closeAccountability);
    ReminderOperations reminders = new ReminderOperations(platform.reminders());
    operations.put("listReminderRules", reminders::listReminderRules);
    operations.put("putReminderRule", reminders::putReminderRule);
    operations.put("listMyReminders", reminders::listMyReminders);
    operations.put("listMyReminderTopics", reminders::listMyReminderTopics);
    operations.put("setReminderOptOut", reminders::setReminderOptOut);
    OidcOperations oidc = new OidcOperations(platform.oidc(), platform.signingKeys());
    operations.put("listOAuthClients", oidc::listOAuthClients);
    operations.put("putOAuthClient", oidc::putOAuthClient);
    operations.put("rotateSigningKeys", oidc::rotateSigningKeys);
    operations.put("listMyAuthorisedPortals", oidc::listMyAuthorisedPortals);
    operations.put("revokeAuthorisedPortal", oidc::revokeAuthorisedPortal);
    WorkOrderOperations workOrders = new WorkOrderOperations(platform.workOrders());
    operations.put("createWorkOrder", workOrders::createWorkOrder);
    operations.put("actOnWorkOrder", workOrders::actOnWorkOrder);
    operations.put("listWorkOrders", workOrders::listWorkOrders);
    operations.put("getWorkOrder", workOrders::getWorkOrder);
    operations.put("workOrderStatistics", workOrders::workOrderStatistics);
    operations.put("listWorkOrderDepartments", workOrders::listWorkOrderDepartments);
    operations.put("lookupHotlineCase", workOrders::lookupHotlineCase);
    operations.put("hotlineCallerHistory", workOrders::hotlineCallerHistory);
    LifeEventOperations lifeEvents = new LifeEventOperations(platform.lifeEvents());
    operations.put("listBundles", lifeEvents::listBundles);
    operations.put("getBundle", lifeEvents::getBundle);
    operations.put("exportBundle", lifeEvents::exportBundle);
    operations.put("importBundle", lifeEvents::importBundle);
    operations.put("applyForBundle", lifeEvents::applyForBundle);
    operations.put("listBundleApplications", lifeEvents::listBundleApplications);
    operations.put("getBundleApplication", lifeEvents::getBundleApplication);
    ProjectOperations projects = new ProjectOperations(platform.projects());
    operations.put("listProjectStages", projects::listProjectStages);
    operations.put("registerProject", projects::registerProject);
    operations.put("listProjects", projects::listProjects);
    operations.put("getProject", projects::getProject);
    operations.put("applyForProjectStage", projects::applyForProjectStage);
    operations.put("assignProjectOfficer", projects::assignProjectOfficer);
    operations.put("recordProjectTracking", projects::recordProjectTracking);
    HallOperations hall = new HallOperations(platform.appointments(), platform.queue(), platform.preRegistrations());
    operations.put("getHallHours", hall::getHallHours);
    operations.put("putHallHours", hall::putHallHours);
    operations.put("listHallSlots", hall::listHallSlots);
    operations.put("listAppointments", hall::listAppointments);
    operations.put("bookAppointment", hall::bookAppointment);
    operations.put("changeAppointment", hall::changeAppointment);
    operations.put("cancelAppointment", hall::cancelAppointment);
    operations.put("markAppointmentNoShow", hall::markAppointmentNoShow);
    operations.put("takeTicket", hall::takeTicket);
    operations.put("callNextTicket", hall::callNextTicket);
    operations.put("transferTicket", hall::transferTicket);
    operations.put("finishTicket", hall::finishTicket);
    operations.put("getHallQueue", hall::getHallQueue);
    operations.put("hallAssessment", hall::hallAssessment);
    operations.put("createPreRegistration", hall::createPreRegistration);
    operations.put("listPreRegistrations", hall::listPreRegistrations);
    operations.put("getPreRegistration", hall::getPreRegistration);
    operations.put("convertPreRegistration", hall::convertPreRegistration);
    HallVisitOperations visits = new HallVisitOperations(platform.appointments(), platform.hallDuty(),
        platform.holidayRequests(), platform.homeVisits());
    operations.put("putWindowHours", visits::putWindowHours);
    operations.put("getHallGuide", visits::getHallGuide);
    operations.put("getHallDuty", visits::getHallDuty);
    operations.put("putHallDuty", visits::putHallDuty);
    operations.put("createHolidayRequest", visits::createHolidayRequest);
    operations.put("listHolidayRequests", visits::listHolidayRequests);
    operations.put("decideHolidayRequest", visits::decideHolidayRequest);
    operations.put("requestHomeVisit", visits::requestHomeVisit);
    operations.put("listHomeVisits", visits::listHomeVisits);
    operations.put("getHomeVisit", visits::getHomeVisit);
    operations.put("scheduleHomeVisit", visits::scheduleHomeVisit);
    operations.put("declineHomeVisit", visits::declineHomeVisit);
    operations.put("cancelHomeVisit", visits::cancelHomeVisit);
    operations.put("takeInHomeVisit", visits::takeInHomeVisit);

    JsonObject forRouter = routerContract(contractYaml);
    return OpenAPIContract.from(vertx, forRouter).<OpenAPIContract>map(CompiledContract::new).map(contract -> {
      RequestExtractor extractor = new DecodedOnce();
      RouterBuilder builder = RouterBuilder.create(vertx, contract, extractor);
      InlineValidation validation = new InlineValidation(vertx, contract, extractor);
      boolean globallySecured = contract.getRawContract().containsKey("security")
          && !contract.getRawContract().getJsonArray("security").isEmpty();
      for (OpenAPIRoute route : builder.getRoutes()) {
        String id = route.getOperation().getOperationId();
        Handler<RoutingContext> handler = operations.get(id);
        if (handler == null) {
          throw new IllegalStateException("the contract names operation " + id + " but no handler serves it");
        }
        // Metrics and logs name the operation, never the path (which carries case numbers and other ids).
        route.addHandler(rc -> {
          RequestContext.operation(rc, id);
          rc.next();
        });
        // Validation runs on the event loop (see InlineValidation), before anything else of the route.
        route.setDoValidation(false);
        route.addHandler(validation.handler(route.getOperation()));
        // Authentication is ours (a root handler reads the token); the contract says who may skip it.
        route.setDoSecurity(false);
        if (isSecured(route, globallySecured)) {
          route.addHandler(Authentication::required);
        }
        route.addHandler(handler);
      }
      return new RestApi(builder.createRouter(), auth::issueTokenFromForm);
    });
  }

  /**
   * The contract as the router reads it: media types it cannot validate named as ones it can, and no
   * servers.
   */
  @SuppressWarnings("unchecked")
  static JsonObject routerContract(String contractYaml) {
    JsonObject model = new JsonObject(contractYaml.isEmpty() ? Map.of()
        : (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(contractYaml));
    JsonObject forRouter = new JsonObject(model.encode()
        .replace("\"application/problem+json\"", "\"application/json\"")
        .replace("\"text/html\"", "\"text/plain\"")
        .replace("\"application/pdf\"", "\"application/octet-stream\"")
        .replace("\"text/csv\"", "\"text/plain\"")
        .replace("\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"", "\"application/octet-stream\"")
        .replace("\"image/png\"", "\"application/octet-stream\""));
    // The routes live at this node's root; the document's relative server URL is for clients, and
    // vertx-openapi would take a server URL's path as a prefix of every route (and refuses a relative one).
    forRouter.remove("servers");
    return forRouter;
  }

  private static boolean isSecured(OpenAPIRoute route, boolean globallySecured) {
    var own = route.getOperation().getOpenAPIModel().getJsonArray("security");
    return own == null ? globallySecured : !own.isEmpty();
  }
}
