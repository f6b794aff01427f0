package cn.tongban.gateway.rest;

import cn.tongban.core.hall.AppointmentService;
import cn.tongban.core.hall.HallDutyService;
import cn.tongban.core.hall.HolidayRequestService;
import cn.tongban.core.hall.HomeVisitService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

/**
 * 大厅服务 over REST, second part: window hours, the duty roster and the published guide (六统一), holiday service
 * on request (法定节假日订制) and door-to-door visits (上门服务) (docs/hall-services.md).
 */
final class HallVisitOperations {
  private final AppointmentService appointments;
  private final HallDutyService duty;
  private final HolidayRequestService holidays;
  private final HomeVisitService visits;

  HallVisitOperations(AppointmentService appointments, HallDutyService duty, HolidayRequestService holidays,
      HomeVisitService visits) {
    this.appointments = appointments;
    this.duty = duty;
    this.holidays = holidays;
    this.visits = visits;
  }

  void putWindowHours(RoutingContext rc) {
    Rest.reply(rc, appointments.putWindowHours(RequestContext.requireCaller(rc), Rest.path(rc, "code"),
        Rest.path(rc, "window"), Rest.body(rc), RequestContext.locale(rc)), 200);
  }

  void getHallGuide(RoutingContext rc) {
    Rest.reply(rc, duty.guide(Rest.path(rc, "code")), 200);
  }

  void getHallDuty(RoutingContext rc) {
    Rest.reply(rc, duty.roster(RequestContext.caller(rc).orElse(null), Rest.path(rc, "code"),
        Rest.query(rc, "date")), 200);
  }

  void putHallDuty(RoutingContext rc) {
    Rest.reply(rc, duty.putRoster(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void createHolidayRequest(RoutingContext rc) {
    Rest.reply(rc, holidays.request(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc)), 201);
  }

  void listHolidayRequests(RoutingContext rc) {
    Rest.replyArray(rc, holidays.list(RequestContext.requireCaller(rc)));
  }

  void decideHolidayRequest(RoutingContext rc) {
    Rest.reply(rc, holidays.decide(RequestContext.requireCaller(rc), Rest.path(rc, "number"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void requestHomeVisit(RoutingContext rc) {
    Rest.reply(rc, visits.request(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc))
        .onSuccess(v -> rc.response().putHeader("Location", "/api/v1/home-visits/" + v.getString("number"))), 201);
  }

  void listHomeVisits(RoutingContext rc) {
    Rest.replyArray(rc, visits.list(RequestContext.requireCaller(rc)));
  }

  void getHomeVisit(RoutingContext rc) {
    Rest.reply(rc, visits.get(RequestContext.requireCaller(rc), Rest.path(rc, "number")), 200);
  }

  void scheduleHomeVisit(RoutingContext rc) {
    Rest.reply(rc, visits.schedule(RequestContext.requireCaller(rc), Rest.path(rc, "number"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void declineHomeVisit(RoutingContext rc) {
    Rest.reply(rc, visits.decline(RequestContext.requireCaller(rc), Rest.path(rc, "number"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void cancelHomeVisit(RoutingContext rc) {
    Rest.reply(rc, visits.cancel(RequestContext.requireCaller(rc), Rest.path(rc, "number")), 200);
  }

  void takeInHomeVisit(RoutingContext rc) {
    Rest.reply(rc, visits.takeIn(RequestContext.requireCaller(rc), Rest.path(rc, "number"), Rest.body(rc),
        RequestContext.locale(rc)), 201);
  }
}
