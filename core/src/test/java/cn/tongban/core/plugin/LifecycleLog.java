package cn.tongban.core.plugin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Where the plugins PluginHostTest compiles into jars write their starts and stops. */
public final class LifecycleLog {
  public static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  private LifecycleLog() {
  }
}
