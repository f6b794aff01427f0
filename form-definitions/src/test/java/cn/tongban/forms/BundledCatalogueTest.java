package cn.tongban.forms;

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
      Set<String> folders =
          children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
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
                data -> data.put("agentName", "张三").remove("agentIdNumber"), ROOT, "agentIdNumber"))
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
