package cn.tongban.gateway.rest;

import cn.tongban.core.access.RateLimits;
import cn.tongban.core.application.ActionCommand;
import cn.tongban.core.application.Application;
import cn.tongban.core.application.ApplicationQuery;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.application.ApplicationStatus;
import cn.tongban.core.application.ApplicationView;
import cn.tongban.core.rating.RatingService;
import cn.tongban.core.application.AcceptanceReceipt;
import cn.tongban.core.application.IntakeNotice;
import cn.tongban.core.application.SpecialProcedureNotice;
import cn.tongban.core.application.WrittenNotice;
import cn.tongban.core.application.CorrectionNotice;
import cn.tongban.core.application.LifecycleService;
import cn.tongban.core.application.SubmitCommand;
import cn.tongban.core.json.JsonBytes;
import cn.tongban.core.access.Caller;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/** 办件 over REST: submit, list, read. */
final class ApplicationOperations {
  private final ApplicationService applications;
  private final RatingService ratings;
  private final LifecycleService lifecycle;
  private final AcceptanceReceipt receipts;
  private final RateLimits rates;

  ApplicationOperations(ApplicationService applications, RatingService ratings, LifecycleService lifecycle,
      AcceptanceReceipt receipts, RateLimits rates) {
    this.rates = rates;
    this.applications = applications;
    this.ratings = ratings;
    this.lifecycle = lifecycle;
    this.receipts = receipts;
  }

