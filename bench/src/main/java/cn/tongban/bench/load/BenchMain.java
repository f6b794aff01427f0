package cn.tongban.bench.load;

/**
 * The load side of {@code bench/run}, which starts the platform and passes on where it listens:
 * {@code compare} (the default) or {@code scale}.
 */
public final class BenchMain {
  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    switch (o.command()) {
      case "compare" -> SideBySide.run(o);
      case "scale" -> ScaleBench.run(o);
      default -> throw new IllegalArgumentException("unknown command " + o.command());
    }
  }
}
