package cn.tongban.gateway;

import cn.tongban.client.api.SystemApi;
import cn.tongban.client.model.Application;
import cn.tongban.client.model.Channel;
import cn.tongban.client.model.Health;
import cn.tongban.client.model.SubmitApplicationRequest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

      HttpResponse<String> browser = gateway.send("GET", "/graphql", null, "Accept", "text/html");
      assertEquals(302, browser.statusCode());
      HttpResponse<String> graphiql = gateway.send("GET", "/graphiql/", null, "Accept", "text/html");
      assertEquals(200, graphiql.statusCode());
      assertTrue(graphiql.body().toLowerCase().contains("graphiql"));
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
