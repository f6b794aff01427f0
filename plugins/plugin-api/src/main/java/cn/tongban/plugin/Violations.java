package cn.tongban.plugin;

import java.util.Locale;

/** Where a validation hook reports what is wrong; every violation of every handler is collected. */
public interface Violations {

  /**
   * Reports one problem: {@code pointer} is a JSON pointer into the form data (e.g. {@code /idNumber}),
   * {@code code} a stable rule name, {@code message} a text for people in {@link #locale()}.
   */
  void add(String pointer, String code, String message);

  /** The caller's language (zh-CN unless they asked for English). */
  Locale locale();
}
