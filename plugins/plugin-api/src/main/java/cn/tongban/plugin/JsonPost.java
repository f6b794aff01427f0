package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;

/**
 * One outside endpoint that receives JSON by POST. Anything but a 2xx answer is a failure, which the outbox
 * relay retries. The HTTP client is created on first use, on the Vert.x instance the sink is delivered on.
 */
public final class JsonPost {
  private final String url;
  private final String system;
  private HttpClient http;

  /**
   * @param url    where to POST
   * @param system how the endpoint is named in failure messages, e.g. "the exchange platform"
   */
  public JsonPost(String url, String system) {
    this.url = url;
    this.system = system;
  }

  /** The endpoint configured under {@code key}, or empty when the setting is absent or blank. */
  public static Optional<JsonPost> configured(Map<String, String> settings, String key, String system) {
    String url = settings.get(key);
    return url == null || url.isBlank() ? Optional.empty() : Optional.of(new JsonPost(url, system));
  }

  public Future<Void> send(Vertx vertx, JsonObject body) {
    return send(vertx, Buffer.buffer(body.encode()), MultiMap.caseInsensitiveMultiMap());
  }

  public Future<Void> send(Vertx vertx, Buffer body, MultiMap headers) {
    if (http == null) {
      http = vertx.createHttpClient();
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setTimeout(5_000)
        .putHeader("Content-Type", "application/json");
    headers.forEach(options::putHeader);
    if (!headers.contains(Trace.HEADER)) {
      // The trace of the work this call is made for (a request, or the outbox event being delivered).
      Trace trace = Trace.current();
      if (trace != null) {
        options.putHeader(Trace.HEADER, trace.child().traceparent());
      }
    }
    return http.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
            : Future.failedFuture(system + " answered " + resp.statusCode()));
  }
}
