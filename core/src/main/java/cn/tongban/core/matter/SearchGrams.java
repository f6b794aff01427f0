package cn.tongban.core.matter;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Character unigrams and bigrams, the index terms of catalogue search: a query matches a matter when
 * every gram of the query is among the matter's grams (then the exact substring is checked).
 */
public final class SearchGrams {
  private SearchGrams() {
  }

  /** The text a matter is searched by: its name, code and themes. */
  public static String searchText(JsonObject matter) {
    StringBuilder text = new StringBuilder(matter.getString("name", "")).append(' ')
        .append(matter.getString("code", ""));
    for (Object theme : matter.getJsonArray("themes", new JsonArray())) {
      text.append(' ').append(theme);
    }
    return text.toString().toLowerCase(Locale.ROOT);
  }

  /** The grams of a document's search text: every character and every pair of adjacent characters. */
  public static String[] ofText(String text) {
    Set<String> grams = new LinkedHashSet<>();
    String t = text.toLowerCase(Locale.ROOT);
    int[] cps = t.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      if (Character.isWhitespace(cps[i])) {
        continue;
      }
      grams.add(new String(cps, i, 1));
      if (i + 1 < cps.length && !Character.isWhitespace(cps[i + 1])) {
        grams.add(new String(cps, i, 2));
      }
    }
    return grams.toArray(String[]::new);
  }

  /** The grams a query needs: its bigrams, or its single character. */
  public static String[] ofQuery(String query) {
    String[] all = ofText(query);
    String[] bigrams = java.util.Arrays.stream(all).filter(g -> g.codePointCount(0, g.length()) == 2)
        .toArray(String[]::new);
    return bigrams.length > 0 ? bigrams : all;
  }
}
