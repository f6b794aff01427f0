package cn.tongban.plugins.exchange;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.EventSink;
import cn.tongban.plugin.EventSinkFactory;
import cn.tongban.plugin.HandlerContext;
import cn.tongban.plugin.JsonPost;
import cn.tongban.plugin.Trace;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * {@code exchange-push} (两级共用的数据交换平台): every case event is POSTed as JSON to
 * {@code TONGBAN_EXCHANGE_URL}, signed with HMAC-SHA256 of the body under {@code TONGBAN_EXCHANGE_SECRET}
 * in the {@code X-Tongban-Signature} header, carrying the event id; case fields are named after the
 * provincial exchange table PRE_APASINFO where it has them. Anything but a 2xx answer is a failure the
 * relay retries.
 */
public final class ExchangePushFactory implements EventSinkFactory {
  /** The header carrying {@code sha256=<hex>} of the body. */
  public static final String SIGNATURE = "X-Tongban-Signature";

  @Override
  public String id() {
    return "exchange-push";
  }

  @Override
  public Optional<EventSink> create(Map<String, String> settings) {
    String secret = settings.get("TONGBAN_EXCHANGE_SECRET");
    if (secret == null || secret.isBlank()) {
      return Optional.empty();
    }
    return JsonPost.configured(settings, "TONGBAN_EXCHANGE_URL", "the exchange platform")
        .map(target -> new Sink(target, secret));
  }

  /** {@code sha256=} and the hex HMAC-SHA256 of {@code body} under {@code secret}. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class Sink implements EventSink {
    private final JsonPost target;
    private final String secret;

    Sink(JsonPost target, String secret) {
      this.target = target;
      this.secret = secret;
    }

    @Override
    public Future<Void> deliver(HandlerContext context, JsonObject event, Optional<CaseView> view) {
      JsonObject body = new JsonObject()
          .put("eventId", event.getString("id"))
          .put("eventType", event.getString("type"))
          .put("seq", event.getLong("seq"))
          .put("payload", event.getValue("payload"));
      view.ifPresent(v -> body.put("PRE_APASINFO", new JsonObject()
          .put("PROJID", v.number().orElse(null))
          .put("SERVICECODE", v.matterCode())
          .put("SERVICEVERSION", v.formVersion())
          .put("HANDLESTATE", v.status())
          .put("APPLYERNAME", v.applicant().getString("name"))
          .put("APPLYERPAGECODE", v.applicant().getString("idNumber", v.applicant().getString("creditCode")))));
      Buffer bytes = Buffer.buffer(body.encode());
      MultiMap headers = MultiMap.caseInsensitiveMultiMap()
          .add("X-Tongban-Event-Id", event.getString("id")).add(SIGNATURE, sign(secret, bytes.getBytes()));
      // The trace of the request that produced the event (the outbox kept it), continued by this push.
      String traceparent = event.getString("traceparent");
      if (traceparent != null) {
        headers.add(Trace.HEADER, Trace.continuing(traceparent).traceparent());
      }
      return target.send(context.vertx(), bytes, headers);
    }
  }
}
