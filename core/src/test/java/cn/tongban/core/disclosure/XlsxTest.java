package cn.tongban.core.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** The small xlsx writer and reader: what one writes the other reads, and a sheet as Excel writes it. */
class XlsxTest {
  @Test
  void whatTheWriterWritesTheReaderReadsBack() {
    Xlsx.Writer w = new Xlsx.Writer("up_pro_accept", List.of("PROJID", "NAME"));
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes(w.take());
    w.row(List.of("TB-1", "张三 & <李四>"));
    w.row(java.util.Arrays.asList("TB-2", null));
    w.row(List.of(" 前后空格 ", "=1+1"));
    file.writeBytes(w.take());
    w.finish();
    file.writeBytes(w.take());
    List<List<String>> rows = Xlsx.read(file.toByteArray(), 10);
    assertEquals(List.of(List.of("PROJID", "NAME"), List.of("TB-1", "张三 & <李四>"), List.of("TB-2"),
        List.of(" 前后空格 ", "=1+1")), rows);
  }

  @Test
  void aSheetAsExcelWritesItSharedStringsNumbersDatesAndGaps() throws Exception {
    byte[] file = zip(
        "xl/workbook.xml", "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
            + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
            + "<sheet name=\"处罚\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>",
        "xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
            + "relationships\"><Relationship Id=\"rId7\" Type=\"x\" Target=\"worksheets/data.xml\"/></Relationships>",
        "xl/sharedStrings.xml", "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            + "<si><t>决定书文号</t></si><si><r><t>决定</t></r><r><t>日期</t></r><rPh><t>けってい</t></rPh></si></sst>",
        "xl/styles.xml", "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            + "<numFmts><numFmt numFmtId=\"176\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
            + "</numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"176\"/><xf numFmtId=\"2\"/>"
            + "</cellXfs></styleSheet>",
        "xl/worksheets/data.xml", "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            + "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
            + "<row r=\"3\"><c r=\"A3\"><v>110105194912310020</v></c><c r=\"B3\" s=\"3\"><v>5000.50</v></c>"
            + "<c r=\"C3\" s=\"1\"><v>46357</v></c></row>"
            + "<row r=\"4\"><c r=\"A4\" t=\"b\"><v>1</v></c><c r=\"B4\" t=\"str\"><f>A1</f><v>决定书文号</v></c>"
            + "<c r=\"C4\" s=\"2\"><v>46357.5</v></c></row></sheetData></worksheet>");
    List<List<String>> rows = Xlsx.read(file, 10);
    assertEquals(List.of(List.of("决定书文号", "", "决定日期"), List.of(),
        List.of("110105194912310020", "5000.5", "2026-12-01"), List.of("TRUE", "决定书文号", "2026-12-01")), rows);
    assertThrows(IllegalArgumentException.class, () -> Xlsx.read(file, 3));
    assertThrows(IllegalArgumentException.class, () -> Xlsx.read("不是 zip".getBytes(StandardCharsets.UTF_8), 10));
  }

  @Test
  void columnLetters() {
    assertEquals("A", Xlsx.column(0));
    assertEquals("Z", Xlsx.column(25));
    assertEquals("AA", Xlsx.column(26));
    assertEquals(27, Xlsx.columnIndex("AB12"));
  }

  private static byte[] zip(String... parts) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < parts.length; i += 2) {
        zip.putNextEntry(new ZipEntry(parts[i]));
        zip.write(parts[i + 1].getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }
}
