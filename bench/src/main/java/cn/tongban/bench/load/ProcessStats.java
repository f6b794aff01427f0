package cn.tongban.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** CPU time and resident memory of local processes, read from /proc (Linux). */
final class ProcessStats {
  /** Clock ticks per second of /proc/[pid]/stat times; 100 on every Linux this runs on. */
  private static final double TICKS = 100.0;

  private ProcessStats() {
  }

  /** utime + stime of one process, in clock ticks; empty when it cannot be read. */
  static OptionalLong cpuTicks(long pid) {
    String[] f = statFields(pid);
    return f == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(f[11]) + Long.parseLong(f[12]));
  }

  static double seconds(long ticks) {
    return ticks / TICKS;
  }

  /** The parent of a process, or -1. */
  static long parent(long pid) {
    String[] f = statFields(pid);
    return f == null ? -1 : Long.parseLong(f[1]);
  }

  /** The command name of a process, or null. */
  static String command(long pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
    } catch (IOException e) {
      return null;
    }
  }

  /** VmRSS in MiB, or -1. */
  static long rssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not readable: reported as unknown
    }
    return -1;
  }

  /** CPU ticks of a process and all its children (PostgreSQL's postmaster and backends), by pid. */
  static Map<Long, Long> treeTicks(long root) {
    Map<Long, Long> out = new HashMap<>();
    cpuTicks(root).ifPresent(t -> out.put(root, t));
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.map(p -> p.getFileName().toString()).filter(s -> s.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(pid -> parent(pid) == root)
          .forEach(pid -> cpuTicks(pid).ifPresent(t -> out.put(pid, t)));
    } catch (IOException e) {
      // no /proc: nothing to report
    }
    return out;
  }

  /** Ticks spent between two {@link #treeTicks} snapshots (processes started in between count from zero). */
  static long delta(Map<Long, Long> before, Map<Long, Long> after) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  /** The fields of /proc/[pid]/stat after the command name (field 3 of the man page is index 0). */
  private static String[] statFields(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
