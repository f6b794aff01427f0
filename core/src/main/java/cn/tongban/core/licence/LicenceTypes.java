package cn.tongban.core.licence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The licence types the library knows (证照类型目录): name, type code (the defining authority's credit code
 * and a sequence), who may hold one and a default validity. Read once from {@code licence-types.json}.
 */
public final class LicenceTypes {
  /** One licence type. {@code validityYears} 0 means 长期有效. */
  public record Type(String name, String code, String definedBy, String holder, int validityYears) {
  }

  private static final Map<String, Type> BY_NAME = load();

  private LicenceTypes() {
  }

  public static Optional<Type> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  private static Map<String, Type> load() {
    try (InputStream in = LicenceTypes.class.getResourceAsStream("/licence-types.json")) {
      JsonArray all = new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      Map<String, Type> out = new LinkedHashMap<>();
      for (Object o : all) {
        JsonObject t = (JsonObject) o;
        out.put(t.getString("name"), new Type(t.getString("name"), t.getString("code"), t.getString("definedBy"),
            t.getString("holder"), t.getInteger("validityYears", 0)));
      }
      return Map.copyOf(out);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("licence-types.json is missing from the classpath", e);
    }
  }
}
