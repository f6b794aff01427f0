package cn.tongban.core.disclosure;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Exports in the national and provincial shapes ({@link ExportTables}) for a period, as CSV, streamed: rows
 * come through a cursor of the reactive client in batches and are written to the response as they come;
 * when the response's write queue is full the cursor pauses until it drains, so a month of cases never sits
 * in memory. Each export has an id; its progress (rows written of the rows counted) is kept on the node that
 * runs it while it runs and for ten minutes after.
 */
public final class ExportService {
  private static final int FETCH = 200;
  private static final long KEEP_MILLIS = 10 * 60 * 1000L;
  private static final int MAX_DAYS = 366;
  private static final Pattern EXPORT_ID = Pattern.compile("[A-Za-z0-9-]{8,64}");

  /** An export checked and ready to stream. */
  public final class Export {
    private final ExportTables.Table table;
    private final Tuple period;
    private final String id;
    private final String filename;
    private final Caller caller;
    private final JsonObject progress;

    private Export(ExportTables.Table table, Tuple period, String id, String filename, Caller caller,
        JsonObject progress) {
      this.table = table;
      this.period = period;
      this.id = id;
      this.filename = filename;
      this.caller = caller;
      this.progress = progress;
    }

    public String id() {
      return id;
    }

    public String filename() {
      return filename;
    }

    public String contentType() {
      return "text/csv; charset=utf-8";
    }

    /** Streams the file to {@code out}; answers the rows written. {@code out} is not ended here. */
    public Future<Long> writeTo(WriteStream<Buffer> out) {
      return pool.getConnection().compose(conn -> conn.begin().compose(tx -> stream(conn, tx, out)
          .eventually(() -> tx.rollback().otherwise((Void) null))
          .eventually(conn::close)))
          .onComplete(ar -> {
            synchronized (progress) {
              progress.put("done", true).put("failed", ar.failed());
            }
          })
          .compose(rows -> AuditLog.record(pool, caller.scopeKey(), "export.table", "export", id,
              new JsonObject().put("table", table.name()).put("from", period.getValue(0).toString())
                  .put("to", period.getValue(1).toString()).put("rows", rows)).map(rows));
    }

    private Future<Long> stream(SqlConnection conn, Transaction tx, WriteStream<Buffer> out) {
      return conn.preparedQuery(table.countOf()).execute(period).compose(count -> {
        synchronized (progress) {
          progress.put("total", count.iterator().next().getLong(0));
        }
        return conn.prepare(table.select());
      }).compose(ps -> {
        Promise<Long> done = Promise.promise();
        long[] written = {0};
        // BOM first: spreadsheet programs then read the file as UTF-8.
        out.write(Buffer.buffer("\uFEFF" + String.join(",", table.columns()) + "\r\n", "UTF-8"));
        RowStream<Row> rows = ps.createStream(FETCH, period);
        rows.exceptionHandler(done::tryFail);
        rows.endHandler(v -> rows.close().onComplete(x -> done.tryComplete(written[0])));
        out.exceptionHandler(e -> {
          rows.close();
          done.tryFail(e);
        });
        rows.handler(row -> {
          StringBuilder line = new StringBuilder();
          for (int i = 0; i < row.size(); i++) {
            line.append(i == 0 ? "" : ",").append(Csv.field(row.getValue(i)));
          }
          out.write(Buffer.buffer(line.append("\r\n").toString().getBytes(StandardCharsets.UTF_8)));
          written[0]++;
          if (written[0] % FETCH == 0) {
            synchronized (progress) {
              progress.put("rows", written[0]);
            }
          }
          if (out.writeQueueFull()) {
            rows.pause();
            out.drainHandler(d -> rows.resume());
          }
        });
        return done.future().onSuccess(n -> {
          synchronized (progress) {
            progress.put("rows", n);
          }
        });
      });
    }
  }

  private final Pool pool;
  private final Map<String, JsonObject> running = new ConcurrentHashMap<>();

  public ExportService(Pool pool) {
    this.pool = pool;
  }

  /** The tables an export may name. */
  public static List<String> tables() {
    return new ArrayList<>(ExportTables.ALL.keySet());
  }

  /**
   * Checks an export of {@code table} for the period {@code from}–{@code to} (Beijing days, inclusive):
   * supervisors and administrators only; 422 for an unknown table, a bad period or a format not offered.
   */
  public Future<Export> prepare(Caller caller, String table, Map<String, String> query, Locale locale) {
    return Access.require(caller, "export.forbidden", Role.SUPERVISOR, Role.ADMIN).compose(x -> {
      List<Violation> v = new ArrayList<>();
      ExportTables.Table t = ExportTables.ALL.get(table.toLowerCase(Locale.ROOT));
      if (t == null) {
        v.add(new Violation("/table", "enum", Messages.get(locale, "export.table", String.join(", ", tables()))));
      }
      String format = query.getOrDefault("format", "csv");
      if (!"csv".equals(format)) {
        v.add(new Violation("/format", "enum", Messages.get(locale, "export.format")));
      }
      LocalDate from = date(query.get("from"), "/from", v, locale);
      LocalDate to = date(query.get("to"), "/to", v, locale);
      if (from != null && to != null && (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_DAYS)) {
        v.add(new Violation("/to", "range", Messages.get(locale, "export.period", MAX_DAYS)));
      }
      String id = query.getOrDefault("exportId", UUID.randomUUID().toString());
      if (!EXPORT_ID.matcher(id).matches()) {
        v.add(new Violation("/exportId", "format", Messages.get(locale, "export.id")));
      }
      if (!v.isEmpty()) {
        return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "export.invalid", v,
            v.size()));
      }
      purge();
      JsonObject progress = new JsonObject().put("exportId", id).put("table", t.name()).put("from", from.toString())
          .put("to", to.toString()).put("owner", caller.scopeKey()).put("rows", 0L).put("total", (Long) null)
          .put("done", false).put("failed", false).put("startedAt", System.currentTimeMillis());
      running.put(id, progress);
      Tuple period = Tuple.of(from.atStartOfDay(CalendarService.ZONE).toOffsetDateTime(),
          to.plusDays(1).atStartOfDay(CalendarService.ZONE).toOffsetDateTime());
      return Future.succeededFuture(new Export(t, period, id, t.name() + "_" + from + "_" + to + ".csv", caller,
          progress));
    });
  }

  /** How far an export has come: for the caller who started it, on the node that runs it; 404 otherwise. */
  public Future<JsonObject> progress(Caller caller, String id) {
    return Access.require(caller, "export.forbidden", Role.SUPERVISOR, Role.ADMIN).compose(x -> {
      JsonObject p = running.get(id);
      if (p == null || !p.getString("owner").equals(caller.scopeKey())) {
        return Future.failedFuture(new DomainException(ProblemCode.NOT_FOUND, "export.notFound", id));
      }
      synchronized (p) {
        JsonObject out = p.copy();
        out.remove("owner");
        out.remove("startedAt");
        return Future.succeededFuture(out);
      }
    });
  }

  private void purge() {
    long now = System.currentTimeMillis();
    running.values().removeIf(p -> p.getBoolean("done") && now - p.getLong("startedAt") > KEEP_MILLIS);
  }

  private static LocalDate date(String s, String pointer, List<Violation> v, Locale locale) {
    if (s == null || s.isBlank()) {
      v.add(new Violation(pointer, "required", Messages.get(locale, "export.date")));
      return null;
    }
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      v.add(new Violation(pointer, "format", Messages.get(locale, "export.date")));
      return null;
    }
  }
}
