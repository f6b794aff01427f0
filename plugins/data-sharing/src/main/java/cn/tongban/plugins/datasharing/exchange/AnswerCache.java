package cn.tongban.plugins.datasharing.exchange;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The exchange's answers kept in this node's memory for a short time (a form's prefill and its re-opening
 * ask for the same person within minutes), at most {@code entries}, oldest dropped first. Nothing is written
 * to disk, and a time of 0 keeps nothing: shared data is used for the purpose it was asked for (国务院令第716号).
 */
final class AnswerCache {
  private record Entry(Optional<JsonObject> answer, long until) {
  }

  private final long ttlMillis;
  private final Clock clock;
  private final Map<String, Entry> entries;

  AnswerCache(long ttlMillis, int maxEntries, Clock clock) {
    this.ttlMillis = ttlMillis;
    this.clock = clock;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  synchronized Optional<Optional<JsonObject>> get(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return Optional.empty();
    }
    if (clock.millis() >= e.until()) {
      entries.remove(key);
      return Optional.empty();
    }
    return Optional.of(e.answer());
  }

  synchronized void put(String key, Optional<JsonObject> answer) {
    if (ttlMillis > 0) {
      entries.put(key, new Entry(answer.map(JsonObject::copy), clock.millis() + ttlMillis));
    }
  }
}
