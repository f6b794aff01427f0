package cn.tongban.forms;

import cn.tongban.plugin.CreditCode;
import cn.tongban.plugin.IdNumber;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Checks every bundled matter: its catalogue entry, its form definition and the samples its form carries. */
class BundledCatalogueTest {

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder.schemaRegistryConfig(
                  SchemaRegistryConfig.builder()
                      .pathType(PathType.JSON_POINTER)
                      .failFast(false)
                      .formatAssertionsEnabled(true)
                      .build()));
  private static final Schema MATTER_SCHEMA = REGISTRY.getSchema(resource("json-schema/matter.schema.json"));
  private static final Schema FORM_DEFINITION_SCHEMA =
      REGISTRY.getSchema(resource("json-schema/form-definition.schema.json"));
  private static final Pattern HAN = Pattern.compile("\\p{IsHan}");
  private static final String ROOT = "";
  /** A value no pattern in the bundled forms accepts. */
  private static final String UNMATCHABLE = "###";
  /** The patterns the bundled forms use for a resident identity number and a unified social credit code. */
  private static final String ID_NUMBER_PATTERN =
      "^[1-9]\\d{5}(18|19|20)\\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])\\d{3}[0-9X]$";
  private static final String CREDIT_CODE_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$";
  /** The reform plan's minimum for the bundled catalogue. */
  private static final int MINIMUM_MATTERS = 15;

  private static final List<Entry> CATALOGUE = loadCatalogue();

  /** One matter as bundled: the folder it came from, its matter document and its form definition. */
  private record Entry(String folder, JsonNode matter, JsonNode form) {
    JsonNode dataSchema() {
      return form.path("schema");
    }

    ObjectNode firstExample() {
      return (ObjectNode) dataSchema().path("examples").path(0).deepCopy();
    }
  }

  /**
   * 一件事: every bundled life event names bundled matters, maps only fields their forms and its combined form
   * declare, and its combined example, mapped into each matter, is valid data for that matter's form.
   */
  @TestFactory
  Stream<DynamicTest> lifeEventsMapTheirExampleIntoValidDataForEveryMatter() {
    Set<String> matters = new HashSet<>(codesInIndex());
    List<DynamicTest> tests = new ArrayList<>();
    resource("catalogue/bundles/index.json").path("bundles").forEach(codeNode -> {
      String code = codeNode.asString();
      JsonNode event = resource("catalogue/bundles/" + code + ".json");
      JsonNode combined = event.path("form").path("schema");
      JsonNode example = combined.path("examples").path(0);
      tests.add(dynamicTest(code + ": its example fits its combined form",
          () -> assertNoErrors(compile(combined).validate(example), code + " example")));
      for (JsonNode entry : event.path("matters")) {
        tests.add(mappedIntoMatter(code, entry, combined, example, matters));
      }
    });
    assertTrue(tests.size() >= 4, "at least two life events of at least two matters");
    return tests.stream();
  }

  /** A combined example mapped by one entry ({matter, fields, constants}) is valid data for the matter's form. */
  private static DynamicTest mappedIntoMatter(String code, JsonNode entry, JsonNode combined, JsonNode example,
      Set<String> matters) {
    String matter = entry.path("matter").asString();
    return dynamicTest(code + " → " + matter, () -> {
      assertTrue(matters.contains(matter), matter + " is not a bundled matter");
      JsonNode schema = resource("catalogue/" + matter + "/form.json").path("schema");
      ObjectNode data = JSON.createObjectNode();
      entry.path("fields").properties().forEach(f -> {
        assertTrue(declared(schema, f.getKey()), matter + " has no field " + f.getKey());
        assertTrue(declared(combined, f.getValue().asString()), code + " has no field " + f.getValue());
        JsonNode value = example.at(f.getValue().asString());
        if (!value.isMissingNode()) {
          put(data, f.getKey(), value);
        }
      });
      entry.path("constants").properties().forEach(c -> {
        assertTrue(declared(schema, c.getKey()), matter + " has no field " + c.getKey());
        put(data, c.getKey(), c.getValue());
      });
      assertNoErrors(compile(schema).validate(data), code + " example mapped into " + matter);
    });
  }

  /**
   * 工程建设项目: every stage names bundled matters and maps only declared fields; its combined example with
   * a project's own facts (which the platform fills in), mapped into each matter, is valid data for its form.
   */
  @TestFactory
  Stream<DynamicTest> projectStagesMapTheirExampleIntoValidDataForEveryMatter() {
    Set<String> matters = new HashSet<>(codesInIndex());
    ObjectNode facts = JSON.createObjectNode().put("enterpriseName", "新密市示例置业有限公司")
        .put("creditCode", "91410183MA9JXM1K20").put("projectName", "示例耐材二期厂房建设项目")
        .put("projectCode", "2026-410183-70-01-000777").put("township", "曲梁镇")
        .put("location", "新密市曲梁镇示例产业园区示例路6号").put("totalInvestment", 12000);
    List<DynamicTest> tests = new ArrayList<>();
    resource("catalogue/project-stages/index.json").path("stages").forEach(codeNode -> {
      String code = codeNode.asString();
      JsonNode stage = resource("catalogue/project-stages/" + code + ".json");
      if (stage.path("matters").isEmpty()) {
        return;
      }
      JsonNode combined = stage.path("form").path("schema");
      ObjectNode example = (ObjectNode) combined.path("examples").path(0).deepCopy();
      stage.path("projectFields").properties().forEach(f -> {
        assertTrue(declared(combined, f.getKey()), code + " has no field " + f.getKey());
        example.set(f.getKey().substring(1), facts.get(f.getKey().substring(1)));
      });
      tests.add(dynamicTest(code + ": its example fits its combined form",
          () -> assertNoErrors(compile(combined).validate(example), code + " example")));
      for (JsonNode entry : stage.path("matters")) {
        tests.add(mappedIntoMatter(code, entry, combined, example, matters));
      }
    });
    assertTrue(tests.size() >= 6, "three configured stages");
    return tests.stream();
  }

  private static boolean declared(JsonNode schema, String pointer) {
    JsonNode at = schema;
    for (String token : pointer.substring(1).split("/")) {
      at = at.path("properties").path(token);
      if (at.isMissingNode()) {
        return false;
      }
    }
    return true;
  }

  private static void put(ObjectNode data, String pointer, JsonNode value) {
    String[] tokens = pointer.substring(1).split("/");
    ObjectNode at = data;
    for (int i = 0; i < tokens.length - 1; i++) {
      at = at.has(tokens[i]) ? (ObjectNode) at.get(tokens[i]) : at.putObject(tokens[i]);
    }
    at.set(tokens[tokens.length - 1], value);
  }

  @Test
  void indexListsEveryCatalogueFolderExactlyOnce() throws URISyntaxException, IOException {
    List<String> listed = codesInIndex();
    assertFalse(listed.isEmpty(), "index.json lists no matters");
    assertEquals(listed.size(), new HashSet<>(listed).size(), "index.json lists a matter twice: " + listed);

    URL index = BundledCatalogueTest.class.getClassLoader().getResource("catalogue/index.json");
    assertNotNull(index);
    assumeTrue("file".equals(index.getProtocol()), "catalogue is not on the file system; folder scan skipped");
    Path catalogue = Path.of(index.toURI()).getParent();
    try (Stream<Path> children = Files.list(catalogue)) {
      // catalogue/bundles holds the life events (一件事), catalogue/project-stages the construction projects'
      // approval stages; neither is a matter.
      Set<String> folders = children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(name -> !name.equals("bundles") && !name.equals("project-stages")).collect(Collectors.toSet());
      assertEquals(folders, new HashSet<>(listed), "catalogue folders and index.json disagree");
    }
  }

  @TestFactory
  Stream<DynamicTest> everyMatterConformsToTheMatterSchema() {
    return perMatter(entry -> assertNoErrors(MATTER_SCHEMA.validate(entry.matter()), "matter.json"));
  }

  @TestFactory
  Stream<DynamicTest> everyMatterCodeEqualsItsFolderAndStartsWithItsDepartment() {
    return perMatter(
        entry -> {
          String code = entry.matter().path("code").asString();
          assertEquals(entry.folder(), code, "folder name and matter code differ");
          String department = entry.matter().path("department").path("code").asString();
          assertTrue(code.startsWith(department + "-"), code + " does not start with department " + department);
        });
  }

  @TestFactory
  Stream<DynamicTest> promisedDaysNeverExceedLegalDaysAndBothCountHalfDays() {
    return perMatter(
        entry -> {
          double legal = entry.matter().path("legalDays").asDouble();
          double promised = entry.matter().path("promisedDays").asDouble();
          assertAll(
              () -> assertTrue(isHalfDayMultiple(legal), "legalDays " + legal + " is not a multiple of 0.5"),
              () -> assertTrue(isHalfDayMultiple(promised), "promisedDays " + promised + " is not a multiple of 0.5"),
              () -> assertTrue(promised <= legal, "promisedDays " + promised + " exceeds legalDays " + legal));
        });
  }

  @TestFactory
  Stream<DynamicTest> materialCodesAreUniqueWithinEachMatter() {
    return perMatter(
        entry -> {
          List<String> codes = new ArrayList<>();
          entry.matter().path("materials").forEach(m -> codes.add(m.path("code").asString()));
          assertEquals(codes.size(), new HashSet<>(codes).size(), "duplicate material codes: " + codes);
        });
  }

  @TestFactory
  Stream<DynamicTest> everyFormConformsToTheFormDefinitionSchema() {
    return perMatter(entry -> assertNoErrors(FORM_DEFINITION_SCHEMA.validate(entry.form()), "form.json"));
  }

  @TestFactory
  Stream<DynamicTest> everyDataSchemaCompilesAsDraft2020_12() {
    return perMatter(entry -> assertDoesNotThrow(() -> compile(entry.dataSchema()), "data schema does not compile"));
  }

  @TestFactory
  Stream<DynamicTest> everyExampleValidatesAgainstItsSchema() {
    return CATALOGUE.stream()
        .flatMap(
            entry -> {
              Schema schema = compile(entry.dataSchema());
              JsonNode examples = entry.dataSchema().path("examples");
              return Stream.iterate(0, i -> i < examples.size(), i -> i + 1)
                  .map(
                      i ->
                          dynamicTest(
                              entry.folder() + " examples[" + i + "]",
                              () -> assertNoErrors(schema.validate(examples.get(i)), "examples[" + i + "]")));
            });
  }

  @TestFactory
  Stream<DynamicTest> everyDataPropertyAndOptionHasAChineseTitle() {
    return perMatter(
        entry -> {
          List<String> missing = new ArrayList<>();
          collectUntitled(entry.dataSchema(), "", missing);
          assertTrue(missing.isEmpty(), "without a Chinese title: " + missing);
        });
  }

  @TestFactory
  Stream<DynamicTest> everyFieldNamedInTheUiSchemaExistsInTheDataSchema() {
    return perMatter(
        entry -> {
          List<String> unknown =
              uiFieldPaths(entry.form().path("uiSchema")).stream()
                  .filter(path -> resolveProperty(entry.dataSchema(), path) == null)
                  .toList();
          assertTrue(unknown.isEmpty(), "uiSchema names fields the data schema lacks: " + unknown);
        });
  }

  @TestFactory
  Stream<DynamicTest> everyTopLevelPropertyIsPlacedInAStep() {
    return perMatter(
        entry -> {
          Set<String> placed = new HashSet<>();
          entry.form().path("uiSchema").path("steps")
              .forEach(step -> step.path("fields").forEach(f -> placed.add(f.asString().split("/")[1])));
          Set<String> unplaced = new TreeSet<>(entry.dataSchema().path("properties").propertyNames());
          unplaced.removeAll(placed);
          assertTrue(unplaced.isEmpty(), "properties no step shows: " + unplaced);
        });
  }

  @TestFactory
  Stream<DynamicTest> brokenExampleIsRejectedAtTheRightPointers() {
    return perMatter(
        entry -> {
          JsonNode schema = entry.dataSchema();
          ObjectNode broken = entry.firstExample();
          String patterned = firstPatternedPropertyIn(schema, broken);
          String dropped = firstRequiredPropertyOtherThan(schema, patterned);
          broken.remove(dropped);
          broken.put(patterned, UNMATCHABLE);

          List<Error> errors = compile(schema).validate(broken);

          assertAll(
              () -> assertTrue(
                  errors.stream().anyMatch(e -> isRequiredAt(e, ROOT, dropped)),
                  "no 'required' error for " + dropped + " at the root: " + describe(errors)),
              () -> assertTrue(
                  errors.stream().anyMatch(e -> "pattern".equals(e.getKeyword()) && pointer(e).equals("/" + patterned)),
                  "no 'pattern' error at /" + patterned + ": " + describe(errors)),
              () -> assertEquals(
                  Set.of(ROOT, "/" + patterned),
                  errors.stream().map(BundledCatalogueTest::pointer).collect(Collectors.toSet()),
                  "errors point elsewhere: " + describe(errors)));
        });
  }

  /** 事项编码: the bundled matters' codes are local samples, not assigned by the matter system; each says so. */
  @Test
  void everyBundledMatterLabelsItsCodesAsLocalSamples() {
    assertAll(CATALOGUE.stream().map(e -> () -> assertEquals("LOCAL_SAMPLE", e.matter().path("codeStatus").asText(),
        e.folder() + ": its 基本编码 and 实施编码 are not officially assigned")));
  }

  /**
   * 最低生活保障 against its cited rule, 民发〔2021〕57号《最低生活保障审核确认办法》: confirmed within 30 working
   * days of acceptance, extended in special cases to at most 45. The bundled matter keeps the stricter local
   * limits (25, extended to 40) and says how far it may be extended; 民主评议 is not a routine step of it.
   */
  @Test
  void subsistenceAllowanceLimitsStayWithinMinFa2021No57() {
    JsonNode m = CATALOGUE.stream().filter(e -> e.folder().equals("mzj-subsistence-allowance")).findFirst()
        .orElseThrow().matter();
    int legal = m.path("legalDays").asInt();
    int extension = m.path("extension").path("workingDays").asInt();
    assertAll(
        () -> assertTrue(m.path("legalBasis").asText().contains("民发〔2021〕57号")),
        () -> assertTrue(legal <= 30, "at most 30 working days: " + legal),
        () -> assertTrue(legal + extension <= 45, "at most 45 working days with an extension"),
        () -> assertEquals(25, legal, "the local limit the matter states"),
        () -> assertEquals(40, legal + extension, "extended in special cases to 40 working days, as the matter states"),
        () -> assertTrue(m.path("acceptanceConditions").asText().contains("25个工作日")),
        () -> assertFalse(m.path("acceptanceConditions").asText().contains("受理后组织入户调查、民主评议"),
            "民主评议 only where the publication met objections"));
  }

  @Test
  void catalogueHoldsAtLeastFifteenMatters() {
    assertTrue(CATALOGUE.size() >= MINIMUM_MATTERS,
        "the bundled catalogue has " + CATALOGUE.size() + " matters, fewer than " + MINIMUM_MATTERS);
  }

  @Test
  void catalogueCoversTheSameCityPilotParallelApprovalAndTalentServices() {
    long sameCityAtTownship = CATALOGUE.stream()
        .filter(e -> e.matter().path("sameCity").asBoolean() && levels(e).contains(5))
        .count();
    long parallel = CATALOGUE.stream().filter(e -> e.matter().has("parallelApproval")).count();
    long talent = CATALOGUE.stream().filter(BundledCatalogueTest::isTalentService).count();
    assertAll(
        () -> assertTrue(sameCityAtTownship >= 5, "同城通办 matters taken in at township level: " + sameCityAtTownship),
        () -> assertTrue(parallel >= 1, "no matter is approved in parallel"),
        () -> assertTrue(talent >= 1, "no talent-service matter"));
  }

  @TestFactory
  Stream<DynamicTest> parallelApprovalDepartmentsDecideWithinTheLegalLimit() {
    return CATALOGUE.stream()
        .filter(e -> e.matter().has("parallelApproval"))
        .map(entry -> dynamicTest(entry.folder(), () -> {
          JsonNode matter = entry.matter();
          double legal = matter.path("legalDays").asDouble();
          Set<String> involved = new HashSet<>();
          involved.add(matter.path("department").path("code").asString());
          matter.path("jointDepartments").forEach(d -> involved.add(d.path("code").asString()));
          List<String> codes = new ArrayList<>();
          List<String> problems = new ArrayList<>();
          for (JsonNode department : matter.path("parallelApproval").path("departments")) {
            String code = department.path("code").asString();
            double limit = department.path("limitDays").asDouble();
            codes.add(code);
            if (limit > legal) {
              problems.add(code + " limitDays " + limit + " exceeds legalDays " + legal);
            }
            if (!involved.contains(code)) {
              problems.add(code + " is neither the implementing nor a joint department");
            }
          }
          assertAll(
              () -> assertTrue(problems.isEmpty(), String.join("; ", problems)),
              () -> assertEquals(codes.size(), new HashSet<>(codes).size(), "a department twice: " + codes));
        }));
  }

  @TestFactory
  Stream<DynamicTest> materialBindingsNameListedMaterialsAndExistingFields() {
    return perMatter(
        entry -> {
          Set<String> materials = new HashSet<>();
          entry.matter().path("materials").forEach(m -> materials.add(m.path("code").asString()));
          List<String> problems = new ArrayList<>();
          JsonNode bindings = entry.form().path("materialBindings");
          for (int i = 0; i < bindings.size(); i++) {
            String material = bindings.get(i).path("material").asString();
            String field = bindings.get(i).path("field").asString();
            if (!materials.contains(material)) {
              problems.add("materialBindings[" + i + "]: no material " + material);
            }
            if (resolveProperty(entry.dataSchema(), field) == null) {
              problems.add("materialBindings[" + i + "]: no field " + field);
            }
          }
          assertTrue(problems.isEmpty(), String.join("; ", problems));
        });
  }

  @TestFactory
  Stream<DynamicTest> procedureStepsAreNumberedInOrderAndFitThePromisedLimit() {
    return CATALOGUE.stream()
        .filter(e -> e.matter().has("procedure"))
        .map(entry -> dynamicTest(entry.folder(), () -> {
          JsonNode steps = entry.matter().path("procedure");
          double promised = entry.matter().path("promisedDays").asDouble();
          double total = 0;
          for (int i = 0; i < steps.size(); i++) {
            assertEquals(i + 1, steps.get(i).path("step").asInt(), "procedure[" + i + "] is out of order");
            total += steps.get(i).path("limitDays").asDouble(0);
          }
          assertTrue(total <= promised, "step limits add up to " + total + ", beyond promisedDays " + promised);
        }));
  }

  @TestFactory
  Stream<DynamicTest> talentServicesAreAcceptedReviewedAndApprovedOnceEach() {
    return CATALOGUE.stream()
        .filter(BundledCatalogueTest::isTalentService)
        .map(entry -> dynamicTest(entry.folder(), () -> {
          List<String> names = new ArrayList<>();
          entry.matter().path("procedure").forEach(step -> names.add(step.path("name").asString()));
          assertEquals(List.of("受理", "审核", "审批"), names, "一受、一核、一审");
        }));
  }

  @TestFactory
  Stream<DynamicTest> identityNumbersAndCreditCodesInExamplesHaveValidCheckCharacters() {
    return perMatter(
        entry -> {
          List<String> invalid = new ArrayList<>();
          JsonNode examples = entry.dataSchema().path("examples");
          for (int i = 0; i < examples.size(); i++) {
            collectInvalidCodes(entry.dataSchema(), examples.get(i), "examples[" + i + "]", invalid);
          }
          assertTrue(invalid.isEmpty(), "check character wrong: " + invalid);
        });
  }

  @TestFactory
  Stream<DynamicTest> everyIdentityNumberAndCreditCodeFieldDeclaresItsCheckedFormat() {
    return perMatter(
        entry -> {
          List<String> unchecked = new ArrayList<>();
          collectUncheckedCodes(entry.dataSchema(), "", unchecked);
          assertTrue(unchecked.isEmpty(), "a field with the identity-number or credit-code pattern needs "
              + "\"format\": \"gb11643\" / \"gb32100\" so the validator checks its check character: " + unchecked);
        });
  }

  /** Every property (at any depth, in array items and conditional branches) with a code pattern but no format. */
  private static void collectUncheckedCodes(JsonNode schema, String pointer, List<String> unchecked) {
    if (schema.isArray()) {
      schema.forEach(s -> collectUncheckedCodes(s, pointer, unchecked));
      return;
    }
    if (!schema.isObject()) {
      return;
    }
    String pattern = schema.path("pattern").asString("");
    String format = schema.path("format").asString("");
    if (pattern.equals(ID_NUMBER_PATTERN) && !format.equals("gb11643")
        || pattern.equals(CREDIT_CODE_PATTERN) && !format.equals("gb32100")) {
      unchecked.add(pointer);
    }
    for (Map.Entry<String, JsonNode> child : schema.properties()) {
      String at = child.getKey().equals("properties") ? pointer : pointer + "/" + child.getKey();
      if (child.getKey().equals("properties")) {
        child.getValue().properties().forEach(p -> collectUncheckedCodes(p.getValue(), pointer + "/" + p.getKey(),
            unchecked));
      } else {
        collectUncheckedCodes(child.getValue(), at, unchecked);
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> conditionalFieldsAreRequiredWhenTheirConditionHolds() {
    record Case(String matter, String name, Consumer<ObjectNode> change, String pointer, String property) {}
    return Stream.of(
            new Case("rsj-talent-housing-subsidy", "购房 without a purchase date",
                data -> data.put("housingType", "PURCHASE").remove("purchaseDate"), ROOT, "purchaseDate"),
            new Case("rsj-talent-housing-subsidy", "租房 without a monthly rent",
                data -> data.put("housingType", "RENT"), ROOT, "monthlyRent"),
            new Case("rsj-talent-housing-subsidy", "bank account without a card number",
                data -> ((ObjectNode) data.path("bankAccount")).remove("cardNumber"), "/bankAccount", "cardNumber"),
            new Case("mzj-elderly-preferential-card", "邮寄 without a mailing address",
                data -> data.put("collectionMethod", "MAIL").remove("mailingAddress"), ROOT, "mailingAddress"),
            new Case("mzj-elderly-preferential-card", "窗口领取 without a pickup point",
                data -> data.put("collectionMethod", "WINDOW").remove("pickupPoint"), ROOT, "pickupPoint"),
            new Case("mzj-elderly-preferential-card", "emergency contact without a phone",
                data -> data.put("emergencyContactName", "张小明").remove("emergencyContactPhone"),
                ROOT, "emergencyContactPhone"),
            new Case("rsj-pension-insurance-enrolment", "困难群体 without a certificate number",
                data -> data.put("specialGroup", "SUBSISTENCE_ALLOWANCE").remove("specialGroupCertificateNumber"),
                ROOT, "specialGroupCertificateNumber"),
            new Case("rsj-pension-insurance-enrolment", "agent without an agent ID number",
                data -> data.put("agentName", "张三").remove("agentIdNumber"), ROOT, "agentIdNumber"),
            new Case("rsj-pension-benefit-claim", "其他银行账户 without an account",
                data -> data.put("paymentMethod", "BANK_ACCOUNT"), ROOT, "bankAccount"),
            new Case("ybj-resident-medical-insurance-enrolment", "新生儿 without a birth certificate number",
                data -> data.put("insuredCategory", "NEWBORN"), ROOT, "birthCertificateNumber"),
            new Case("ybj-resident-medical-insurance-enrolment", "adult without an ID number",
                data -> data.remove("idNumber"), ROOT, "idNumber"),
            new Case("ybj-resident-medical-insurance-enrolment", "居住证 holder without a permit number",
                data -> data.put("householdType", "RESIDENCE_PERMIT"), ROOT, "residencePermitNumber"),
            new Case("mzj-subsistence-allowance", "机动车 without a description",
                data -> data.put("ownsVehicle", true), ROOT, "vehicleDescription"),
            new Case("mzj-subsistence-allowance", "family member without an income",
                data -> ((ObjectNode) data.path("familyMembers").path(0)).remove("monthlyIncome"),
                "/familyMembers/0", "monthlyIncome"),
            new Case("gaj-birth-registration", "婚生 without a marriage certificate number",
                data -> data.remove("marriageCertificateNumber"), ROOT, "marriageCertificateNumber"),
            new Case("gaj-birth-registration", "非婚生随父落户 without a paternity test",
                data -> data.put("parentsMarried", "UNMARRIED").remove("marriageCertificateNumber"),
                ROOT, "paternityTestReportNumber"),
            new Case("gaj-birth-registration", "other declarant without a name",
                data -> data.put("declarantRole", "OTHER"), ROOT, "declarantName"),
            new Case("wjw-childbirth-registration", "出生后登记 without a birth certificate number",
                data -> data.put("registrationTiming", "AFTER_BIRTH"), ROOT, "birthCertificateNumber"),
            new Case("rsj-internship-subsidy", "graduate intern without a school",
                data -> ((ObjectNode) data.path("interns").path(0)).remove("school"), "/interns/0", "school"),
            new Case("gaj-talent-settlement", "学历落户 without a certificate number",
                data -> data.remove("degreeCertificateNumber"), ROOT, "degreeCertificateNumber"),
            new Case("gaj-talent-settlement", "自有住房 without a property certificate",
                data -> data.remove("propertyCertificateNumber"), ROOT, "propertyCertificateNumber"),
            new Case("gaj-talent-settlement", "单位集体户 without the employer's credit code",
                data -> data.put("settlementType", "EMPLOYER_COLLECTIVE"), ROOT, "employerCreditCode"),
            new Case("rsj-young-talent-living-allowance", "留学回国 without a certification number",
                data -> data.put("overseasReturnee", true), ROOT, "overseasCertificationNumber"),
            new Case("rsj-young-talent-living-allowance", "domestic graduate without a certificate number",
                data -> data.remove("degreeCertificateNumber"), ROOT, "degreeCertificateNumber"),
            new Case("fgw-enterprise-investment-project-filing", "新增建设用地 without a land area",
                data -> data.put("newLand", true), ROOT, "landAreaSqm"),
            new Case("fgw-enterprise-investment-project-filing", "外商投资 without the investor's country",
                data -> data.put("foreignInvested", true), ROOT, "foreignInvestorCountry"),
            new Case("zrghj-land-use-planning-permit", "划拨 without a decision number",
                data -> data.put("landSupplyMethod", "ALLOCATION"), ROOT, "allocationDecisionNumber"),
            new Case("zrghj-construction-planning-permit", "人防工程 without its area",
                data -> data.remove("civilAirDefenceAreaSqm"), ROOT, "civilAirDefenceAreaSqm"),
            new Case("zjj-construction-permit", "监理 without a supervisor",
                data -> data.remove("supervisor"), ROOT, "supervisor"),
            new Case("zjj-construction-permit", "contractor without the builder's registration",
                data -> ((ObjectNode) data.path("contractor")).remove("builderRegistrationNumber"),
                "/contractor", "builderRegistrationNumber"),
            new Case("mzj-disability-two-subsidies", "生活补贴 without a hardship category",
                data -> data.remove("hardshipCategory"), ROOT, "hardshipCategory"),
            new Case("mzj-disability-two-subsidies", "guardian without an ID number",
                data -> data.put("guardianName", "冯卫国"), ROOT, "guardianIdNumber"),
            new Case("mzj-advanced-age-allowance", "agent without a relationship",
                data -> data.remove("agentRelationship"), ROOT, "agentRelationship"),
            new Case("zjj-rural-housing-renovation", "D级危房 without a report number",
                data -> data.remove("appraisalReportNumber"), ROOT, "appraisalReportNumber"),
            new Case("cjl-disability-certificate", "智力残疾 without a guardian",
                data -> data.put("disabilityCategory", "5"), ROOT, "guardianName"),
            new Case("cjl-disability-certificate", "上门评定 without a reason",
                data -> data.remove("homeVisitReason"), ROOT, "homeVisitReason"),
            new Case("cjl-disability-certificate", "邮寄 without an address",
                data -> data.put("collectionMethod", "MAIL"), ROOT, "mailingAddress"))
        .map(
            c ->
                dynamicTest(
                    c.matter() + ": " + c.name(),
                    () -> {
                      Entry entry = entry(c.matter());
                      ObjectNode data = entry.firstExample();
                      c.change().accept(data);
                      List<Error> errors = compile(entry.dataSchema()).validate(data);
                      assertTrue(
                          errors.stream().anyMatch(e -> isRequiredAt(e, c.pointer(), c.property())),
                          "expected " + c.property() + " to be required at '" + c.pointer() + "': "
                              + describe(errors));
                    }));
  }

  @Test
  void matterSchemaRequiresLicenceTypeForMaterialsFromTheLicenceLibrary() {
    ObjectNode matter = (ObjectNode) CATALOGUE.get(0).matter().deepCopy();
    ObjectNode material = (ObjectNode) matter.path("materials").path(0);
    material.put("source", "LICENCE").remove("licenceType");

    List<Error> errors = MATTER_SCHEMA.validate(matter);

    assertTrue(
        errors.stream().anyMatch(e -> isRequiredAt(e, "/materials/0", "licenceType")),
        "licence material without licenceType was accepted: " + describe(errors));
  }

  @Test
  void matterSchemaRejectsUnknownTypesAndHalfDayViolations() {
    ObjectNode matter = (ObjectNode) CATALOGUE.get(0).matter().deepCopy();
    matter.put("type", "99").put("promisedDays", 2.3);

    Set<String> pointers =
        MATTER_SCHEMA.validate(matter).stream().map(BundledCatalogueTest::pointer).collect(Collectors.toSet());

    assertTrue(pointers.containsAll(Set.of("/type", "/promisedDays")), "errors at " + pointers);
  }

  @Test
  void formDefinitionSchemaRequiresAnExampleAndAnObjectRoot() {
    ObjectNode form = (ObjectNode) CATALOGUE.get(0).form().deepCopy();
    ObjectNode schema = (ObjectNode) form.path("schema");
    schema.remove("examples");
    schema.put("type", "array");

    List<Error> errors = FORM_DEFINITION_SCHEMA.validate(form);

    assertAll(
        () -> assertTrue(errors.stream().anyMatch(e -> isRequiredAt(e, "/schema", "examples")), describe(errors)),
        () -> assertTrue(errors.stream().anyMatch(e -> pointer(e).equals("/schema/type")), describe(errors)));
  }

  @Test
  void matterSchemaChecksTheOptionalNationalElements() {
    ObjectNode matter = (ObjectNode) CATALOGUE.stream()
        .filter(e -> e.matter().has("parallelApproval") && e.matter().has("intermediaryServices")
            && e.matter().has("jointDepartments"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no matter with parallel approval, intermediaries and joint departments"))
        .matter().deepCopy();
    ObjectNode parallel = (ObjectNode) matter.path("parallelApproval");
    parallel.remove("deemedConsent");
    ArrayNode departments = (ArrayNode) parallel.path("departments");
    while (departments.size() > 1) {
      departments.remove(departments.size() - 1);
    }
    ((ObjectNode) matter.path("jointDepartments").path(0)).put("code", "ZJJ");
    ((ObjectNode) matter.path("intermediaryServices").path(0)).remove("provider");
    matter.putObject("entrustingDepartment").put("code", "zzb");
    matter.putArray("procedure").addObject().put("step", 0).put("name", "受理").put("role", "综合受理窗口");

    List<Error> errors = MATTER_SCHEMA.validate(matter);

    assertAll(
        () -> assertTrue(errors.stream().anyMatch(e -> isRequiredAt(e, "/parallelApproval", "deemedConsent")),
            describe(errors)),
        () -> assertTrue(errors.stream().anyMatch(e -> "minItems".equals(e.getKeyword())
            && pointer(e).equals("/parallelApproval/departments")), describe(errors)),
        () -> assertTrue(errors.stream().anyMatch(e -> pointer(e).equals("/jointDepartments/0/code")), describe(errors)),
        () -> assertTrue(errors.stream().anyMatch(e -> isRequiredAt(e, "/intermediaryServices/0", "provider")),
            describe(errors)),
        () -> assertTrue(errors.stream().anyMatch(e -> isRequiredAt(e, "/entrustingDepartment", "name")),
            describe(errors)),
        () -> assertTrue(errors.stream().anyMatch(e -> pointer(e).equals("/procedure/0/step")), describe(errors)));
  }

  @Test
  void matterSchemaAcceptsAnEntrustingDepartment() {
    ObjectNode matter = (ObjectNode) CATALOGUE.get(0).matter().deepCopy();
    matter.putObject("entrustingDepartment").put("code", "rsj").put("name", "新密市人力资源和社会保障局");

    assertNoErrors(MATTER_SCHEMA.validate(matter), "matter with an entrusting department");
  }

  @Test
  void formDefinitionSchemaChecksMaterialBindings() {
    ObjectNode form = (ObjectNode) CATALOGUE.get(0).form().deepCopy();
    ArrayNode bindings = form.putArray("materialBindings");
    bindings.addObject().put("material", "id-card");
    bindings.addObject().put("material", "id-card").put("field", "/familyMembers/0/idNumber");
    bindings.addObject().put("material", "ID card").put("field", "/idNumber");

    List<Error> errors = FORM_DEFINITION_SCHEMA.validate(form);

    assertAll(
        () -> assertTrue(errors.stream().anyMatch(e -> isRequiredAt(e, "/materialBindings/0", "field")),
            describe(errors)),
        () -> assertTrue(errors.stream().anyMatch(e -> pointer(e).equals("/materialBindings/1/field")), describe(errors)),
        () -> assertTrue(errors.stream().anyMatch(e -> pointer(e).equals("/materialBindings/2/material")),
            describe(errors)));
  }

  private static Stream<DynamicTest> perMatter(Consumer<Entry> check) {
    return CATALOGUE.stream().map(entry -> dynamicTest(entry.folder(), () -> check.accept(entry)));
  }

  private static Entry entry(String code) {
    return CATALOGUE.stream()
        .filter(e -> e.folder().equals(code))
        .findFirst()
        .orElseThrow(() -> new AssertionError(code + " is not in the catalogue"));
  }

  private static List<Entry> loadCatalogue() {
    return codesInIndex().stream()
        .map(
            code ->
                new Entry(
                    code,
                    resource("catalogue/" + code + "/matter.json"),
                    resource("catalogue/" + code + "/form.json")))
        .toList();
  }

  private static List<String> codesInIndex() {
    List<String> codes = new ArrayList<>();
    resource("catalogue/index.json").path("matters").forEach(code -> codes.add(code.asString()));
    return codes;
  }

  private static JsonNode resource(String name) {
    try (InputStream in = BundledCatalogueTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new AssertionError("missing class-path resource " + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compiles eagerly, so a broken keyword fails here rather than on first use. */
  private static Schema compile(JsonNode schemaNode) {
    Schema schema = REGISTRY.getSchema(schemaNode);
    schema.initializeValidators();
    return schema;
  }

  private static Set<Integer> levels(Entry entry) {
    Set<Integer> levels = new HashSet<>();
    entry.matter().path("levels").forEach(level -> levels.add(level.asInt()));
    return levels;
  }

  private static boolean isTalentService(Entry entry) {
    for (JsonNode theme : entry.matter().path("themes")) {
      if ("人才服务".equals(theme.asString())) {
        return true;
      }
    }
    return false;
  }

  /** Walks a sample alongside its schema; a value under the ID-number or credit-code pattern must check out. */
  private static void collectInvalidCodes(JsonNode schema, JsonNode value, String path, List<String> invalid) {
    if (value.isObject()) {
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        JsonNode property = schema.path("properties").path(field.getKey());
        String at = path + "/" + field.getKey();
        if (field.getValue().isString() && property.path("pattern").isString()) {
          String pattern = property.path("pattern").asString();
          String text = field.getValue().asString();
          if (pattern.equals(ID_NUMBER_PATTERN) && !IdNumber.isValid(text)
              || pattern.equals(CREDIT_CODE_PATTERN) && !CreditCode.isValid(text)) {
            invalid.add(at + " " + text);
          }
        }
        collectInvalidCodes(property, field.getValue(), at, invalid);
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        collectInvalidCodes(schema.path("items"), value.get(i), path + "/" + i, invalid);
      }
    }
  }

  /** GB 11643: weighted sum of the first 17 digits mod 11 selects the check character. */
  private static boolean isHalfDayMultiple(double days) {
    return days * 2 == Math.rint(days * 2);
  }

  /** Walks properties (and array items) at every depth; options of an enum-like oneOf need a label too. */
  private static void collectUntitled(JsonNode schema, String pointer, List<String> missing) {
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      String path = pointer + "/" + property.getKey();
      JsonNode child = property.getValue();
      if (!isChinese(child.path("title"))) {
        missing.add(path);
      }
      child.path("oneOf").forEach(option -> {
        if (option.has("const") && !isChinese(option.path("title"))) {
          missing.add(path + " option " + option.path("const"));
        }
      });
      collectUntitled(child, path, missing);
      collectUntitled(child.path("items"), path + "/items", missing);
    }
  }

  private static boolean isChinese(JsonNode title) {
    return title.isString() && !title.asString().isBlank() && HAN.matcher(title.asString()).find();
  }

  private static Set<String> uiFieldPaths(JsonNode uiSchema) {
    Set<String> paths = new LinkedHashSet<>();
    uiSchema.path("steps").forEach(step -> step.path("fields").forEach(f -> paths.add(f.asString())));
    paths.addAll(uiSchema.path("widgets").propertyNames());
    paths.addAll(uiSchema.path("help").propertyNames());
    uiSchema.path("order").forEach(f -> paths.add(f.asString()));
    return paths;
  }

  /** The property schema a pointer such as /bankAccount/cardNumber names, or null. */
  private static JsonNode resolveProperty(JsonNode schema, String pointer) {
    JsonNode node = schema;
    for (String segment : pointer.substring(1).split("/")) {
      node = node.path("properties").path(segment);
      if (node.isMissingNode()) {
        return null;
      }
    }
    return node;
  }

  private static String firstPatternedPropertyIn(JsonNode schema, JsonNode example) {
    return schema.path("properties").properties().stream()
        .filter(p -> p.getValue().has("pattern") && example.has(p.getKey()))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new AssertionError("the first example has no property with a pattern"));
  }

  private static String firstRequiredPropertyOtherThan(JsonNode schema, String excluded) {
    for (JsonNode name : schema.path("required")) {
      if (!name.asString().equals(excluded)) {
        return name.asString();
      }
    }
    return fail("the schema requires no property besides " + excluded);
  }

  /** Matches a missing-property error from either {@code required} or {@code dependentRequired}. */
  private static boolean isRequiredAt(Error error, String pointer, String property) {
    return pointer(error).equals(pointer) && property.equals(missingProperty(error));
  }

  /** For dependentRequired, networknt names the present property in getProperty() and the missing one first. */
  private static String missingProperty(Error error) {
    return switch (error.getKeyword()) {
      case "required" -> error.getProperty();
      case "dependentRequired" -> String.valueOf(error.getArguments()[0]);
      default -> null;
    };
  }

  private static String pointer(Error error) {
    return error.getInstanceLocation().toString();
  }

  private static void assertNoErrors(List<Error> errors, String what) {
    assertTrue(errors.isEmpty(), what + " is invalid: " + describe(errors));
  }

  private static String describe(List<Error> errors) {
    return errors.stream()
        .map(e -> "'" + pointer(e) + "' " + e.getKeyword() + " " + e.getMessage())
        .collect(Collectors.joining("; ", "[", "]"));
  }
}
