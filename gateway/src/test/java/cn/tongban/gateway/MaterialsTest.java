package cn.tongban.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 材料库: a file handed in once is typed by its content, hashed, scanned and kept with the cases; the
 * applicant reuses it in later cases without handing it in again; only they and staff of a case using it
 * may read it; oversized, disguised and infected files are refused with a clear problem.
 */
class MaterialsTest {
  private static final int LIMIT = 64 * 1024;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_MATERIAL_LIMIT_BYTES", String.valueOf(LIMIT)));
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

  private JsonArray caseMaterials(String user, String number) throws Exception {
    HttpResponse<String> r = gateway.send("GET", "/api/v1/applications/" + number + "/materials", null,
        "Authorization", "Bearer " + gateway.token(user));
    assertEquals(200, r.statusCode(), r.body());
    return new JsonArray(r.body());
  }

  private static JsonObject material(JsonArray materials, String code) {
    return materials.stream().map(o -> (JsonObject) o).filter(m -> code.equals(m.getString("code"))).findFirst()
        .orElseThrow();
  }

  private String submit(String matter, JsonArray materials) throws Exception {
    JsonObject body = new JsonObject().put("matterCode", matter).put("channel", "WEB")
        .put("data", gateway.sample(matter));
    if (materials != null) {
      body.put("materials", materials);
    }
    return created(gateway.send("POST", "/api/v1/applications", body.encode(), "Authorization",
        "Bearer " + gateway.token("citizen"), "Content-Type", "application/json")).getString("number");
  }

