package cn.tongban.core.licence;

import cn.tongban.core.document.Html;

import java.time.LocalDate;
import java.util.Base64;
import java.util.Map;

/** The printable licence (打印版): its metadata, surface data, status and the QR code that verifies it. */
public final class LicencePage {
  private static final Map<String, String> STATUS = Map.of("VALID", "有效", "EXPIRED", "已过期", "REVOKED", "已撤销");

  private LicencePage() {
  }

  public static String html(Licence l, byte[] qrPng, LocalDate today) {
    StringBuilder surface = new StringBuilder();
    l.surface().forEach(e -> surface.append("<tr><th>").append(Html.escape(e.getKey())).append("</th><td>")
        .append(Html.escape(String.valueOf(e.getValue()))).append("</td></tr>\n"));
    String status = l.statusOn(today);
    return """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>%s</title>
        <style>body{font-family:"SimSun","Songti SC",serif;max-width:720px;margin:2em auto}
        h1{text-align:center;letter-spacing:.3em}table{width:100%%;border-collapse:collapse}
        th,td{border:1px solid #333;padding:.4em;text-align:left}th{width:30%%;background:#f4f4f4}
        .status{font-weight:bold}.qr{text-align:center;margin-top:1.5em}@media print{.noprint{display:none}}</style>
        </head><body>
        <h1>%s</h1>
        <table>
        <tr><th>证照编号</th><td>%s</td></tr>
        <tr><th>证照类型</th><td>%s（%s）</td></tr>
        <tr><th>持证主体</th><td>%s</td></tr>
        <tr><th>持证主体代码</th><td>%s</td></tr>
        <tr><th>颁发机构</th><td>%s（%s）</td></tr>
        <tr><th>颁证日期</th><td>%s</td></tr>
        <tr><th>有效期</th><td>%s 至 %s</td></tr>
        <tr><th>状态</th><td class="status">%s</td></tr>
        %s</table>
        <div class="qr"><img alt="核验二维码" src="data:image/png;base64,%s"><br>
        <small>电子证照标识：%s</small><br><small>扫描二维码核验真伪</small></div>
        </body></html>
        """.formatted(Html.escape(l.name()), Html.escape(l.name()), Html.escape(l.number()), Html.escape(l.typeName()),
        Html.escape(l.typeCode()), Html.escape(l.holderName()), Html.escape(l.holderCode()),
        Html.escape(l.issuerName()), Html.escape(l.issuerCode()), l.issueDate(), l.validFrom(),
        l.validUntil().map(LocalDate::toString).orElse("长期"), STATUS.get(status), surface,
        Base64.getEncoder().encodeToString(qrPng), Html.escape(l.identifier()));
  }
}
