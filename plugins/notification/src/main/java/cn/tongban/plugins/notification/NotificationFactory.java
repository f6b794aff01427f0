package cn.tongban.plugins.notification;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.EventSink;
import cn.tongban.plugin.EventSinkFactory;
import cn.tongban.plugin.HandlerContext;
import cn.tongban.plugin.JsonPost;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;

/**
 * {@code notification}: tells the applicant of each status change by SMS or WeChat template message
 * through the HTTP gateway at {@code TONGBAN_NOTIFY_URL} (a POST of {@code {eventId, phone, template,
 * text, params}}), in Chinese. Events without a template, or applicants without a phone, are skipped.
 * 主动提醒 ({@code ReminderDue}, no case behind it) go to the citizen's account instead: {@code {eventId,
 * accountId, template, text, params: {title, link, matterCode}}}; the gateway reaches the account by SMS or
 * mini-program message (the outbox holds no phone number: its rows are not sealed).
 */
public final class NotificationFactory implements EventSinkFactory {
  /** The Chinese text of each event that is worth telling the applicant about. */
  static final Map<String, String> TEMPLATES = Map.ofEntries(
      Map.entry("ApplicationSubmitted", "您的“{matter}”申请已收件，办件编号 {number}，请凭查询码查询进度。"),
      Map.entry("ApplicationAccept", "您的办件 {number} 已受理，将在承诺时限内办结。"),
      Map.entry("ApplicationRequestCorrection", "您的办件 {number} 需要补正材料，请查看补正告知书后一次性补齐。"),
      Map.entry("ApplicationReviewReturn", "您的办件 {number} 需要补正材料，请查看补正告知书后一次性补齐。"),
      Map.entry("ApplicationNotAccept", "您的办件 {number} 不予受理，理由见不予受理通知书。"),
      Map.entry("ApplicationApprove", "您的办件 {number} 已办结，准予办理。"),
      Map.entry("ApplicationDeny", "您的办件 {number} 已办结，不予办理，理由见决定书。"),
      // Art. 45: the applicant is told in writing that a special procedure stops the clock, and when it runs again.
      Map.entry("ApplicationSuspend", "您的办件 {number} 依法需要特别程序（听证、检验检测、鉴定、专家评审等），"
          + "所需时间不计入办理时限，详见特别程序告知书。"),
      Map.entry("ApplicationResume", "您的办件 {number} 特别程序已结束，恢复计算办理时限，办结期限相应顺延。"),
      Map.entry("ApplicationDeliver", "您的办件 {number} 结果已送达。欢迎凭查询码在“进度查询”中对本次服务作出评价（好差评）。"));

  @Override
  public String id() {
    return "notification";
  }

  @Override
  public Optional<EventSink> create(Map<String, String> settings) {
    Optional<String> publicUrl = Optional.ofNullable(settings.get("TONGBAN_PUBLIC_URL")).filter(u -> !u.isBlank())
        .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    return JsonPost.configured(settings, "TONGBAN_NOTIFY_URL", "the notification gateway")
        .map(target -> new Sink(target, publicUrl));
  }

  /**
   * Hall services' events for a person ({@code recipient.phone} given by the relay): a booking's reminder, a
   * door-to-door visit's answer, a holiday request's answer; {@code {reason}} from the event's payload.
   */
  static final Map<String, String> PERSON_TEMPLATES = Map.of(
      "AppointmentReminder", "您的预约 {number} 即将开始，请按时到大厅取号办理。",
      "HomeVisitScheduled", "您的上门服务申请 {number} 已安排，工作人员将按约定时间上门受理。",
      "HomeVisitDeclined", "您的上门服务申请 {number} 未能安排，理由：{reason}。",
      "HolidayRequestConfirmed", "您的节假日预约申请 {number} 已确认，请按约定时间到大厅办理。",
      "HolidayRequestDeclined", "您的节假日预约申请 {number} 未能安排，理由：{reason}。");

