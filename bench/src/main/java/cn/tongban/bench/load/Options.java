package cn.tongban.bench.load;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

/**
 * The command line bench/run passes on: where the platform (one node, or several: comma-separated base URLs,
 * requests spread over them in turn) and its PostgreSQL are, and what to run.
 */
record Options(String command, List<URI> baseUrls, String pgUrl, long serverPid, boolean quick, int cases, String plans) {
  static Options parse(String[] args) {
    String command = args.length > 0 ? args[0] : "compare";
    List<URI> base = null;
    String pg = null;
    long pid = -1;
    boolean quick = false;
    int cases = 1_000_000;
    String plans = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--base-url" -> base = Arrays.stream(args[++i].split(",")).map(URI::create).toList();
        case "--pg-url" -> pg = args[++i];
        case "--server-pid" -> pid = Long.parseLong(args[++i]);
        case "--quick" -> quick = true;
        case "--cases" -> cases = Integer.parseInt(args[++i].replace("_", ""));
        case "--plans" -> plans = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (base == null || pg == null) {
      throw new IllegalArgumentException("--base-url and --pg-url are required");
    }
    return new Options(command, base, pg, pid, quick, cases, plans);
  }
}
