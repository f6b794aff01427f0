package cn.tongban.core.application;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.matter.Matter;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * 特别程序告知书: the written notice that a special procedure (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审 …)
 * stops the case's clock and why (Administrative Licensing Law art. 45: "所需时间不计算在本节规定的期限内。
 * 行政机关应当将所需时间书面告知申请人"); once the procedure has ended, also the day the clock ran again and the
 * due date it moved to.
 */
public final class SpecialProcedureNotice {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy年M月d日");
  /** The procedures' names as the law writes them. */
  static final Map<String, String> PROCEDURES = Map.of("HEARING", "听证", "TENDER", "招标", "AUCTION", "拍卖",
      "INSPECTION", "检验", "TESTING", "检测", "QUARANTINE", "检疫", "APPRAISAL", "鉴定", "EXPERT_REVIEW", "专家评审",
      "ON_SITE_CHECK", "现场核查", "OTHER", "其他特别程序");

  private SpecialProcedureNotice() {
  }

  /** What the notice says. {@code resumed} and {@code dueDate} are empty while the procedure runs. */
  public record Content(String number, String applicant, String submitted, String accepted, String matter,
      String procedure, String reasons, String stopped, Optional<String> resumed, int suspendedWorkingDays,
      Optional<String> dueDate, String officer, String department) {
    /** The notice to print (HTML or PDF), dated the day the clock stopped. */
    public WrittenNotice written() {
      return new WrittenNotice("特别程序告知书", number, applicant, paragraphs(this), officer, department, stopped);
    }
  }

  /** The notice of the case's latest suspension ({@code suspend}) and its resumption, if any. */
  static Content content(Application a, Matter matter, JsonObject suspend, Optional<JsonObject> resume,
      String applicant) {
    JsonObject detail = suspend.getJsonObject("detail", new JsonObject());
    Optional<JsonObject> resumed = resume.map(r -> r.getJsonObject("detail", new JsonObject()));
    return new Content(a.number(), applicant, day(a.submittedAt()),
        a.clock().acceptedAt().map(SpecialProcedureNotice::day).orElse(""), matter.name(),
        PROCEDURES.getOrDefault(detail.getString("procedure"), "特别程序"),
        suspend.getString("opinion", "").strip().replaceAll("[。．.；;，,]+$", ""),
        at(suspend), resume.map(SpecialProcedureNotice::at),
        resumed.map(d -> d.getInteger("suspendedWorkingDays", 0)).orElse(0),
        resumed.map(d -> d.getString("dueDate")).filter(d -> d != null).map(d -> LocalDate.parse(d).format(DATE)),
        WrittenNotice.officer(suspend),
        matter.department().name());
  }

  private static String day(OffsetDateTime t) {
    return t.atZoneSameInstant(CalendarService.ZONE).format(DATE);
  }

  private static String at(JsonObject step) {
    return Optional.ofNullable(step.getString("endedAt")).or(() -> Optional.ofNullable(step.getString("startedAt")))
        .map(s -> day(OffsetDateTime.parse(s))).orElse("");
  }

  /** The notice's paragraphs, the same on paper and on screen. */
  static List<String> paragraphs(Content c) {
    List<String> p = new ArrayList<>();
    p.add("你（单位）于 " + c.submitted() + " 提出的“" + c.matter() + "”申请，本机关已于 " + c.accepted()
        + " 受理。该申请依法需要" + c.procedure() + "。根据《中华人民共和国行政许可法》第四十五条的规定，" + c.procedure()
        + "所需时间不计算在办理期限内，现书面告知如下：");
    p.add("特别程序：" + c.procedure() + "。事由及所需时间：" + c.reasons() + "。自 " + c.stopped() + " 起暂停计算办理期限。");
    if (c.resumed().isPresent()) {
      p.add(c.procedure() + "已于 " + c.resumed().get() + " 结束，自该日起恢复计算办理期限；暂停 " + c.suspendedWorkingDays()
          + " 个工作日，承诺办结期限相应顺延至 " + c.dueDate().orElse("") + "。");
    } else {
      p.add(c.procedure() + "结束后，本机关将恢复计算办理期限，并告知顺延后的办结期限。可凭申请编号查询办理进度。");
    }
    return p;
  }
}
