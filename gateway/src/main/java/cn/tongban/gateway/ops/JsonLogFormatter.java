package cn.tongban.gateway.ops;

import cn.tongban.plugin.Trace;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per log line (TONGBAN_LOG_FORMAT=json): {@code timestamp}, {@code level}, {@code logger},
 * {@code message}, and — for work done for a request — {@code traceId}, {@code spanId}, {@code operation} and
 * {@code account} (the caller's account or client id, never a name or an identity number), read from the trace on
 * the Vert.x context the line was logged from; {@code error} holds a stack trace.
 */
public final class JsonLogFormatter extends Formatter {
  @Override
  public String format(LogRecord r) {
    JsonObject line = new JsonObject().put("timestamp", r.getInstant().toString())
        .put("level", r.getLevel().getName()).put("logger", r.getLoggerName()).put("message", formatMessage(r));
    Trace trace = Trace.current();
    if (trace != null) {
      line.put("traceId", trace.traceId()).put("spanId", trace.spanId());
      if (trace.operation() != null) {
        line.put("operation", trace.operation());
      }
      if (trace.account() != null) {
        line.put("account", trace.account());
      }
    }
    if (r.getThrown() != null) {
      StringWriter stack = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(stack));
      line.put("error", stack.toString());
    }
    return line.encode() + System.lineSeparator();
  }
}
