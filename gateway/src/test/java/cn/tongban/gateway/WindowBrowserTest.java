package cn.tongban.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 窗口 page in a real browser: a clerk takes in a walk-in applicant for 老年人优待证 — searches the matter,
 * reads its guide, fills the form (a mistyped identity number is told at the field), hands in the photo,
 * submits, asks for corrections in one notice and prints it, takes the corrected application back, accepts
 * it, prints the receipt and finds the case in the hall's work list. And a check only the server makes
 * lands at its field.
 */
class WindowBrowserTest {
  private static final String MATTER = "mzj-elderly-preferential-card";
  private static final String GOOD_ID = "410183195003152030";
  private static final String BAD_CHECK_ID = "410183195003152031";
  /** Right check character, impossible birth date (30 February): only the server's identity-check finds it. */
  private static final String FEB_30_ID = "410183195202301019";
  /** A 1×1 PNG: the materials store tells the type by content. */
  private static final byte[] PNG = Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static void chooseMatter(Browser browser) {
    browser.go("/console/#/window/new");
    browser.type("#matter-q", "优待证");
    browser.find("#matter-q").sendKeys(Keys.ENTER);
    browser.click("button[data-code='" + MATTER + "']");
    browser.waitForText(".guide", "办事指南：老年人优待证办理");
  }

  private static void fillForm(Browser browser, String formId) {
    new Select(browser.find("#f-householdTownship")).selectByVisibleText("青屏街街道");
    browser.type("#f-address", "新密市青屏街街道示例社区5号楼1单元302室");
    browser.clickButton("下一步");
    browser.clickButton("下一步");
    browser.click("label[for='f-collectionMethod-0']");
    browser.click("label[for='f-pickupPoint-0']");
  }

