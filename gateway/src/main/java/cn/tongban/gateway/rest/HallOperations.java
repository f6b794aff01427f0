package cn.tongban.gateway.rest;

import cn.tongban.core.hall.AppointmentService;
import cn.tongban.core.hall.PreRegistrationService;
import cn.tongban.core.hall.QueueService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

/** 大厅服务 over REST: hours, slots, appointments, queue numbers, pre-registrations (docs/hall-services.md). */
final class HallOperations {
  private final AppointmentService appointments;
  private final QueueService queue;
  private final PreRegistrationService preRegistrations;

  HallOperations(AppointmentService appointments, QueueService queue, PreRegistrationService preRegistrations) {
    this.appointments = appointments;
    this.queue = queue;
    this.preRegistrations = preRegistrations;
  }

  void getHallHours(RoutingContext rc) {
    Rest.reply(rc, appointments.hours(Rest.path(rc, "code")), 200);
  }

  void putHallHours(RoutingContext rc) {
    Rest.reply(rc, appointments.putHours(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void listHallSlots(RoutingContext rc) {
    Rest.reply(rc, appointments.slots(Rest.path(rc, "code"), Rest.query(rc, "matterCode").orElse(null),
        Rest.query(rc, "date").orElse(null)), 200);
  }

  void listAppointments(RoutingContext rc) {
    Rest.replyArray(rc, appointments.list(RequestContext.requireCaller(rc), Rest.query(rc, "date")));
  }

  void bookAppointment(RoutingContext rc) {
    Rest.reply(rc, appointments.book(RequestContext.requireCaller(rc), Rest.body(rc), RequestContext.locale(rc))
        .onSuccess(a -> rc.response().putHeader("Location", "/api/v1/appointments/" + a.getString("number"))), 201);
  }

  void changeAppointment(RoutingContext rc) {
    Rest.reply(rc, appointments.change(RequestContext.requireCaller(rc), Rest.path(rc, "number"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void cancelAppointment(RoutingContext rc) {
    Rest.reply(rc, appointments.cancel(RequestContext.requireCaller(rc), Rest.path(rc, "number"),
        RequestContext.locale(rc)), 200);
  }

  void markAppointmentNoShow(RoutingContext rc) {
    Rest.reply(rc, appointments.noShow(RequestContext.requireCaller(rc), Rest.path(rc, "number")), 200);
  }

  void takeTicket(RoutingContext rc) {
    Rest.reply(rc, queue.take(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.body(rc),
        RequestContext.locale(rc)), 201);
  }

  void callNextTicket(RoutingContext rc) {
    Rest.reply(rc, queue.callNext(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void transferTicket(RoutingContext rc) {
    Rest.reply(rc, queue.transfer(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.path(rc, "number"),
        Rest.body(rc), RequestContext.locale(rc)), 200);
  }

  void finishTicket(RoutingContext rc) {
    Rest.reply(rc, queue.finish(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.path(rc, "number"),
        Rest.body(rc), RequestContext.locale(rc)), 200);
  }

  void getHallQueue(RoutingContext rc) {
    Rest.reply(rc, queue.board(Rest.path(rc, "code")), 200);
  }

  void hallAssessment(RoutingContext rc) {
    Rest.reply(rc, queue.assessment(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.query(rc, "from"),
        Rest.query(rc, "to")), 200);
  }

  void createPreRegistration(RoutingContext rc) {
    Rest.reply(rc, preRegistrations.create(RequestContext.requireCaller(rc), Rest.body(rc),
        RequestContext.locale(rc)), 201);
  }

  void listPreRegistrations(RoutingContext rc) {
    Rest.replyArray(rc, preRegistrations.list(RequestContext.requireCaller(rc), Rest.query(rc, "idNumber")));
  }

  void getPreRegistration(RoutingContext rc) {
    Rest.reply(rc, preRegistrations.get(RequestContext.requireCaller(rc), Rest.path(rc, "number")), 200);
  }

  void convertPreRegistration(RoutingContext rc) {
    Rest.reply(rc, preRegistrations.convert(RequestContext.requireCaller(rc), Rest.path(rc, "number"),
        Rest.optionalBody(rc), RequestContext.locale(rc)), 201);
  }
}