  /** The text of a hall event for its person, or empty when there is none. */
  static Optional<String> personText(String eventType, JsonObject payload) {
    // A key present with null (a confirmation's reason) reads as empty.
    return Optional.ofNullable(PERSON_TEMPLATES.get(eventType)).map(t -> t
        .replace("{number}", java.util.Objects.toString(payload.getString("number"), ""))
        .replace("{reason}", java.util.Objects.toString(payload.getString("reason"), "")));
  }

  /** The text for an event, or empty when the applicant need not hear of it. */
  static Optional<String> text(String eventType, String number, String matter) {
    return Optional.ofNullable(TEMPLATES.get(eventType))
        .map(t -> t.replace("{number}", number).replace("{matter}", matter));
  }

  /**
   * 好差评 by the link in the SMS: the delivery message carries the case's progress page, number and query code
   * in the fragment (which never reaches a server's logs), where the applicant rates the service.
   */
  static Optional<String> ratingLink(String eventType, Optional<String> publicUrl, CaseView view) {
    if (!"ApplicationDeliver".equals(eventType) || publicUrl.isEmpty() || view.number().isEmpty()
        || view.queryCode().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(publicUrl.get() + "/public/progress.html#number=" + view.number().get() + "&code="
        + view.queryCode().get() + "&via=sms");
  }

  /** What the gateway receives for a reminder: the account to reach, the text and the link to the form. */
  static JsonObject reminder(JsonObject event) {
    JsonObject p = event.getJsonObject("payload", new JsonObject());
    return new JsonObject().put("eventId", event.getString("id")).put("accountId", p.getString("accountId"))
        .put("template", "ReminderDue").put("text", p.getString("text"))
        .put("params", new JsonObject().put("title", p.getString("title")).put("link", p.getString("link"))
            .put("matterCode", p.getString("matterCode")));
  }

  private static final class Sink implements EventSink {
    private final JsonPost target;
    private final Optional<String> publicUrl;

    Sink(JsonPost target, Optional<String> publicUrl) {
      this.target = target;
      this.publicUrl = publicUrl;
    }

    @Override
    public Future<Void> deliver(HandlerContext context, JsonObject event, Optional<CaseView> view) {
      if ("ReminderDue".equals(event.getString("type"))) {
        return target.send(context.vertx(), reminder(event));
      }
      JsonObject recipient = event.getJsonObject("recipient");
      if (view.isEmpty() && recipient != null && recipient.getString("phone") != null) {
        JsonObject payload = event.getJsonObject("payload", new JsonObject());
        return personText(event.getString("type"), payload).map(text -> target.send(context.vertx(), new JsonObject()
                .put("eventId", event.getString("id")).put("phone", recipient.getString("phone"))
                .put("template", event.getString("type")).put("text", text)
                .put("params", new JsonObject().put("number", java.util.Objects.toString(payload.getString("number"), "")))))
            .orElse(Future.succeededFuture());
      }
      String phone = view.map(v -> v.applicant().getString("phone")).orElse(null);
      Optional<String> text = view.flatMap(v -> text(event.getString("type"), v.number().orElse(""),
          event.getJsonObject("payload", new JsonObject()).getString("matterName", v.matterCode())));
      if (phone == null || text.isEmpty()) {
        return Future.succeededFuture();
      }
      Optional<String> link = ratingLink(event.getString("type"), publicUrl, view.get());
      JsonObject body = new JsonObject().put("eventId", event.getString("id")).put("phone", phone)
          .put("template", event.getString("type"))
          .put("text", link.map(l -> text.get().replace("欢迎凭查询码在“进度查询”中对本次服务作出评价（好差评）。",
              "欢迎对本次服务作出评价（好差评）：" + l)).orElse(text.get()))
          .put("params", new JsonObject().put("number", view.get().number().orElse("")));
      link.ifPresent(l -> body.getJsonObject("params").put("link", l));
      return target.send(context.vertx(), body);
    }
  }
}
