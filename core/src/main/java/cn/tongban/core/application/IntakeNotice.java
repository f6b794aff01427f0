package cn.tongban.core.application;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.matter.Matter;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * 受理通知书 / 不予受理决定书: the dated written decision on a case taken in (Administrative Licensing Law
 * art. 32: "受理或者不予受理…应当出具加盖本行政机关专用印章和注明日期的书面凭证"). Acceptance states the
 * acceptance day and both limits; refusal states its reasons and the applicant's remedies.
 */
public final class IntakeNotice {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy年M月d日");

  private IntakeNotice() {
  }

  /** What the notice says; {@code accepted} picks 受理通知书 or 不予受理决定书. */
  public record Content(boolean accepted, String number, String applicant, String submitted, String matter,
      String reasons, String clockStart, String dueDate, String legalDueDate, String officer, String department,
      String date) {
    public String title() {
      return accepted ? "受理通知书" : "不予受理决定书";
    }

    /** The notice to print (HTML or PDF). */
    public WrittenNotice written() {
      return new WrittenNotice(title(), number, applicant, paragraphs(this), officer, department, date);
    }
  }

  /** The notice of the case's intake decision, {@code step} being its accept or not-accept step. */
  static Content content(Application a, Matter matter, JsonObject step, String applicant) {
    boolean accepted = "accept".equals(step.getString("action"));
    Application.Clock c = a.clock();
    String at = Optional.ofNullable(step.getString("endedAt")).or(() -> Optional.ofNullable(step.getString("startedAt")))
        .map(s -> OffsetDateTime.parse(s).atZoneSameInstant(CalendarService.ZONE).format(DATE)).orElse("");
    return new Content(accepted, a.number(), applicant,
        a.submittedAt().atZoneSameInstant(CalendarService.ZONE).format(DATE), matter.name(),
        step.getString("opinion", ""), c.clockStart().map(IntakeNotice::day).orElse(""),
        c.dueDate().map(IntakeNotice::day).orElse(""), c.legalDueDate().map(IntakeNotice::day).orElse(""),
        WrittenNotice.officer(step),
        matter.department().name(), at);
  }

  private static String day(LocalDate d) {
    return d.format(DATE);
  }

  /** The notice's paragraphs, the same on paper and on screen. */
  static List<String> paragraphs(Content c) {
    List<String> p = new ArrayList<>();
    if (c.accepted()) {
      p.add("你（单位）于 " + c.submitted() + " 提出的“" + c.matter() + "”申请，申请材料齐全、符合法定形式。根据《中华人民共和国"
          + "行政许可法》第三十二条的规定，本机关决定予以受理。");
      p.add("受理日期：" + c.clockStart() + "。承诺办结期限：" + c.dueDate() + "前；法定办结期限：" + c.legalDueDate()
          + "前（按工作日计算，依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的时间不计算在内）。");
      p.add("可凭申请编号查询办理进度。");
    } else {
      p.add("你（单位）于 " + c.submitted() + " 提出的“" + c.matter() + "”申请，经审查，根据《中华人民共和国行政许可法》第三十二条"
          + "的规定，本机关决定不予受理。");
      p.add("理由：" + c.reasons());
      p.add("如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院"
          + "提起行政诉讼。");
    }
    return p;
  }
}
