package cn.tongban.plugins.datasharing.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.plugin.CaseView;
import cn.tongban.plugin.DataSharingAdapter;
import cn.tongban.plugin.HandlerContext;
import cn.tongban.plugin.PluginContext;
import cn.tongban.plugins.datasharing.DataSharingPrefillFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The four exchange adapters against a stand-in of the provincial exchange (a Vert.x HTTP server this test
 * starts): the request contract and its signature, found and not found, time limits and retries, wrong
 * answers, the circuit breaker, the cache, and a prefill that falls back to nothing when the source fails.
 */
class ExchangeAdapterTest {
  private static final String ID = "11010519491231002X";
  private static Vertx vertx;
  private static HttpServer exchange;
  /** What the stand-in does with each request, by source path (the test sets it). */
  private static final Map<String, BiConsumer<HttpServerRequest, JsonObject>> BEHAVIOUR = new ConcurrentHashMap<>();
  private static final List<JsonObject> SEEN = new CopyOnWriteArrayList<>();
  private final MovableClock clock = new MovableClock();

  @BeforeAll
  static void startExchange() throws Exception {
    vertx = Vertx.vertx();
    exchange = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String path = req.path();
      String expected = ExchangeAdapter.sign("s3cret", "tongban", req.getHeader("X-Timestamp"), path, body);
      JsonObject request = body.toJsonObject();
      SEEN.add(request.copy().put("path", path).put("signed", expected.equals(req.getHeader("X-Signature"))));
      BEHAVIOUR.getOrDefault(path.split("/")[1], (r, q) -> r.response().setStatusCode(404).end()).accept(req, request);
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // Warms the HTTP client and the signing up, so a busy build machine's first call does not hit the limits.
    answer("population", new JsonObject().put("found", false));
    PopulationAdapter warm = new PopulationAdapter();
    warm.start(PluginContext.of(vertx, Clock.systemUTC(), Map.of("TONGBAN_SHARING_URL", "http://127.0.0.1:"
        + exchange.actualPort(), "TONGBAN_SHARING_APP_ID", "tongban", "TONGBAN_SHARING_APP_SECRET", "s3cret",
        "TONGBAN_SHARING_TIMEOUT_MS", "2500", "TONGBAN_SHARING_RETRIES", "3"))).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    lookup(warm, ID);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    BEHAVIOUR.clear();
    SEEN.clear();
  }

  private Map<String, String> settings(String... extra) {
    Map<String, String> s = new HashMap<>(Map.of("TONGBAN_SHARING_URL", "http://127.0.0.1:" + exchange.actualPort() + "/",
        "TONGBAN_SHARING_APP_ID", "tongban", "TONGBAN_SHARING_APP_SECRET", "s3cret", "TONGBAN_SHARING_TIMEOUT_MS", "2000",
        "TONGBAN_SHARING_BACKOFF_MS", "20"));
    for (int i = 0; i < extra.length; i += 2) {
      s.put(extra[i], extra[i + 1]);
    }
    return s;
  }

  private <A extends ExchangeAdapter> A started(A adapter, Map<String, String> settings) throws Exception {
    adapter.start(PluginContext.of(vertx, clock, settings)).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    return adapter;
  }

