package cn.tongban.gateway;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * A real browser for page tests: Debian's headless Chromium driven by its chromedriver (never a downloaded
 * one: this machine has no internet). Every {@link #shot} is saved under {@code target/screenshots/<scenario>/}
 * for a person to look at. Without Chromium the test is skipped with one clear line, unless {@code CI} is set:
 * then a missing browser is a failure, so CI can never pass by skipping.
 */
final class Browser implements AutoCloseable {
  private static final Path CHROMIUM = Path.of(System.getProperty("tongban.chromium", "/usr/bin/chromium"));
  private static final Path DRIVER = Path.of(System.getProperty("tongban.chromedriver", "/usr/bin/chromedriver"));
  private static final Duration WAIT = Duration.ofSeconds(15);
  // Selenium's default is to look again every 500 ms: a state the page reaches in 20 ms cost up to half a second,
  // hundreds of times a run. A look is one local round trip to chromedriver.
  private static final Duration POLL = Duration.ofMillis(50);

  private static final Map<String, CompletableFuture<ChromeDriver>> SPARES = new HashMap<>();
  private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "chromium-ahead");
    t.setDaemon(true);
    return t;
  });
  private static boolean hooked;

  private final ChromeDriver driver;
  private final String base;
  private final Path shots;
  private int shotNumber;

  private Browser(ChromeDriver driver, String base, Path shots) {
    this.driver = driver;
    this.base = base;
    this.shots = shots;
  }

  /** A browser at {@code width}×{@code height} against the gateway on {@code port}; {@code scenario} names its screenshots. */
  static Browser open(int port, String scenario, int width, int height) {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (!present) {
      String line = "browser tests skipped: no Chromium at " + CHROMIUM + " or chromedriver at " + DRIVER
          + " (install: apt-get install chromium chromium-driver fonts-noto-cjk)";
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(line.replace("skipped", "cannot run under CI"));
      }
      System.err.println(line);
      Assumptions.abort(line);
    }
    ChromeDriver driver = take(width, height);
    driver.manage().window().setSize(new Dimension(width, height));
    try {
      Path dir = Path.of("target", "screenshots", scenario);
      Files.createDirectories(dir);
      return new Browser(driver, "http://127.0.0.1:" + port, dir);
    } catch (Exception e) {
      driver.quit();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A Chromium of this size, new and used by no one before. Starting one took 2-3 s, 50 times a run: the next one
   * of a size is started while the test uses this one (each still its own process and profile, started exactly
   * as before).
   */
  private static ChromeDriver take(int width, int height) {
    CompletableFuture<ChromeDriver> ready;
    synchronized (SPARES) {
      ready = SPARES.remove(width + "x" + height);
      if (!hooked) {
        hooked = true;
        // The spares left at the end: quit, or their chromedriver and Chromium would outlive the JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          synchronized (SPARES) {
            SPARES.values().forEach(spare -> spare.thenAccept(ChromeDriver::quit));
            SPARES.values().forEach(spare -> {
              try {
                spare.get(20, TimeUnit.SECONDS);
              } catch (Exception e) {
                // It never started, or did not stop in time: nothing more to do at exit.
              }
            });
          }
        }));
      }
    }
    ChromeDriver driver = null;
    if (ready != null) {
      try {
        driver = ready.join();
      } catch (CompletionException e) {
        System.err.println("a Chromium started ahead failed (" + e.getCause() + "); starting one now");
      }
    }
    if (driver == null) {
      driver = launch(width, height);
    }
    synchronized (SPARES) {
      SPARES.put(width + "x" + height, CompletableFuture.supplyAsync(() -> launch(width, height), LAUNCHER));
    }
    return driver;
  }

  private static ChromeDriver launch(int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--lang=zh-CN", "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER.toString())).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** A staff screen: 1366×768. */
  static Browser staff(int port, String scenario) {
    return open(port, scenario, 1366, 768);
  }

  /** A phone opened from a WeChat scan: 375 px wide. */
  static Browser phone(int port, String scenario) {
    return open(port, scenario, 375, 812);
  }

  /** A wait of at most {@code limit} that looks every {@link #POLL}. */
  WebDriverWait waiting(Duration limit) {
    WebDriverWait wait = new WebDriverWait(driver, limit);
    wait.pollingEvery(POLL);
    return wait;
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Opens a path (or full URL) of the gateway. */
  Browser go(String pathOrUrl) {
    driver.get(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
    return this;
  }

  /** The element, once visible. */
  WebElement find(String css) {
    return waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits until the element's text contains {@code text}; returns its whole text. */
  String waitForText(String css, String text) {
    waiting(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    return driver.findElement(By.cssSelector(css)).getText();
  }

  /** Waits until the page's visible text contains {@code text}. */
  void waitForPageText(String text) {
    waitForText("body", text);
  }

  /** Clears a field and types into it, as a person would. */
  Browser type(String css, String text) {
    WebElement field = find(css);
    field.clear();
    field.sendKeys(text);
    return this;
  }

  Browser click(String css) {
    waiting(WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    return this;
  }

  /** Clicks the first button whose text is {@code label}. */
  Browser clickButton(String label) {
    By button = By.xpath("//button[normalize-space()='" + label + "']");
    waiting(WAIT).until(ExpectedConditions.elementToBeClickable(button)).click();
    return this;
  }

  /** Signs in on the console's sign-in form with a demo account. */
  Browser signIn(String username) {
    go("/console/");
    type("#username", username);
    type("#password", "tongban-demo");
    click("#sign-in button[type=submit]");
    find("#sign-out");
    return this;
  }

  /** Saves a screenshot of the page as it is now, numbered in order, and returns its file. */
  Path shot(String name) {
    try {
      Path file = shots.resolve(String.format("%02d-%s.png", ++shotNumber, name));
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Errors the page wrote to the browser console (script errors, CSP refusals), for assertions. */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
  }

  /**
   * {@link #consoleErrors} without what a page cannot avoid and handles itself: the missing favicon, and the
   * network lines Chromium logs for API answers of 4xx (the page shows those to the user).
   */
  List<String> pageErrors() {
    return consoleErrors().stream().filter(e -> !e.contains("/favicon.ico")
        && !(e.contains("/api/v1/") && e.contains("Failed to load resource") && e.contains("status of 4"))).toList();
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
