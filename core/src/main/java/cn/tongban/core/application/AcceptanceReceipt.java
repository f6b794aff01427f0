package cn.tongban.core.application;

import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.document.Html;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.access.Caller;
import cn.tongban.core.identity.Masking;
import cn.tongban.core.material.MaterialService;
import cn.tongban.core.matter.Matter;
import cn.tongban.core.matter.MatterStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * 受理回执: the printable receipt a window hands the applicant once a case is accepted — the case number and
 * query code, the matter, the applicant (ID number masked on paper), the materials received or fetched, the
 * acceptance time, the promised due date, the hall, the clerk and where to follow progress.
 */
public final class AcceptanceReceipt {
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy年M月d日 HH:mm");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy年M月d日");

  /** What the receipt says. {@code queryCode} is empty for readers who may not see it. */
  public record Content(String number, String queryCode, String matter, String department, String applicant,
      String idNumber, List<String[]> materials, String acceptedAt, String dueDate, String hall, String clerk,
      String progressPath) {
  }

  private final Function<String, Future<Optional<String>>> hallNames;
  private final ApplicationStore store;
  private final MatterStore matters;
  private final MaterialService materials;

  /** {@code hallNames}: a hall's name by its code (the organisation answers). */
  public AcceptanceReceipt(Function<String, Future<Optional<String>>> hallNames, ApplicationStore store,
      MatterStore matters, MaterialService materials) {
    this.hallNames = hallNames;
    this.store = store;
    this.matters = matters;
    this.materials = materials;
  }

  /** The receipt of an accepted case, for whoever may see the case (404 otherwise); 409 before acceptance. */
  public Future<Content> content(Caller caller, String number) {
    return store.find(caller, number).compose(found -> {
      Application a = found.orElseThrow(() -> new DomainException(ProblemCode.APPLICATION_NOT_FOUND,
          "application.notFound", number));
      if (a.clock().acceptedAt().isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.ILLEGAL_TRANSITION, "receipt.none"));
      }
      JsonObject view = ApplicationView.of(a, caller);
      Future<Optional<Matter>> matter = matters.find(a.matterCode());
      Future<JsonArray> received = materials.ofCase(caller, number);
      Future<List<JsonObject>> steps = store.steps(a.id());
      Future<String> hall = a.hallCode().map(code -> hallNames.apply(code).map(name -> name.orElse(code)))
          .orElse(Future.succeededFuture(""));
      return Future.all(matter, received, steps, hall).map(all -> {
        // The clerk who accepted, by the display name the case's steps carry.
        String clerk = steps.result().stream().filter(st -> "accept".equals(st.getString("action")))
            .reduce((x, y) -> y).map(st -> st.getString("handlerName", "")).orElse("");
        return content(a, view, matter.result().orElseThrow(), received.result(), hall.result(), clerk);
      });
    });
  }

  private static Content content(Application a, JsonObject view, Matter matter, JsonArray received, String hall,
      String clerk) {
    JsonObject deficiency = a.supervision().deficiency().orElse(new JsonObject());
    List<String> missing = new ArrayList<>();
    deficiency.getJsonArray("items", new JsonArray()).forEach(o -> missing.add(((JsonObject) o).getString("material")));
    List<String> committed = new ArrayList<>();
    a.supervision().commitments().ifPresent(c -> c.getJsonArray("items", new JsonArray())
        .forEach(o -> committed.add(((JsonObject) o).getString("material"))));
    List<String[]> rows = new ArrayList<>();
    for (Object o : received) {
      JsonObject m = (JsonObject) o;
      String code = m.getString("code");
      JsonObject by = m.getJsonObject("satisfiedBy");
      String how = missing.contains(code) ? "容缺，后补"
          : committed.contains(code) ? "告知承诺"
          : by == null ? (m.getBoolean("required", false) ? "未提交" : null)
          : switch (by.getString("kind", "")) {
            case "LICENCE" -> "电子证照库调取";
            case "REUSED" -> "复用已提交材料";
            default -> "已上传";
          };
      if (how != null) {
        rows.add(new String[] {m.getString("name", code), how});
      }
    }
    JsonObject applicant = view.getJsonObject("applicant", new JsonObject());
    String id = applicant.getString("idNumber", applicant.getString("creditCode", ""));
    String queryCode = view.getString("queryCode", "");
    return new Content(a.number(), queryCode, matter.name(), matter.department().name(),
        applicant.getString("name", ""), id.contains("*") || id.length() != 18 ? id : Masking.idNumber(id), rows,
        a.clock().acceptedAt().orElseThrow().atZoneSameInstant(CalendarService.ZONE).format(DATE_TIME),
        a.clock().dueDate().map(DATE::format).orElse(""), hall, clerk,
        "/public/progress.html?number=" + a.number() + (queryCode.isEmpty() ? "" : "&code=" + queryCode));
  }

  /** The receipt as one printable HTML page; what people typed is escaped. */
  public static String html(Content c) {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < c.materials().size(); i++) {
      rows.append("<tr><td>").append(i + 1).append("</td><td>").append(Html.escape(c.materials().get(i)[0]))
          .append("</td><td>").append(Html.escape(c.materials().get(i)[1])).append("</td></tr>\n");
    }
    return """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <title>受理回执 %1$s</title>
        <style>
          body { font-family: "SimSun", "Songti SC", serif; max-width: 46em; margin: 2em auto; line-height: 1.8; }
          h1 { text-align: center; font-size: 1.6em; letter-spacing: .3em; }
          table { width: 100%%; border-collapse: collapse; }
          td, th { border: 1px solid #333; padding: .3em .6em; vertical-align: top; }
          .sign { text-align: right; margin-top: 3em; }
        </style>
        </head>
        <body>
        <h1>受理回执</h1>
        <p>办件编号：%1$s　　查询码：%2$s</p>
        <p>%3$s（公民身份号码 %4$s）：</p>
        <p>你（单位）申请的“%5$s”已于 %6$s 受理，承诺于 %7$s 前办结（依法扣除特别程序时间）。收到的材料如下：</p>
        <table>
        <tr><th>序号</th><th>材料</th><th>情况</th></tr>
        %8$s</table>
        <p>可凭办件编号和查询码在“办件进度查询”页面（%9$s）或拨打 12345 查询办理进度。</p>
        <p class="sign">受理窗口：%10$s<br>经办人：%11$s<br>实施部门：%12$s<br>%6$s</p>
        </body>
        </html>
        """.formatted(Html.escape(c.number()), Html.escape(c.queryCode().isEmpty() ? "—" : c.queryCode()),
        Html.escape(c.applicant()), Html.escape(c.idNumber()), Html.escape(c.matter()), c.acceptedAt(),
        c.dueDate().isEmpty() ? "—" : c.dueDate(), rows, Html.escape(c.progressPath()), Html.escape(c.hall()),
        Html.escape(c.clerk()), Html.escape(c.department()));
  }
}
