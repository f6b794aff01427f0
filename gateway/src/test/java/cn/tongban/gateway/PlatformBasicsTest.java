package cn.tongban.gateway;

import cn.tongban.client.api.SystemApi;
import cn.tongban.client.model.Application;
import cn.tongban.client.model.Channel;
import cn.tongban.client.model.Health;
import cn.tongban.client.model.SubmitApplicationRequest;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health, the contract documents, GraphiQL, and a restart that keeps every case. */
class PlatformBasicsTest {

  @Test
  void healthContractAndGraphiqlArePublic() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      Health health = new SystemApi(gateway.anonymous()).getHealth();
      assertEquals(Health.StatusEnum.UP, health.getStatus());
      assertEquals("UP", health.getComponents().get("postgres").getStatus());
      assertEquals("UP", health.getComponents().get("redis").getStatus());

      HttpResponse<String> yaml = gateway.send("GET", "/openapi.yaml", null);
      assertEquals(200, yaml.statusCode());
      assertTrue(yaml.body().startsWith("openapi: 3.1.0"));
      assertTrue(yaml.body().contains("application/problem+json"), "the published contract is the true one");
      assertValidOpenApi31(yaml.body());

      HttpResponse<String> browser = gateway.send("GET", "/graphql", null, "Accept", "text/html");
      assertEquals(302, browser.statusCode());
      HttpResponse<String> graphiql = gateway.send("GET", "/graphiql/", null, "Accept", "text/html");
      assertEquals(200, graphiql.statusCode());
      assertTrue(graphiql.body().toLowerCase().contains("graphiql"));
    }
  }

  /**
   * What a tool that reads the contract needs: swagger-parser finds nothing wrong with it, it keeps to 3.1
   * (no 3.0 {@code nullable}), and it names a server (relative: this node) for "Try it out" and generators.
   */
  @SuppressWarnings("unchecked")
  static void assertValidOpenApi31(String yaml) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
    assertEquals(List.of(), parsed.getMessages());
    assertEquals("3.1.0", parsed.getOpenAPI().getOpenapi());
    Map<String, Object> document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    List<String> nullable = new ArrayList<>();
    findKey(document, "nullable", "#", nullable);
    assertEquals(List.of(), nullable, "3.1 says null with a type array: [string, 'null']");
    assertFalse(((List<Object>) document.getOrDefault("servers", List.of())).isEmpty(), "servers");
  }

  private static void findKey(Object node, String key, String pointer, List<String> found) {
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        String at = pointer + "/" + String.valueOf(k).replace("~", "~0").replace("/", "~1");
        if (key.equals(k)) {
          found.add(at);
        }
        findKey(v, key, at, found);
      });
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        findKey(list.get(i), key, pointer + "/" + i, found);
      }
    }
  }

  @Test
  void restartKeepsEveryCase() throws Exception {
    TestGateway gateway = TestGateway.start();
    Application created = gateway.applications(gateway.as("citizen")).submitApplication(
        new SubmitApplicationRequest().matterCode("mzj-elderly-preferential-card").channel(Channel.KIOSK)
            .data(gateway.sample("mzj-elderly-preferential-card").getMap()), "restart-1");
    long versions = gateway.count("select count(*) from form_version");
    long matters = gateway.count("select count(*) from matter");
    long accounts = gateway.count("select count(*) from account");
    try (TestGateway again = gateway.restart()) {
      assertEquals(versions, again.count("select count(*) from form_version"), "an unchanged bundle adds nothing");
      Application read = again.applications(again.as("citizen")).getApplication(created.getNumber());
      assertEquals(created.getNumber(), read.getNumber());
      assertEquals(created.getQueryCode(), read.getQueryCode());
      assertEquals(1, again.count("select count(*) from application"));
      assertEquals(matters, again.count("select count(*) from matter"), "the catalogue is imported once");
      assertEquals(accounts, again.count("select count(*) from account"), "demo accounts seeded once");
    }
  }

  @Test
  void aChangedBundledDefinitionBecomesANewPublishedVersionAtTheNextStart() throws Exception {
    TestGateway gateway = TestGateway.start();
    String code = "mzj-elderly-preferential-card";
    // As if the installed bundle were older than the one now shipped: another form, another bundle hash.
    gateway.execute("update form_version set schema = jsonb_set(schema, '{title}', '\"旧版表单\"')"
        + " where matter_code = '" + code + "'");
    gateway.execute("update matter set bundle_hash = 'older-bundle' where code = '" + code + "'");
    try (TestGateway again = gateway.restart()) {
      assertEquals(2, again.count("select max(version) from form_version where matter_code = '" + code + "'"));
      assertEquals(1, again.count("select count(*) from form_version where matter_code = '" + code
          + "' and status = 'RETIRED' and version = 1"));
      assertEquals(2, new io.vertx.core.json.JsonObject(again.send("GET", "/api/v1/matters/" + code, null).body())
          .getJsonObject("form").getInteger("version"));
      assertEquals(1, again.count("select count(*) from form_version where matter_code = '"
          + "rsj-talent-housing-subsidy'"), "other matters are untouched");
    }
  }

  @Test
  void theBundleNeverOverwritesAMatterAuthoredHere() throws Exception {
    TestGateway gateway = TestGateway.start();
    String code = "rsj-pension-insurance-enrolment";
    // As if an author had created a matter with this code before the bundle shipped one.
    gateway.execute("update matter set bundle_hash = null, name = '本地编写的事项' where code = '" + code + "'");
    try (TestGateway again = gateway.restart()) {
      assertEquals("本地编写的事项", new io.vertx.core.json.JsonObject(
          again.send("GET", "/api/v1/matters/" + code, null).body()).getString("name"));
      assertEquals(1, again.count("select count(*) from form_version where matter_code = '" + code + "'"));
    }
  }
}
