package cn.tongban.core.application;

import cn.tongban.core.document.Html;
import cn.tongban.core.document.SimplePdf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A dated written notice to the applicant (书面凭证/告知书): title, number, addressee, paragraphs, and the officer,
 * department (seal) and date it is signed with — the same on paper (PDF) and on screen (HTML).
 */
public record WrittenNotice(String title, String number, String addressee, List<String> paragraphs, String officer,
    String department, String date) {

  /**
   * Who signs a notice for the step it records: the officer's name (a staff account's display name); never the
   * internal account id the step keeps ({@code account:…}), and nothing when the step was no member of staff's.
   */
  static String officer(io.vertx.core.json.JsonObject step) {
    return Optional.ofNullable(step.getString("handlerName")).orElse("");
  }

  /** The notice as a printable PDF (A4; the reader supplies the standard Chinese font). */
  public byte[] pdf() {
    List<SimplePdf.Block> blocks = new ArrayList<>();
    blocks.add(new SimplePdf.Block(title, 20, true, 12));
    blocks.add(new SimplePdf.Block("编号：" + number, 11, false, 6));
    blocks.add(new SimplePdf.Block(addressee + "：", 12, false, 4));
    for (String p : paragraphs) {
      blocks.add(new SimplePdf.Block(p, 12, false, 6));
    }
    blocks.add(new SimplePdf.Block("经办人：" + officer + "\n" + department + "（印章）\n" + date, 12, false, 0));
    return SimplePdf.render(title + " " + number, blocks);
  }

  /** The notice as an HTML page. */
  public String html() {
    StringBuilder body = new StringBuilder();
    for (String p : paragraphs) {
      body.append("<p>").append(Html.escape(p)).append("</p>\n");
    }
    return """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <title>%1$s %2$s</title>
        <style>
          body { font-family: "SimSun", "Songti SC", serif; max-width: 46em; margin: 2em auto; line-height: 1.8; }
          h1 { text-align: center; font-size: 1.6em; letter-spacing: .3em; }
          .sign { text-align: right; margin-top: 3em; }
          @media print { body { margin: 0 auto; } }
        </style>
        </head>
        <body>
        <h1>%1$s</h1>
        <p>编号：%2$s</p>
        <p>%3$s：</p>
        %4$s<p class="sign">经办人：%5$s<br>%6$s（印章）<br>%7$s</p>
        </body>
        </html>
        """.formatted(title, Html.escape(number), Html.escape(addressee), body, Html.escape(officer),
        Html.escape(department), date);
  }
}
