package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 表单设计 in a real browser, the scenario: an author creates a matter from a bundled one, builds its form
 * from nothing (an identity number, a choice that reveals a required field, a repeating group of family members,
 * a material), previews it, tries a failing and then a passing example, publishes; a citizen applies on the public
 * pages; the author adds a field, sees it in the changes and publishes again; the first case stays on its version.
 */
class FormBuilderBrowserTest {
  private static final String CODE = "mzj-meal-subsidy";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static void select(Browser b, String css, String value) {
    new Select(b.find(css)).selectByValue(value);
  }

  private static void add(Browser b, String type) {
    b.click(".builder-types button[data-type=" + type + "]");
    b.find("#prop-title");
  }

  @Test
  void anAuthorBuildsTestsAndPublishesAFormThatACitizenThenFillsIn() throws Exception {
    try (Browser author = Browser.staff(gateway.port(), "form-builder")) {
      author.signIn("author").go("/console/#/builder");
      select(author, "#builder-template", "mzj-elderly-preferential-card");
      author.type("#builder-new-code", CODE).type("#builder-new-name", "高龄老人助餐补贴申领");
      author.shot("new-matter-from-template");
      author.click("#builder-create button[type=submit]");
      author.waitForText("h1", "高龄老人助餐补贴申领");

      add(author, "text");
      author.type("#prop-title", "申请人姓名").type("#prop-title-en", "Applicant's name").click("#prop-required");
      // Filled in from the applicant's e-licence before they type (the licence-prefill handler).
      select(author, "#prop-prefill", "licence");
      select(author, "#prop-prefill-licence", "居民身份证");
      author.type("#prop-prefill-item", "/holderName");
      author.script("document.getElementById('prop-prefill').scrollIntoView({block: 'center'})");
      author.shot("prefill-from-a-licence");
      add(author, "idNumber");
      author.click("#prop-required");
      // A section holding a choice that reveals (and requires) a field beside it: if/then inside the section.
      add(author, "section");
      author.type("#prop-title", "代办信息").click("#prop-required");
      add(author, "singleChoice"); // into the section just added: the target follows the selection
      author.type("#prop-title", "是否委托他人代办").type("#prop-options", "NO=本人申请\nYES=委托他人代办").click("#prop-required")
          .type("#prop-options-en", "NO=On my own\nYES=Through an agent");
      add(author, "text");
      author.type("#prop-title", "代办人姓名").type("#prop-title-en", "Agent's name").type("#prop-key", "agent");
      author.find("#prop-key").sendKeys(Keys.TAB); // the data's key, renamed with every mention of it
      author.waitForText("#builder-props h2", "/section/agent");
      select(author, "#prop-when-field", "/section/choice");
      select(author, "#prop-when-value", "YES");
      assertTrue(author.find("#prop-when-required").isSelected(), "a revealed field is required by default");
      author.script("document.getElementById('prop-when-field').scrollIntoView({block: 'center'})");
      author.shot("condition-inside-a-section");
      select(author, "#builder-target", "step:0");
      add(author, "group");
      author.type("#prop-title", "共同生活的家庭成员").type("#prop-item-title", "家庭成员");
      add(author, "text"); // into the group just added: the target follows the selection
      author.type("#prop-title", "姓名").click("#prop-required");
      add(author, "idNumber");
      select(author, "#builder-target", "step:0");
      add(author, "material");
      select(author, "#prop-material", "id-card");
      author.click("#prop-required");
      author.waitForText("#builder-fields", "已备齐《居民身份证》");
      String fields = author.find("#builder-fields").getText();
      assertTrue(fields.contains("条件必填") && fields.contains("家庭成员") && fields.contains("公民身份号码"), fields);

      // Live preview, with the one renderer: the agent's name shows only once 委托他人代办 is chosen.
      assertFalse(author.find("#builder-preview").getText().contains("代办人姓名"));
      author.click("#pv-section-choice-1");
      author.waitForText("#builder-preview", "代办人姓名");
      author.waitForText("#builder-saved", "已自动保存");
      author.script("window.scrollTo(0, 0)");
      author.shot("designed-with-preview");
      select(author, "#builder-lang", "en");
      author.waitForText("#builder-preview", "Applicant's name");
      author.waitForText("#builder-preview", "Through an agent");
      author.shot("preview-in-english");
      select(author, "#builder-lang", "zh-CN");

      // Dry run: a failing example shows the violation at its field; the fixed one passes and is kept.
      author.click("#tab-test");
      author.type("#tf-text", "王大爷").type("#tf-idNumber", "11010519491231002X").click("#tf-section-choice-1");
      author.type("#tf-rows-0-text", "王小妹").type("#tf-rows-0-idNumber", "410183201005050028").click("#tf-material");
      author.click("#builder-dry-run");
      author.waitForText("#builder-test-result", "试填未通过");
      assertTrue(author.waitForText("#tf-section-agent-error", "代办人姓名").contains("请填写"));
      author.shot("dry-run-fails-at-the-field");
      // In English the server answers with the form's English titles.
      select(author, "#builder-test-lang", "en");
      author.click("#builder-dry-run");
      author.waitForText("#tf-section-agent-error", "Agent's name");
      author.shot("dry-run-in-english");
      select(author, "#builder-test-lang", "zh-CN");
      author.type("#tf-section-agent", "王大伯");
      author.click("#builder-save-example");
      author.waitForText("#builder-test-result", "已存为样例");
      author.waitForText("#builder-examples", "1 份");
      author.shot("dry-run-passes");

      // JSON view: the definition as JSON Schema 2020-12; applying it unchanged changes nothing.
      author.click("#tab-json");
      String json = author.find("#builder-json").getAttribute("value");
      JsonObject def = new JsonObject(json);
      assertEquals("https://json-schema.org/draft/2020-12/schema", def.getJsonObject("schema").getString("$schema"));
      assertTrue(json.contains("\"then\"") && json.contains("\"visibleWhen\"") && json.contains("\"/section/agent\""), json);
      assertEquals(new JsonObject().put("if", new JsonObject().put("properties", new JsonObject().put("choice",
          new JsonObject().put("const", "YES"))).put("required", new io.vertx.core.json.JsonArray().add("choice")))
          .put("then", new JsonObject().put("required", new io.vertx.core.json.JsonArray().add("agent"))),
          def.getJsonObject("schema").getJsonObject("properties").getJsonObject("section").getJsonArray("allOf")
              .getJsonObject(0));
      assertTrue(json.contains("\"licence-prefill\"") && json.contains("\"/holderName\": \"/text\""), json);
      author.clickButton("应用");
      author.waitForText("#builder-body", "已应用");
      author.click("#tab-json");
      assertEquals(def, new JsonObject(author.find("#builder-json").getAttribute("value")));

      // Publish, the change list first.
      author.click("#tab-publish");
      author.click("#builder-compare");
      author.waitForText("#builder-changes", "首次发布");
      author.waitForText("#builder-publish", "确认发布为第 1 版");
      author.shot("first-publication-list");
      author.click("#builder-publish");
      author.waitForText("#builder-conflict", "已发布第 1 版");
      // Tries and comparisons made no versions: this is version 1.
      author.shot("published-v1");
      java.util.List<String> errors = author.pageErrors(); // read once: the browser hands each log line out once
      assertTrue(errors.isEmpty(), errors.toString());
    }

    // A citizen applies on the public pages.
    String number;
    try (Browser citizen = Browser.phone(gateway.port(), "form-builder-citizen")) {
      citizen.go("/public/matter.html?code=" + CODE);
      citizen.click("#apply-link");
      citizen.type("#username", "citizen").type("#password", "tongban-demo").click("#apply-sign-in button[type=submit]");
      select(citizen, "#apply-lang", "en");
      citizen.waitForText("#apply-form", "Applicant's name");
      // The renderer's own words follow the language too: its buttons and its checks as one types.
      assertTrue(citizen.find("#apply-form").getText().contains("Add 家庭成员"), citizen.find("#apply-form").getText());
      citizen.type("#ap-idNumber", "110105194912310021").click("#ap-text");
      citizen.waitForText("#ap-idNumber-error", "is not a valid identity number (18 characters, check digit by GB 11643)");
      citizen.shot("citizen-checks-in-english");
      select(citizen, "#apply-lang", "zh-CN");
      citizen.type("#ap-text", "张三").type("#ap-idNumber", "11010519491231002X").click("#ap-section-choice-0");
      citizen.type("#ap-rows-0-text", "张小三").type("#ap-rows-0-idNumber", "410183201005050028").click("#ap-material");
      citizen.shot("citizen-fills-in");
      citizen.click("#apply-form button[type=submit]");
      String done = citizen.waitForText("#apply-done", "办件编号");
      citizen.shot("citizen-submitted");
      number = done.lines().dropWhile(l -> !l.contains("办件编号")).skip(1).findFirst().orElseThrow().trim();
      java.util.List<String> errors = citizen.pageErrors(); // read once: the browser hands each log line out once
      assertTrue(errors.isEmpty(), errors.toString());
    }
    assertEquals(1, gateway.read("citizen", number).getInteger("formVersion"));

    // The author adds a field, sees it in the changes, publishes again; the first case stays on its version.
    try (Browser author = Browser.staff(gateway.port(), "form-builder-v2")) {
      author.signIn("author").go("/console/#/builder");
      select(author, "#builder-matter", CODE);
      author.click("#builder-open button[type=submit]");
      author.waitForText("#builder-fields", "申请人姓名");
      // The stored draft (jsonb) sorts a section's keys ("agent" before "choice"); the builder keeps the author's order.
      String listed = author.find("#builder-fields").getText();
      assertTrue(listed.indexOf("是否委托他人代办") < listed.indexOf("代办人姓名"), listed);
      // Another author saves the same draft meanwhile: this author's next save is refused, not applied over it.
      JsonObject draft = TestGateway.ok(gateway.get("admin", "/api/v1/matters/" + CODE + "/draft"));
      TestGateway.ok(gateway.send("PUT", "/api/v1/matters/" + CODE + "/draft", new JsonObject()
          .put("definition", draft.getJsonObject("definition")).put("revision", draft.getInteger("revision")).encode(),
          "Authorization", "Bearer " + gateway.token("admin"), "Content-Type", "application/json"));
      author.click("#builder-fields .builder-item");
      author.type("#prop-help", "与身份证上的姓名一致");
      String conflict = author.waitForText("#builder-conflict", "另一位作者也在编辑这份草稿");
      assertTrue(conflict.contains("admin") && conflict.contains("未保存"), conflict);
      author.script("window.scrollTo(0, 0)");
      author.shot("conflict-with-another-author");
      author.clickButton("载入最新草稿（放弃我的修改）");
      author.waitForText("#builder-saved", "草稿第");
      add(author, "mobile");
      author.type("#prop-title", "联系电话");
      author.waitForText("#builder-saved", "已自动保存");
      author.click("#tab-publish");
      author.click("#builder-compare");
      String changes = author.waitForText("#builder-changes", "新增");
      assertTrue(changes.contains("联系电话") && changes.contains("/mobile"), changes);
      author.shot("changes-since-v1");
      author.click("#builder-publish");
      author.waitForText("#builder-conflict", "已发布第 2 版");
      author.waitForText("main", "第 1 版已停用");
      author.shot("published-v2");
      java.util.List<String> errors = author.pageErrors(); // read once: the browser hands each log line out once
      assertTrue(errors.isEmpty(), errors.toString());
    }
    assertEquals(1, gateway.read("citizen", number).getInteger("formVersion"));
    assertEquals("[1, 2]", new io.vertx.core.json.JsonArray(gateway.get("author", "/api/v1/matters/" + CODE + "/forms")
        .body()).stream().map(v -> ((JsonObject) v).getInteger("version")).toList().toString());
  }
}
