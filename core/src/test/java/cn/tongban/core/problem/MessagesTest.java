package cn.tongban.core.problem;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every message with arguments renders them and its apostrophes, in both languages. */
class MessagesTest {
  @Test
  void everyArgumentAndApostropheIsRendered() throws Exception {
    for (String bundle : new String[] {"/i18n/messages.properties", "/i18n/messages_en.properties"}) {
      Properties p = new Properties();
      try (InputStream in = MessagesTest.class.getResourceAsStream(bundle);
           InputStreamReader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        p.load(reader);
      }
      Locale locale = bundle.contains("_en") ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE;
      for (String key : p.stringPropertyNames()) {
        if (!p.getProperty(key).contains("{0}")) {
          continue;
        }
        String text = Messages.get(locale, key, "ARG0", "ARG1", "ARG2", "ARG3");
        assertTrue(text.contains("ARG0"), bundle + " " + key + " renders as: " + text);
        assertFalse(text.matches("(?s).*\\{\\d}.*"), bundle + " " + key + " leaves a placeholder: " + text);
        // MessageFormat reads a lone apostrophe as a quote: write it twice in patterns with arguments.
        assertFalse(text.contains("''"), bundle + " " + key + ": " + text);
        if (p.getProperty(key).contains("''")) {
          assertTrue(text.contains("'"), bundle + " " + key + " loses its apostrophe: " + text);
        }
      }
    }
  }
}
