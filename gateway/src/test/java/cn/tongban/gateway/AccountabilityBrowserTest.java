package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * 预警与问责 in a real browser: two 民政局 cases get red cards; the officer of one explains it on the page; the
 * supervisor finds every red-carded case in the warned list and closes both accountability records.
 */
class AccountabilityBrowserTest {
  private static final String ELDERLY = "mzj-elderly-preferential-card";
  private static final MutableClock CLOCK = MutableClock.at("2026-11-16T09:00:00");
  private static TestGateway gateway;
  private static String reviewed;
  private static String accepted;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of("TONGBAN_SCAN_INTERVAL_SECONDS", "0"), CLOCK);
    reviewed = gateway.submitSample(ELDERLY);
    TestGateway.ok(gateway.act("clerk", reviewed, new JsonObject().put("action", "accept")));
    TestGateway.ok(gateway.act("reviewer.mzj", reviewed, new JsonObject().put("action", "review-pass")));
    accepted = gateway.submitSample(ELDERLY);
    TestGateway.ok(gateway.act("clerk", accepted, new JsonObject().put("action", "accept")));
    CLOCK.set("2026-11-24T09:00:00");
    JsonObject scan = TestGateway.ok(gateway.post("supervisor", "/api/v1/supervision/scan", new JsonObject()));
    assertEquals(2, scan.getInteger("opened"), scan.encode());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void theOfficerExplainsAndTheSupervisorClosesEveryRedCard() throws Exception {
    try (Browser officer = Browser.staff(gateway.port(), "accountability")) {
      officer.signIn("reviewer.mzj").go("/console/#/accountability");
      officer.waitForText("#accountability", reviewed);
      officer.waitForText("#timeliness", "合计");
      officer.shot("officer-list");
      officer.script("document.getElementById('timeliness').scrollIntoView()");
      officer.shot("officer-timeliness");
      officer.click("#accountability button.link");
      officer.waitForText("#accountability-panel", "承诺办结时限");
      officer.clickButton("提交情况说明");
      officer.waitForText("#form-explain", "请填写情况说明");
      officer.shot("officer-empty-explanation");
      officer.type("#explanation-input", "现场核查人员不足，已协调补充并办结");
      officer.clickButton("提交情况说明");
      officer.waitForText("#accountability-panel", "情况说明已提交");
      assertTrue(officer.find("#accountability-panel").getText().contains("现场核查人员不足"));
      officer.shot("officer-explained");
      assertEquals(List.of(), officer.pageErrors());
    }
    try (Browser supervisor = Browser.staff(gateway.port(), "accountability")) {
      supervisor.signIn("supervisor").go("/console/#/accountability");
      supervisor.find("#warned tbody tr");
      new Select(supervisor.find("#filter-level")).selectByValue("RED");
      new Select(supervisor.find("#filter-department")).selectByValue("mzj");
      supervisor.clickButton("查询");
      supervisor.waitForText("#warned", reviewed);
      String warned = supervisor.waitForText("#warned", accepted);
      assertTrue(warned.contains("红牌") && warned.contains("承诺办结时限") && warned.contains("超期"), warned);
      assertEquals(2, supervisor.all("#warned tbody tr").size(), "every red-carded case, and only those");
      supervisor.shot("supervisor-red-cards");

      new Select(supervisor.find("#accountability-status")).selectByValue("");
      supervisor.waitForText("#accountability", accepted);
      supervisor.waitForText("#accountability", "已说明");
      supervisor.shot("supervisor-accountability");
      supervisor.click("#accountability tr[data-id] button.link");
      closeOpenRecord(supervisor);
      supervisor.click("#accountability tr[data-id]:nth-child(2) button.link");
      closeOpenRecord(supervisor);
      new Select(supervisor.find("#accountability-status")).selectByValue("OPEN");
      supervisor.waitForText("#accountability-section", "没有符合条件的问责记录");
      new Select(supervisor.find("#accountability-status")).selectByValue("CLOSED");
      supervisor.waitForText("#accountability", reviewed);
      supervisor.waitForText("#accountability", accepted);
      supervisor.shot("supervisor-all-closed");
      assertEquals(List.of(), supervisor.pageErrors());
    }
    assertEquals(2, gateway.count("select count(*) from accountability where status = 'CLOSED'"));
  }

  /** A record is open on the detail panel: a finding without a note is refused, then given with one. */
  private static void closeOpenRecord(Browser b) {
    b.find("#form-finding");
    new Select(b.find("#finding-input")).selectByValue("WARNED");
    b.clickButton("提交问责结论");
    b.waitForText("#form-finding", "请填写结论意见");
    b.shot("finding-needs-note");
    b.type("#note-input", "约谈提醒，限期整改");
    b.clickButton("提交问责结论");
    b.waitForText("#accountability-panel", "问责已办结：提醒告诫");
    b.shot("closed");
  }
}