  @Test
  void anUploadIsTypedByContentHashedAndReadableByItsOwner() throws Exception {
    byte[] content = pdf("bank card " + System.nanoTime());
    JsonObject m = created(gateway.upload("citizen", Map.of("kind", "bank-card"), "银行卡.png", content));
    assertEquals("application/pdf", m.getString("mediaType"), "the content says PDF, whatever the name says");
    assertEquals("银行卡.pdf", m.getString("fileName"));
    assertEquals(content.length, m.getInteger("size"));
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), m.getString("sha256"));

    HttpResponse<byte[]> back = gateway.getBytes("/api/v1/materials/" + m.getString("id") + "/content",
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, back.statusCode());
    assertArrayEquals(content, back.body());
    assertEquals("application/pdf", back.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(back.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment"));

    // The same file again for the same material is the same material, not a second copy.
    assertEquals(m.getString("id"), created(gateway.upload("citizen", Map.of("kind", "bank-card"), "again.pdf",
        content)).getString("id"));
    assertTrue(new JsonArray(gateway.send("GET", "/api/v1/materials?kind=bank-card", null, "Authorization",
        "Bearer " + gateway.token("citizen")).body()).stream()
        .anyMatch(o -> m.getString("id").equals(((JsonObject) o).getString("id"))));
  }

  @Test
  void oversizedDisguisedAndInfectedFilesAreRefusedAndNothingIsStored() throws Exception {
    long before = gateway.count("select count(*) from material_file");

    byte[] big = new byte[LIMIT + 1];
    System.arraycopy(pdf("big"), 0, big, 0, 20);
    HttpResponse<String> tooBig = gateway.upload("citizen", Map.of("kind", "photo"), "scan.pdf", big);
    assertEquals(413, tooBig.statusCode(), tooBig.body());
    assertEquals("payload-too-large", new JsonObject(tooBig.body()).getString("code"));
    assertTrue(new JsonObject(tooBig.body()).getString("detail").equals("文件超过 64 KB 的大小限制。"), tooBig.body());
    HttpResponse<String> wayTooBig = gateway.upload("citizen", Map.of("kind", "photo"), "scan.pdf",
        new byte[LIMIT * 3]);
    assertEquals(413, wayTooBig.statusCode(), "over the upload's body limit too");
    assertTrue(wayTooBig.headers().firstValue("Content-Type").orElseThrow().startsWith("application/problem+json"));

    byte[] exe = "MZ\u0090\u0000this program cannot be run in DOS mode".getBytes(StandardCharsets.ISO_8859_1);
    HttpResponse<String> disguised = gateway.upload("citizen", Map.of("kind", "photo"), "photo.jpg", exe);
    assertEquals(415, disguised.statusCode(), disguised.body());
    JsonObject problem = new JsonObject(disguised.body());
    assertEquals("unsupported-media-type", problem.getString("code"));
    assertEquals("文件内容不是允许的类型（PDF、OFD、JPEG、PNG），请勿仅修改文件扩展名。", problem.getString("detail"));

    byte[] eicar = pdf("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    HttpResponse<String> infected = gateway.upload("citizen", Map.of("kind", "photo"), "scan.pdf", eicar);
    assertEquals(422, infected.statusCode(), infected.body());
    JsonObject violation = new JsonObject(infected.body()).getJsonArray("violations").getJsonObject(0);
    assertEquals("/file", violation.getString("pointer"));
    assertEquals("infected", violation.getString("code"));
    assertEquals("文件未通过病毒扫描（EICAR-Test-File），已拒收。", violation.getString("message"));

    HttpResponse<String> noKind = gateway.upload("citizen", Map.of(), "scan.pdf", pdf("x"));
    assertEquals(422, noKind.statusCode(), noKind.body());
    assertEquals("/kind", new JsonObject(noKind.body()).getJsonArray("violations").getJsonObject(0)
        .getString("pointer"));
    assertEquals(before, gateway.count("select count(*) from material_file"), "nothing refused was kept");
  }

  @Test
  void aMaterialHandedInOnceIsReusedInTheNextCase() throws Exception {
    byte[] content = pdf("reuse " + System.nanoTime());
    JsonObject card = created(gateway.upload("citizen", Map.of("kind", "bank-card"), "bank.pdf", content));
    String first = submit("mzj-advanced-age-allowance", new JsonArray().add(new JsonObject()
        .put("code", "bank-card").put("materialId", card.getString("id"))));
    JsonObject handed = material(caseMaterials("reviewer.mzj", first), "bank-card").getJsonObject("satisfiedBy");
    assertEquals("UPLOAD", handed.getString("kind"));
    assertEquals(card.getString("id"), handed.getJsonObject("material").getString("id"));

    // The next matter that asks for a bank card gets the same file without it being handed in again.
    String second = submit("mzj-disability-two-subsidies", null);
    JsonObject reused = material(caseMaterials("reviewer.mzj", second), "bank-card").getJsonObject("satisfiedBy");
    assertEquals("REUSED", reused.getString("kind"));
    assertEquals(card.getString("id"), reused.getJsonObject("material").getString("id"));
    assertEquals(content.length, reused.getJsonObject("material").getInteger("size"));

    // The department reviewing the case reads the file; staff elsewhere cannot find it.
    assertEquals(200, gateway.getBytes("/api/v1/materials/" + card.getString("id") + "/content",
        "Authorization", "Bearer " + gateway.token("reviewer.mzj")).statusCode());
    for (String user : new String[] {"reviewer.cjl", "clerk.town", "agent.village"}) {
      assertEquals(404, gateway.getBytes("/api/v1/materials/" + card.getString("id") + "/content",
          "Authorization", "Bearer " + gateway.token(user)).statusCode(), user);
    }
    assertEquals(401, gateway.getBytes("/api/v1/materials/" + card.getString("id") + "/content").statusCode());
  }

  @Test
  void aSubmissionNamingSomeoneElsesFileIsRefusedWithPointers() throws Exception {
    // A window clerk takes in a file for another applicant, which is theirs, not the citizen's.
    JsonObject theirs = created(gateway.upload("clerk", Map.of("kind", "bank-card",
        "idNumber", "440524188001010014"), "card.pdf", pdf("someone else " + System.nanoTime())));
    long cases = gateway.count("select count(*) from application");
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", "mzj-advanced-age-allowance").put("channel", "WEB")
            .put("data", gateway.sample("mzj-advanced-age-allowance"))
            .put("materials", new JsonArray()
                .add(new JsonObject().put("code", "bank-card").put("materialId", theirs.getString("id")))
                .add(new JsonObject().put("code", "no-such-material").put("materialId", theirs.getString("id"))))
            .encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    assertEquals(422, r.statusCode(), r.body());
    JsonArray violations = new JsonObject(r.body()).getJsonArray("violations");
    assertTrue(violations.stream().anyMatch(v -> "/materials/0/materialId".equals(((JsonObject) v)
        .getString("pointer"))), violations.encode());
    assertTrue(violations.stream().anyMatch(v -> "/materials/1/code".equals(((JsonObject) v).getString("pointer"))));
    assertEquals(cases, gateway.count("select count(*) from application"), "nothing stored");
    assertEquals(404, gateway.send("GET", "/api/v1/materials/" + theirs.getString("id"), null,
        "Authorization", "Bearer " + gateway.token("citizen")).statusCode(), "not theirs to read either");
    assertEquals(200, gateway.send("GET", "/api/v1/materials/" + theirs.getString("id"), null,
        "Authorization", "Bearer " + gateway.token("clerk")).statusCode(), "the uploader reads it");
  }

  @Test
  void portalsHandInMaterialsOverGraphQLToo() throws Exception {
    JsonObject card = created(gateway.upload("citizen", Map.of("kind", "bank-card"), "card.pdf",
        pdf("graphql " + System.nanoTime())));
    String mutation = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) {"
        + " application { number } violations { pointer code } } }";
    JsonObject input = new JsonObject().put("matterCode", "mzj-advanced-age-allowance").put("channel", "WEB")
        .put("data", gateway.sample("mzj-advanced-age-allowance"))
        .put("materials", new JsonArray().add(new JsonObject().put("code", "bank-card")
            .put("materialId", card.getString("id"))));
    HttpResponse<String> r = gateway.send("POST", "/graphql", new JsonObject().put("query", mutation)
            .put("variables", new JsonObject().put("input", input)).encode(),
        "Content-Type", "application/json", "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject payload = new JsonObject(r.body()).getJsonObject("data").getJsonObject("submitApplication");
    assertEquals(0, payload.getJsonArray("violations").size(), r.body());
    String number = payload.getJsonObject("application").getString("number");
    JsonObject handed = material(caseMaterials("reviewer.mzj", number), "bank-card").getJsonObject("satisfiedBy");
    assertEquals("UPLOAD", handed.getString("kind"));
    assertEquals(card.getString("id"), handed.getJsonObject("material").getString("id"));
  }
}
