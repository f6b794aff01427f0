package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a browser sees: security headers on every answer, a Content-Security-Policy that lets GraphiQL and the
 * API docs run and nothing else, no caching of authenticated answers, and cross-origin calls only from configured origins.
 */
class BrowserSecurityTest {
  private static final String PORTAL = "https://portal.example.cn";
  private static final String STRANGER = "https://evil.example.com";
  private static TestGateway plain;
  private static TestGateway configured;

  @BeforeAll
  static void start() {
    plain = TestGateway.start();
    configured = TestGateway.start(Map.of("TONGBAN_CORS_ORIGINS", PORTAL + ", https://m.example.cn",
        "TONGBAN_HSTS_MAX_AGE_SECONDS", "31536000"));
  }

  @AfterAll
  static void stop() throws Exception {
    plain.close();
    configured.close();
  }

  @Test
  void everyAnswerCarriesTheSecurityHeadersErrorsIncluded() throws Exception {
    for (HttpResponse<String> r : new HttpResponse[] {
        plain.send("GET", "/api/v1/matters?limit=1", null),
        plain.send("GET", "/api/v1/no-such-thing", null),
        plain.send("GET", "/health", null),
        plain.send("POST", "/api/v1/applications", "{", "Content-Type", "application/json")}) {
      assertAll(r.uri() + " → " + r.statusCode(),
          () -> assertEquals(Optional.of("nosniff"), r.headers().firstValue("X-Content-Type-Options")),
          () -> assertEquals(Optional.of("no-referrer"), r.headers().firstValue("Referrer-Policy")),
          () -> assertEquals(Optional.of("DENY"), r.headers().firstValue("X-Frame-Options")),
          () -> assertEquals(Optional.of("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
              r.headers().firstValue("Content-Security-Policy")),
          () -> assertEquals(Optional.empty(), r.headers().firstValue("Strict-Transport-Security"),
              "no HSTS unless configured for HTTPS"),
          () -> assertEquals(Optional.empty(), r.headers().firstValue("Cache-Control"), "anonymous answers"));
    }
  }

  @Test
  void authenticatedAnswersAndTokensAreNeverCached() throws Exception {
    HttpResponse<String> token = plain.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "password")
        .put("username", "citizen").put("password", "tongban-demo").encode(), "Content-Type", "application/json");
    assertEquals(200, token.statusCode());
    assertEquals(Optional.of("no-store"), token.headers().firstValue("Cache-Control"));
    String bearer = "Bearer " + new JsonObject(token.body()).getString("access_token");
    HttpResponse<String> mine = plain.send("GET", "/api/v1/applications", null, "Authorization", bearer);
    assertEquals(200, mine.statusCode());
    assertEquals(Optional.of("no-store"), mine.headers().firstValue("Cache-Control"));
    HttpResponse<String> forbidden = plain.send("GET", "/api/v1/admin/audit/verify", null, "Authorization", bearer);
    assertEquals(403, forbidden.statusCode());
    assertEquals(Optional.of("no-store"), forbidden.headers().firstValue("Cache-Control"));
  }

  @Test
  void graphiqlMayRunItsOwnScriptsAndExactlyItsOneInlineScript() throws Exception {
    HttpResponse<String> page = plain.send("GET", "/graphiql/", null, "Accept", "text/html");
    assertEquals(200, page.statusCode());
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    Matcher inline = Pattern.compile("<script>(.*?)</script>").matcher(page.body());
    assertTrue(inline.find(), page.body());
    String hash = "'sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
        .digest(inline.group(1).getBytes(StandardCharsets.UTF_8))) + "'";
    assertFalse(inline.find(), "one inline script only");
    assertTrue(csp.contains("script-src 'self' " + hash + ";"), csp + " does not allow " + hash);
    assertAll(() -> assertTrue(csp.contains("connect-src 'self'"), csp),
        () -> assertTrue(csp.contains("frame-ancestors 'none'"), csp),
        () -> assertFalse(csp.contains("unsafe-eval"), csp),
        () -> assertFalse(page.body().contains("src=\"http"), "GraphiQL loads nothing from elsewhere"));
    assertEquals(Optional.of("DENY"), page.headers().firstValue("X-Frame-Options"));
  }

  @Test
  void theApiDocsRunOnlyScriptsOfThisOriginAndNoInlineScript() throws Exception {
    assertEquals(Optional.of("/docs/"), plain.send("GET", "/docs", null).headers().firstValue("Location"));
    HttpResponse<String> page = plain.send("GET", "/docs/", null, "Accept", "text/html");
    assertEquals(200, page.statusCode());
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    List<String> directives = List.of(csp.split(";\\s*"));
    assertAll(csp,
        () -> assertTrue(directives.contains("script-src 'self'"), "scripts of this origin only"),
        () -> assertTrue(directives.contains("connect-src 'self'"), "requests to this origin only"),
        () -> assertTrue(directives.stream().anyMatch(d -> d.startsWith("img-src 'self' data:"))),
        () -> assertTrue(directives.contains("frame-ancestors 'none'")),
        () -> assertFalse(csp.contains("unsafe-inline"), "Swagger UI needs no inline script or style"),
        () -> assertFalse(csp.contains("unsafe-eval")));
    Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page.body());
    int count = 0;
    while (scripts.find()) {
      count++;
      assertTrue(scripts.group(2).isBlank(), "no inline script: " + scripts.group());
      Matcher src = Pattern.compile("src=\"(/[^\"]+)\"").matcher(scripts.group(1));
      assertTrue(src.find(), "a script of this origin: " + scripts.group());
      assertEquals(200, plain.send("GET", src.group(1), null).statusCode(), src.group(1));
    }
    assertEquals(2, count, "Swagger UI's bundle and our initializer");
  }

  @Test
  void hstsOnlyWhenConfiguredForHttps() throws Exception {
    assertEquals(Optional.of("max-age=31536000; includeSubDomains"),
        configured.send("GET", "/health", null).headers().firstValue("Strict-Transport-Security"));
  }

  @Test
  void aConfiguredOriginPassesThePreflightAndReadsTheAnswer() throws Exception {
    HttpResponse<String> preflight = configured.send("OPTIONS", "/api/v1/applications", null, "Origin", PORTAL,
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type");
    assertAll("preflight from " + PORTAL,
        () -> assertEquals(204, preflight.statusCode()),
        () -> assertEquals(Optional.of(PORTAL), preflight.headers().firstValue("Access-Control-Allow-Origin")),
        () -> assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST")),
        () -> assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")
            .contains("Authorization")),
        () -> assertEquals(Optional.of("600"), preflight.headers().firstValue("Access-Control-Max-Age")));
    HttpResponse<String> read = configured.send("GET", "/api/v1/matters?limit=1", null, "Origin", PORTAL);
    assertEquals(200, read.statusCode());
    assertEquals(Optional.of(PORTAL), read.headers().firstValue("Access-Control-Allow-Origin"));
    assertTrue(read.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("Location"));
  }

  @Test
  void anyOtherOriginIsRefusedPreflightAndRequestAlike() throws Exception {
    for (TestGateway gateway : new TestGateway[] {configured, plain}) {
      HttpResponse<String> preflight = gateway.send("OPTIONS", "/api/v1/applications", null, "Origin", STRANGER,
          "Access-Control-Request-Method", "POST");
      assertEquals(403, preflight.statusCode());
      assertEquals(Optional.empty(), preflight.headers().firstValue("Access-Control-Allow-Origin"));
      HttpResponse<String> read = gateway.send("GET", "/api/v1/matters?limit=1", null, "Origin", STRANGER,
          "Accept-Language", "zh-CN");
      assertEquals(403, read.statusCode());
      assertEquals(Optional.empty(), read.headers().firstValue("Access-Control-Allow-Origin"));
      assertEquals("不允许来自 " + STRANGER + " 的网页跨域访问。", new JsonObject(read.body()).getString("detail"));
    }
    HttpResponse<String> portalOnPlain = plain.send("OPTIONS", "/api/v1/applications", null, "Origin", PORTAL,
        "Access-Control-Request-Method", "POST");
    assertEquals(403, portalOnPlain.statusCode(), "no origin is allowed unless configured");
  }

  @Test
  void signInsAndTokensLeaveNoSecretInTheLogs() throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler collector = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r.getMessage() + " " + (r.getThrown() == null ? "" : r.getThrown()));
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger root = Logger.getLogger("");
    root.addHandler(collector);
    try {
      String token = plain.token("clerk");
      plain.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + token);
      plain.send("POST", "/api/v1/auth/token", "grant_type=password&username=clerk&password=wrong-secret-42",
          "Content-Type", "application/x-www-form-urlencoded");
      plain.send("GET", "/api/v1/applications", null, "Authorization", "Bearer " + token + "x");
      plain.send("POST", "/api/v1/auth/token", new JsonObject().put("grant_type", "client_credentials")
          .put("client_id", "portal-demo").put("client_secret", "client-secret-42").encode(),
          "Content-Type", "application/json");
      assertTrue(logged.stream().noneMatch(l -> l.contains(token) || l.contains("wrong-secret-42")
          || l.contains("client-secret-42") || l.contains("tongban-demo")), String.join("\n", logged));
    } finally {
      root.removeHandler(collector);
    }
  }

  @Test
  void pagesOfThisNodeItselfAreNotCrossOrigin() throws Exception {
    HttpResponse<String> graphql = plain.send("POST", "/graphql", new JsonObject()
            .put("query", "{ matters(first: 1) { edges { node { code } } } }").encode(),
        "Origin", plain.baseUri(), "Content-Type", "application/json");
    assertEquals(200, graphql.statusCode(), graphql.body());
  }
}
