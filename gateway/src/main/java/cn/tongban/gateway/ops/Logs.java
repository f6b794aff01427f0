package cn.tongban.gateway.ops;

import cn.tongban.core.config.TongbanConfig.Observability;

import java.util.logging.Handler;
import java.util.logging.Logger;

/** Applies TONGBAN_LOG_FORMAT: JSON lines on the root logger's handlers, or the plain text of logging.properties. */
public final class Logs {
  private Logs() {
  }

  public static void configure(Observability o) {
    if (o.jsonLogs()) {
      for (Handler h : Logger.getLogger("").getHandlers()) {
        h.setFormatter(new JsonLogFormatter());
      }
    }
  }
}
