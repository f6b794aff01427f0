package cn.tongban.core.application;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.document.Html;
import cn.tongban.core.document.SimplePdf;
import cn.tongban.core.matter.Matter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * 补正材料通知书: the one-time correction notice as a printable page, listing every item to correct with
 * the material's name or the field's title, the case, the matter, the officer and the date.
 */
public final class CorrectionNotice {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy年M月d日");

  private CorrectionNotice() {
  }

  /** What the notice says, whichever way it is printed. */
  public record Content(String number, String applicant, String submitted, String matter, List<String[]> items,
      boolean late, String officer, String department, String date) {
  }

  /**
   * The notice's content for a case with an open correction request, naming the applicant as given (masked for
   * masked roles, see Masking.applicant) and signed by {@code officer} (the name, see {@link WrittenNotice#officer}).
   */
  public static Content content(Application a, Matter matter, JsonObject formSchema, String applicant,
      String officer) {
    JsonObject notice = a.clock().correction().orElseThrow();
    Map<String, String> materials = new HashMap<>();
    matter.document().getJsonArray("materials", new JsonArray()).forEach(o ->
        materials.put(((JsonObject) o).getString("code"), ((JsonObject) o).getString("name")));
    List<String[]> items = new ArrayList<>();
    for (Object o : notice.getJsonArray("items", new JsonArray())) {
      JsonObject item = (JsonObject) o;
      String what = item.getString("material") != null
          ? materials.getOrDefault(item.getString("material"), item.getString("material"))
          : fieldTitle(formSchema, item.getString("pointer"));
      items.add(new String[] {what, item.getString("message", "")});
    }
    return new Content(a.number(), applicant,
        a.submittedAt().atZoneSameInstant(CalendarService.ZONE).format(DATE), matter.name(), items,
        notice.getBoolean("late", false), officer, matter.department().name(),
        OffsetDateTime.parse(notice.getString("noticeAt")).atZoneSameInstant(CalendarService.ZONE).format(DATE));
  }

  private static String intro(Content c) {
    return "你（单位）于 " + c.submitted() + " 提出的“" + c.matter() + "”申请，经审查，申请材料不齐全或者不符合法定形式。"
        + "根据《中华人民共和国行政许可法》第三十二条的规定，现一次性告知你（单位）需要补正的全部内容如下：";
  }

  private static final String CLOSING = "请按上述要求补正后重新提交。补正材料提交之日起，本机关将依法作出是否受理的决定。";
  private static final String LATE = "本通知在收到申请材料之日起五个工作日后作出，依法自收到申请材料之日起即为受理。";

  /** The notice as a printable PDF (A4; the reader supplies the standard Chinese font). */
  public static byte[] pdf(Content c) {
    List<SimplePdf.Block> blocks = new ArrayList<>();
    blocks.add(new SimplePdf.Block("补正材料通知书", 20, true, 12));
    blocks.add(new SimplePdf.Block("编号：" + c.number(), 11, false, 6));
    blocks.add(new SimplePdf.Block(c.applicant() + "：", 12, false, 4));
    blocks.add(new SimplePdf.Block(intro(c), 12, false, 8));
    for (int i = 0; i < c.items().size(); i++) {
      blocks.add(new SimplePdf.Block((i + 1) + ". " + c.items().get(i)[0] + "：" + c.items().get(i)[1], 12, false, 4));
    }
    blocks.add(new SimplePdf.Block(CLOSING, 12, false, 6));
    if (c.late()) {
      blocks.add(new SimplePdf.Block(LATE, 12, false, 6));
    }
    blocks.add(new SimplePdf.Block("经办人：" + c.officer() + "\n" + c.department() + "\n" + c.date(), 12, false, 0));
    return SimplePdf.render("补正材料通知书 " + c.number(), blocks);
  }

  /** The notice as an HTML page. */
  public static String html(Content c) {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < c.items().size(); i++) {
      items.append("<tr><td>").append(i + 1).append("</td><td>").append(escape(c.items().get(i)[0]))
          .append("</td><td>").append(escape(c.items().get(i)[1])).append("</td></tr>\n");
    }
    return """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <title>补正材料通知书 %1$s</title>
        <style>
          body { font-family: "SimSun", "Songti SC", serif; max-width: 46em; margin: 2em auto; line-height: 1.8; }
          h1 { text-align: center; font-size: 1.6em; letter-spacing: .3em; }
          table { width: 100%%; border-collapse: collapse; }
          td, th { border: 1px solid #333; padding: .3em .6em; vertical-align: top; }
          .sign { text-align: right; margin-top: 3em; }
          @media print { body { margin: 0 auto; } }
        </style>
        </head>
        <body>
        <h1>补正材料通知书</h1>
        <p>编号：%1$s</p>
        <p>%2$s：</p>
        <p>%3$s</p>
        <table>
        <tr><th>序号</th><th>材料或项目</th><th>补正要求</th></tr>
        %4$s</table>
        <p>%5$s</p>
        %6$s
        <p class="sign">经办人：%7$s<br>%8$s<br>%9$s</p>
        </body>
        </html>
        """.formatted(escape(c.number()), escape(c.applicant()), escape(intro(c)), items, CLOSING,
        c.late() ? "<p>" + LATE + "</p>" : "", escape(c.officer()), escape(c.department()), c.date());
  }

  private static String fieldTitle(JsonObject schema, String pointer) {
    if (pointer == null) {
      return "";
    }
    String path = pointer.startsWith("/data") ? pointer.substring(5) : pointer;
    JsonObject node = schema;
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      JsonObject next = node.getJsonObject("properties", new JsonObject()).getJsonObject(segment);
      if (next == null) {
        return pointer;
      }
      node = next;
    }
    return node.getString("title", pointer);
  }

  private static String escape(String s) {
    return Html.escape(s);
  }
}
