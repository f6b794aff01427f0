package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Issue 31 items 2, 3 and 8, as staff would try it: writing into a citizen's material library without their
 * authorisation, probing which files they hold by uploading a copy, planting a file their next case reuses,
 * recording an authorisation under a borrowed identity; and file names and limits stated truly.
 */
class MaterialLibrarySecurityTest {
  private static final String ZHANG = "11010519491231002X";
  private static final String MATTER = "cjl-disability-certificate";
  /** A person without an account, known to 公安's population registry (imported in a test) as 王五. */
  private static final String WANG = TestGateway.idNumber("41018319800101001");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static byte[] pdf(String text) {
    return ("%PDF-1.4\n% " + text + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static JsonObject created(HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  @Test
  void anAgentUploadsOnlyForSomeoneWhoAuthorisedTheirHall() throws Exception {
    HttpResponse<String> refused = gateway.upload("agent.village", Map.of("kind", "bank-card", "idNumber",
        "440524188001010014"), "card.pdf", pdf("no authorisation " + System.nanoTime()));
    assertEquals(403, refused.statusCode(), refused.body());
    assertEquals("代办员只能为已授权本网点代办的申请人上传材料（须有有效的代办授权）。",
        new JsonObject(refused.body()).getString("detail"));

    // 张三 authorises the village station: now its agent may hand in his files.
    created(gateway.post("citizen", "/api/v1/authorisations", new JsonObject().put("hallCode", "xm-chaohua-v01")
        .put("validUntil", java.time.LocalDate.now(cn.tongban.core.clock.CalendarService.ZONE).plusDays(30)
            .toString())));
    created(gateway.upload("agent.village", Map.of("kind", "bank-card", "idNumber", ZHANG), "card.pdf",
        pdf("authorised " + System.nanoTime())));
  }

  @Test
  void aCopyOfTheCitizensFileIsTheUploadersOwnRecord() throws Exception {
    byte[] content = pdf("held by the citizen " + System.nanoTime());
    JsonObject own = created(gateway.upload("citizen", Map.of("kind", "bank-card"), "mine.pdf", content));
    JsonObject copy = created(gateway.upload("clerk", Map.of("kind", "bank-card", "idNumber", ZHANG), "copy.pdf",
        content));
    assertNotEquals(own.getString("id"), copy.getString("id"), "never the citizen's record");
    assertEquals("copy.pdf", copy.getString("fileName"));
  }

  @Test
  void aFileStaffUploadedIsNotReusedInTheCitizensLaterCases() throws Exception {
    JsonObject planted = created(gateway.upload("clerk", Map.of("kind", "photo", "idNumber", ZHANG), "照片.pdf",
        pdf("planted " + System.nanoTime())));
    HttpResponse<String> r = gateway.get("citizen", "/api/v1/matters/" + MATTER + "/reusable-materials");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject photo = new JsonArray(r.body()).stream().map(JsonObject.class::cast)
        .filter(m -> "photo".equals(m.getString("code"))).findFirst().orElseThrow();
    assertNull(photo.getValue("satisfiedBy"), "not " + planted.getString("id"));

    HttpResponse<String> submitted = gateway.post("citizen", "/api/v1/applications", new JsonObject()
        .put("matterCode", MATTER).put("channel", "WEB").put("data", gateway.sample(MATTER)));
    String number = created(submitted).getString("number");
    HttpResponse<String> materials = gateway.get("citizen", "/api/v1/applications/" + number + "/materials");
    assertEquals(200, materials.statusCode(), materials.body());
    JsonObject onCase = new JsonArray(materials.body()).stream().map(JsonObject.class::cast)
        .filter(m -> "photo".equals(m.getString("code"))).findFirst().orElseThrow();
    assertNull(onCase.getValue("satisfiedBy"), "the clerk's file was not attached silently");
  }

  @Test
  void fileNamesAndLimitsAreStatedTruly() throws Exception {
    JsonObject named = created(gateway.upload("citizen", Map.of("kind", "photo"), "photo\u202Egpj.exe",
        pdf("rlo " + System.nanoTime())));
    assertEquals("photogpj.pdf", named.getString("fileName"), "no right-to-left override kept");

    byte[] big = new byte[12 * 1024 * 1024];
    System.arraycopy(pdf("big"), 0, big, 0, 20);
    HttpResponse<String> tooBig = gateway.upload("citizen", Map.of("kind", "photo"), "scan.pdf", big);
    assertEquals(413, tooBig.statusCode(), tooBig.body());
    assertEquals("文件超过 10 MB 的大小限制。", new JsonObject(tooBig.body()).getString("detail"));
  }

  /** The signed authorisation form, uploaded by {@code user} for the person: its material id. */
  private static String signedForm(String user, String idNumber) throws Exception {
    return created(gateway.upload(user, Map.of("kind", "agent-authorisation", "idNumber", idNumber), "授权书.pdf",
        pdf("signed " + System.nanoTime()))).getString("id");
  }

  @Test
  void anAgentCannotRecordAnAuthorisationUnderAnotherName() throws Exception {
    String until = java.time.LocalDate.now(cn.tongban.core.clock.CalendarService.ZONE).plusDays(30).toString();
    JsonObject borrowed = new JsonObject().put("validUntil", until).put("evidence", signedForm("agent.village", ZHANG))
        .put("applicant", new JsonObject().put("name", "王五").put("idNumber", ZHANG));
    HttpResponse<String> r = gateway.post("agent.village", "/api/v1/authorisations", borrowed);
    assertEquals(422, r.statusCode(), r.body());
    JsonObject violation = new JsonObject(r.body()).getJsonArray("violations").getJsonObject(0);
    assertEquals("/applicant/name", violation.getString("pointer"));
    assertEquals("姓名与该公民身份号码登记的姓名不符，请核对申请人的身份证件。", violation.getString("message"));
    // The registered name is accepted.
    borrowed.getJsonObject("applicant").put("name", "张三");
    created(gateway.post("agent.village", "/api/v1/authorisations", borrowed));

    // Without an account, the name is the one 公安's population registry holds.
    String wang = WANG;
    assertEquals(200, gateway.send("PUT", "/api/v1/admin/datasets/gongan-population", new JsonObject()
        .put("records", new JsonArray().add(new JsonObject().put("subjectKey", wang)
            .put("record", new JsonObject().put("name", "王五")))).encode(),
        "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json").statusCode());
    JsonObject forWang = new JsonObject().put("validUntil", until).put("evidence", signedForm("agent.village", wang))
        .put("applicant", new JsonObject().put("name", "赵六").put("idNumber", wang));
    HttpResponse<String> wrongName = gateway.post("agent.village", "/api/v1/authorisations", forWang);
    assertEquals(422, wrongName.statusCode(), wrongName.body());
    assertEquals("/applicant/name", new JsonObject(wrongName.body()).getJsonArray("violations").getJsonObject(0)
        .getString("pointer"));
    forWang.getJsonObject("applicant").put("name", "王五");
    created(gateway.post("agent.village", "/api/v1/authorisations", forWang));
  }

  @Test
  void theSignedFormIsAnUploadOfTheRecorderNotAText() throws Exception {
    String until = java.time.LocalDate.now(cn.tongban.core.clock.CalendarService.ZONE).plusDays(30).toString();
    JsonObject record = new JsonObject().put("validUntil", until).put("evidence", "授权书 2026-1206-09")
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", ZHANG));
    for (String evidence : new String[] {"授权书 2026-1206-09", signedForm("clerk", ZHANG),
        created(gateway.upload("agent.village", Map.of("kind", "agent-authorisation", "idNumber",
            "440524188001010014"), "other.pdf", pdf("someone else " + System.nanoTime()))).getString("id")}) {
      HttpResponse<String> r = gateway.post("agent.village", "/api/v1/authorisations", record.put("evidence", evidence));
      assertEquals(422, r.statusCode(), evidence + ": " + r.body());
      assertEquals("/evidence", new JsonObject(r.body()).getJsonArray("violations").getJsonObject(0)
          .getString("pointer"), "free text, another's upload, or a form for someone else");
    }
  }

  @Test
  void underARecordedAuthorisationTheAgentNeitherSeesNorHandsInTheCitizensFiles() throws Exception {
    String elderly = "mzj-elderly-preferential-card";
    String until = java.time.LocalDate.now(cn.tongban.core.clock.CalendarService.ZONE).plusDays(30).toString();
    // A person with nothing but an authorisation the agent recorded: their library stays closed to the agent.
    String wang = WANG;
    assertEquals(403, gateway.get("agent.village", "/api/v1/matters/" + elderly
        + "/reusable-materials?idNumber=" + wang).statusCode(), "no authorisation the person granted");
    JsonObject recorded = created(gateway.post("agent.village", "/api/v1/authorisations", new JsonObject()
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", ZHANG)).put("matterCode", elderly)
        .put("validUntil", until).put("evidence", signedForm("agent.village", ZHANG))));
    // The citizen's own photo, its id known somehow, handed in by the agent: refused.
    String photo = created(gateway.upload("citizen", Map.of("kind", "photo"), "me.pdf",
        pdf("own photo " + System.nanoTime()))).getString("id");
    HttpResponse<String> r = gateway.post("agent.village", "/api/v1/applications", new JsonObject()
        .put("matterCode", elderly).put("channel", "WINDOW").put("data", gateway.sample(elderly))
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", ZHANG))
        .put("authorisationId", recorded.getString("id"))
        .put("materials", new JsonArray().add(new JsonObject().put("code", "photo").put("materialId", photo))));
    assertEquals(422, r.statusCode(), r.body());
    assertEquals("/materials/0/materialId", new JsonObject(r.body()).getJsonArray("violations").getJsonObject(0)
        .getString("pointer"));

    // Once the citizen grants the station themselves, the agent may see the library.
    created(gateway.post("citizen", "/api/v1/authorisations", new JsonObject().put("hallCode", "xm-chaohua-v01")
        .put("matterCode", elderly).put("validUntil", until)));
    assertEquals(200, gateway.get("agent.village", "/api/v1/matters/" + elderly + "/reusable-materials?idNumber="
        + ZHANG).statusCode());
  }

  @Test
  void anAuthorisationStaffRecordedAloneDoesNotOpenTheCitizensLibrary() throws Exception {
    String elderly = "mzj-elderly-preferential-card";
    String until = java.time.LocalDate.now(cn.tongban.core.clock.CalendarService.ZONE).plusDays(30).toString();
    JsonObject recorded = created(gateway.post("agent.village", "/api/v1/authorisations", new JsonObject()
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", ZHANG)).put("matterCode", elderly)
        .put("validUntil", until).put("evidence", signedForm("agent.village", ZHANG))));
    assertEquals("RECORDED", recorded.getString("origin"));
    JsonObject body = new JsonObject().put("matterCode", elderly).put("channel", "WINDOW")
        .put("data", gateway.sample(elderly))
        .put("applicant", new JsonObject().put("name", "张三").put("idNumber", ZHANG))
        .put("authorisationId", recorded.getString("id"));
    JsonObject recordedCase = idCard(created(gateway.post("agent.village", "/api/v1/applications", body))
        .getString("number"));
    assertNull(recordedCase.getValue("satisfiedBy"), "the citizen's identity card is not fetched under an agent's"
        + " own record");
    assertEquals(0, recordedCase.getJsonArray("licences").size(), "nor shown to the agent: " + recordedCase);

    // Under the citizen's own grant the library fills the case (免提交).
    JsonObject granted = created(gateway.post("citizen", "/api/v1/authorisations", new JsonObject()
        .put("hallCode", "xm-chaohua-v01").put("matterCode", elderly).put("validUntil", until)));
    assertEquals("GRANTED", granted.getString("origin"));
    JsonObject satisfied = idCard(created(gateway.post("agent.village", "/api/v1/applications",
        body.put("authorisationId", granted.getString("id")))).getString("number")).getJsonObject("satisfiedBy");
    assertEquals("LICENCE", satisfied.getString("kind"));
  }

  private static JsonObject idCard(String number) throws Exception {
    HttpResponse<String> r = gateway.get("agent.village", "/api/v1/applications/" + number + "/materials");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonArray(r.body()).stream().map(JsonObject.class::cast)
        .filter(m -> "id-card".equals(m.getString("code"))).findFirst().orElseThrow();
  }
}
