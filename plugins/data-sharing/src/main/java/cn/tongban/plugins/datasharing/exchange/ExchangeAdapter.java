package cn.tongban.plugins.datasharing.exchange;

import cn.tongban.plugin.DataSharingAdapter;
import cn.tongban.plugin.HandlerContext;
import cn.tongban.plugin.PluginContext;
import cn.tongban.plugin.Trace;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One source of the provincial data-sharing exchange (省级数据共享交换平台) reached live over HTTP: a
 * {@code POST {TONGBAN_SHARING_URL}/{path}/query} of {@code {requestId, subjectKey, purpose}}, signed with
 * the platform's credentials, answered {@code {found, record}} (docs/proactive-service.md has the contract).
 * Each call has a time limit, a failed or slow one is tried again ({@code TONGBAN_SHARING_RETRIES}), a run
 * of failures opens a circuit breaker that fails lookups at once until it half-opens, and answers are kept
 * a short while in memory ({@code TONGBAN_SHARING_CACHE_SECONDS}; only for the lookups of prefill, never
 * written anywhere). Without {@code TONGBAN_SHARING_URL}, or for a source not in
 * {@code TONGBAN_SHARING_SOURCES}, the adapter is not {@link #live()} and the imported dataset answers.
 */
public abstract class ExchangeAdapter implements DataSharingAdapter {
  private static final Logger LOG = Logger.getLogger(ExchangeAdapter.class.getName());

  private final String id;
  private final String source;
  private final String path;
  private volatile ExchangeSettings settings = ExchangeSettings.NONE;
  private volatile CircuitBreaker breaker;
  private volatile AnswerCache cache;
  private volatile HttpClient http;
  private volatile Vertx vertx;
  private volatile Clock clock = Clock.systemUTC();
  /** The event loop that callers from outside Vert.x are moved to. */
  private volatile Context home;

  /**
   * @param id     the plugin id, e.g. {@code exchange-gongan-population}
   * @param source the source it answers, e.g. {@code gongan-population}
   * @param path   the exchange's path segment of the source, e.g. {@code population}
   */
  protected ExchangeAdapter(String id, String source, String path) {
    this.id = id;
    this.source = source;
    this.path = path;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final Set<String> sources() {
    return Set.of(source);
  }

  @Override
  public Future<Void> start(PluginContext context) {
    try {
      settings = ExchangeSettings.from(context.settings());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    vertx = context.vertx();
    home = vertx == null ? null : vertx.getOrCreateContext();
    clock = context.clock();
    breaker = new CircuitBreaker(settings.breakerFailures(), settings.breakerResetMillis(), clock);
    cache = new AnswerCache(settings.cacheSeconds() * 1000L, settings.cacheEntries(), clock);
    if (live()) {
      http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(settings.timeoutMillis()));
      LOG.info(() -> id + ": " + source + " answered live by " + settings.url() + "/" + path + "/query");
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    HttpClient client = http;
    http = null;
    return client == null ? Future.succeededFuture() : client.close();
  }

  @Override
  public boolean live() {
    return settings.url() != null && settings.sources().contains(source);
  }

  /** The breaker's state (tests and the log). */
  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  @Override
  public Future<Optional<JsonObject>> lookup(HandlerContext context, String source, String subjectKey) {
    Context home = this.home;
    if (Vertx.currentContext() == null && home != null) {
      // Called from outside Vert.x (a worker pool, a test): the HTTP client's callbacks must run on one
      // event loop, or a response can end before its body handler is set and the call hangs until its limit.
      Promise<Optional<JsonObject>> answered = Promise.promise();
      home.runOnContext(v -> lookup(context, source, subjectKey).onComplete(answered));
      return answered.future();
    }
    Optional<Optional<JsonObject>> cached = cache.get(subjectKey);
    if (cached.isPresent()) {
      return Future.succeededFuture(cached.get().map(JsonObject::copy));
    }
    if (!breaker.allow()) {
      return Future.failedFuture(new ExchangeException(id + ": circuit open after repeated failures", false));
    }
    return attempt(subjectKey, 0).andThen(ar -> {
      if (ar.succeeded()) {
        breaker.success();
        cache.put(subjectKey, ar.result());
      } else {
        breaker.failure();
      }
    }).map(found -> found.map(JsonObject::copy));
  }

  private Future<Optional<JsonObject>> attempt(String subjectKey, int tried) {
    return call(subjectKey).recover(e -> {
      boolean again = tried < settings.retries() && (!(e instanceof ExchangeException x) || x.retriable());
      if (!again) {
        return Future.failedFuture(e);
      }
      Promise<Optional<JsonObject>> later = Promise.promise();
      vertx.setTimer(settings.backoffMillis() * (tried + 1L), t -> attempt(subjectKey, tried + 1).onComplete(later));
      return later.future();
    });
  }

  private Future<Optional<JsonObject>> call(String subjectKey) {
    HttpClient client = http;
    if (client == null) {
      return Future.failedFuture(new ExchangeException(id + ": not started", false));
    }
    String requestPath = "/" + path + "/query";
    Buffer body = new JsonObject().put("requestId", UUID.randomUUID().toString()).put("subjectKey", subjectKey)
        .put("purpose", "prefill").toBuffer();
    String timestamp = String.valueOf(clock.millis());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(settings.url() + requestPath).setTimeout(settings.timeoutMillis())
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
    Trace trace = Trace.current();
    if (trace != null) {
      options.putHeader(Trace.HEADER, trace.child().traceparent());
    }
    if (settings.appId() != null) {
      options.putHeader("X-App-Id", settings.appId()).putHeader("X-Timestamp", timestamp)
          .putHeader("X-Signature", sign(settings.appSecret(), settings.appId(), timestamp, requestPath, body));
    }
    return client.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().compose(b -> answer(resp.statusCode(), b)))
        // A body that trickles in is as slow as no answer: the whole call has the limit.
        .timeout(settings.timeoutMillis(), TimeUnit.MILLISECONDS);
  }

  /** The contract's answer: 200 with {@code found} (and {@code record} when found); anything else fails. */
  private Future<Optional<JsonObject>> answer(int status, Buffer body) {
    if (status >= 500 || status == 429) {
      return Future.failedFuture(new ExchangeException(id + ": the exchange answered " + status, true));
    }
    if (status != 200) {
      return Future.failedFuture(new ExchangeException(id + ": the exchange answered " + status, false));
    }
    try {
      JsonObject answer = body.toJsonObject();
      Object found = answer.getValue("found");
      Object record = answer.getValue("record");
      if (Boolean.FALSE.equals(found)) {
        return Future.succeededFuture(Optional.empty());
      }
      if (Boolean.TRUE.equals(found) && record instanceof JsonObject r) {
        return Future.succeededFuture(Optional.of(r));
      }
    } catch (DecodeException | ClassCastException e) {
      // falls through: not the contract's answer
    }
    return Future.failedFuture(new ExchangeException(id + ": the exchange's answer is not {found, record}", false));
  }

  /** Hex HMAC-SHA256 over {@code appId \n timestamp \n path \n body}. */
  static String sign(String secret, String appId, String timestamp, String path, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((appId + "\n" + timestamp + "\n" + path + "\n").getBytes(StandardCharsets.UTF_8));
      mac.update(body.getBytes());
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A failed call; {@code retriable} when another try may succeed (no answer, 5xx, 429). */
  static final class ExchangeException extends RuntimeException {
    private final boolean retriable;

    ExchangeException(String message, boolean retriable) {
      super(message, null, false, false);
      this.retriable = retriable;
    }

    boolean retriable() {
      return retriable;
    }
  }
}
