package cn.tongban.gateway;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public pages on a 375 px phone, as a citizen opens them from a WeChat scan or an SMS link: the
 * catalogue and a matter's guide, progress by case number and query code, and a licence's QR code.
 */
class PublicPagesBrowserTest {
  /** Where the QR codes point: a production-like https address, not this test gateway's port. */
  private static final String PUBLIC_URL = "https://zwfw.xinmi.example.cn";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("TONGBAN_PUBLIC_URL", PUBLIC_URL, "TONGBAN_RELAY_INTERVAL_MS", "100"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void aCitizenFindsAMatterInChineseAndReadsItsGuide() {
    try (Browser phone = Browser.phone(gateway.port(), "public-catalogue")) {
      phone.go("/");
      phone.waitForText("#summary", "找到 10 项，还有更多");
      assertEquals(10, phone.all("#matters li.matter").size());
      fitsThePhone(phone);
      phone.shot("catalogue");
      phone.click("#more");
      phone.waitForText("#summary", "找到 20 项");
      assertEquals(20, phone.all("#matters li.matter").size());
      assertFalse(phone.all("#more").get(0).isDisplayed(), "no 加载更多 after the last page");

      // The catalogue matches exact substrings of name, code and themes: the colloquial 低保 is in none of them.
      phone.type("#q", "低保\n");
      phone.waitForText("#summary", "没有找到相关事项");
      assertTrue(phone.all("#matters li").isEmpty());
      phone.shot("search-dibao-nothing");
      phone.type("#q", "最低生活\n");
      String found = phone.waitForText("#matters", "最低生活保障申请");
      assertTrue(found.contains("新密市民政局"), found);
      phone.shot("search-subsistence");

      phone.type("#q", "残疾\n");
      found = phone.waitForText("#matters", "残疾人证新办");
      phone.waitForText("#summary", "找到");
      assertTrue(found.contains("新密市残疾人联合会"), found);
      assertTrue(found.contains("承诺 10 个工作日") && found.contains("法定 20 个工作日"), found);
      assertTrue(found.contains("同城通办"), found);
      fitsThePhone(phone);
      phone.shot("search-canji");

      // Choosing a department searches at once.
      phone.type("#q", "");
      new org.openqa.selenium.support.ui.Select(phone.find("#department")).selectByVisibleText("新密市残疾人联合会");
      phone.waitForText("#summary", "找到 1 项");
      assertTrue(phone.find("#matters").getText().contains("残疾人证新办"));
      assertTrue(phone.driver().getCurrentUrl().endsWith("?department=cjl"), phone.driver().getCurrentUrl());
      phone.shot("department-cjl");
      phone.driver().findElement(org.openqa.selenium.By.linkText("残疾人证新办")).click();
      assertEquals("10 个工作日", phone.waitForText("#promised", "10 个工作日"));
      assertEquals("20 个工作日", phone.find("#legal").getText());
      String materials = phone.waitForText("#materials", "残疾人证申请表");
      assertTrue(materials.contains("免提交（电子证照：居民身份证）"), materials);
      assertTrue(materials.contains("相关病历或诊断资料") && materials.contains("按情形提交"), materials);
      String page = phone.find("main").getText();
      for (String shown : List.of("受理条件", "本市户籍", "新密市卫生健康委员会", "公共服务", "承诺件", "不收费",
          "中华人民共和国残疾人证（第三代）", "法定工作日上午9:00", "12345", "《中华人民共和国残疾人保障法》", "同城通办",
          "便民服务站", "410183200006-CJL-001 本地示例编码，非正式赋码")) {
        assertTrue(page.contains(shown), shown + " in\n" + page);
      }
      fitsThePhone(phone);
      phone.shot("guide-top");
      phone.script("document.querySelector('.code-sample').scrollIntoView()");
      phone.shot("guide-codes");
      phone.script("document.getElementById('materials').scrollIntoView()");
      phone.shot("guide-materials");
      phone.script("window.scrollTo(0, document.body.scrollHeight)");
      phone.shot("guide-bottom");
      assertEquals(List.of(), phone.consoleErrors());
    }
  }

  @Test
  void progressByNumberAndQueryCodeShowsTheStatusAndNoPersonalData() throws Exception {
    String number = gateway.submitSample("mzj-elderly-preferential-card");
    String queryCode = gateway.read("citizen", number).getString("queryCode");
    String fullName = gateway.read("citizen", number).getJsonObject("applicant").getString("name");
    try (Browser phone = Browser.phone(gateway.port(), "public-progress")) {
      phone.go("/public/progress.html");
      phone.find("#progress-form button[type=submit]").click();
      assertTrue(phone.waitForText("#progress-form", "请填写办件编号").contains("请填写查询码"));
      phone.shot("empty-form");

      phone.type("#number", number).type("#code", queryCode.toLowerCase() + "\n");
      String shown = phone.waitForText("#progress", "待受理");
      assertTrue(shown.contains("老年人优待证办理") && shown.contains(number), shown);
      assertTrue(shown.contains(fullName.charAt(0) + "*"), shown);
      assertFalse(shown.contains(fullName), "the applicant is never shown in full: " + shown);
      assertTrue(phone.find("#steps").getText().contains("收件"));
      fitsThePhone(phone);
      phone.shot("progress");

      phone.type("#code", "ZZZZ2222\n");
      assertTrue(phone.waitForText("#not-found", "没有查到该办件").contains("请核对办件编号和查询码"));
      assertTrue(phone.all("#progress").isEmpty(), "the earlier answer is gone");
      fitsThePhone(phone);
      phone.shot("wrong-code");
      // The wrong code's 404 is logged by the browser as a failed resource; nothing else may be.
      assertEquals(List.of(), phone.consoleErrors().stream().filter(e -> !e.contains("/progress?queryCode=ZZZZ2222")
          || !e.contains("404")).toList());

      // What an SMS link carries: the page looks the case up at once.
      phone.go("/public/progress.html?number=" + number + "&code=" + queryCode);
      phone.waitForText("#progress", "待受理");
      phone.shot("from-sms-link");
      assertEquals(List.of(), phone.consoleErrors());
    }
  }

  @Test
  void aLicencesQrCodeOpensTheVerifyPageWhichSaysValidThenRevoked() throws Exception {
    JsonObject licence = gateway.approvedDisabilityCertificate();
    String id = licence.getString("identifier");
    String url = scan(id);
    String prefix = PUBLIC_URL + "/public/verify.html#TBL2.";
    assertTrue(url.startsWith(prefix), url);
    // The QR code points at the configured public address; this test's gateway stands in for it.
    URI scanned = URI.create(url);
    String onThisGateway = scanned.getRawPath() + "#" + scanned.getRawFragment();

    try (Browser phone = Browser.phone(gateway.port(), "public-verify")) {
      phone.go(onThisGateway);
      assertEquals("有效", phone.waitForText("#verdict", "有效"));
      String shown = phone.find("#verdict-panel").getText();
      for (String fact : List.of("残疾人证", licence.getString("number"), id, "新密市残疾人联合会",
          licence.getString("issueDate"), licence.getString("validUntil"), "张*")) {
        assertTrue(shown.contains(fact), fact + " in\n" + shown);
      }
      assertFalse(shown.contains("张三"), "the holder is masked: " + shown);
      assertFalse(shown.contains(licence.getString("holderCode")), "no identity number: " + shown);
      fitsThePhone(phone);
      phone.shot("valid");
      phone.script("window.scrollTo(0, document.body.scrollHeight)");
      phone.shot("valid-holder-masked");

      HttpResponse<String> revoked = gateway.post("approver.cjl", "/api/v1/licences/" + id + "/revoke",
          new JsonObject().put("reason", "经复核，残疾等级评定有误"));
      assertEquals(200, revoked.statusCode(), revoked.body());
      phone.driver().navigate().refresh();
      assertEquals("已撤销", phone.waitForText("#verdict", "已撤销"));
      assertTrue(phone.find("#verdict-panel").getText().contains("经复核，残疾等级评定有误"));
      fitsThePhone(phone);
      phone.shot("revoked");

      // The identifier printed on the licence, typed by hand, gives the same answer.
      phone.go("/public/verify.html");
      phone.type("#licence-input", id + "\n");
      phone.waitForText("#verdict", "已撤销");
      phone.shot("typed-identifier");

      // A signed payload (the holder's own licence view carries it; QR codes carry only the identifier and a
      // fingerprint) whose signed part was altered (the holder's name changed) is a forgery.
      String payload = licence.getString("verificationPayload");
      String[] parts = payload.split("\\.");
      JsonObject signed = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
          java.nio.charset.StandardCharsets.UTF_8)).put("holderName", "李四");
      String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString(signed.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
      phone.go("/public/verify.html#" + forged);
      assertEquals("被篡改", phone.waitForText("#verdict", "被篡改"));
      assertFalse(phone.find("#verdict-panel").getText().contains("李四"), "nothing of a forgery is shown as fact");
      fitsThePhone(phone);
      phone.shot("tampered");

      phone.go("/public/verify.html");
      phone.type("#licence-input", cn.tongban.core.licence.LicenceIdentifier.of(licence.getString("typeCode"),
          licence.getString("issuerCode"), "999999999", 1) + "\n");
      assertEquals("未找到", phone.waitForText("#verdict", "未找到"));
      phone.shot("unknown");
      assertEquals(List.of(), phone.consoleErrors());
    }
  }

  /** What a phone camera reads from the licence's QR code. */
  private static String scan(String identifier) throws Exception {
    HttpResponse<byte[]> png = gateway.getBytes("/api/v1/licences/" + identifier + "/qr.png",
        "Authorization", "Bearer " + gateway.token("citizen"));
    assertEquals(200, png.statusCode());
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
    int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
        new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)))).getText();
  }

  /** No horizontal scrolling on a 375 px phone. */
  private static void fitsThePhone(Browser phone) {
    int width = ((Number) phone.script("return document.documentElement.scrollWidth")).intValue();
    assertTrue(width <= 375, "the page is " + width + " px wide");
  }
}
