package cn.tongban.bench.load;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP/1.1 client with a fixed number of pooled connections, to one server or shared out
 * among several (the nodes of a cluster, each request to the next in turn).
 */
final class Http implements AutoCloseable {
  private final Vertx vertx;
  private final List<HttpClientAgent> clients;
  private final AtomicInteger turn = new AtomicInteger();

  Http(Vertx vertx, List<URI> bases, int connections) {
    this.vertx = vertx;
    this.clients = bases.stream().map(base -> vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
            .setDefaultHost(base.getHost()).setDefaultPort(base.getPort()).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(Math.max(1, connections / bases.size())).setMaxWaitQueueSize(-1)))
        .toList();
  }

  /** Sends a request; the answer's body, or a failure when the status is not {@code expected}. */
  Future<Buffer> send(HttpMethod method, String path, String token, Buffer body, int expected, String... headers) {
    RequestOptions o = new RequestOptions().setMethod(method).setURI(path).setIdleTimeout(120_000);
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (token != null) {
      h.add("Authorization", "Bearer " + token);
    }
    if (body != null) {
      h.add("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    o.setHeaders(h);
    HttpClientAgent client = clients.get(Math.floorMod(turn.getAndIncrement(), clients.size()));
    return client.request(o)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().compose(b -> resp.statusCode() == expected ? Future.succeededFuture(b)
            : Future.failedFuture(method + " " + path + " → " + resp.statusCode() + " "
                + b.toString().substring(0, Math.min(300, b.length())))));
  }

  JsonObject getJson(String path, String token) {
    return await(send(HttpMethod.GET, path, token, null, 200)).toJsonObject();
  }

  JsonObject postJson(String path, String token, JsonObject body, int expected) {
    return await(send(HttpMethod.POST, path, token, body.toBuffer(), expected)).toJsonObject();
  }

  /** An access token for a demo account. */
  String token(String username) {
    return postJson("/api/v1/auth/token", null, new JsonObject().put("grant_type", "password")
        .put("username", username).put("password", "tongban-demo"), 200).getString("access_token");
  }

  /** Polls /health until it answers 200. */
  void awaitHealthy(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        await(send(HttpMethod.GET, "/health", null, null, 200));
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the platform is not healthy after " + limit + ": " + e.getMessage());
        }
        Thread.sleep(250);
      }
    }
  }

  /** Blocks the calling (non-Vert.x) thread until the future completes. */
  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    clients.forEach(c -> await(c.close()));
  }

  Vertx vertx() {
    return vertx;
  }
}
