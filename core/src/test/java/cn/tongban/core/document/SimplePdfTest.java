package cn.tongban.core.document;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimplePdfTest {

  private static String text(byte[] pdf) {
    return new String(pdf, StandardCharsets.ISO_8859_1);
  }

  @Test
  void writesAWellFormedPdfWhoseCrossReferencesPointAtTheirObjects() {
    String pdf = text(SimplePdf.render("通知", List.of(new SimplePdf.Block("补正材料通知书", 20, true, 10),
        new SimplePdf.Block("编号：4101832026", 12, false, 0))));
    assertTrue(pdf.startsWith("%PDF-1.7"));
    assertTrue(pdf.endsWith("%%EOF\n"));
    Matcher start = Pattern.compile("startxref\n(\\d+)").matcher(pdf);
    assertTrue(start.find());
    int xref = Integer.parseInt(start.group(1));
    assertTrue(pdf.startsWith("xref", xref), "startxref points at the table");
    Matcher entries = Pattern.compile("(\\d{10}) 00000 n ").matcher(pdf.substring(xref));
    int object = 1;
    while (entries.find()) {
      assertTrue(pdf.startsWith(object + " 0 obj", Integer.parseInt(entries.group(1))), "object " + object);
      object++;
    }
    assertEquals(8, object - 1, "catalog, pages, a page and its content, two fonts, a descriptor, info");
    assertTrue(pdf.contains("<88656B6367506599901A77E54E66> Tj"), "补正材料通知书 in UCS-2 for STSong-Light");
  }

  @Test
  void longTextWrapsAndFlowsOntoNewPages() {
    String para = "中".repeat(2000);
    String pdf = text(SimplePdf.render("长", List.of(new SimplePdf.Block(para, 12, false, 0))));
    Matcher count = Pattern.compile("/Count (\\d+)").matcher(pdf);
    assertTrue(count.find());
    assertTrue(Integer.parseInt(count.group(1)) >= 2, "2000 characters do not fit one page");
    Matcher shown = Pattern.compile("<((?:4E2D)+)> Tj").matcher(pdf);
    int total = 0;
    while (shown.find()) {
      assertTrue(shown.group(1).length() / 4 <= 37, "no line wider than the page");
      total += shown.group(1).length() / 4;
    }
    assertEquals(2000, total, "every character is printed once");
  }
}
