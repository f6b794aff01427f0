package cn.tongban.plugin;

import java.util.Map;
import java.util.Optional;

/**
 * Makes an {@link EventSink} from the platform's settings (its TONGBAN_* environment), or none when the
 * sink is not configured. Found with {@link java.util.ServiceLoader}, like form handlers.
 */
public interface EventSinkFactory {

  /** A stable, unique id, e.g. {@code exchange-push}. */
  String id();

  /** The sink, if the settings configure it. */
  Optional<EventSink> create(Map<String, String> settings);
}
