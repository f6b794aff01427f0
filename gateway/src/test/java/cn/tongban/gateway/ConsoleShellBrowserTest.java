package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console shell in a real browser: staff sign in with a demo account, the home page shows what their
 * role may do, a wrong password is told plainly, and signing out revokes the token on the server.
 */
class ConsoleShellBrowserTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void aClerkSignsInSeesTheWindowAndSignsOutForGood() throws Exception {
    try (Browser browser = Browser.staff(gateway.port(), "console-shell")) {
      browser.go("/console/");
      browser.type("#username", "clerk").type("#password", "wrong-password").click("#sign-in button[type=submit]");
      assertTrue(browser.waitForText("#sign-in-message", "用户名或密码错误").contains("用户名或密码错误"));
      browser.shot("wrong-password");

      browser.type("#password", "tongban-demo").click("#sign-in button[type=submit]");
      String nav = browser.waitForText("#nav", "窗口");
      assertFalse(nav.contains("审批"), "a clerk has no 审批 page: " + nav);
      assertFalse(nav.contains("监察"), "a clerk has no 监察 page: " + nav);
      assertTrue(browser.waitForText("#who", "新密市政务服务中心").contains("新密市政务服务中心"));
      assertTrue(browser.find("main").getText().contains("受理、容缺受理、告知承诺受理"));
      browser.shot("clerk-home");

      String token = (String) browser.script("return sessionStorage.getItem('tongban.token')");
      assertEquals(null, browser.script("return localStorage.getItem('tongban.token')"), "never in localStorage");
      HttpResponse<String> before = gateway.send("GET", "/api/v1/me", null, "Authorization", "Bearer " + token);
      assertEquals(200, before.statusCode());
      assertEquals("clerk", new JsonObject(before.body()).getString("username"));

      browser.click("#sign-out");
      browser.find("#sign-in");
      browser.shot("signed-out");
      assertEquals(401, gateway.send("GET", "/api/v1/me", null, "Authorization", "Bearer " + token).statusCode(),
          "signing out revokes the token");
      assertTrue(browser.consoleErrors().stream().noneMatch(e -> e.contains("Content Security Policy")),
          "no CSP refusals: " + browser.consoleErrors());
    }
  }

  @Test
  void eachRoleSeesOnlyItsOwnPages() throws Exception {
    try (Browser browser = Browser.staff(gateway.port(), "console-roles")) {
      browser.signIn("reviewer.mzj");
      String nav = browser.waitForText("#nav", "审批");
      assertFalse(nav.contains("窗口"), nav);
      assertTrue(browser.find("#who").getText().contains("民政局"), browser.find("#who").getText());
      browser.shot("reviewer-home");
      browser.click("#sign-out").find("#sign-in");

      browser.signIn("supervisor");
      nav = browser.waitForText("#nav", "监察");
      assertFalse(nav.contains("窗口"), nav);
      browser.shot("supervisor-home");
    }
  }
}
