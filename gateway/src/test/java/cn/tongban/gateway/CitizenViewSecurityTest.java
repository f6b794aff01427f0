package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 31 item 7, what a citizen sees and sends: the officer on their notices and steps is named, never an
 * internal account id; a form naming someone else's identity number as the applicant's is bound to the citizen's
 * own; a licence's QR code carries only what verification needs.
 */
class CitizenViewSecurityTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void theCitizenSeesTheOfficersNameNeverAnAccountId() throws Exception {
    String number = gateway.submitSample(MATTER);
    HttpResponse<String> corrected = gateway.act("clerk", number, new JsonObject().put("action", "request-correction")
        .put("items", new JsonArray().add(new JsonObject().put("pointer", "/data/address").put("message", "写到门牌号"))));
    assertEquals(200, corrected.statusCode(), corrected.body());
    String notice = gateway.get("citizen", "/api/v1/applications/" + number + "/correction-notice").body();
    assertTrue(notice.contains("经办人") && notice.contains("市政务服务中心综合窗口"), notice);
    assertFalse(notice.contains("account:"), "the notice names the officer: " + notice);
    String view = gateway.get("citizen", "/api/v1/applications/" + number).body();
    assertFalse(view.contains("account:"), view);
    String steps = gateway.get("citizen", "/api/v1/applications/" + number + "/steps").body();
    assertTrue(steps.contains("市政务服务中心综合窗口"), steps);
    assertFalse(steps.contains("account:"), steps);
    HttpResponse<String> graphql = gateway.send("POST", "/graphql", new JsonObject().put("query",
            "{ application(number: \"" + number + "\") { correction steps { handler handlerName } } }").encode(),
        "Content-Type", "application/json", "Authorization", "Bearer " + gateway.token("citizen"));
    assertTrue(graphql.body().contains("市政务服务中心综合窗口"), graphql.body());
    assertFalse(graphql.body().contains("account:"), graphql.body());
    // Staff still see whose account acted (the console links a step to the officer's account).
    assertTrue(gateway.get("clerk", "/api/v1/applications/" + number + "/steps").body().contains("account:"));
  }

  @Test
  void aFormNamingSomeoneElseAsTheApplicantIsBoundToTheCitizen() throws Exception {
    JsonObject data = gateway.sample(MATTER).put("idNumber", "440524188001010014");
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject().put("matterCode", MATTER)
            .put("channel", "WEB").put("data", data).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    JsonObject stored = new JsonObject(gateway.get("citizen", "/api/v1/applications/"
        + new JsonObject(r.body()).getString("number")).body());
    assertEquals("11010519491231002X", stored.getJsonObject("data").getString("idNumber"),
        "the applicant's identity field holds the signed-in citizen's own number");
    assertEquals("11010519491231002X", stored.getJsonObject("applicant").getString("idNumber"));
  }

  @Test
  void aLicencesQrCodeCarriesOnlyWhatVerificationNeeds() throws Exception {
    JsonObject licence = gateway.approvedDisabilityCertificate();
    String url = licence.getString("verificationUrl");
    String carried = url.substring(url.indexOf('#') + 1);
    // Whoever is shown the code reads it: neither plainly nor decoded does it hold the holder's identity number.
    for (String part : carried.split("\\.")) {
      String decoded;
      try {
        decoded = new String(java.util.Base64.getUrlDecoder().decode(part), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = "";
      }
      assertFalse(part.contains("11010519491231002X") || decoded.contains("11010519491231002X")
          || decoded.contains("19491231"), "the QR payload names the holder: " + carried);
    }
    JsonObject verdict = new JsonObject(gateway.send("POST", "/api/v1/licences/verify",
        new JsonObject().put("payload", url).encode(), "Content-Type", "application/json").body());
    assertEquals("VALID", verdict.getString("status"), verdict.encode());
    // An identifier alone (enumerated) cannot be dressed up as a QR code of the licence.
    String made = "TBL2.AAAAAAAAAAAAAAAAAAAAAA." + licence.getString("identifier");
    JsonObject forged = new JsonObject(gateway.send("POST", "/api/v1/licences/verify",
        new JsonObject().put("payload", made).encode(), "Content-Type", "application/json").body());
    assertEquals("TAMPERED", forged.getString("status"), forged.encode());
  }
}
