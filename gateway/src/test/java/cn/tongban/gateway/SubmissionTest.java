package cn.tongban.gateway;

import cn.tongban.client.ApiClient;
import cn.tongban.client.ApiException;
import cn.tongban.client.model.ApplicantInput;
import cn.tongban.client.model.Application;
import cn.tongban.client.model.ApplicationPage;
import cn.tongban.client.model.ApplicationStatus;
import cn.tongban.client.model.Channel;
import cn.tongban.client.model.SubmitApplicationRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Submitting applications over REST, as citizens, window clerks and reviewers would. */
class SubmissionTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final String TALENT = "rsj-talent-housing-subsidy";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static SubmitApplicationRequest request(String matter, JsonObject data, Channel channel) {
    return new SubmitApplicationRequest().matterCode(matter).channel(channel).data(data.getMap());
  }

  @Test
  void citizenSubmitsEveryBundledMattersSampleAndReadsItBack() throws Exception {
    ApiClient citizen = gateway.as("citizen");
    for (String matter : List.of(ELDERLY, TALENT, "rsj-pension-insurance-enrolment")) {
      Application created = gateway.applications(citizen)
          .submitApplication(request(matter, gateway.sample(matter), Channel.WEB), null);
      assertEquals(ApplicationStatus.SUBMITTED, created.getStatus());
      assertEquals(matter, created.getMatterCode());
      assertEquals(1, created.getFormVersion(), "pinned to the published version");
      assertTrue(created.getNumber().matches("410183\\d{8}\\d{8}"), "area code + date + sequence: " + created.getNumber());
      assertNotNull(created.getQueryCode());
      assertEquals("张三", created.getApplicant().getName(), "the applicant is the signed-in citizen");

      Application read = gateway.applications(citizen).getApplication(created.getNumber());
      assertEquals(created.getNumber(), read.getNumber());
      assertEquals(gateway.sample(matter).getMap(), new JsonObject(read.getData()).getMap());
    }
    ApplicationPage mine = gateway.applications(citizen).listApplications(null, null, 100, null);
    assertTrue(mine.getItems().size() >= 3);
  }

  @Test
  void answersCreatedWithLocationAndCommitsCaseAuditAndOutboxTogether() throws Exception {
    String token = gateway.token("citizen");
    long audits = gateway.count("select count(*) from audit_event");
    long events = gateway.count("select count(*) from outbox_event");
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", ELDERLY).put("channel", "MINI_PROGRAM").put("data", gateway.sample(ELDERLY)).encode(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    String number = new JsonObject(r.body()).getString("number");
    assertEquals("/api/v1/applications/" + number, r.headers().firstValue("Location").orElseThrow());
    assertEquals(audits + 1, gateway.count("select count(*) from audit_event"));
    assertEquals(events + 1, gateway.count("select count(*) from outbox_event"));
    assertEquals(1, gateway.count("select count(*) from outbox_event where event_type = 'ApplicationSubmitted'"
        + " and aggregate_id = '" + number + "'"));
  }

  @Test
  void rejectedSubmissionListsEveryViolationWithPointersAndStoresNothing() throws Exception {
    String token = gateway.token("citizen");
    long before = gateway.count("select count(*) from application");
    long audits = gateway.count("select count(*) from audit_event");
    JsonObject data = gateway.sample(ELDERLY);
    data.remove("name");
    data.put("idNumber", "123");
    data.put("mobile", "12345");
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", ELDERLY).put("channel", "WEB").put("data", data).encode(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertEquals(422, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow());
    JsonObject problem = new JsonObject(r.body());
    assertEquals("validation-failed", problem.getString("code"));
    assertEquals("提交的内容未通过校验", problem.getString("title"));
    Map<String, String> byPointer = pointers(problem);
    assertEquals(Set.of("/data/name", "/data/idNumber", "/data/mobile"), byPointer.keySet());
    assertEquals("请填写“姓名”。", byPointer.get("/data/name"));
    assertTrue(byPointer.get("/data/idNumber").contains("公民身份号码"), byPointer.get("/data/idNumber"));
    assertNotNull(problem.getString("traceId"));
    assertEquals(before, gateway.count("select count(*) from application"), "nothing stored");
    assertEquals(audits, gateway.count("select count(*) from audit_event"), "no audit event either");
  }

  @Test
  void theFormsIdentityHandlerCatchesWhatTheSchemaCannot() throws Exception {
    JsonObject data = gateway.sample(ELDERLY).put("idNumber", "110105194912310021").put("mobile", "13800138000");
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", ELDERLY).put("channel", "WEB").put("data", data).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    assertEquals(422, r.statusCode(), "the pattern fits but the check character does not: " + r.body());
    JsonArray violations = new JsonObject(r.body()).getJsonArray("violations");
    assertEquals(1, violations.size(), "reported once, by the schema's format, not again by the handler: " + r.body());
    JsonObject v = violations.getJsonObject(0);
    assertEquals("/data/idNumber", v.getString("pointer"));
    assertEquals("format", v.getString("code"), "the form's \"format\": \"gb11643\"");
    assertTrue(v.getString("message").contains("校验码"));
  }

  @Test
  void everyIdentityNumberAFormHoldsIsChecked() throws Exception {
    // 低保 binds no identity handler: a family member's number was taken as long as it fitted the pattern.
    String matter = "mzj-subsistence-allowance";
    JsonObject data = gateway.sample(matter);
    data.getJsonArray("familyMembers").getJsonObject(1).put("idNumber", "410183197409214262");
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", matter).put("channel", "WEB").put("data", data).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    assertEquals(422, r.statusCode(), "a spouse's number with a wrong check character: " + r.body());
    JsonObject v = new JsonObject(r.body()).getJsonArray("violations").getJsonObject(0);
    assertEquals("/data/familyMembers/1/idNumber", v.getString("pointer"));
    assertEquals("format", v.getString("code"));
    assertTrue(v.getString("message").contains("校验码"), v.getString("message"));

    // A contractor's credit code on the construction permit, not only the applicant's.
    String permit = "zjj-construction-permit";
    JsonObject form = gateway.sample(permit);
    String code = form.getJsonObject("contractor").getString("creditCode");
    form.getJsonObject("contractor").put("creditCode", code.substring(0, 17) + (code.endsWith("0") ? "1" : "0"));
    HttpResponse<String> bad = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", permit).put("channel", "WEB").put("data", form).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    assertEquals(422, bad.statusCode(), bad.body());
    assertTrue(new JsonObject(bad.body()).getJsonArray("violations").stream().map(JsonObject.class::cast)
        .anyMatch(x -> x.getString("pointer").equals("/data/contractor/creditCode")
            && x.getString("code").equals("format")), bad.body());
  }

  @Test
  void whatThePlatformKnowsIsFilledInBeforeTheApplicantTypes() throws Exception {
    HttpResponse<String> r = gateway.send("GET", "/api/v1/matters/" + TALENT + "/prefill", null,
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject prefilled = new JsonObject(r.body());
    assertEquals(1, prefilled.getInteger("formVersion"));
    assertEquals(new JsonObject().put("applicantName", "张三").put("idNumber", "11010519491231002X")
        .put("mobile", "13800138000"), prefilled.getJsonObject("data"), "from the citizen's profile, by profile-prefill");
    JsonObject graphql = new JsonObject(gateway.send("POST", "/graphql", new JsonObject()
        .put("query", "{ prefill(matterCode: \"" + TALENT + "\") }").encode(), "Authorization", "Bearer "
        + gateway.token("citizen"), "Content-Type", "application/json").body());
    assertEquals(prefilled, graphql.getJsonObject("data").getJsonObject("prefill"));
  }

  @Test
  void whatADepartmentAlreadyHoldsIsFilledInFromItsImportedDataset() throws Exception {
    // The 公安 population dataset, imported by an administrator (re-importing replaces the subject's record).
    JsonObject dataset = new JsonObject().put("records", new JsonArray()
        .add(new JsonObject().put("subjectKey", "11010519491231002X").put("record", new JsonObject()
            .put("householdTownship", "米村镇").put("householdVillage", "米村").put("address", "新密市米村镇米村一组8号")
            .put("ethnicity", "汉族")))
        .add(new JsonObject().put("subjectKey", "41018319350101001X").put("record", new JsonObject()
            .put("householdTownship", "来集镇"))));
    HttpResponse<String> forbidden = gateway.send("PUT", "/api/v1/admin/datasets/gongan-population", dataset.encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    assertEquals(403, forbidden.statusCode(), "only administrators import");
    JsonObject broken = dataset.copy();
    broken.getJsonArray("records").getJsonObject(1).remove("record");
    HttpResponse<String> bad = gateway.send("PUT", "/api/v1/admin/datasets/gongan-population", broken.encode(),
        "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json");
    assertEquals(400, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains("/records/1"), "the pointer names the broken record: " + bad.body());
    assertEquals(0, gateway.count("select count(*) from shared_dataset_record where subject_index = '"
        + gateway.idIndex("41018319350101001X") + "'"),
        "a refused import writes nothing");
    JsonObject wrongCheck = dataset.copy();
    wrongCheck.getJsonArray("records").getJsonObject(1).put("subjectKey", "410183193501010018");
    HttpResponse<String> badKey = gateway.send("PUT", "/api/v1/admin/datasets/gongan-population",
        wrongCheck.encode(), "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json");
    assertEquals(422, badKey.statusCode(), "a subject key whose check character is wrong: " + badKey.body());
    assertEquals("/records/1/subjectKey", new JsonObject(badKey.body()).getJsonArray("violations").getJsonObject(0)
        .getString("pointer"));
    assertEquals(0, gateway.count("select count(*) from shared_dataset_record where subject_index = '"
        + gateway.idIndex("41018319350101001X") + "'"), "none of it imported");
    HttpResponse<String> imported = gateway.send("PUT", "/api/v1/admin/datasets/gongan-population", dataset.encode(),
        "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json");
    assertEquals(200, imported.statusCode(), imported.body());
    assertEquals(2, new JsonObject(imported.body()).getInteger("imported"));
    HttpResponse<String> r = gateway.send("GET", "/api/v1/matters/mzj-advanced-age-allowance/prefill", null,
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X").put("mobile", "13800138000")
            .put("householdTownship", "米村镇").put("householdVillage", "米村").put("address", "新密市米村镇米村一组8号"),
        new JsonObject(r.body()).getJsonObject("data"), "profile and household registration filled, nothing else");
    // A subject the department holds nothing on: only the profile is filled, nothing fails.
    gateway.execute("DELETE FROM shared_dataset_record WHERE source = 'gongan-population'");
    JsonObject unknown = new JsonObject(gateway.send("GET", "/api/v1/matters/mzj-advanced-age-allowance/prefill",
        null, "Authorization", "Bearer " + gateway.token("citizen")).body()).getJsonObject("data");
    assertEquals(new JsonObject().put("name", "张三").put("idNumber", "11010519491231002X").put("mobile", "13800138000"),
        unknown);
  }

  @Test
  void violationsAreInEnglishOnRequest() throws Exception {
    String token = gateway.token("citizen");
    JsonObject data = gateway.sample(ELDERLY);
    data.remove("name");
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", ELDERLY).put("channel", "WEB").put("data", data).encode(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept-Language", "en-GB,en;q=0.9");
    JsonObject problem = new JsonObject(r.body());
    assertEquals("The submitted data is not valid", problem.getString("title"));
    assertEquals("\"姓名\" is required.", pointers(problem).get("/data/name"));
  }

  @Test
  void conditionalRequirementOfTheFormIsEnforced() throws Exception {
    ApiClient citizen = gateway.as("citizen");
    JsonObject data = gateway.sample(TALENT);
    JsonObject schema = new JsonObject(gateway.send("GET", "/api/v1/matters/" + TALENT, null).body())
        .getJsonObject("form").getJsonObject("schema");
    // Every field the sample's branch makes required, removed: each is reported.
    String housing = data.getString("housingType");
    assertNotNull(housing, "the talent sample chooses a housing type");
    ApiException e = assertThrows(ApiException.class, () -> gateway.applications(citizen)
        .submitApplication(request(TALENT, withoutConditionalFields(data, schema), Channel.WEB), null));
    assertEquals(422, e.getCode());
    assertTrue(pointers(new JsonObject(e.getResponseBody())).keySet().stream().allMatch(p -> p.startsWith("/data/")));
  }

  @Test
  void aFieldRequiredOnlyByAConditionIsNamedByItsChineseTitle() throws Exception {
    JsonObject schema = new JsonObject(gateway.send("GET", "/api/v1/matters/" + ELDERLY, null).body())
        .getJsonObject("form").getJsonObject("schema");
    JsonObject data = gateway.sample(ELDERLY).put("collectionMethod", "MAIL");
    data.remove("mailingAddress");
    HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", ELDERLY).put("channel", "WEB").put("data", data).encode(),
        "Authorization", "Bearer " + gateway.token("citizen"), "Content-Type", "application/json");
    assertEquals(422, r.statusCode(), r.body());
    String title = schema.getJsonObject("properties").getJsonObject("mailingAddress").getString("title");
    assertEquals("请填写“" + title + "”。", pointers(new JsonObject(r.body())).get("/data/mailingAddress"));
  }

  private static JsonObject withoutConditionalFields(JsonObject data, JsonObject schema) {
    JsonObject copy = data.copy();
    JsonArray all = schema.getJsonArray("allOf", new JsonArray());
    if (schema.containsKey("then")) {
      all.add(new JsonObject().put("then", schema.getJsonObject("then")));
    }
    for (Object branch : all) {
      JsonObject then = ((JsonObject) branch).getJsonObject("then", new JsonObject());
      then.getJsonArray("required", new JsonArray()).forEach(f -> copy.remove((String) f));
    }
    return copy;
  }

  @Test
  void idempotentRetryReturnsTheSameCaseAndAnotherBodyWithTheKeyConflicts() throws Exception {
    ApiClient citizen = gateway.as("citizen");
    long before = gateway.count("select count(*) from application");
    SubmitApplicationRequest body = request(ELDERLY, gateway.sample(ELDERLY), Channel.WEB);
    Application first = gateway.applications(citizen).submitApplication(body, "retry-me-1");
    Application again = gateway.applications(citizen).submitApplication(body, "retry-me-1");
    assertEquals(first.getNumber(), again.getNumber());
    assertEquals(before + 1, gateway.count("select count(*) from application"), "exactly one case");

    SubmitApplicationRequest other = request(ELDERLY, gateway.sample(ELDERLY).put("address", "新密市另一个地址1号"),
        Channel.WEB);
    ApiException e = assertThrows(ApiException.class,
        () -> gateway.applications(citizen).submitApplication(other, "retry-me-1"));
    assertEquals(409, e.getCode());
    assertEquals("idempotency-key-reused", new JsonObject(e.getResponseBody()).getString("code"));
    assertEquals(before + 1, gateway.count("select count(*) from application"));
  }

  @Test
  void concurrentRetriesWithOneKeyCreateOneCase() throws Exception {
    String token = gateway.token("citizen");
    String body = new JsonObject().put("matterCode", ELDERLY).put("channel", "WEB")
        .put("data", gateway.sample(ELDERLY)).encode();
    List<java.util.concurrent.CompletableFuture<String>> calls = new java.util.ArrayList<>();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      for (int i = 0; i < 8; i++) {
        calls.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            HttpResponse<String> r = gateway.send("POST", "/api/v1/applications", body, "Authorization",
                "Bearer " + token, "Content-Type", "application/json", "Idempotency-Key", "burst-1");
            assertEquals(201, r.statusCode(), r.body());
            return new JsonObject(r.body()).getString("number");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      Set<String> numbers = calls.stream().map(java.util.concurrent.CompletableFuture::join).collect(Collectors.toSet());
      assertEquals(1, numbers.size(), "every retry answers with the one case: " + numbers);
      assertEquals(1, gateway.count("select count(*) from application where idempotency_key = 'burst-1'"));
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void badInputGetsAClearProblemNeverA500() throws Exception {
    String auth = "Bearer " + gateway.token("citizen");
    HttpResponse<String> malformed = gateway.send("POST", "/api/v1/applications", "{\"matterCode\": ",
        "Authorization", auth, "Content-Type", "application/json");
    assertEquals(400, malformed.statusCode());
    assertEquals("malformed-json", new JsonObject(malformed.body()).getString("code"));

    HttpResponse<String> contract = gateway.send("POST", "/api/v1/applications",
        "{\"matterCode\":\"x\",\"data\":{},\"channel\":\"FAX\",\"extra\":1}", "Authorization", auth,
        "Content-Type", "application/json");
    assertEquals(400, contract.statusCode(), contract.body());
    assertEquals("bad-request", new JsonObject(contract.body()).getString("code"));
    assertTrue(new JsonObject(contract.body()).getJsonArray("violations").size() >= 1);

    // The contract takes any object as the form's data (the form validates it), and nothing else.
    HttpResponse<String> dataNotAnObject = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", ELDERLY).put("channel", "WEB").put("data", "张三").encode(),
        "Authorization", auth, "Content-Type", "application/json");
    assertEquals(400, dataNotAnObject.statusCode(), dataNotAnObject.body());
    assertEquals(List.of("/data"), new JsonObject(dataNotAnObject.body()).getJsonArray("violations").stream()
        .map(v -> ((JsonObject) v).getString("pointer")).distinct().toList());
    HttpResponse<String> deepData = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", ELDERLY).put("channel", "FAX").put("data", new JsonObject()
                .put("a", new JsonObject().put("b", new JsonArray().add(1).add(new JsonObject().putNull("c"))))).encode(),
        "Authorization", auth, "Content-Type", "application/json");
    assertEquals(400, deepData.statusCode(), deepData.body());
    assertEquals(List.of("/channel"), new JsonObject(deepData.body()).getJsonArray("violations").stream()
        .map(v -> ((JsonObject) v).getString("pointer")).distinct().toList());

    String huge = new JsonObject().put("matterCode", ELDERLY).put("channel", "WEB")
        .put("data", new JsonObject().put("address", "很".repeat(1_200_000))).encode();
    HttpResponse<String> tooLarge = gateway.send("POST", "/api/v1/applications", huge, "Authorization", auth,
        "Content-Type", "application/json");
    assertEquals(413, tooLarge.statusCode());
    assertEquals("payload-too-large", new JsonObject(tooLarge.body()).getString("code"));

    HttpResponse<String> unknownMatter = gateway.send("POST", "/api/v1/applications", new JsonObject()
            .put("matterCode", "no-such-matter").put("channel", "WEB").put("data", new JsonObject()).encode(),
        "Authorization", auth, "Content-Type", "application/json");
    assertEquals(404, unknownMatter.statusCode());
    assertEquals("matter-not-found", new JsonObject(unknownMatter.body()).getString("code"));

    HttpResponse<String> noRoute = gateway.send("GET", "/api/v1/nothing-here", null);
    assertEquals(404, noRoute.statusCode());
    assertEquals("application/problem+json", noRoute.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void requestsWithoutAValidTokenAreRefused() throws Exception {
    HttpResponse<String> none = gateway.send("GET", "/api/v1/applications", null);
    assertEquals(401, none.statusCode());
    assertEquals("unauthenticated", new JsonObject(none.body()).getString("code"));
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
    HttpResponse<String> forged = gateway.send("GET", "/api/v1/applications", null, "Authorization",
        "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
    assertEquals(401, forged.statusCode());
    HttpResponse<String> submit = gateway.send("POST", "/api/v1/applications", new JsonObject()
        .put("matterCode", ELDERLY).put("channel", "WEB").put("data", gateway.sample(ELDERLY)).encode(),
        "Content-Type", "application/json");
    assertEquals(401, submit.statusCode());
  }

  @Test
  void windowClerkSubmitsForAWalkInApplicantWhoMustBeNamed() throws Exception {
    ApiClient clerk = gateway.as("clerk");
    ApiException missing = assertThrows(ApiException.class, () -> gateway.applications(clerk)
        .submitApplication(request(ELDERLY, gateway.sample(ELDERLY), Channel.WINDOW), null));
    assertEquals(422, missing.getCode());
    assertTrue(pointers(new JsonObject(missing.getResponseBody())).containsKey("/applicant"));

    ApiException badId = assertThrows(ApiException.class, () -> gateway.applications(clerk)
        .submitApplication(request(ELDERLY, gateway.sample(ELDERLY), Channel.WINDOW)
            .applicant(new ApplicantInput().name("李四").idNumber("110105194912310021")), null));
    assertTrue(pointers(new JsonObject(badId.getResponseBody())).containsKey("/applicant/idNumber"));

    Application walkIn = gateway.applications(clerk).submitApplication(request(ELDERLY, gateway.sample(ELDERLY),
        Channel.WINDOW).applicant(new ApplicantInput().name("李四").idNumber("440524188001010014")), null);
    assertEquals("xm-city", walkIn.getHallCode(), "taken in at the clerk's hall");
    assertEquals("李四", walkIn.getApplicant().getName());

    ApiException asCitizenOnWindow = assertThrows(ApiException.class, () -> gateway.applications(
        gateway.as("citizen")).submitApplication(request(ELDERLY, gateway.sample(ELDERLY), Channel.WINDOW), null));
    assertEquals(403, asCitizenOnWindow.getCode());
  }

  @Test
  void eachCallerSeesOnlyTheCasesInTheirScope() throws Exception {
    Application walkIn = gateway.applications(gateway.as("clerk")).submitApplication(request(ELDERLY,
        gateway.sample(ELDERLY), Channel.WINDOW).applicant(new ApplicantInput().name("王五")
        .idNumber("440524188001010014")), null);
    String number = walkIn.getNumber();

    // Another applicant's case: a 404, exactly as for a number that does not exist.
    ApiException citizen = assertThrows(ApiException.class,
        () -> gateway.applications(gateway.as("citizen")).getApplication(number));
    assertEquals(404, citizen.getCode());
    // The deciding department sees it; another department does not.
    assertEquals(number, gateway.applications(gateway.as("reviewer.mzj")).getApplication(number).getNumber());
    assertEquals(404, assertThrows(ApiException.class,
        () -> gateway.applications(gateway.as("reviewer.rsj")).getApplication(number)).getCode());
    // The township window did not take it in.
    assertEquals(404, assertThrows(ApiException.class,
        () -> gateway.applications(gateway.as("clerk.town")).getApplication(number)).getCode());
    // Hotline staff read it with personal data masked.
    Application masked = gateway.applications(gateway.as("hotline")).getApplication(number);
    assertEquals("王*", masked.getApplicant().getName());
    assertEquals("44*************014", masked.getApplicant().getIdNumber());
    assertTrue(masked.getData() == null || masked.getData().isEmpty(), "no form data for the hotline");
    assertEquals(null, masked.getQueryCode());
    // A supervisor reads everything.
    assertEquals(number, gateway.applications(gateway.as("supervisor")).getApplication(number).getNumber());
  }

  /** The numbers of a list of every case the user sees (REST, full or summary). */
  private static List<String> numbers(String user, String path) throws Exception {
    return TestGateway.ok(gateway.get(user, path)).getJsonArray("items").stream()
        .map(i -> ((JsonObject) i).getString("number")).toList();
  }

  @Test
  void summaryListsCarryWhatTheListPagesShowAndNoFormDataInTheSameScope() throws Exception {
    Application walkIn = gateway.applications(gateway.as("clerk")).submitApplication(request(ELDERLY,
        gateway.sample(ELDERLY), Channel.WINDOW).applicant(new ApplicantInput().name("赵六")
        .idNumber("440524188001010014")), null);
    String number = walkIn.getNumber();
    gateway.execute("insert into case_warning (application_id, kind, level, subject, due_date, raised_at)"
        + " select id, 'NOTICE_DUE', 'RED', '', current_date, now() from application where number = '" + number + "'");

    // The same cases in the same order for every kind of scope (own, hall, department, hotline, all; the
    // township window and another department see none of the city hall's 民政 cases).
    for (String user : List.of("citizen", "clerk", "clerk.town", "reviewer.mzj", "reviewer.rsj", "hotline",
        "supervisor")) {
      List<String> full = numbers(user, "/api/v1/applications?limit=100");
      assertEquals(full, numbers(user, "/api/v1/application-summaries?limit=100"), user);
      assertEquals(Set.of("clerk", "reviewer.mzj", "hotline", "supervisor").contains(user), full.contains(number),
          user + " sees the walk-in case");
    }

    JsonObject item = TestGateway.ok(gateway.get("reviewer.mzj", "/api/v1/application-summaries?limit=100"))
        .getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> i.getString("number").equals(number)).findFirst().orElseThrow();
    // What the work queue and the hall list show: number, matter, applicant, status, dates, warnings.
    assertEquals("SUBMITTED", item.getString("status"));
    assertEquals(ELDERLY, item.getString("matterCode"));
    assertEquals(walkIn.getMatterName(), item.getString("matterName"));
    assertEquals(new JsonObject().put("kind", "PERSON").put("name", "赵六"), item.getJsonObject("applicant"));
    assertEquals(walkIn.getSubmittedAt().toInstant(), java.time.OffsetDateTime.parse(item.getString("submittedAt"))
        .toInstant());
    assertEquals(walkIn.getNoticeDueDate(), item.getString("noticeDueDate"));
    assertEquals("RED", item.getJsonArray("warnings").getJsonObject(0).getString("level"));
    // Not the form data, nor the detail only the case's own page shows; no query code for the department.
    for (String absent : List.of("data", "correction", "sameCity", "collection", "opinions", "queryCode")) {
      assertTrue(!item.containsKey(absent), absent + " is not in a summary: " + item);
    }
    // Whoever submitted sees the query code; the hotline sees the applicant masked.
    assertTrue(TestGateway.ok(gateway.get("clerk", "/api/v1/application-summaries?limit=100")).getJsonArray("items")
        .stream().map(JsonObject.class::cast).anyMatch(i -> i.getString("number").equals(number)
            && walkIn.getQueryCode().equals(i.getString("queryCode"))));
    JsonObject masked = TestGateway.ok(gateway.get("hotline", "/api/v1/application-summaries?limit=100"))
        .getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> i.getString("number").equals(number)).findFirst().orElseThrow();
    assertEquals("赵*", masked.getJsonObject("applicant").getString("name"));

    // Paging: the same pages as the full list, and a cursor of one serves the other.
    JsonObject first = TestGateway.ok(gateway.get("supervisor", "/api/v1/application-summaries?limit=2"));
    assertEquals(numbers("supervisor", "/api/v1/applications?limit=2"), numbers("supervisor",
        "/api/v1/application-summaries?limit=2"));
    String cursor = first.getString("nextCursor");
    assertEquals(numbers("supervisor", "/api/v1/applications?limit=2&cursor=" + cursor),
        numbers("supervisor", "/api/v1/application-summaries?limit=2&cursor=" + cursor));
    assertEquals(400, gateway.get("citizen", "/api/v1/application-summaries?cursor=not-a-cursor").statusCode());

    // GraphQL reads a list without its form data unless the query asks for it; either way the same cases.
    String query = "{ applications(filter: {matterCode: \"" + ELDERLY + "\"}, first: 50) { edges { node { number"
        + " applicant { name } warnings %s } } } }";
    JsonArray lean = TestGateway.ok(gateway.post("reviewer.mzj", "/graphql", new JsonObject()
        .put("query", query.formatted("")))).getJsonObject("data").getJsonObject("applications").getJsonArray("edges");
    JsonArray whole = TestGateway.ok(gateway.post("reviewer.mzj", "/graphql", new JsonObject()
        .put("query", query.formatted("data")))).getJsonObject("data").getJsonObject("applications")
        .getJsonArray("edges");
    assertEquals(lean.size(), whole.size());
    JsonObject leanNode = lean.stream().map(e -> ((JsonObject) e).getJsonObject("node"))
        .filter(n -> n.getString("number").equals(number)).findFirst().orElseThrow();
    JsonObject wholeNode = whole.stream().map(e -> ((JsonObject) e).getJsonObject("node"))
        .filter(n -> n.getString("number").equals(number)).findFirst().orElseThrow();
    assertEquals("赵六", leanNode.getJsonObject("applicant").getString("name"));
    assertEquals(wholeNode.getJsonArray("warnings"), leanNode.getJsonArray("warnings"));
    assertEquals(gateway.sample(ELDERLY).fieldNames(), wholeNode.getJsonObject("data").fieldNames());
  }

  @Test
  void listsPageWithCursorsAndFilter() throws Exception {
    ApiClient citizen = gateway.as("citizen");
    for (int i = 0; i < 3; i++) {
      gateway.applications(citizen).submitApplication(request(ELDERLY, gateway.sample(ELDERLY), Channel.WEB), null);
    }
    ApplicationPage first = gateway.applications(citizen).listApplications(null, ELDERLY, 2, null);
    assertEquals(2, first.getItems().size());
    assertNotNull(first.getNextCursor());
    ApplicationPage second = gateway.applications(citizen).listApplications(null, ELDERLY, 2, first.getNextCursor());
    assertTrue(second.getItems().stream().noneMatch(a -> first.getItems().stream()
        .anyMatch(b -> b.getNumber().equals(a.getNumber()))), "pages do not overlap");
    assertTrue(second.getItems().stream().allMatch(a -> a.getMatterCode().equals(ELDERLY)));
    HttpResponse<String> badCursor = gateway.send("GET", "/api/v1/applications?cursor=not-a-cursor", null,
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(400, badCursor.statusCode());
  }

  static Map<String, String> pointers(JsonObject problem) {
    return problem.getJsonArray("violations", new JsonArray()).stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(v -> v.getString("pointer"), v -> v.getString("message"), (a, b) -> a));
  }
}
