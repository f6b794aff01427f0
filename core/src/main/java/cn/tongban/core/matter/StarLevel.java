package cn.tongban.core.matter;

import io.vertx.core.json.JsonObject;

/**
 * 星级: how far a matter can be done online, 1–5 stars, derived from its online depth and channels.
 * <ul>
 *   <li>★1 information published only (online depth 1)</li>
 *   <li>★2 online pre-review (depth 2)</li>
 *   <li>★3 online acceptance (depth 3)</li>
 *   <li>★4 the whole process online (depth 4)</li>
 *   <li>★5 the whole process online with no visit required and the result delivered by express</li>
 * </ul>
 */
public final class StarLevel {
  private StarLevel() {
  }

  public static int of(JsonObject matter) {
    int depth = Math.max(1, Math.min(4, matter.getInteger("onlineDepth", 1)));
    JsonObject channels = matter.getJsonObject("channels", new JsonObject());
    boolean noVisit = matter.getInteger("visitsRequired", 1) == 0;
    if (depth == 4 && noVisit && channels.getBoolean("express", false)) {
      return 5;
    }
    return depth;
  }
}