  @Test
  void aWalkInCaseGoesFromTheWindowThroughReviewAndApprovalToThePublicProgressPage() throws Exception {
    String[] numberAndCode = new String[2];
    try (Browser browser = Browser.staff(gateway.port(), "window")) {
      browser.signIn("clerk");
      chooseMatter(browser);
      assertTrue(browser.find(".guide").getText().contains("照片"), "the guide lists the materials");
      browser.shot("matter-and-guide");

      browser.type("#applicant-name", "王秀兰");
      browser.type("#applicant-id", BAD_CHECK_ID);
      browser.find("#applicant-id").sendKeys(Keys.TAB);
      assertEquals("公民身份号码校验位不正确", browser.waitForText("#applicant-id-error", "校验位"));
      assertEquals(BAD_CHECK_ID, browser.find("#f-idNumber").getAttribute("value"), "the form's own field is filled in");
      browser.find("#f-idNumber").click();
      browser.find("#f-idNumber").sendKeys(Keys.TAB);
      assertEquals("公民身份号码校验位不正确", browser.waitForText("#f-idNumber-error", "校验位"));
      browser.shot("wrong-identity-number-at-the-field");

      browser.type("#applicant-id", GOOD_ID);
      browser.find("#applicant-id").sendKeys(Keys.TAB);
      browser.type("#applicant-phone", "13912345678");
      assertFalse(browser.all("#applicant-id-error").get(0).isDisplayed(), "the error goes once the number is right");
      assertEquals(GOOD_ID, browser.find("#f-idNumber").getAttribute("value"));
      assertEquals("王秀兰", browser.find("#f-name").getAttribute("value"));
      fillForm(browser, "f");
      browser.shot("form-filled");

      Path photo = Files.createTempFile("photo", ".png");
      Files.write(photo, PNG);
      browser.find("#material-photo").sendKeys(photo.toString());
      browser.waitForText("#material-photo-status", "已上传");
      browser.shot("photo-uploaded");

      browser.click("#submit-application");
      String number = browser.waitForText("#case-number", "410183");
      assertTrue(browser.waitForText("#case-message", "已提交").contains(number));
      assertTrue(browser.find("#case").getText().contains("待受理"));
      browser.shot("submitted");
      JsonObject submitted = gateway.read("clerk", number);
      assertEquals("WINDOW", submitted.getString("channel"));
      assertEquals(GOOD_ID, submitted.getJsonObject("applicant").getString("idNumber"));
      assertEquals("CITY", gateway.text("select level from hall where code = '" + submitted.getString("hallCode") + "'"));

      browser.click("label[for='fix-photo']");
      browser.type("#fix-photo-message", "照片须为近期白底免冠彩色照片");
      browser.type("#fix-other", "现居住地址请写明门牌号");
      browser.click("#request-correction");
      browser.waitForText("#case-message", "已出具补正告知，共 2 项");
      assertTrue(browser.find("#case").getText().contains("待补正"));
      browser.shot("correction-requested");
      browser.click("#print-correction");
      String notice = browser.waitForText("#document", "补正材料通知书");
      assertTrue(notice.contains("照片须为近期白底免冠彩色照片") && notice.contains("现居住地址请写明门牌号"), notice);
      assertTrue(notice.contains(number), notice);
      browser.shot("correction-notice");

      // The applicant comes back to the window; the clerk who took the case in hands in the correction.
      browser.type("#r-address", "新密市青屏街街道示例社区5号楼1单元302号");
      browser.click("#resubmit");
      browser.waitForText("#case-message", "补正材料已提交");
      assertTrue(browser.find("#case").getText().contains("待受理"));
      browser.shot("resubmitted");

      browser.click("#accept");
      browser.waitForText("#case-message", "已受理");
      assertTrue(browser.find("#case").getText().contains("已受理"));
      browser.shot("accepted");
      browser.click("#print-receipt");
      String receipt = browser.waitForText("#document", "受理回执");
      assertTrue(receipt.contains(number) && receipt.contains("老年人优待证办理") && receipt.contains("新密市政务服务中心"), receipt);
      assertTrue(receipt.contains("王秀兰") && receipt.contains("照片"), receipt);
      assertFalse(receipt.contains(GOOD_ID), "the receipt masks the identity number: " + receipt);
      browser.shot("receipt");

      browser.driver().switchTo().activeElement().sendKeys(Keys.chord(Keys.ALT, "l"));
      String list = browser.waitForText("#work-list", number);
      assertTrue(browser.find("#work-list tr[data-number='" + number + "']").getText().contains("已受理"), list);
      browser.shot("work-list");
      browser.find("#work-list tr[data-number='" + number + "']").sendKeys(Keys.ENTER);
      browser.waitForText("#case-number", number);
      browser.shot("opened-from-list");
      java.util.regex.Matcher code = java.util.regex.Pattern.compile("查询码\\s*([0-9A-Z]{8})")
          .matcher(browser.find("#case").getText());
      assertTrue(code.find(), "the case shows its query code: " + browser.find("#case").getText());
      numberAndCode[0] = number;
      numberAndCode[1] = code.group(1);
      assertEquals(java.util.List.of(), browser.pageErrors(), "no script errors or CSP refusals");

      // The department reviews and decides in the 审批 pages.
      browser.click("#sign-out").find("#sign-in");
      browser.signIn("reviewer.mzj").go("/console/#/review");
      browser.waitForText("#queue", number);
      browser.click("a[href='#/review/" + number + "']");
      browser.waitForText("#case-title", "已受理");
      browser.clickButton("审核通过");
      browser.type("#action-comment", "符合条件");
      browser.clickButton("确认审核通过");
      browser.waitForText("#case-title", "审查中");
      browser.shot("reviewed");
      browser.click("#sign-out").find("#sign-in");
      browser.signIn("approver.mzj").go("/console/#/review/" + number);
      browser.waitForText("#case-title", "审查中");
      browser.clickButton("准予许可");
      browser.type("#action-comment", "准予办理老年人优待证");
      browser.clickButton("确认准予许可");
      browser.waitForText("#case-title", "准予许可");
      browser.shot("approved");
      assertEquals(java.util.List.of(), browser.pageErrors(), "no script errors or CSP refusals");
    }

    // Anyone with the number and query code follows it on the public page, the applicant masked.
    try (Browser phone = Browser.phone(gateway.port(), "window-public-progress")) {
      phone.go("/public/progress.html");
      phone.type("#number", numberAndCode[0]);
      phone.type("#code", numberAndCode[1]);
      phone.find("#progress-form button[type=submit]").click();
      String shown = phone.waitForText("#progress", "准予许可");
      assertFalse(shown.contains("王秀兰"), "the applicant's name is masked: " + shown);
      assertFalse(shown.contains(GOOD_ID), "the identity number is not shown: " + shown);
      phone.shot("public-progress");
      assertEquals(java.util.List.of(), phone.pageErrors(), "no script errors or CSP refusals");
    }
  }

