package cn.tongban.bench.load;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * The platform JVM's own counters, read over its local management agent (started by the attach API, so the
 * platform needs no option): bytes allocated by its threads and the time its collectors paused it. Read at a
 * phase's edges; a JVM that cannot be attached to reports nothing (the columns say n/a).
 */
final class JvmStats implements AutoCloseable {
  /** Counters at one moment: allocated bytes per live thread, and pause time and count of the collectors. */
  record Snapshot(Map<Long, Long> allocatedByThread, long gcPauseMillis, long gcCount) {
  }

  private final JMXConnector connector;
  private final com.sun.management.ThreadMXBean threads;
  private final java.util.List<GarbageCollectorMXBean> collectors;

  private JvmStats(JMXConnector connector, MBeanServerConnection server) throws Exception {
    this.connector = connector;
    this.threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME,
        com.sun.management.ThreadMXBean.class);
    this.collectors = new java.util.ArrayList<>();
    for (ObjectName name : server.queryNames(new ObjectName(ManagementFactory.GARBAGE_COLLECTOR_MXBEAN_DOMAIN_TYPE
        + ",*"), null)) {
      GarbageCollectorMXBean gc = ManagementFactory.newPlatformMXBeanProxy(server, name.getCanonicalName(),
          GarbageCollectorMXBean.class);
      // G1's and ZGC's concurrent cycles run beside the application: only stop-the-world collectors are pauses.
      if (!gc.getName().contains("Concurrent") && !gc.getName().contains("Cycles")) {
        collectors.add(gc);
      }
    }
  }

  /** The platform JVM's counters, or null (with a note on standard output) when it cannot be attached to. */
  static JvmStats attach(long pid) {
    if (pid <= 0) {
      return null;
    }
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
      return new JvmStats(connector, connector.getMBeanServerConnection());
    } catch (Exception | LinkageError e) {
      System.out.println("# the platform JVM could not be attached to (" + e + "): no allocation or GC figures");
      return null;
    }
  }

  Snapshot snapshot() {
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    Map<Long, Long> byThread = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] >= 0) {
        byThread.put(ids[i], bytes[i]);
      }
    }
    long pause = 0;
    long count = 0;
    for (GarbageCollectorMXBean gc : collectors) {
      pause += Math.max(0, gc.getCollectionTime());
      count += Math.max(0, gc.getCollectionCount());
    }
    return new Snapshot(byThread, pause, count);
  }

  /**
   * Bytes allocated between two snapshots: threads alive at both count their difference, threads started in
   * between all they allocated; threads that ended in between are lost (the platform's are long-lived pools).
   */
  static long allocated(Snapshot before, Snapshot after) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : after.allocatedByThread().entrySet()) {
      sum += e.getValue() - before.allocatedByThread().getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (Exception e) {
      // the platform may already be gone
    }
  }
}
