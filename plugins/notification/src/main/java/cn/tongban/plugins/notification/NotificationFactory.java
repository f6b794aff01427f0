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
  static final Map<String, String> TEMPLATES = Map.of(
      "ApplicationSubmitted", "您的“{matter}”申请已收件，办件编号 {number}，请凭查询码查询进度。",
      "ApplicationAccept", "您的办件 {number} 已受理，将在承诺时限内办结。",
      "ApplicationRequestCorrection", "您的办件 {number} 需要补正材料，请查看补正告知书后一次性补齐。",
      "ApplicationReviewReturn", "您的办件 {number} 需要补正材料，请查看补正告知书后一次性补齐。",
      "ApplicationNotAccept", "您的办件 {number} 不予受理，理由见不予受理通知书。",
      "ApplicationApprove", "您的办件 {number} 已办结，准予办理。",
      "ApplicationDeny", "您的办件 {number} 已办结，不予办理，理由见决定书。",
      "ApplicationDeliver", "您的办件 {number} 结果已送达。");

  @Override
  public String id() {
    return "notification";
  }

  @Override
  public Optional<EventSink> create(Map<String, String> settings) {
    return JsonPost.configured(settings, "TONGBAN_NOTIFY_URL", "the notification gateway").map(Sink::new);
  }

  /** The text for an event, or empty when the applicant need not hear of it. */
  static Optional<String> text(String eventType, String number, String matter) {
    return Optional.ofNullable(TEMPLATES.get(eventType))
        .map(t -> t.replace("{number}", number).replace("{matter}", matter));
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

    Sink(JsonPost target) {
      this.target = target;
    }

    @Override
    public Future<Void> deliver(HandlerContext context, JsonObject event, Optional<CaseView> view) {
      if ("ReminderDue".equals(event.getString("type"))) {
        return target.send(context.vertx(), reminder(event));
      }
      String phone = view.map(v -> v.applicant().getString("phone")).orElse(null);
      Optional<String> text = view.flatMap(v -> text(event.getString("type"), v.number().orElse(""),
          event.getJsonObject("payload", new JsonObject()).getString("matterName", v.matterCode())));
      if (phone == null || text.isEmpty()) {
        return Future.succeededFuture();
      }
      JsonObject body = new JsonObject().put("eventId", event.getString("id")).put("phone", phone)
          .put("template", event.getString("type")).put("text", text.get())
          .put("params", new JsonObject().put("number", view.get().number().orElse("")));
      return target.send(context.vertx(), body);
    }
  }
}
