package cn.tongban.plugin;

import java.util.Map;
import java.util.Optional;

/**
 * Makes an {@link EventSink} from the platform's settings (its TONGBAN_* environment), or none when the
 * sink is not configured: a {@link Plugin} of kind {@link PluginKind#EVENT_SINK}. The host calls
 * {@link #start} and then {@link #create} once, at start; an empty {@code create} leaves the sink disabled
 * (logged as not configured) without failing the start, and {@link #stop} is still called at close.
 */
public interface EventSinkFactory extends Plugin {

  /** A stable, unique id, e.g. {@code exchange-push}. */
  @Override
  String id();

  @Override
  default PluginKind kind() {
    return PluginKind.EVENT_SINK;
  }

  /** The sink, if the settings configure it; empty: not configured, no event reaches it. */
  Optional<EventSink> create(Map<String, String> settings);
}
