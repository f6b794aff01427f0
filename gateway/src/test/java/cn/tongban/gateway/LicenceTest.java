package cn.tongban.gateway;

import cn.tongban.core.licence.LicenceIdentifier;
import cn.tongban.core.testing.MutableClock;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 电子证照: approving a case whose result is a licence issues one, signed SM2/SM3, that anyone holding
 * it can verify; tampering, revocation and expiry show in the verdict; the licence is reused (免提交) when
 * a later matter needs it.
 */
class LicenceTest {
  private static final MutableClock CLOCK = MutableClock.at("2026-11-27T09:00:00");
  private static final String PUBLIC_URL = "https://zwfw.xinmi.example.cn";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_RELAY_INTERVAL_MS", "100", "TONGBAN_PUBLIC_URL", PUBLIC_URL), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private JsonObject approvedDisabilityCertificate() throws Exception {
    return gateway.approvedDisabilityCertificate();
  }

  private JsonArray mine(String type) {
    try {
      HttpResponse<String> r = gateway.send("GET", "/api/v1/licences?typeName="
          + URLEncoder.encode(type, StandardCharsets.UTF_8), null, "Authorization", "Bearer " + gateway.token("citizen"));
      assertEquals(200, r.statusCode(), r.body());
      return new JsonArray(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject verify(JsonObject body) throws Exception {
    HttpResponse<String> r = gateway.send("POST", "/api/v1/licences/verify", body.encode(),
        "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  @Test
  void approvalIssuesASignedLicenceWithTheRightIdentifier() throws Exception {
    JsonObject licence = approvedDisabilityCertificate();
    String id = licence.getString("identifier");
    // 1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>, checked by ISO/IEC 7064 MOD 37,36.
    String[] parts = id.split("\\.");
    assertEquals(10, parts.length, id);
    assertEquals("1.2.156.3005.2", String.join(".", java.util.Arrays.copyOf(parts, 5)));
    assertEquals(licence.getString("typeCode"), parts[5]);
    assertEquals(licence.getString("issuerCode"), parts[6]);
    assertEquals(licence.getString("number"), parts[7]);
    assertEquals("001", parts[8]);
    assertEquals(String.valueOf(LicenceIdentifier.checkCharacter(id.substring(0, id.lastIndexOf('.')))), parts[9]);
    assertTrue(cn.tongban.plugin.CreditCode.isValid(licence.getString("issuerCode")));
    assertEquals("残疾人证", licence.getString("typeName"));
    assertEquals("张三", licence.getString("holderName"));
    assertEquals("11010519491231002X", licence.getString("holderCode"));
    assertEquals("111", licence.getString("holderCodeType"));
    assertEquals("新密市残疾人联合会", licence.getString("issuerName"));
    assertEquals("2026-11-27", licence.getString("issueDate"));
    assertEquals("2036-11-26", licence.getString("validUntil"), "残疾人证 are valid ten years");
    assertEquals("VALID", licence.getString("status"));

    JsonObject verdict = verify(new JsonObject().put("payload", licence.getString("verificationPayload")));
    assertTrue(verdict.getBoolean("valid"), verdict.encode());
    assertEquals("VALID", verdict.getString("status"));
    assertEquals("证照有效，签名核验通过。", verdict.getString("reason"));
    assertEquals("张*", verdict.getJsonObject("licence").getString("holderName"), "the public sees the holder masked");
    assertFalse(verdict.getJsonObject("licence").getString("holderCode").contains("19491231"));
    assertTrue(verify(new JsonObject().put("identifier", id)).getBoolean("valid"));

    // The issue and its audit event are on record; the case's issue hook ran after it.
    assertEquals(1, gateway.count("select count(*) from audit_event where action = 'licence.issued' and entity_id = '"
        + id + "'"));
  }

  @Test
  void anyChangeToASignedFieldFailsVerification() throws Exception {
    JsonObject licence = approvedDisabilityCertificate();
    String[] parts = licence.getString("verificationPayload").split("\\.");
    JsonObject signed = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    for (String field : new String[] {"holderName", "holderCode", "validUntil", "number", "issuerName"}) {
      JsonObject altered = signed.copy().put(field, signed.getString(field) + "1");
      String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
          altered.encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
      JsonObject verdict = verify(new JsonObject().put("payload", forged));
      assertFalse(verdict.getBoolean("valid"), field);
      assertEquals("TAMPERED", verdict.getString("status"), field);
      assertEquals("签名核验未通过：证照信息已被改动，或并非本平台签发。", verdict.getString("reason"));
    }
    assertEquals("TAMPERED", verify(new JsonObject().put("payload", "not a licence")).getString("status"));
    String id = licence.getString("identifier");
    assertEquals("TAMPERED", verify(new JsonObject().put("identifier",
        id.substring(0, id.length() - 1) + (id.endsWith("0") ? "1" : "0"))).getString("status"), "bad check character");
    JsonObject unknown = verify(new JsonObject().put("identifier", LicenceIdentifier.of(licence.getString("typeCode"),
        licence.getString("issuerCode"), "999999999", 1)));
    assertEquals("TAMPERED", unknown.getString("status"));
    assertEquals("unknown", unknown.getString("reasonCode"), "a reader can tell 'no such licence' from a forgery");

    // A change made straight in the library (not through the platform) no longer matches the signature.
    gateway.execute("update licence set holder_name = '李四' where identifier = '" + id + "'");
    JsonObject verdict = verify(new JsonObject().put("payload", licence.getString("verificationPayload")));
    assertEquals("TAMPERED", verdict.getString("status"));
    assertEquals("证照信息与电子证照库的签名记录不符。", verdict.getString("reason"));
    assertEquals("TAMPERED", verify(new JsonObject().put("identifier", id)).getString("status"));
  }

  @Test
  void theIssuingDepartmentRevokesWithAReasonAndVerificationSaysSo() throws Exception {
    JsonObject licence = approvedDisabilityCertificate();
    String id = licence.getString("identifier");
    String path = "/api/v1/licences/" + id + "/revoke";
    String body = new JsonObject().put("reason", "经复核，残疾等级评定有误").encode();
    assertEquals(403, gateway.send("POST", path, body, "Authorization", "Bearer " + gateway.token("reviewer.cjl"),
        "Content-Type", "application/json").statusCode(), "reviewers do not revoke");
    assertEquals(404, gateway.send("POST", path, body, "Authorization", "Bearer " + gateway.token("approver.mzj"),
        "Content-Type", "application/json").statusCode(), "another department cannot even see it");
    assertEquals(403, gateway.send("POST", path, body, "Authorization", "Bearer " + gateway.token("citizen"),
        "Content-Type", "application/json").statusCode(), "the holder cannot revoke");
    HttpResponse<String> blank = gateway.send("POST", path, new JsonObject().put("reason", " ").encode(),
        "Authorization", "Bearer " + gateway.token("approver.cjl"), "Content-Type", "application/json");
    assertEquals(422, blank.statusCode(), blank.body());
    assertEquals("/reason", new JsonObject(blank.body()).getJsonArray("violations").getJsonObject(0).getString("pointer"));

    HttpResponse<String> revoked = gateway.send("POST", path, body, "Authorization",
        "Bearer " + gateway.token("approver.cjl"), "Content-Type", "application/json");
    assertEquals(200, revoked.statusCode(), revoked.body());
    assertEquals("REVOKED", new JsonObject(revoked.body()).getString("status"));
    assertEquals(409, gateway.send("POST", path, body, "Authorization", "Bearer " + gateway.token("approver.cjl"),
        "Content-Type", "application/json").statusCode(), "once is enough");

    JsonObject verdict = verify(new JsonObject().put("payload", licence.getString("verificationUrl")));
    assertFalse(verdict.getBoolean("valid"));
    assertEquals("REVOKED", verdict.getString("status"));
    assertEquals("revoked", verdict.getString("reasonCode"));
    assertEquals("证照已被颁发部门撤销：经复核，残疾等级评定有误", verdict.getString("reason"));
    assertEquals("经复核，残疾等级评定有误", verdict.getString("revocationReason"));
    assertEquals("REVOKED", mine("残疾人证").stream().map(o -> (JsonObject) o)
        .filter(l -> id.equals(l.getString("identifier"))).findFirst().orElseThrow().getString("status"));
  }

  @Test
  void anExpiredLicenceSaysWhenItExpired() throws Exception {
    JsonObject licence = approvedDisabilityCertificate();
    try {
      CLOCK.set("2036-11-27T09:00:00");
      JsonObject verdict = verify(new JsonObject().put("payload", licence.getString("verificationPayload")));
      assertFalse(verdict.getBoolean("valid"));
      assertEquals("EXPIRED", verdict.getString("status"));
      assertEquals("证照已于 2036-11-26 过期。", verdict.getString("reason"));
      CLOCK.set("2036-11-26T09:00:00");
      assertEquals("VALID", verify(new JsonObject().put("payload", licence.getString("verificationPayload")))
          .getString("status"), "valid through its last day");
    } finally {
      CLOCK.set("2026-11-27T09:00:00");
    }
  }

  @Test
  void aRotatedKeyKeepsEarlierLicencesVerifiable() throws Exception {
    JsonObject before = approvedDisabilityCertificate();
    assertEquals(403, gateway.send("POST", "/api/v1/admin/licence-keys/rotate", null, "Authorization",
        "Bearer " + gateway.token("approver.cjl")).statusCode());
    HttpResponse<String> rotated = gateway.send("POST", "/api/v1/admin/licence-keys/rotate", null, "Authorization",
        "Bearer " + gateway.token("admin"));
    assertEquals(200, rotated.statusCode(), rotated.body());
    JsonObject after = approvedDisabilityCertificate();
    assertNotEquals(before.getString("keyId"), after.getString("keyId"));
    assertEquals(new JsonObject(rotated.body()).getString("keyId"), after.getString("keyId"));
    assertEquals("VALID", verify(new JsonObject().put("payload", before.getString("verificationPayload")))
        .getString("status"));
    assertEquals("VALID", verify(new JsonObject().put("payload", after.getString("verificationPayload")))
        .getString("status"));
  }

  @Test
  void theQrCodeCarriesThePayloadAndThePrintedPageShowsTheLicence() throws Exception {
    JsonObject licence = approvedDisabilityCertificate();
    String id = licence.getString("identifier");
    HttpResponse<byte[]> png = gateway.getBytes("/api/v1/licences/" + id + "/qr.png",
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, png.statusCode());
    assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
    int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
        new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)))).getText();
    String payload = licence.getString("verificationPayload");
    // Any phone camera opens the public verification page; the QR payload (identifier and fingerprint, no
    // holder data) rides in the fragment.
    assertTrue(decoded.startsWith(PUBLIC_URL + "/public/verify.html#TBL2.") && decoded.endsWith("." + id), decoded);
    assertEquals(decoded, licence.getString("verificationUrl"));
    JsonObject verdict = verify(new JsonObject().put("payload", decoded));
    assertEquals("VALID", verdict.getString("status"), verdict.encode());
    assertEquals("valid", verdict.getString("reasonCode"));
    assertEquals("张*", verdict.getJsonObject("licence").getString("holderName"));
    // Older QR codes carried the raw payload, and a link may carry it as ?p=: both still verify.
    assertEquals("VALID", verify(new JsonObject().put("payload", payload)).getString("status"));
    assertEquals("VALID", verify(new JsonObject().put("payload", PUBLIC_URL + "/public/verify.html?p="
        + payload)).getString("status"));
    String forged = decoded.substring(0, decoded.length() - 4) + (decoded.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertEquals("TAMPERED", verify(new JsonObject().put("payload", forged)).getString("status"));

    HttpResponse<String> page = gateway.send("GET", "/api/v1/licences/" + id + "/print", null,
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    for (String shown : new String[] {"残疾人证", "张三", licence.getString("number"), id, "新密市残疾人联合会",
        "2036-11-26", "有效", "data:image/png;base64,"}) {
      assertTrue(page.body().contains(shown), shown);
    }
  }

  @Test
  void onlyTheHolderTheIssuerAndOversightReadALicence() throws Exception {
    String id = approvedDisabilityCertificate().getString("identifier");
    for (String user : new String[] {"citizen", "approver.cjl", "reviewer.cjl", "supervisor", "admin"}) {
      assertEquals(200, gateway.send("GET", "/api/v1/licences/" + id, null, "Authorization",
          "Bearer " + gateway.token(user)).statusCode(), user);
    }
    for (String user : new String[] {"clerk", "reviewer.mzj", "agent.village"}) {
      assertEquals(404, gateway.send("GET", "/api/v1/licences/" + id, null, "Authorization",
          "Bearer " + gateway.token(user)).statusCode(), user);
    }
    assertEquals(401, gateway.send("GET", "/api/v1/licences/" + id, null).statusCode());
    assertEquals(0, new JsonArray(gateway.send("GET", "/api/v1/licences", null, "Authorization",
        "Bearer " + gateway.token("clerk")).body()).size(), "staff hold no licences of citizens");
  }

  @Test
  void aLaterApplicationNeedingTheLicenceIsSatisfiedFromTheLibrary() throws Exception {
    JsonObject licence = approvedDisabilityCertificate();
    String number = gateway.submitSample("mzj-disability-two-subsidies");
    HttpResponse<String> r = gateway.send("GET", "/api/v1/applications/" + number + "/materials", null,
        "Authorization", "Bearer " + gateway.token("reviewer.mzj"));
    assertEquals(200, r.statusCode(), r.body());
    JsonArray materials = new JsonArray(r.body());
    JsonObject certificate = byLicenceType(materials, "残疾人证");
    assertEquals("LICENCE", certificate.getJsonObject("satisfiedBy").getString("kind"), certificate.encode());
    String used = certificate.getJsonObject("satisfiedBy").getString("licenceIdentifier");
    assertEquals("VALID", mine("残疾人证").stream().map(o -> (JsonObject) o)
        .filter(l -> used.equals(l.getString("identifier"))).findFirst().orElseThrow().getString("status"));
    assertFalse(certificate.getJsonArray("licences").isEmpty(), "the department sees the applicant's licences");
    // The identity card other issuers share with the library (seeded for the demo citizen) too.
    JsonObject idCard = byLicenceType(materials, "居民身份证");
    assertEquals("LICENCE", idCard.getJsonObject("satisfiedBy").getString("kind"));
    assertEquals(404, gateway.send("GET", "/api/v1/applications/" + number + "/materials", null,
        "Authorization", "Bearer " + gateway.token("reviewer.cjl")).statusCode(), "not their case");
    assertTrue(licence.containsKey("identifier"));
  }

  @Test
  void theFormIsPrefilledFromTheApplicantsLicences() throws Exception {
    // 居民身份证 and 居民户口簿 are shared with the library by 公安 (seeded for the demo citizen).
    HttpResponse<String> r = gateway.send("GET", "/api/v1/matters/mzj-disability-two-subsidies/prefill", null,
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X")
        .put("address", "河南省新密市青屏街街道西大街1号"), new JsonObject(r.body()).getJsonObject("data"));
  }

  @Test
  void portalsReadAndVerifyLicencesOverGraphQL() throws Exception {
    JsonObject licence = approvedDisabilityCertificate();
    String query = "query($id: String!, $payload: String, $url: String) { licences(typeName: \"残疾人证\") {"
        + " identifier status } licence(identifier: $id) { identifier holderName validUntil surface verificationUrl }"
        + " verifyLicence(payload: $payload) byUrl: verifyLicence(payload: $url) }";
    JsonObject variables = new JsonObject().put("id", licence.getString("identifier"))
        .put("payload", licence.getString("verificationPayload")).put("url", licence.getString("verificationUrl"));
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", query)
        .put("variables", variables).encode(), "Content-Type", "application/json",
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject data = new JsonObject(r.body()).getJsonObject("data");
    assertTrue(data.getJsonArray("licences").stream().anyMatch(o -> licence.getString("identifier")
        .equals(((JsonObject) o).getString("identifier"))), r.body());
    assertEquals("张三", data.getJsonObject("licence").getString("holderName"));
    assertEquals("2036-11-26", data.getJsonObject("licence").getString("validUntil"));
    assertEquals("VALID", data.getJsonObject("verifyLicence").getString("status"));
    assertEquals("VALID", data.getJsonObject("byUrl").getString("status"), "the QR code's URL verifies too");
    assertEquals(licence.getString("verificationUrl"), data.getJsonObject("licence").getString("verificationUrl"));

    // Another department's reviewer gets null and a not-found error, the same as over REST.
    JsonObject other = new JsonObject(gateway.send("POST", "/graphql", new JsonObject()
        .put("query", "query($id: String!) { licence(identifier: $id) { identifier } }")
        .put("variables", new JsonObject().put("id", licence.getString("identifier"))).encode(),
        "Content-Type", "application/json", "Authorization", "Bearer " + gateway.token("reviewer.mzj")).body());
    assertNull(other.getJsonObject("data").getValue("licence"));
    assertEquals("licence-not-found", other.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
        .getString("code"));
  }

  @Test
  void aRevokedLicenceIsNotReused() throws Exception {
    approvedDisabilityCertificate();
    // Every valid 残疾人证 of the citizen revoked by their issuer; afterwards they are valid again.
    String active = "select identifier from licence where type_name = '残疾人证' and status = 'ACTIVE'";
    gateway.execute("create table revoked_for_test as " + active);
    try {
      gateway.execute("update licence set status = 'REVOKED', revoked_at = now(), revocation_reason = '测试'"
          + " where identifier in (select identifier from revoked_for_test)");
      String number = gateway.submitSample("mzj-disability-two-subsidies");
      JsonArray materials = new JsonArray(gateway.send("GET", "/api/v1/applications/" + number + "/materials", null,
          "Authorization", "Bearer " + gateway.token("reviewer.mzj")).body());
      assertNull(byLicenceType(materials, "残疾人证").getJsonObject("satisfiedBy"), "a revoked licence proves nothing");
    } finally {
      gateway.execute("update licence set status = 'ACTIVE', revoked_at = null, revocation_reason = null"
          + " where identifier in (select identifier from revoked_for_test)");
      gateway.execute("drop table revoked_for_test");
    }
  }

  private static JsonObject byLicenceType(JsonArray materials, String type) {
    return materials.stream().map(o -> (JsonObject) o).filter(m -> type.equals(m.getString("licenceType")))
        .findFirst().orElseThrow(() -> new AssertionError("no material of type " + type + " in " + materials));
  }
}
