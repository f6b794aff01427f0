package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** POSTs a JSON body to an outside system; anything but a 2xx answer is a failure (which the relay retries). */
public final class JsonPost {
  private JsonPost() {
  }

  public static Future<Void> send(HttpClient http, String url, Buffer body, MultiMap headers, String system) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setTimeout(5_000)
        .putHeader("Content-Type", "application/json");
    headers.forEach(options::putHeader);
    return http.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
            : Future.failedFuture(system + " answered " + resp.statusCode()));
  }
}
