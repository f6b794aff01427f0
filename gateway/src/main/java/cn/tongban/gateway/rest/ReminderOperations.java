package cn.tongban.gateway.rest;

import cn.tongban.core.proactive.ReminderService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.ext.web.RoutingContext;

/** 主动提醒 over REST: the rules (administrators), a citizen's reminders and opt-outs. */
final class ReminderOperations {
  private final ReminderService reminders;

  ReminderOperations(ReminderService reminders) {
    this.reminders = reminders;
  }

  void listReminderRules(RoutingContext rc) {
    Rest.reply(rc, reminders.rules(RequestContext.requireCaller(rc)), 200);
  }

  void putReminderRule(RoutingContext rc) {
    Rest.reply(rc, reminders.putRule(RequestContext.requireCaller(rc), Rest.path(rc, "code"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }

  void listMyReminders(RoutingContext rc) {
    Rest.reply(rc, reminders.myReminders(RequestContext.requireCaller(rc)), 200);
  }

  void listMyReminderTopics(RoutingContext rc) {
    Rest.reply(rc, reminders.myTopics(RequestContext.requireCaller(rc)), 200);
  }

  void setReminderOptOut(RoutingContext rc) {
    Rest.reply(rc, reminders.setOptOut(RequestContext.requireCaller(rc), Rest.path(rc, "topic"), Rest.body(rc),
        RequestContext.locale(rc)), 200);
  }
}