  @Test
  void aViolationOnlyTheServerFindsIsShownAtItsField() throws Exception {
    try (Browser browser = Browser.staff(gateway.port(), "window-server-violation")) {
      browser.signIn("clerk");
      chooseMatter(browser);
      browser.type("#applicant-name", "王秀兰");
      browser.type("#applicant-id", GOOD_ID);
      browser.type("#applicant-phone", "13912345678");
      browser.type("#f-idNumber", FEB_30_ID);
      fillForm(browser, "f");
      browser.click("#submit-application");
      String error = browser.waitForText("#f-idNumber-error", "出生日期");
      assertTrue(error.contains("公民身份号码"), error);
      assertTrue(browser.find("#f-idNumber").isDisplayed(), "the form went back to the step holding the field");
      assertTrue(browser.find("#submit-errors").getText().contains("已在对应位置标出"));
      browser.shot("server-violation-at-the-field");
      assertEquals(java.util.List.of(), browser.pageErrors(), "no script errors or CSP refusals");
    }
  }

  @Test
  void theClerkSeesWhatTheLibraryHoldsForTheApplicantBeforeSubmitting() throws Exception {
    String zhang = "11010519491231002X";
    // 张三 handed in a photo online before (his own upload: reusable); 公安 shares his identity card and
    // household register.
    var earlier = gateway.upload("citizen", java.util.Map.of("kind", "photo"), "照片.png", PNG);
    assertEquals(201, earlier.statusCode(), earlier.body());
    try (Browser browser = Browser.staff(gateway.port(), "window-library")) {
      browser.signIn("clerk");
      browser.go("/console/#/window/new");
      browser.type("#matter-q", "残疾人证");
      browser.find("#matter-q").sendKeys(Keys.ENTER);
      browser.click("button[data-code='cjl-disability-certificate']");
      browser.waitForText(".guide", "办事指南：残疾人证新办");
      assertTrue(browser.find("#library-status").getText().contains("填写申请人的公民身份号码后"));
      browser.type("#applicant-name", "张三");
      browser.type("#applicant-id", zhang);

      String idCard = browser.waitForText("#material-id-card-library", "电子证照库已有");
      assertTrue(idCard.contains("居民身份证") && idCard.contains("免提交"), idCard);
      assertTrue(browser.find("#material-household-register-library").getText().contains("电子证照库已有：居民户口簿"));
      String photo = browser.waitForText("#material-photo-library", "可复用");
      assertTrue(photo.contains("照片.png") && photo.contains("提交时自动附上"), photo);
      assertTrue(browser.find("#material-photo").isEnabled(), "a new file can still be handed in");
      assertEquals("", browser.all("#material-application-form-library").get(0).getText(), "nothing held: upload it");
      assertTrue(browser.find("#library-status").getText().contains("项材料，提交时由平台自动附上"),
          browser.find("#library-status").getText());
      browser.script("document.getElementById('materials').scrollIntoView()");
      browser.shot("library-before-submitting");

      // Another applicant: what was shown for 张三 goes, and nothing is held for her.
      browser.type("#applicant-id", GOOD_ID);
      browser.waitForText("#library-status", "没有该申请人可用的材料");
      assertEquals("", browser.all("#material-photo-library").get(0).getText());
      assertTrue(browser.find("#material-id-card-library").getText().contains("未查到"));
      browser.script("document.getElementById('materials').scrollIntoView()");
      browser.shot("nothing-held-for-another-applicant");
      assertEquals(java.util.List.of(), browser.pageErrors(), "no script errors or CSP refusals");
    }
  }

