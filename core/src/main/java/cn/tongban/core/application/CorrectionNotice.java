package cn.tongban.core.application;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.matter.Matter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * 补正材料通知书: the one-time correction notice as a printable page, listing every item to correct with
 * the material's name or the field's title, the case, the matter, the officer and the date.
 */
public final class CorrectionNotice {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy年M月d日");

  private CorrectionNotice() {
  }

  /** The notice as an HTML page. */
  public static String html(Application a, Matter matter, JsonObject formSchema) {
    JsonObject notice = a.clock().correction().orElseThrow();
    Map<String, String> materials = new HashMap<>();
    matter.document().getJsonArray("materials", new JsonArray()).forEach(o ->
        materials.put(((JsonObject) o).getString("code"), ((JsonObject) o).getString("name")));
    StringBuilder items = new StringBuilder();
    JsonArray list = notice.getJsonArray("items", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject item = list.getJsonObject(i);
      String what = item.getString("material") != null
          ? materials.getOrDefault(item.getString("material"), item.getString("material"))
          : fieldTitle(formSchema, item.getString("pointer"));
      items.append("<tr><td>").append(i + 1).append("</td><td>").append(escape(what)).append("</td><td>")
          .append(escape(item.getString("message"))).append("</td></tr>\n");
    }
    String date = OffsetDateTime.parse(notice.getString("noticeAt")).atZoneSameInstant(CalendarService.ZONE)
        .format(DATE);
    String applicant = a.applicant().getString("name", "");
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
        <p>你（单位）于 %3$s 提出的“%4$s”申请，经审查，申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》
        第三十二条的规定，现一次性告知你（单位）需要补正的全部内容如下：</p>
        <table>
        <tr><th>序号</th><th>材料或项目</th><th>补正要求</th></tr>
        %5$s</table>
        <p>请按上述要求补正后重新提交。补正材料提交之日起，本机关将依法作出是否受理的决定。</p>
        %6$s
        <p class="sign">经办人：%7$s<br>%8$s<br>%9$s</p>
        </body>
        </html>
        """.formatted(escape(a.number()), escape(applicant), a.submittedAt().atZoneSameInstant(CalendarService.ZONE)
            .format(DATE), escape(matter.name()), items,
        notice.getBoolean("late", false)
            ? "<p>本通知在收到申请材料之日起五个工作日后作出，依法自收到申请材料之日起即为受理。</p>" : "",
        escape(notice.getString("officer", "")), escape(matter.department().name()), date);
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
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