  private static Optional<JsonObject> lookup(DataSharingAdapter a, String subject) throws Exception {
    return a.lookup(null, a.sources().iterator().next(), subject).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static void answer(String path, JsonObject body) {
    BEHAVIOUR.put(path, (req, q) -> req.response().putHeader("Content-Type", "application/json").end(body.encode()));
  }

  @Test
  void eachSourceAsksItsPathSignedAndReadsFoundAndNotFound() throws Exception {
    answer("population", new JsonObject().put("found", true).put("record", new JsonObject().put("name", "张三")
        .put("householdTownship", "青屏街街道")));
    answer("marriage", new JsonObject().put("found", true).put("record", new JsonObject().put("maritalStatus", "已婚")));
    answer("social-insurance", new JsonObject().put("found", false));
    answer("enterprise", new JsonObject().put("found", true).put("record", new JsonObject().put("name", "新密市某某有限公司")));
    Map<String, String> s = settings();
    assertEquals("青屏街街道", lookup(started(new PopulationAdapter(), s), ID).orElseThrow().getString("householdTownship"));
    assertEquals("已婚", lookup(started(new MarriageAdapter(), s), ID).orElseThrow().getString("maritalStatus"));
    assertEquals(Optional.empty(), lookup(started(new SocialInsuranceAdapter(), s), ID));
    assertEquals("新密市某某有限公司", lookup(started(new EnterpriseAdapter(), s), "91410183MA44XXXX0X").orElseThrow()
        .getString("name"));
    assertEquals(List.of("/population/query", "/marriage/query", "/social-insurance/query", "/enterprise/query"),
        SEEN.stream().map(r -> r.getString("path")).toList());
    assertTrue(SEEN.stream().allMatch(r -> r.getBoolean("signed") && r.getString("requestId") != null
        && "prefill".equals(r.getString("purpose"))), SEEN.toString());
    assertEquals(ID, SEEN.get(0).getString("subjectKey"));
  }

  @Test
  void notLiveWithoutAnEndpointOrForASourceLeftOut() throws Exception {
    assertFalse(started(new PopulationAdapter(), Map.of()).live(), "no URL: the imported dataset answers");
    assertFalse(started(new MarriageAdapter(), settings("TONGBAN_SHARING_SOURCES", "gongan-population")).live());
    assertTrue(started(new PopulationAdapter(), settings("TONGBAN_SHARING_SOURCES", "gongan-population")).live());
    ExecutionException bad = assertThrows(ExecutionException.class, () -> new PopulationAdapter()
        .start(PluginContext.of(vertx, clock, Map.of("TONGBAN_SHARING_URL", "ftp://x"))).toCompletionStage()
        .toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertTrue(bad.getCause().getMessage().contains("TONGBAN_SHARING_URL"));
  }

  @Test
  void aSlowAnswerIsCutOffAndTriedOnceMore() throws Exception {
    BEHAVIOUR.put("population", (req, q) -> vertx.setTimer(8_000, t -> req.response().end("{\"found\":false}")));
    PopulationAdapter adapter = started(new PopulationAdapter(), settings("TONGBAN_SHARING_TIMEOUT_MS", "500"));
    long start = System.nanoTime();
    assertThrows(ExecutionException.class, () -> lookup(adapter, ID));
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertEquals(2, SEEN.size(), "the first try and one retry");
    assertTrue(took < 4_000, "two 500 ms limits and the backoff, not the exchange's 8 s: " + took);
  }

  @Test
  void aFailureTheNextTryFixesIsNotSeen() throws Exception {
    int[] calls = {0};
    BEHAVIOUR.put("population", (req, q) -> {
      if (calls[0]++ == 0) {
        req.response().setStatusCode(503).end();
      } else {
        req.response().end(new JsonObject().put("found", true).put("record", new JsonObject().put("name", "张三")).encode());
      }
    });
    assertEquals("张三", lookup(started(new PopulationAdapter(), settings()), ID).orElseThrow().getString("name"));
    assertEquals(2, SEEN.size());
  }

  @Test
  void aWrongAnswerFailsWithoutRetrying() throws Exception {
    BEHAVIOUR.put("population", (req, q) -> req.response().end("<html>维护中</html>"));
    PopulationAdapter adapter = started(new PopulationAdapter(), settings());
    assertThrows(ExecutionException.class, () -> lookup(adapter, ID));
    BEHAVIOUR.put("population", (req, q) -> req.response().end("{\"found\":true,\"record\":\"张三\"}"));
    assertThrows(ExecutionException.class, () -> lookup(adapter, ID));
    BEHAVIOUR.put("population", (req, q) -> req.response().setStatusCode(401).end());
    assertThrows(ExecutionException.class, () -> lookup(adapter, ID));
    assertEquals(3, SEEN.size(), "a wrong answer is not asked again");
  }

  @Test
  void repeatedFailuresOpenTheBreakerUntilATrialSucceeds() throws Exception {
    BEHAVIOUR.put("population", (req, q) -> req.response().setStatusCode(500).end());
    PopulationAdapter adapter = started(new PopulationAdapter(), settings("TONGBAN_SHARING_RETRIES", "0",
        "TONGBAN_SHARING_BREAKER_FAILURES", "3", "TONGBAN_SHARING_BREAKER_RESET_MS", "10000"));
    for (int i = 0; i < 3; i++) {
      assertThrows(ExecutionException.class, () -> lookup(adapter, ID));
    }
    assertEquals(CircuitBreaker.State.OPEN, adapter.breakerState());
    ExecutionException open = assertThrows(ExecutionException.class, () -> lookup(adapter, ID));
    assertTrue(open.getCause().getMessage().contains("circuit open"));
    assertEquals(3, SEEN.size(), "an open breaker does not call the exchange");

    answer("population", new JsonObject().put("found", true).put("record", new JsonObject().put("name", "张三")));
    clock.advance(Duration.ofSeconds(11));
    assertEquals("张三", lookup(adapter, ID).orElseThrow().getString("name"), "the half-open trial goes through");
    assertEquals(CircuitBreaker.State.CLOSED, adapter.breakerState());
  }

  @Test
  void answersAreCachedForTheConfiguredTimeOnly() throws Exception {
    // Its own subject and no retries: the count is of this test's lookups only, whatever another test's
    // late request or a slow machine's retry adds to the exchange's log.
    String subject = "110105194912310037";
    answer("population", new JsonObject().put("found", true).put("record", new JsonObject().put("name", "张三")));
    PopulationAdapter adapter = started(new PopulationAdapter(), settings("TONGBAN_SHARING_CACHE_SECONDS", "60",
        "TONGBAN_SHARING_RETRIES", "0", "TONGBAN_SHARING_TIMEOUT_MS", "2500"));
    lookup(adapter, subject).orElseThrow().put("name", "改过的");
    assertEquals("张三", lookup(adapter, subject).orElseThrow().getString("name"), "a copy; the cached answer unchanged");
    assertEquals(1, asked(subject));
    clock.advance(Duration.ofSeconds(61));
    lookup(adapter, subject);
    assertEquals(2, asked(subject), "asked again after the cache time");
    PopulationAdapter uncached = started(new PopulationAdapter(), settings("TONGBAN_SHARING_CACHE_SECONDS", "0",
        "TONGBAN_SHARING_RETRIES", "0", "TONGBAN_SHARING_TIMEOUT_MS", "2500"));
    lookup(uncached, subject);
    lookup(uncached, subject);
    assertEquals(4, asked(subject));
  }

  private static long asked(String subject) {
    return SEEN.stream().filter(r -> subject.equals(r.getString("subjectKey"))).count();
  }

  @Test
  void aFailingSourceLeavesThePrefillToTheApplicant() throws Exception {
    BEHAVIOUR.put("population", (req, q) -> req.response().setStatusCode(502).end());
    answer("marriage", new JsonObject().put("found", true).put("record", new JsonObject().put("maritalStatus", "已婚")));
    Map<String, DataSharingAdapter> live = Map.of("gongan-population", started(new PopulationAdapter(), settings()),
        "mzj-marriage", started(new MarriageAdapter(), settings()));
    HandlerContext context = new HandlerContext() {
      public Vertx vertx() {
        return vertx;
      }

      public Clock clock() {
        return clock;
      }

      public Future<Optional<JsonObject>> sharedData(String source, String subjectKey) {
        return live.get(source).lookup(this, source, subjectKey);
      }
    };
    JsonObject config = new JsonObject().put("lookups", new JsonArray()
        .add(new JsonObject().put("source", "gongan-population").put("by", "idNumber")
            .put("fields", new JsonObject().put("householdTownship", "/householdTownship")))
        .add(new JsonObject().put("source", "mzj-marriage").put("by", "idNumber")
            .put("fields", new JsonObject().put("maritalStatus", "/maritalStatus"))));
    CaseView draft = new CaseView() {
      public Optional<String> number() {
        return Optional.empty();
      }

      public String matterCode() {
        return "t";
      }

      public int formVersion() {
        return 1;
      }

      public JsonObject data() {
        return new JsonObject();
      }

      public JsonObject applicant() {
        return new JsonObject().put("idNumber", ID);
      }

      public String status() {
        return "DRAFT";
      }
    };
    JsonObject filled = new DataSharingPrefillFactory().create(config).prefill(context, draft).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(new JsonObject().put("maritalStatus", "已婚"), filled,
        "民政's answer fills its field; 公安's failure leaves the township for the applicant to type");
  }

  /** A clock the test moves (the breaker's reset and the cache's time). */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-07T01:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("Asia/Shanghai");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
