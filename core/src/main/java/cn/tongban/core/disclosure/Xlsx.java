package cn.tongban.core.disclosure;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The smallest OOXML spreadsheet (.xlsx) we need, without a library: an xlsx is a zip of XML parts. The
 * {@link Writer} streams one sheet of text cells (inline strings, so nothing is collected for a shared
 * string table) and hands back the zip's bytes as they are produced; {@link #read} reads the first sheet of
 * a workbook another program wrote (shared or inline strings, numbers, booleans, formula results, and
 * date-formatted numbers as ISO dates) into rows of cells, numbered as the sheet numbers them.
 */
public final class Xlsx {
  public static final String CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  private static final String MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  private static final String REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  /** What an upload may unpack to, all parts together: a zip that inflates past it is refused. */
  private static final long MAX_UNPACKED = 64L * 1024 * 1024;

  private Xlsx() {
  }

  /** One sheet written row by row; {@link #take} after each step drains what the zip has produced so far. */
  public static final class Writer {
    private final ByteArrayOutputStream chunk = new ByteArrayOutputStream(16 * 1024);
    private final ZipOutputStream zip = new ZipOutputStream(chunk, StandardCharsets.UTF_8);
    private final StringBuilder xml = new StringBuilder(4096);
    private int rows;

    /** Starts the workbook: the fixed parts, then the sheet {@code sheetName} with {@code header} as row 1. */
    public Writer(String sheetName, List<String> header) {
      part("[Content_Types].xml", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
          <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
          <Default Extension="xml" ContentType="application/xml"/>\
          <Override PartName="/xl/workbook.xml" \
          ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
          <Override PartName="/xl/worksheets/sheet1.xml" \
          ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
          <Override PartName="/xl/styles.xml" \
          ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>""");
      part("_rels/.rels", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
          <Relationship Id="rId1" \
          Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
          Target="xl/workbook.xml"/></Relationships>""");
      part("xl/workbook.xml", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>"""
          .formatted(MAIN, REL, escape(sheetName.length() > 31 ? sheetName.substring(0, 31) : sheetName)));
      part("xl/_rels/workbook.xml.rels", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
          <Relationship Id="rId1" \
          Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
          Target="worksheets/sheet1.xml"/>\
          <Relationship Id="rId2" \
          Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
          Target="styles.xml"/></Relationships>""");
      // Style 1: bold, for the header row; style 0: the default.
      part("xl/styles.xml", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <styleSheet xmlns="%s"><fonts count="2"><font><sz val="11"/><name val="宋体"/></font>\
          <font><b/><sz val="11"/><name val="宋体"/></font></fonts>\
          <fills count="2"><fill><patternFill patternType="none"/></fill>\
          <fill><patternFill patternType="gray125"/></fill></fills>\
          <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
          <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
          <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
          <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>"""
          .formatted(MAIN));
      try {
        zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"").append(MAIN)
          .append("\"><sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\""
              + " activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><sheetData>");
      row(header, true);
    }

    /** One row of text cells (null as an empty cell). */
    public void row(List<?> cells) {
      row(cells, false);
    }

    private void row(List<?> cells, boolean header) {
      rows++;
      xml.append("<row r=\"").append(rows).append("\">");
      for (int i = 0; i < cells.size(); i++) {
        Object value = cells.get(i);
        if (value == null || String.valueOf(value).isEmpty()) {
          continue;
        }
        String s = String.valueOf(value);
        xml.append("<c r=\"").append(column(i)).append(rows).append(header ? "\" s=\"1" : "")
            .append("\" t=\"inlineStr\"><is><t");
        if (!s.equals(s.strip())) {
          xml.append(" xml:space=\"preserve\"");
        }
        xml.append('>').append(escape(s)).append("</t></is></c>");
      }
      xml.append("</row>");
      flush();
    }

    /** Ends the sheet and the zip; then {@link #take} has the file's last bytes. */
    public void finish() {
      xml.append("</sheetData></worksheet>");
      flush();
      try {
        zip.closeEntry();
        zip.finish();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The bytes produced since the last call (often none: the deflater keeps some until it has enough). */
    public byte[] take() {
      byte[] out = chunk.toByteArray();
      chunk.reset();
      return out;
    }

    private void flush() {
      try {
        zip.write(xml.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      xml.setLength(0);
    }

    private void part(String name, String content) {
      try {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The column's letters: 0 → A, 25 → Z, 26 → AA. */
  static String column(int index) {
    StringBuilder s = new StringBuilder();
    for (int n = index + 1; n > 0; n = (n - 1) / 26) {
      s.insert(0, (char) ('A' + (n - 1) % 26));
    }
    return s.toString();
  }

  /** Text as XML character data; characters XML 1.0 cannot carry (most control characters) are dropped. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        default -> {
          if (c >= 0x20 && c != 0xFFFE && c != 0xFFFF || c == '\t' || c == '\n' || c == '\r') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * The first sheet of the workbook as rows of cells: index 0 is the sheet's row 1, rows the sheet skips are
   * empty lists, cells it skips empty strings. At most {@code maxRows} rows; past that, or for a file that
   * is not a workbook, an {@link IllegalArgumentException} says why in a few words.
   */
  public static List<List<String>> read(byte[] file, int maxRows) {
    Map<String, byte[]> parts = unzip(file);
    byte[] workbook = parts.get("xl/workbook.xml");
    if (workbook == null) {
      throw new IllegalArgumentException("不是 xlsx 工作簿");
    }
    Workbook book = workbook(workbook);
    String sheetPath = "xl/worksheets/sheet1.xml";
    byte[] rels = parts.get("xl/_rels/workbook.xml.rels");
    if (rels != null && book.firstSheetRel != null) {
      String target = relationTarget(rels, book.firstSheetRel);
      if (target != null) {
        sheetPath = target.startsWith("/") ? target.substring(1) : "xl/" + target;
      }
    }
    byte[] sheet = parts.get(sheetPath);
    if (sheet == null) {
      throw new IllegalArgumentException("工作簿中没有工作表");
    }
    List<String> shared = parts.containsKey("xl/sharedStrings.xml") ? sharedStrings(parts.get("xl/sharedStrings.xml"))
        : List.of();
    Set<Integer> dateStyles = parts.containsKey("xl/styles.xml") ? dateStyles(parts.get("xl/styles.xml")) : Set.of();
    return sheet(sheet, shared, dateStyles, book.date1904, maxRows);
  }

  private static Map<String, byte[]> unzip(byte[] file) {
    Map<String, byte[]> parts = new HashMap<>();
    long total = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(file), StandardCharsets.UTF_8)) {
      byte[] buf = new byte[8192];
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        String name = e.getName();
        boolean wanted = name.equals("xl/workbook.xml") || name.equals("xl/_rels/workbook.xml.rels")
            || name.equals("xl/sharedStrings.xml") || name.equals("xl/styles.xml") || name.startsWith("xl/worksheets/");
        if (!wanted) {
          continue;
        }
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          total += n;
          if (total > MAX_UNPACKED) {
            throw new IllegalArgumentException("解压后超过 64 MB");
          }
          part.write(buf, 0, n);
        }
        parts.put(name, part.toByteArray());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("不是可读取的 zip 文件");
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("不是 xlsx 工作簿");
    }
    return parts;
  }

  private static XMLStreamReader parser(byte[] xml) throws XMLStreamException {
    XMLInputFactory f = XMLInputFactory.newFactory();
    // No DTDs, no external entities: the file comes from outside.
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    InputStream in = new ByteArrayInputStream(xml);
    return f.createXMLStreamReader(in);
  }

  private record Workbook(String firstSheetRel, boolean date1904) {
  }

  private static Workbook workbook(byte[] xml) {
    String rel = null;
    boolean date1904 = false;
    try {
      XMLStreamReader r = parser(xml);
      while (r.hasNext()) {
        if (r.next() == XMLStreamConstants.START_ELEMENT) {
          if (r.getLocalName().equals("workbookPr")) {
            String v = r.getAttributeValue(null, "date1904");
            date1904 = "1".equals(v) || "true".equals(v);
          } else if (r.getLocalName().equals("sheet") && rel == null) {
            rel = r.getAttributeValue(REL, "id");
          }
        }
      }
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("workbook.xml 格式有误");
    }
    return new Workbook(rel, date1904);
  }

  private static String relationTarget(byte[] xml, String id) {
    try {
      XMLStreamReader r = parser(xml);
      while (r.hasNext()) {
        if (r.next() == XMLStreamConstants.START_ELEMENT && r.getLocalName().equals("Relationship")
            && id.equals(r.getAttributeValue(null, "Id"))) {
          return r.getAttributeValue(null, "Target");
        }
      }
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("workbook.xml.rels 格式有误");
    }
    return null;
  }

  /** The shared string table: each {@code <si>}'s text, rich-text runs joined, phonetic runs left out. */
  private static List<String> sharedStrings(byte[] xml) {
    List<String> out = new ArrayList<>();
    try {
      XMLStreamReader r = parser(xml);
      StringBuilder s = null;
      int phonetic = 0;
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          switch (r.getLocalName()) {
            case "si" -> s = new StringBuilder();
            case "rPh" -> phonetic++;
            case "t" -> {
              String text = r.getElementText();
              if (s != null && phonetic == 0) {
                s.append(text);
              }
            }
            default -> { }
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT) {
          if (r.getLocalName().equals("si") && s != null) {
            out.add(s.toString());
            s = null;
          } else if (r.getLocalName().equals("rPh")) {
            phonetic--;
          }
        }
      }
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("sharedStrings.xml 格式有误");
    }
    return out;
  }

  /** The indexes of the cell formats ({@code cellXfs}) that show a number as a date. */
  private static Set<Integer> dateStyles(byte[] xml) {
    Set<Integer> customDates = new HashSet<>();
    Set<Integer> out = new HashSet<>();
    try {
      XMLStreamReader r = parser(xml);
      boolean inCellXfs = false;
      int index = 0;
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          String name = r.getLocalName();
          if (name.equals("numFmt")) {
            String code = r.getAttributeValue(null, "formatCode");
            if (code != null && isDateFormat(code)) {
              customDates.add(Integer.parseInt(r.getAttributeValue(null, "numFmtId")));
            }
          } else if (name.equals("cellXfs")) {
            inCellXfs = true;
          } else if (name.equals("xf") && inCellXfs) {
            String id = r.getAttributeValue(null, "numFmtId");
            int fmt = id == null ? 0 : Integer.parseInt(id);
            if (fmt >= 14 && fmt <= 22 || fmt >= 27 && fmt <= 36 || fmt >= 45 && fmt <= 47 || fmt >= 50 && fmt <= 58
                || customDates.contains(fmt)) {
              out.add(index);
            }
            index++;
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("cellXfs")) {
          inCellXfs = false;
        }
      }
    } catch (XMLStreamException | NumberFormatException e) {
      throw new IllegalArgumentException("styles.xml 格式有误");
    }
    return out;
  }

  /** A custom number format shows a date when, outside quotes and brackets, it has y, d, or 年月日. */
  private static boolean isDateFormat(String code) {
    String bare = code.replaceAll("\"[^\"]*\"", "").replaceAll("\\[[^]]*]", "").replaceAll("\\\\.", "");
    return bare.matches("(?is).*[yd年月日].*");
  }

  private static List<List<String>> sheet(byte[] xml, List<String> shared, Set<Integer> dateStyles,
      boolean date1904, int maxRows) {
    List<List<String>> rows = new ArrayList<>();
    try {
      XMLStreamReader r = parser(xml);
      List<String> row = null;
      int rowNumber = 0;
      int col = 0;
      String type = null;
      int style = 0;
      String value = null;
      StringBuilder inline = null;
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          switch (r.getLocalName()) {
            case "row" -> {
              String n = r.getAttributeValue(null, "r");
              rowNumber = n == null ? rowNumber + 1 : Integer.parseInt(n);
              if (rowNumber < 1 || rowNumber <= rows.size()) {
                throw new IllegalArgumentException("行号顺序有误");
              }
              if (rowNumber > maxRows) {
                throw new IllegalArgumentException("超过 " + maxRows + " 行");
              }
              row = new ArrayList<>();
              col = 0;
            }
            case "c" -> {
              String ref = r.getAttributeValue(null, "r");
              if (ref != null) {
                col = columnIndex(ref);
              }
              if (col < 0) {
                throw new IllegalArgumentException("单元格缺少列号");
              }
              type = r.getAttributeValue(null, "t");
              String s = r.getAttributeValue(null, "s");
              style = s == null ? 0 : Integer.parseInt(s);
              value = null;
              inline = null;
            }
            case "v" -> value = r.getElementText();
            case "is" -> inline = new StringBuilder();
            case "t" -> {
              String text = r.getElementText();
              if (inline != null) {
                inline.append(text);
              }
            }
            case "rPh" -> skip(r);
            default -> { }
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT) {
          switch (r.getLocalName()) {
            case "c" -> {
              if (row != null) {
                String cell = cell(type, value, inline, style, shared, dateStyles, date1904);
                while (row.size() < col) {
                  row.add("");
                }
                if (row.size() == col) {
                  row.add(cell);
                } else {
                  row.set(col, cell);
                }
              }
              col++;
            }
            case "row" -> {
              if (row != null && row.stream().anyMatch(c -> !c.isEmpty())) {
                while (rows.size() < rowNumber - 1) {
                  rows.add(List.of());
                }
                rows.add(row);
              }
              row = null;
            }
            default -> { }
          }
        }
      }
    } catch (XMLStreamException | NumberFormatException e) {
      throw new IllegalArgumentException("工作表格式有误");
    }
    return rows;
  }

  private static void skip(XMLStreamReader r) throws XMLStreamException {
    for (int depth = 1; depth > 0; ) {
      int ev = r.next();
      if (ev == XMLStreamConstants.START_ELEMENT) {
        depth++;
      } else if (ev == XMLStreamConstants.END_ELEMENT) {
        depth--;
      }
    }
  }

  private static String cell(String type, String value, StringBuilder inline, int style, List<String> shared,
      Set<Integer> dateStyles, boolean date1904) {
    if ("inlineStr".equals(type)) {
      return inline == null ? "" : inline.toString();
    }
    if (value == null) {
      return "";
    }
    if ("s".equals(type)) {
      int i = Integer.parseInt(value.trim());
      if (i < 0 || i >= shared.size()) {
        throw new IllegalArgumentException("单元格引用了不存在的共享字符串");
      }
      return shared.get(i);
    }
    if ("b".equals(type)) {
      return "1".equals(value.trim()) ? "TRUE" : "FALSE";
    }
    if ("str".equals(type) || "e".equals(type)) {
      return value;
    }
    // A number: a date when its format says so, otherwise written out in full (no 1.2E17 for a long code).
    try {
      BigDecimal n = new BigDecimal(value.trim());
      if (dateStyles.contains(style)) {
        LocalDate epoch = date1904 ? LocalDate.of(1904, 1, 1) : LocalDate.of(1899, 12, 30);
        return epoch.plusDays(n.longValue()).toString();
      }
      String plain = n.stripTrailingZeros().toPlainString();
      return plain.equals("-0") ? "0" : plain;
    } catch (NumberFormatException e) {
      return value;
    }
  }

  /** The column of a cell reference such as {@code AB12} (A = 0). */
  static int columnIndex(String ref) {
    int n = 0;
    for (int i = 0; i < ref.length() && Character.isLetter(ref.charAt(i)); i++) {
      n = n * 26 + (Character.toUpperCase(ref.charAt(i)) - 'A' + 1);
      if (n > 16384) {
        throw new IllegalArgumentException("单元格列号超出范围");
      }
    }
    return n - 1;
  }
}
