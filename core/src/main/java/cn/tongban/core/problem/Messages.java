package cn.tongban.core.problem;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * Texts for people, by key: Chinese (zh-CN) by default, English on request. Problem titles come from
 * the contract's problem-types catalogue; other texts from {@code i18n/messages*.properties}.
 */
public final class Messages {
  /** The platform's default language. */
  public static final Locale DEFAULT = Locale.SIMPLIFIED_CHINESE;
  private static final JsonObject PROBLEM_TYPES = loadProblemTypes();

  private Messages() {
  }

  /** The caller's language from an Accept-Language header: English when it prefers English, else Chinese. */
  public static Locale fromAcceptLanguage(String header) {
    if (header == null || header.isBlank()) {
      return DEFAULT;
    }
    try {
      List<Locale.LanguageRange> ranges = Locale.LanguageRange.parse(header);
      Locale best = Locale.lookup(ranges, List.of(Locale.SIMPLIFIED_CHINESE, Locale.CHINESE, Locale.ENGLISH));
      return best != null && best.getLanguage().equals("en") ? Locale.ENGLISH : DEFAULT;
    } catch (IllegalArgumentException e) {
      return DEFAULT;
    }
  }

  /** The formatted text for {@code key} in {@code locale}; the key itself when no text exists. */
  public static String get(Locale locale, String key, Object... args) {
    try {
      String pattern = bundle(locale).getString(key);
      return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
    } catch (MissingResourceException e) {
      return key;
    }
  }

  /** The title of a problem type in {@code locale}. */
  public static String title(Locale locale, ProblemCode code) {
    JsonObject type = PROBLEM_TYPES.getJsonObject(code.code());
    if (type == null) {
      return code.code();
    }
    return type.getJsonObject("title").getString(isEnglish(locale) ? "en" : "zh-CN");
  }

  public static boolean isEnglish(Locale locale) {
    return locale != null && locale.getLanguage().equals("en");
  }

  private static ResourceBundle bundle(Locale locale) {
    return ResourceBundle.getBundle("i18n.messages", isEnglish(locale) ? Locale.ENGLISH : DEFAULT,
        ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
  }

  private static JsonObject loadProblemTypes() {
    try (InputStream in = Messages.class.getClassLoader().getResourceAsStream("json-schema/problem-types.json")) {
      if (in == null) {
        throw new IllegalStateException("json-schema/problem-types.json is missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonObject("types");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
