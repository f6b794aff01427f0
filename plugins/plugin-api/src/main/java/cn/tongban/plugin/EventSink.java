package cn.tongban.plugin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * Receives every event the outbox relay delivers, after the change it describes was committed: at least
 * once (use the event's {@code id} to drop repeats), in order per case. A failed future makes the relay
 * try the event again later, with backoff, and finally keep it as a dead letter.
 */
public interface EventSink {

  /** Delivers one event; {@code view} is the case as it is now, for case events. */
  Future<Void> deliver(HandlerContext context, JsonObject event, Optional<CaseView> view);
}
