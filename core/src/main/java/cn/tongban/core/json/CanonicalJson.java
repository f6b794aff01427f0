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
   * The canonical text of {@code json}: keys sorted at every level, no insignificant whitespace. Written in
   * one pass with Vert.x's own JSON mapper, so the text is exactly what encoding a key-sorted copy gives
   * (audit chain hashes and licence signatures made before depend on it), without building the copy.
   */
  public static String text(JsonObject json) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator generator = DatabindCodec.mapper().createGenerator(out)) {
      write(generator, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
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
