package cn.tongban.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API documentation in a real browser: GraphiQL loads the schema and browses it, Swagger UI at /docs/
 * lists every REST operation of the served contract and calls the API with a bearer token a user pastes in.
 */
class ApiDocsBrowserTest {
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
  void graphiqlShowsTheSchemasQueryTypeInItsDocs() {
    try (Browser browser = Browser.staff(gateway.port(), "api-docs-graphiql")) {
      browser.go("/graphql");
      browser.click("button[aria-label='Show Documentation Explorer']");
      assertTrue(browser.waitForText(".graphiql-doc-explorer", "Query").contains("Root Types"));
      browser.shot("root-types");

      browser.driver().findElement(By.xpath("//*[contains(@class,'graphiql-doc-explorer')]//a[normalize-space()='Query']"))
          .click();
      String fields = browser.waitForText(".graphiql-doc-explorer", "matters");
      assertTrue(fields.contains("application"), fields);
      browser.shot("query-fields");
      assertEquals(List.of(), browser.consoleErrors().stream().filter(e -> !e.contains("/favicon.ico ")).toList(),
          "no script errors or CSP refusals (GraphiQL's page names no icon)");
    }
  }

  @Test
  void swaggerUiListsEveryOperationAndCallsTheApiWithAPastedToken() throws Exception {
    try (Browser browser = Browser.staff(gateway.port(), "api-docs-swagger-ui")) {
      browser.go("/docs/");
      browser.find(".opblock-tag");
      List<String> expected = operations(gateway.send("GET", "/openapi.yaml", null).body());
      // Tags start closed: open each in turn, as a reader would, and read its operations (method and path).
      List<String> shown = new java.util.ArrayList<>();
      int tags = ((Number) browser.script("return document.querySelectorAll('.opblock-tag-section').length")).intValue();
      for (int i = 0; i < tags; i++) {
        int index = i;
        browser.script("document.querySelectorAll('.opblock-tag-section')[arguments[0]].querySelector('.opblock-tag')"
            + ".click()", index);
        TestGateway.awaitUntil(java.time.Duration.ofSeconds(10), () -> ((Number) browser.script(
            "return document.querySelectorAll('.opblock-tag-section')[arguments[0]].querySelectorAll('.opblock')"
                + ".length", index)).intValue() > 0);
        @SuppressWarnings("unchecked")
        List<String> ops = (List<String>) browser.script("return [...document.querySelectorAll('.opblock-tag-section')"
            + "[arguments[0]].querySelectorAll('.opblock')].map(op => op.querySelector('.opblock-summary-method')"
            + ".innerText + ' ' + op.querySelector('.opblock-summary-path').dataset.path)", index);
        shown.addAll(ops);
        browser.script("document.querySelectorAll('.opblock-tag-section')[arguments[0]].querySelector('.opblock-tag')"
            + ".click()", index);
      }
      assertEquals(expected, shown.stream().sorted().toList());
      assertTrue(shown.contains("GET /api/v1/applications") && shown.contains("GET /api/v1/matters"), shown.toString());
      browser.shot("operations");

      browser.click("button.authorize");
      browser.type(".auth-container input[type=text]", gateway.token("citizen"));
      browser.click(".auth-container button.authorize");
      browser.waitForText(".auth-container", "Authorized");
      browser.shot("authorized");
      browser.click("button.btn-done");
      browser.click("#operations-tag-auth");

      WebElement me = browser.find("#operations-auth-getMe");
      me.findElement(By.cssSelector(".opblock-summary-control")).click();
      browser.click("#operations-auth-getMe button.try-out__btn");
      browser.click("#operations-auth-getMe button.execute");
      String answer = browser.waitForText("#operations-auth-getMe .live-responses-table", "\"username\": \"citizen\"");
      assertTrue(answer.contains("200"), answer);
      browser.script("arguments[0].scrollIntoView()", browser.find("#operations-auth-getMe .live-responses-table"));
      browser.shot("get-me-executed");
      assertEquals(List.of(), browser.consoleErrors(), "no script errors or CSP refusals");
    }
  }

  /** Every operation of the contract as Swagger UI labels it ({@code GET /path}), sorted. */
  @SuppressWarnings("unchecked")
  private static List<String> operations(String yaml) {
    Map<String, Object> document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    List<String> operations = new ArrayList<>();
    ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> item.keySet().stream()
        .filter(List.of("get", "put", "post", "delete", "patch")::contains)
        .forEach(method -> operations.add(method.toUpperCase() + " " + path)));
    return operations.stream().sorted().toList();
  }
}
