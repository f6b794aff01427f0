package cn.tongban.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** JSON with its keys sorted, so equal content has one text and one hash whatever order it came in. */
public final class CanonicalJson {
  private CanonicalJson() {
  }

  /**
   * The canonical text of {@code json}: keys sorted at every level, no insignificant whitespace. Exactly what
   * encoding a key-sorted copy with Vert.x's own JSON mapper gives (audit chain hashes, licence signatures and
   * idempotency hashes made before depend on it), without building the copy. Documents of strings, integers,
   * booleans and nulls (a submission's) are written straight into one builder, escaped as Jackson escapes;
   * anything else goes through Jackson itself.
   */
  public static String text(JsonObject json) {
    StringBuilder out = new StringBuilder(256);
    return direct(out, json) ? out.toString() : jackson(json);
  }

  /**
   * The canonical text of {@code {"v": value}}, without the wrapping object: what a form value's keyed hash
   * is taken over (one per submitted field).
   */
  public static String valueText(Object value) {
    StringBuilder out = new StringBuilder(64).append("{\"v\":");
    return direct(out, value) ? out.append('}').toString() : jackson(new JsonObject().put("v", value));
  }

  static String jackson(JsonObject json) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator generator = DatabindCodec.mapper().createGenerator(out)) {
      write(generator, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Writes {@code value} canonically; false (and {@code out} unusable) on a value Jackson must write. */
  private static boolean direct(StringBuilder out, Object value) {
    if (value instanceof String s) {
      quote(out, s);
    } else if (value instanceof JsonObject o) {
      return directObject(out, o.getMap());
    } else if (value instanceof Map<?, ?> m) {
      return directObject(out, m);
    } else if (value instanceof JsonArray a) {
      return directArray(out, a.getList());
    } else if (value instanceof List<?> l) {
      return directArray(out, l);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
      out.append(value);
    } else if (value == null) {
      out.append("null");
    } else {
      return false;
    }
    return true;
  }

  private static boolean directObject(StringBuilder out, Map<?, ?> map) {
    String[] keys = new String[map.size()];
    int i = 0;
    for (Object key : map.keySet()) {
      keys[i++] = (String) key;
    }
    Arrays.sort(keys);
    out.append('{');
    for (int k = 0; k < keys.length; k++) {
      if (k > 0) {
        out.append(',');
      }
      quote(out, keys[k]);
      out.append(':');
      if (!direct(out, map.get(keys[k]))) {
        return false;
      }
    }
    out.append('}');
    return true;
  }

  private static boolean directArray(StringBuilder out, List<?> list) {
    out.append('[');
    for (int k = 0; k < list.size(); k++) {
      if (k > 0) {
        out.append(',');
      }
      if (!direct(out, list.get(k))) {
        return false;
      }
    }
    out.append(']');
    return true;
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** A JSON string as Jackson's default writer escapes it: quote, backslash and control characters only. */
  private static void quote(StringBuilder out, String s) {
    out.append('"');
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, from, i);
      from = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    out.append(s, from, s.length()).append('"');
  }

  /** The SHA-256 (hex) of the canonical text of {@code json}. */
  public static String sha256(JsonObject json) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text(json).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(JsonGenerator g, Object value) throws IOException {
    if (value instanceof JsonObject o) {
      writeObject(g, o.getMap());
    } else if (value instanceof Map<?, ?> m) {
      writeObject(g, m);
    } else if (value instanceof JsonArray a) {
      writeArray(g, a.getList());
    } else if (value instanceof List<?> l) {
      writeArray(g, l);
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Integer i) {
      g.writeNumber(i);
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value == null) {
      g.writeNull();
    } else {
      // Anything else (doubles, big numbers, instants, bytes, enums) exactly as Vert.x encodes it.
      DatabindCodec.mapper().writeValue(g, value);
    }
  }

  private static void writeObject(JsonGenerator g, Map<?, ?> map) throws IOException {
    String[] keys = new String[map.size()];
    int i = 0;
    for (Object key : map.keySet()) {
      keys[i++] = (String) key;
    }
    Arrays.sort(keys);
    g.writeStartObject();
    for (String key : keys) {
      g.writeFieldName(key);
      write(g, map.get(key));
    }
    g.writeEndObject();
  }

  private static void writeArray(JsonGenerator g, List<?> list) throws IOException {
    g.writeStartArray();
    for (Object element : list) {
      write(g, element);
    }
    g.writeEndArray();
  }
}
