package cn.tongban.core.document;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small A4 PDF writer for the platform's printable notices. Chinese text uses the standard CJK font
 * STSong-Light with the Adobe-GB1 UniGB-UCS2-H encoding, which PDF readers supply themselves, so nothing
 * has to be embedded. Lines wrap by width (CJK characters full width, ASCII half) and pages break as needed.
 */
public final class SimplePdf {
  private static final int WIDTH = 595;
  private static final int HEIGHT = 842;
  private static final int MARGIN = 72;

  /** One block of text: its size in points, whether it is centred, and the space after it. */
  public record Block(String text, int size, boolean centred, int spaceAfter) {
  }

  private SimplePdf() {
  }

  /** The PDF bytes of {@code blocks} laid out top to bottom. */
  public static byte[] render(String title, List<Block> blocks) {
    List<StringBuilder> pages = new ArrayList<>();
    StringBuilder page = new StringBuilder();
    pages.add(page);
    int y = HEIGHT - MARGIN;
    for (Block b : blocks) {
      for (String line : wrap(b.text(), (WIDTH - 2 * MARGIN) / (double) b.size())) {
        if (y - b.size() < MARGIN) {
          page = new StringBuilder();
          pages.add(page);
          y = HEIGHT - MARGIN;
        }
        y -= (int) Math.round(b.size() * 1.6);
        double x = b.centred() ? (WIDTH - units(line) * b.size()) / 2 : MARGIN;
        page.append("BT /F1 ").append(b.size()).append(" Tf ").append(String.format("%.1f", x)).append(' ')
            .append(y).append(" Td <").append(ucs2(line)).append("> Tj ET\n");
      }
      y -= b.spaceAfter();
    }
    return assemble(title, pages);
  }

  /** Width of a line in ems: CJK and other wide characters 1, ASCII 0.5. */
  private static double units(String s) {
    return s.codePoints().mapToDouble(c -> c < 0x7F ? 0.5 : 1.0).sum();
  }

  private static List<String> wrap(String text, double perLine) {
    List<String> lines = new ArrayList<>();
    for (String paragraph : text.split("\n", -1)) {
      StringBuilder line = new StringBuilder();
      double used = 0;
      for (int cp : paragraph.codePoints().toArray()) {
        double w = cp < 0x7F ? 0.5 : 1.0;
        if (used + w > perLine) {
          lines.add(line.toString());
          line = new StringBuilder();
          used = 0;
        }
        line.appendCodePoint(cp);
        used += w;
      }
      lines.add(line.toString());
    }
    return lines;
  }

  private static String ucs2(String s) {
    StringBuilder hex = new StringBuilder();
    for (int cp : s.codePoints().toArray()) {
      // Outside the basic plane there is no UCS-2 code: a full-width question mark stands in.
      hex.append(String.format("%04X", cp > 0xFFFF ? 0xFF1F : cp));
    }
    return hex.toString();
  }

  private static byte[] assemble(String title, List<StringBuilder> pages) {
    List<String> objects = new ArrayList<>();
    int fontObj = 3 + pages.size() * 2;
    StringBuilder kids = new StringBuilder();
    for (int i = 0; i < pages.size(); i++) {
      kids.append(3 + i * 2).append(" 0 R ");
    }
    objects.add("<< /Type /Catalog /Pages 2 0 R >>");
    objects.add("<< /Type /Pages /Kids [" + kids + "] /Count " + pages.size() + " >>");
    for (int i = 0; i < pages.size(); i++) {
      objects.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + WIDTH + " " + HEIGHT + "] /Resources << /Font"
          + " << /F1 " + fontObj + " 0 R >> >> /Contents " + (4 + i * 2) + " 0 R >>");
      byte[] content = pages.get(i).toString().getBytes(StandardCharsets.US_ASCII);
      objects.add("<< /Length " + content.length + " >>\nstream\n" + pages.get(i) + "endstream");
    }
    objects.add("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts ["
        + (fontObj + 1) + " 0 R] >>");
    objects.add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe)"
        + " /Ordering (GB1) /Supplement 4 >> /FontDescriptor " + (fontObj + 2) + " 0 R /DW 1000 /W [1 95 500] >>");
    objects.add("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        + " /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>");
    objects.add("<< /Title <FEFF" + ucs2(title) + "> /Producer (Tongban) >>");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
    List<Integer> offsets = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      offsets.add(out.size());
      write(out, (i + 1) + " 0 obj\n" + objects.get(i) + "\nendobj\n");
    }
    int xref = out.size();
    StringBuilder table = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
    offsets.forEach(o -> table.append(String.format("%010d 00000 n \n", o)));
    table.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R /Info ")
        .append(objects.size()).append(" 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
    write(out, table.toString());
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
