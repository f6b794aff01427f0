package cn.tongban.core.identity;

import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo platform's WeChat stand-in (login codes {@code demo-<x>}) cannot be reached on a production platform:
 * with demo mode off, or with a WeChat app configured, such a code is refused before anything is asked, neither
 * answered by the stand-in nor sent to WeChat. (The stand-in answering is QuickStartTest's demo gateway.)
 */
class WeChatDemoCodeTest {
  // Nothing listens here: a request to WeChat would fail as 503, not as the 401 the refusal is.
  private static final String UNREACHABLE = "http://127.0.0.1:9/sns/jscode2session";
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** No database is touched before the code is exchanged, so none is given. */
  private static WeChatLogin login(boolean demo, Optional<String> appId, Optional<String> secret) {
    return new WeChatLogin(vertx, null, null, UNREACHABLE, appId, secret, demo);
  }

  private static DomainException refusal(Future<?> attempt) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> attempt.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(DomainException.class, e.getCause());
  }

  @Test
  void withDemoModeOffADemoCodeIsRefusedAsInvalidCredentials() {
    DomainException refused = refusal(login(false, Optional.empty(), Optional.empty()).signIn("demo-citizen"));
    assertEquals(ProblemCode.INVALID_CREDENTIALS, refused.code());
    assertEquals("wechat.demoCode", refused.detailKey());
  }

  @Test
  void withAWeChatAppConfiguredADemoCodeIsRefusedEvenInDemoModeAndNotSentToWeChat() {
    DomainException refused = refusal(login(true, Optional.of("wx-app"), Optional.of("wx-secret")).signIn("demo-x"));
    assertEquals(ProblemCode.INVALID_CREDENTIALS, refused.code());
    assertEquals("wechat.demoCode", refused.detailKey());
    DomainException halfConfigured = refusal(login(true, Optional.of("wx-app"), Optional.empty()).signIn("demo-x"));
    assertEquals("wechat.demoCode", halfConfigured.detailKey(), "an app id alone also turns the stand-in off");
  }

  @Test
  void theStandInIsOnOnlyInDemoModeWithNoWeChatApp() {
    assertTrue(WeChatLogin.demoStandIn(true, Optional.empty(), Optional.empty()));
    assertFalse(WeChatLogin.demoStandIn(false, Optional.empty(), Optional.empty()));
    assertFalse(WeChatLogin.demoStandIn(true, Optional.of("wx-app"), Optional.empty()));
    assertFalse(WeChatLogin.demoStandIn(true, Optional.empty(), Optional.of("wx-secret")));
    assertFalse(WeChatLogin.demoStandIn(false, Optional.of("wx-app"), Optional.of("wx-secret")));
  }

  @Test
  void aRealCodeWithoutAWeChatAppIsStillUnavailableAndTheBareDemoPrefixIsNoCode() {
    DomainException production = refusal(login(false, Optional.empty(), Optional.empty()).signIn("081abcDEF"));
    assertEquals(ProblemCode.DEPENDENCY_UNAVAILABLE, production.code());
    assertFalse(String.valueOf(production.detailArgs()[0]).contains("demo"), "no demo hint outside demo mode");
    DomainException demo = refusal(login(true, Optional.empty(), Optional.empty()).signIn("081abcDEF"));
    assertTrue(String.valueOf(demo.detailArgs()[0]).contains("demo-<x>"), "the demo platform says which codes work");
    assertEquals("wechat.code", refusal(login(true, Optional.empty(), Optional.empty()).signIn("demo-")).detailKey());
  }
}
