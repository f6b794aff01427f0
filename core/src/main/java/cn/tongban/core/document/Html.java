package cn.tongban.core.document;

/** Text made safe to place in HTML element content and quoted attributes. */
public final class Html {
  private Html() {
  }

  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
