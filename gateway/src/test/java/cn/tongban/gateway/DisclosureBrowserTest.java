package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.disclosure.Xlsx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * 行政处罚 and 双公示 in a real browser: a department records a penalty on its console page, imports a CSV
 * file (a bad row is named, nothing imported; put right, it imports), revokes a decision and imports an Excel
 * workbook; on a phone the public listing shows the penalties masked, the licensing decision of an approved
 * case, and the revocation; the supervisor exports the month's acceptance table as Excel on the 数据导出 page.
 */
class DisclosureBrowserTest {
  private static final String PERSON_ID = "11010519491231002X";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    // With the demo data of 电子监察 and 双公示 (住建局 penalties, a red-carded case), which the pages show.
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0", "TONGBAN_SUPERVISION_DEMO", "true"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static Path csv(String name, String content) throws Exception {
    Path file = Path.of("target", "disclosure-" + name + ".csv").toAbsolutePath();
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  /** Scrolls the element to the top of the window, so the shot shows what the step is about. */
  private static void show(Browser browser, String css) {
    browser.script("arguments[0].scrollIntoView({block: 'start'})", browser.find(css));
  }

  @Test
  void aDepartmentRecordsImportsAndRevokesAndThePublicSeesItMaskedOnAPhone() throws Exception {
    String today = LocalDate.now(CalendarService.ZONE).toString();
    try (Browser browser = Browser.staff(gateway.port(), "penalties-console")) {
      browser.signIn("reviewer.mzj").go("/console/#/penalties");
      browser.find("#penalty-form");
      browser.shot("empty");
      browser.type("#decisionNumber", "新民罚决字〔2026〕12号");
      browser.type("#partyName", "张三丰");
      browser.type("#partyCode", PERSON_ID);
      browser.type("#penaltyType", "罚款");
      browser.type("#facts", "未经登记擅自以社会团体名义开展活动");
      browser.type("#legalBasis", "《社会团体登记管理条例》第三十五条");
      browser.clickButton("录入并公示");
      String error = browser.waitForText("#penalty-result", "罚款时请填写罚款金额");
      assertTrue(error.contains("/amount"), error);
      assertTrue(browser.find("#amount").findElement(org.openqa.selenium.By.xpath("..")).getAttribute("class")
          .contains("invalid"), "the amount field is marked");
      show(browser, "#penalty-result");
      browser.shot("amount-missing");
      browser.type("#amount", "3000");
      browser.clickButton("录入并公示");
      browser.waitForText("#penalty-result", "已录入 新民罚决字〔2026〕12号");
      browser.waitForText("#penalty-table", "新民罚决字〔2026〕12号");
      show(browser, "#penalty-result");
      browser.shot("recorded");

      String header = "决定书文号,当事人类型,当事人名称,证件号码,违法事实,处罚依据,处罚类型,罚款金额,决定日期\n";
      String row2 = "新民罚决字〔2026〕13号,法人,新密市某某养老服务有限公司,91410183MA47ABCD1X,未按规定备案,条例第十条,警告,," + today + "\n";
      String row3 = "新民罚决字〔2026〕14号,自然人,李四,110105194912310021,擅自开展募捐,条例第四十五条,罚款,500," + today + "\n";
      browser.find("#import-file").sendKeys(csv("bad", header + row2 + row3).toString());
      browser.clickButton("导入");
      String report = browser.waitForText("#import-report", "未导入任何一条");
      assertTrue(report.contains("第 2 行 · 证件号码") && report.contains("第 3 行 · 证件号码"), report);
      show(browser, "#import-form");
      browser.shot("import-rejected");
      assertFalse(browser.find("#penalty-table").getText().contains("13号"));

      String code = cn.tongban.plugin.CreditCode.withCheck("91410183MA47ABCD1");
      String fixed = header + row2.replace("91410183MA47ABCD1X", code) + row3.replace("110105194912310021", PERSON_ID);
      browser.find("#import-file").sendKeys(csv("good", fixed).toString());
      browser.clickButton("导入");
      browser.waitForText("#import-result", "已导入 2 条处罚决定");
      browser.waitForText("#penalty-table", "新民罚决字〔2026〕14号");
      show(browser, "#import-result");
      browser.shot("imported");

      browser.click("#penalty-table tr:last-child button");
      browser.find("#revoke-form");
      browser.type("#revoke-reason", "经行政复议撤销");
      show(browser, "#revoke-form");
      browser.shot("revoke-reason");
      browser.clickButton("确认撤销");
      browser.waitForText("#penalty-result", "已撤销");
      show(browser, "#penalty-table");
      browser.shot("revoked");

      // The same import from an Excel workbook (as a spreadsheet program saves it: .xlsx, first sheet).
      Xlsx.Writer sheet = new Xlsx.Writer("处罚决定", List.of(header.strip().split(",")));
      sheet.row(List.of("新民罚决字〔2026〕15号", "自然人", "王五", PERSON_ID, "擅自开展募捐", "条例第四十五条", "警告", "",
          today));
      sheet.finish();
      Path workbook = Path.of("target", "disclosure-import.xlsx").toAbsolutePath();
      Files.write(workbook, sheet.take());
      browser.find("#import-file").sendKeys(workbook.toString());
      browser.clickButton("导入");
      browser.waitForText("#import-result", "已导入 1 条处罚决定");
      browser.waitForText("#penalty-table", "新民罚决字〔2026〕15号");
      show(browser, "#import-form");
      browser.shot("imported-xlsx");
      assertEquals(List.of(), browser.pageErrors());
    }

    // A licensing decision: an approved 残疾人证 case, published by the job's pass.
    String licenceNumber = gateway.approvedDisabilityCertificate().getString("number");
    gateway.platform().disclosures().scan().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    try (Browser browser = Browser.phone(gateway.port(), "disclosures-public")) {
      browser.go("/public/");
      browser.click("#disclosures-link");
      String all = browser.waitForText("#disclosures", "新民罚决字〔2026〕12号");
      assertTrue(all.contains(licenceNumber), all);
      assertTrue(all.contains("张**") && !all.contains("张三丰") && !all.contains(PERSON_ID), all);
      assertTrue(all.contains("新密市某某养老服务有限公司"), all);
      assertTrue(all.contains("新密市恒达建筑工程有限公司") && all.contains("李**") && !all.contains("李建国"),
          "the demo penalties, masked: " + all);
      show(browser, "#summary");
      browser.shot("listing");
      assertEquals(Boolean.FALSE, browser.script("return document.documentElement.scrollWidth > window.innerWidth"),
          "nothing wider than the phone");

      browser.type("#party", "养老服务");
      browser.find("#party").sendKeys("\n");
      browser.waitForText("#summary", "共显示 1 条");
      show(browser, "#summary");
      browser.shot("search-party");

      browser.type("#party", "");
      new Select(browser.find("#kind")).selectByVisibleText("行政许可");
      browser.clickButton("查询");
      String licensing = browser.waitForText("#disclosures", licenceNumber);
      assertFalse(licensing.contains("罚决字"), licensing);
      assertTrue(licensing.contains("张*") && licensing.contains("残疾人保障法"), licensing);
      show(browser, "#summary");
      browser.shot("licensing");

      new Select(browser.find("#kind")).selectByVisibleText("行政处罚");
      new Select(browser.find("#department")).selectByVisibleText("新密市民政局");
      browser.clickButton("查询");
      String revoked = browser.waitForText("#disclosures", "已撤销");
      assertTrue(revoked.contains("经行政复议撤销"), revoked);
      show(browser, ".disclosure.struck");
      browser.shot("penalties-revoked");
      assertEquals(List.of(), browser.pageErrors());
    }

    // 数据导出: the supervisor exports this month's acceptance table as Excel and sees the rows written.
    try (Browser browser = Browser.staff(gateway.port(), "exports-console")) {
      browser.signIn("supervisor").go("/console/#/accountability");
      browser.waitForText("#accountability", "老年人优待证办理");
      browser.shot("demo-accountability");
      browser.go("/console/#/exports");
      browser.find("#export-form");
      browser.shot("form");
      new Select(browser.find("#export-table")).selectByValue("up_pro_accept");
      // Today only: the approved case of this test (the demo case was submitted three weeks ago).
      browser.script("document.getElementById('export-from').value = arguments[0]", today);
      browser.clickButton("导出");
      String done = browser.waitForText("#export-status", "导出完成");
      assertTrue(done.contains("导出完成：1 行"), done);
      String link = browser.find("#export-file").getText();
      assertTrue(link.startsWith("保存 up_pro_accept_") && link.endsWith(".xlsx"), link);
      browser.shot("exported");
      assertEquals(List.of(), browser.pageErrors());
    }
  }
}