  void submitApplication(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    JsonObject body = Rest.body(rc);
    Optional<String> key = Optional.ofNullable(Rest.validated(rc).getHeaders().get("Idempotency-Key"))
        .filter(p -> !p.isNull()).map(p -> p.getString());
    SubmitCommand cmd = SubmitCommand.fromJson(body, body.getJsonObject("data"), key);
    applications.submit(caller, cmd, RequestContext.locale(rc)).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      var submission = ar.result();
      rc.response().setStatusCode(201)
          .putHeader("Content-Type", "application/json")
          .putHeader("Location", "/api/v1/applications/" + submission.application().number());
      if (submission.replayed()) {
        rc.response().putHeader("Idempotent-Replayed", "true");
      }
      rc.response().end(JsonBytes.of(ApplicationView.of(submission.application(), caller)));
    });
  }

  void prefillApplication(RoutingContext rc) {
    Rest.reply(rc, applications.prefill(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Optional.empty(),
        RequestContext.locale(rc)), 200);
  }

  void listReusableMaterials(RoutingContext rc) {
    Rest.send(rc, applications.reusableMaterials(RequestContext.requireCaller(rc), Rest.path(rc, "code"),
        Rest.query(rc, "idNumber"), Rest.query(rc, "creditCode"), RequestContext.locale(rc))
        .map(io.vertx.core.json.JsonArray::toBuffer), "application/json");
  }

  void listApplications(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    ApplicationQuery q = new ApplicationQuery(Rest.query(rc, "status").map(ApplicationStatus::valueOf),
        Rest.query(rc, "matterCode"));
    Rest.reply(rc, applications.list(caller, q, Rest.queryInt(rc, "limit").orElse(20), Rest.query(rc, "cursor"))
        .map(page -> page.toJson(a -> ApplicationView.of(a, caller))), 200);
  }

  void listApplicationSummaries(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    ApplicationQuery q = new ApplicationQuery(Rest.query(rc, "status").map(ApplicationStatus::valueOf),
        Rest.query(rc, "matterCode"));
    Rest.reply(rc, applications.listSummaries(caller, q, Rest.queryInt(rc, "limit").orElse(20),
        Rest.query(rc, "cursor")).map(page -> page.toJson(a -> ApplicationView.summary(a, caller))), 200);
  }

  void getApplication(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    // The case's 好差评 rating rides along with the case (the applicant sees their own on it).
    Rest.reply(rc, applications.get(caller, Rest.path(rc, "number")).compose(a -> ratings.ofShownCase(caller, a)
        .map(rating -> {
          JsonObject view = withEtag(rc, a, caller);
          rating.ifPresent(r -> view.put("rating", r));
          return view;
        })), 200);
  }

  void actOnApplication(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    // If-Match: * matches whatever version the case has (RFC 9110), so it checks nothing.
    Optional<Integer> ifMatch = Optional.ofNullable(rc.request().getHeader("If-Match"))
        .map(v -> v.replace("W/", "").replace("\"", "").trim()).filter(v -> !v.equals("*"))
        .map(v -> v.matches("\\d{1,9}") ? Integer.valueOf(v) : Integer.valueOf(-1));
    ActionCommand cmd = ActionCommand.fromJson(Rest.body(rc), ifMatch);
    Rest.reply(rc, lifecycle.act(caller, Rest.path(rc, "number"), cmd, RequestContext.locale(rc))
        .map(a -> withEtag(rc, a, caller)), 200);
  }

  void listCaseSteps(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    Rest.replyArray(rc, lifecycle.steps(caller, Rest.path(rc, "number")));
  }

  void getApplicationDataSources(RoutingContext rc) {
    Rest.reply(rc, applications.dataSources(RequestContext.requireCaller(rc), Rest.path(rc, "number")), 200);
  }

  void getCorrectionNotice(RoutingContext rc) {
    printable(rc, lifecycle.correctionNotice(RequestContext.requireCaller(rc), Rest.path(rc, "number")),
        CorrectionNotice::html, CorrectionNotice::pdf, "correction-notice.pdf");
  }

  void getIntakeNotice(RoutingContext rc) {
    printable(rc, lifecycle.intakeNotice(RequestContext.requireCaller(rc), Rest.path(rc, "number"))
        .map(IntakeNotice.Content::written), WrittenNotice::html, WrittenNotice::pdf, "intake-notice.pdf");
  }

  void getSpecialProcedureNotice(RoutingContext rc) {
    printable(rc, lifecycle.specialProcedureNotice(RequestContext.requireCaller(rc), Rest.path(rc, "number"))
        .map(SpecialProcedureNotice.Content::written), WrittenNotice::html, WrittenNotice::pdf,
        "special-procedure-notice.pdf");
  }

  /** A printable notice: HTML, or PDF with {@code ?format=pdf}. */
  private static <T> void printable(RoutingContext rc, io.vertx.core.Future<T> notice,
      java.util.function.Function<T, String> html, java.util.function.Function<T, byte[]> pdf, String filename) {
    boolean asPdf = Rest.query(rc, "format").map("pdf"::equals).orElse(false);
    notice.onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else if (asPdf) {
        rc.response().putHeader("Content-Type", "application/pdf")
            .putHeader("Content-Disposition", "inline; filename=\"" + filename + "\"")
            .end(io.vertx.core.buffer.Buffer.buffer(pdf.apply(ar.result())));
      } else {
        rc.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html.apply(ar.result()));
      }
    });
  }

  void getReceipt(RoutingContext rc) {
    Rest.send(rc, receipts.content(RequestContext.requireCaller(rc), Rest.path(rc, "number"))
        .map(c -> io.vertx.core.buffer.Buffer.buffer(AcceptanceReceipt.html(c))), "text/html; charset=utf-8");
  }

  void getProgress(RoutingContext rc) {
    Rest.reply(rc, rates.publicLookup(RequestContext.address(rc)).compose(v -> lifecycle.progress(
        Rest.path(rc, "number"), Rest.query(rc, "queryCode").orElse(""), RequestContext.locale(rc))), 200);
  }

  /** The case's view, with its version as the ETag for If-Match. */
  private static JsonObject withEtag(RoutingContext rc, Application a, Caller caller) {
    rc.response().putHeader("ETag", "\"" + a.version() + "\"");
    return ApplicationView.of(a, caller);
  }
}
