package cn.tongban.gateway;

import static cn.tongban.gateway.TestGateway.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.demo.DemoSeeder;
import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * 工程建设项目 in the browser, the main steps: the demo enterprise's legal representative opens the
 * demo project on a phone, fills 立项用地规划许可's one combined form (a wrong field shown at the field, no case
 * made) and applies once — two cases; the departments work them (the silent one is deemed to consent, the
 * survey map follows as 容缺); the tracking officer, at the console, sees the project, its opinions and the
 * yellow card, and records a coordination; the enterprise reads all of it on its timeline.
 */
class ProjectBrowserTest {
  private static final MutableClock CLOCK = MutableClock.at("2026-11-02T09:00:00");
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"), CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void anEnterpriseAppliesForAStageAndItsTrackingOfficerFollowsIt() throws Exception {
    String code = DemoSeeder.DEMO_PROJECT;
    JsonObject definition = ok(gateway.send("GET", "/api/v1/project-stages", null)).getJsonArray("items")
        .getJsonObject(0).getJsonObject("form");
    try (Browser phone = Browser.phone(gateway.port(), "project-enterprise")) {
      phone.go("/public/projects.html");
      phone.type("#username", "citizen").type("#password", "tongban-demo");
      phone.click("#project-sign-in button[type=submit]");
      phone.waitForText("#projects", "新密市示例安置小区建设项目");
      phone.shot("my-projects");
      phone.find("#projects").findElement(By.linkText("新密市示例安置小区建设项目")).click();
      String facts = phone.waitForText("#project-facts", "重点项目跟踪跟办专员");
      assertTrue(facts.contains(code) && facts.contains("新密市示例置业有限公司"), facts);
      assertTrue(phone.find("#stage-land-planning").getText().contains("未申报"));
      fitsThePhone(phone);
      phone.shot("project");

      phone.click("#stage-open");
      phone.waitForText("#stage-form", "立项用地规划许可阶段联合申报表");
      phone.clickButton("显示全部");
      fill(phone, definition, definition.getJsonObject("schema").getJsonArray("examples").getJsonObject(0));
      phone.shot("form-filled");
      // A digit short, and Enter to submit from the field, as a person typing would.
      long cases = gateway.count("select count(*) from application");
      phone.type("#ps-contactMobile", "1383719876");
      phone.find("#ps-contactMobile").sendKeys(Keys.ENTER);
      String error = phone.waitForText("#stage-form", "联系人手机号码");
      assertTrue(phone.find("#ps-contactMobile-error").isDisplayed(), error);
      assertEquals(cases, gateway.count("select count(*) from application"), "nothing submitted");
      phone.shot("wrong-mobile");

      phone.type("#ps-contactMobile", "13837198765");
      phone.find("#ps-contactMobile").sendKeys(Keys.ENTER);
      phone.waitForText("#main", "已申报，2 个事项由各部门并联办理");
      String stage = phone.waitForText("#stage-land-planning", "办理中");
      assertTrue(stage.contains("企业投资项目备案") && stage.contains("建设用地规划许可证核发"), stage);
      assertEquals(cases + 2, gateway.count("select count(*) from application"), "one case per matter");
      fitsThePhone(phone);
      phone.shot("applied");

      // The departments work the cases: 发改委 files; on the land-use permit it stays silent (deemed consent),
      // and the survey map is accepted as missing (容缺).
      JsonArray made = ok(gateway.get("citizen", "/api/v1/projects/" + code)).getJsonArray("stages")
          .getJsonObject(0).getJsonArray("cases");
      String filing = made.getJsonObject(0).getString("number");
      String landUse = made.getJsonObject(1).getString("number");
      ok(gateway.act("clerk", filing, new JsonObject().put("action", "accept")));
      ok(gateway.act("reviewer.fgw", filing, new JsonObject().put("action", "review-pass")));
      ok(gateway.act("approver.fgw", filing, new JsonObject().put("action", "approve")));
      ok(gateway.act("clerk", landUse, new JsonObject().put("action", "accept")
          .put("commitment", "本单位承诺于11月6日前补交勘测定界图")
          .put("missingMaterials", new JsonArray().add(new JsonObject().put("material", "survey-map")
              .put("deadline", "2026-11-06")))));
      ok(gateway.act("reviewer.zrghj", landUse, new JsonObject().put("action", "opinion").put("opinion", "AGREE")));
      CLOCK.set("2026-11-05T09:00:00");
      ok(gateway.send("POST", "/api/v1/supervision/scan", null, "Authorization", "Bearer " + gateway.token("supervisor")));

      try (Browser console = Browser.staff(gateway.port(), "project-officer")) {
        console.signIn("tracker").go("/console/#/projects");
        console.waitForText("#project-list", "新密市示例安置小区建设项目");
        console.shot("officer-list");
        console.find("#project-list").findElement(By.linkText("新密市示例安置小区建设项目")).click();
        String warnings = console.waitForText("#project-warnings", "黄牌");
        assertTrue(warnings.contains("部门意见时限") && warnings.contains("新密市发展和改革委员会"), warnings);
        String opinions = console.find("#stage-land-planning").getText();
        assertTrue(opinions.contains("新密市自然资源和规划局：同意") && opinions.contains("容缺"), opinions);
        console.shot("officer-project");
        new Select(console.find("#record-kind")).selectByVisibleText("协调部门");
        new Select(console.find("#record-department")).selectByVisibleText("新密市发展和改革委员会");
        new Select(console.find("#record-stage")).selectByVisibleText("立项用地规划许可");
        console.type("#record-note", "协调发改委今日出具用地规划许可意见");
        console.click("#record-form button[type=submit]");
        String line = console.waitForText("#project-timeline", "协调发改委今日出具用地规划许可意见");
        assertTrue(line.contains("跟办人员协调部门"), line);
        console.shot("officer-recorded");
        assertEquals(List.of(), console.consoleErrors());
      }

      CLOCK.set("2026-11-06T09:00:00");
      ok(gateway.send("POST", "/api/v1/supervision/scan", null, "Authorization", "Bearer " + gateway.token("supervisor")));
      ok(gateway.act("citizen", landUse, new JsonObject().put("action", "supply")
          .put("materials", new JsonArray().add("survey-map"))));
      ok(gateway.act("approver.zrghj", landUse, new JsonObject().put("action", "approve")));
      phone.click("#project-refresh");
      String done = phone.waitForText("#stage-land-planning", "已办结");
      assertTrue(done.contains("全部准予") && done.contains("超时默认同意") && done.contains("已于"), done);
      String timeline = phone.find("#project-timeline").getText();
      assertTrue(timeline.contains("协调发改委今日出具用地规划许可意见") && timeline.contains("超时默认"), timeline);
      assertTrue(phone.find("#stage-engineering").getText().contains("未申报"));
      phone.find("#stage-open");
      fitsThePhone(phone);
      phone.shot("stage-passed");

      // 中介超市 from the same page: a random draw for the survey, its contract, result and a poor grade; then
      // a direct choice; both are listed with the project.
      phone.waitForText("#im-selections", "本项目还没有选取中介机构");
      new Select(phone.find("#im-service")).selectByValue("建设项目勘测定界");
      new Select(phone.find("#im-method")).selectByVisibleText("随机抽取");
      phone.waitForText("#im-choice", "家符合条件的机构中随机抽取");
      phone.type("#im-seed", "7");
      phone.shot("intermediary-draw");
      phone.find("#im-seed").sendKeys(Keys.ENTER);
      phone.waitForText("#project-intermediaries", "已选取：");
      String drawn = phone.waitForText("#im-selections", "随机抽取（种子 7");
      assertTrue(drawn.contains("建设项目勘测定界") && drawn.contains("已选取"), drawn);
      fitsThePhone(phone);
      phone.script("document.getElementById('project-intermediaries').scrollIntoView()");
      phone.shot("intermediary-drawn");

      phone.type("#im-selections [name=contractNo]", "CH-2026-118");
      phone.type("#im-selections [name=amount]", "18000");
      // The date picker's typing order depends on the locale; set it as the picker would.
      phone.script("document.querySelector('#im-selections [name=promisedOn]').value = arguments[0];", "2026-11-20");
      phone.find("#im-selections [name=amount]").sendKeys(Keys.ENTER);
      String contracted = phone.waitForText("#im-selections", "已签合同");
      assertTrue(contracted.contains("CH-2026-118 · 18000.00 元") && contracted.contains("2026-11-20"), contracted);
      phone.shot("intermediary-contracted");
      phone.type("#im-selections [name=result]", "勘测定界报告已交付，界址点坐标有误已返工");
      phone.click("#im-selections form.im-action button[type=submit]");
      String completed = phone.waitForText("#im-selections", "已完成");
      assertTrue(completed.contains("勘测定界报告已交付"), completed);
      phone.shot("intermediary-completed");
      new Select(phone.find("#im-selections [name=grade]")).selectByValue("2");
      phone.type("#im-selections [name=comment]", "界址点坐标有误，返工一次");
      phone.click("#im-selections form.im-action button[type=submit]");
      String graded = phone.waitForText("#im-selections", "我方评价");
      assertTrue(graded.contains("2 分 · 不满意") && graded.contains("界址点坐标有误"), graded);
      phone.shot("intermediary-evaluated");

      new Select(phone.find("#im-method")).selectByVisibleText("直接选取");
      phone.waitForText("#im-choice", "信用分");
      phone.click("#im-select button[type=submit]");
      phone.waitForText("#project-intermediaries", "（直接选取）");
      assertEquals(2, phone.all("#im-selections li.im-selection").size(), "the project's two selections");
      fitsThePhone(phone);
      phone.script("document.getElementById('project-intermediaries').scrollIntoView()");
      phone.shot("intermediary-two");
      assertEquals(List.of(), phone.consoleErrors());
    }
  }

  /** Types the example into the rendered combined form as a person would: fields, choices, boxes. */
  private static void fill(Browser b, JsonObject form, JsonObject data) {
    JsonObject props = form.getJsonObject("schema").getJsonObject("properties");
    JsonObject widgets = form.getJsonObject("uiSchema").getJsonObject("widgets", new JsonObject());
    for (String name : data.fieldNames()) {
      JsonObject s = props.getJsonObject(name);
      if (s == null || s.getBoolean("readOnly", false)) {
        continue;
      }
      Object value = data.getValue(name);
      String id = "#ps-" + name;
      List<Object> choices = s.containsKey("oneOf")
          ? s.getJsonArray("oneOf").stream().map(o -> ((JsonObject) o).getValue("const")).toList()
          : s.containsKey("enum") ? s.getJsonArray("enum").getList() : null;
      if ("boolean".equals(s.getString("type"))) {
        if (s.containsKey("const") || "checkbox".equals(widgets.getString("/" + name))) {
          b.click(id);
        } else {
          b.click(id + "-" + (Boolean.TRUE.equals(value) ? 0 : 1));
        }
      } else if (choices != null) {
        int i = choices.indexOf(value);
        if ("radio".equals(widgets.getString("/" + name))) {
          b.click(id + "-" + i);
        } else {
          new Select(b.find(id)).selectByValue(String.valueOf(i));
        }
      } else {
        b.type(id, String.valueOf(value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
            ? n.longValue() : value));
      }
    }
  }

  private static void fitsThePhone(Browser phone) {
    int width = ((Number) phone.script("return document.documentElement.scrollWidth")).intValue();
    assertTrue(width <= 375, "the page is " + width + " px wide");
  }
}