  @Test
  void aCaseDueRightAfterHolidaysIsMarkedNearDueByThePlatformsCalendar() throws Exception {
    // The next two weekdays become holidays: a case due on the third weekday is then due on the first
    // working day, near due — which counting Monday to Friday in the browser would not see.
    java.time.LocalDate day = java.time.LocalDate.now();
    java.util.List<java.time.LocalDate> weekdays = new java.util.ArrayList<>();
    while (weekdays.size() < 3) {
      day = day.plusDays(1);
      if (day.getDayOfWeek().getValue() <= 5) {
        weekdays.add(day);
      }
    }
    String number = gateway.submitSample(MATTER);
    gateway.execute("update application set notice_due_date = '" + weekdays.get(2) + "' where number = '" + number + "'");
    try {
      for (int i = 0; i < 2; i++) {
        assertEquals(200, gateway.send("PUT", "/api/v1/calendar/days/" + weekdays.get(i),
            new JsonObject().put("kind", "HOLIDAY").put("name", "测试假日").encode(), "Authorization",
            "Bearer " + gateway.token("admin"), "Content-Type", "application/json").statusCode());
      }
      try (Browser browser = Browser.staff(gateway.port(), "window-list-calendar")) {
        browser.signIn("clerk");
        browser.go("/console/#/window/list");
        String row = browser.waitForText("tr[data-number='" + number + "']", number);
        assertTrue(row.contains("临近到期"), row);
        assertTrue(browser.find("tr[data-number='" + number + "']").getAttribute("class").contains("near-due"));
        browser.shot("due-after-holidays-near-due");
        assertEquals(java.util.List.of(), browser.pageErrors(), "no script errors or CSP refusals");
      }
    } finally {
      for (int i = 0; i < 2; i++) {
        gateway.send("PUT", "/api/v1/calendar/days/" + weekdays.get(i),
            new JsonObject().put("kind", "WORKDAY").put("name", "工作日").encode(), "Authorization",
            "Bearer " + gateway.token("admin"), "Content-Type", "application/json");
      }
    }
  }
  @Test
  void theClerkPrintsTheSpecialProcedureNoticeOfASuspendedCase() throws Exception {
    String number = gateway.submitSample(MATTER);
    TestGateway.ok(gateway.act("clerk", number, new JsonObject().put("action", "accept")));
    TestGateway.ok(gateway.act("reviewer.mzj", number, new JsonObject().put("action", "suspend")
        .put("procedure", "EXPERT_REVIEW").put("comment", "需组织专家评审，约需10个工作日")));
    try (Browser browser = Browser.staff(gateway.port(), "window-special-procedure")) {
      browser.signIn("clerk");
      browser.go("/console/#/window/case/" + number);
      browser.waitForText("#case", "特别程序中");
      browser.click("#print-special-procedure");
      String notice = browser.waitForText("#document", "特别程序告知书");
      assertTrue(notice.contains("专家评审") && notice.contains("需组织专家评审，约需10个工作日")
          && notice.contains("第四十五条"), notice);
      browser.shot("special-procedure-notice");
      assertEquals(java.util.List.of(), browser.pageErrors(), "no script errors or CSP refusals");
    }
  }
}
