package cn.tongban.core.disclosure;

import cn.tongban.core.access.Access;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.application.ApplicationStore;
import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.identity.Masking;
import cn.tongban.core.privacy.PersonalData;
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
 * Exports in the national and provincial shapes ({@link ExportTables}) for a period, as CSV or xlsx, streamed:
 * rows come through a cursor of the reactive client in batches and are written to the response as they come;
 * when the response's write queue is full the cursor pauses until it drains, so a month of cases never sits
 * in memory. Each export has an id; its progress (rows written of the rows counted) is kept on the node that
 * runs it while it runs and for ten minutes after.
 */
public final class ExportService {
  private static final int FETCH = 200;
  /** How often the progress report moves on: every this many rows written (and at the end). */
  static final int PROGRESS_EVERY = 50;
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
    private final boolean xlsx;
    private final boolean masked;

    private Export(ExportTables.Table table, Tuple period, String id, String filename, Caller caller,
        JsonObject progress, boolean xlsx) {
      this.table = table;
      this.period = period;
      this.id = id;
      this.filename = filename;
      this.caller = caller;
      this.progress = progress;
      this.xlsx = xlsx;
      this.masked = Masking.masks(caller);
    }

    public String id() {
      return id;
    }

    public String filename() {
      return filename;
    }

    public String contentType() {
      return xlsx ? Xlsx.CONTENT_TYPE : "text/csv; charset=utf-8";
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
                  .put("to", period.getValue(1).toString()).put("format", xlsx ? "xlsx" : "csv")
                  .put("masked", masked).put("rows", rows)).map(rows));
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
        Sink sink = xlsx ? new XlsxSink(table) : new CsvSink(table);
        out.write(sink.start());
        RowStream<Row> rows = ps.createStream(FETCH, period);
        rows.exceptionHandler(done::tryFail);
        rows.endHandler(v -> rows.close().onComplete(x -> {
          out.write(sink.end());
          done.tryComplete(written[0]);
        }));
        out.exceptionHandler(e -> {
          rows.close();
          done.tryFail(e);
        });
        rows.handler(row -> {
          Buffer bytes;
          try {
            bytes = sink.row(cells(row));
          } catch (RuntimeException e) {
            rows.close();
            done.tryFail(e);
            return;
          }
          if (bytes.length() > 0) {
            out.write(bytes);
          }
          written[0]++;
          if (written[0] % PROGRESS_EVERY == 0) {
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

    /**
     * A row's cells in file order: the sealed applicant opened into name and code (masked for a caller the
     * masking rules mask: a person's name to its first character, the identity number without the birth
     * date; an enterprise's name and credit code are public), the query code left out for such a caller.
     */
    private List<String> cells(Row row) {
      List<String> cells = new ArrayList<>(table.columns().size());
      for (int i = 0; i < row.size(); i++) {
        Object value = row.getValue(i);
        if (i == table.applicantAt()) {
          JsonObject a = personal.openJson(ApplicationStore.APPLICANT, row.getString(table.rowKeyAt()), (String) value);
          boolean enterprise = a != null && "ENTERPRISE".equals(a.getString("kind"));
          String name = a == null ? null : a.getString("name");
          String code = a == null ? null : enterprise ? a.getString("creditCode") : a.getString("idNumber");
          cells.add(masked && !enterprise ? Masking.name(name) : name);
          cells.add(masked && !enterprise ? Masking.idNumber(code) : code);
        } else if (i == table.rowKeyAt() && i != table.queryCodeAt()) {
          continue; // selected to open the applicant, not a column of the file
        } else if (i == table.queryCodeAt() && masked) {
          cells.add("");
        } else {
          cells.add(value == null ? null : String.valueOf(value));
        }
      }
      return cells;
    }
  }

  /** How an export's rows become bytes: CSV or an xlsx sheet. */
  private interface Sink {
    Buffer start();

    Buffer row(List<String> cells);

    Buffer end();
  }

  /** UTF-8 with a BOM first (spreadsheet programs then read it as UTF-8), CRLF lines, RFC 4180 quoting. */
  private static final class CsvSink implements Sink {
    private final ExportTables.Table table;

    CsvSink(ExportTables.Table table) {
      this.table = table;
    }

    @Override
    public Buffer start() {
      return Buffer.buffer("\uFEFF" + String.join(",", table.columns()) + "\r\n", "UTF-8");
    }

    @Override
    public Buffer row(List<String> cells) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cells.size(); i++) {
        line.append(i == 0 ? "" : ",").append(Csv.field(cells.get(i)));
      }
      return Buffer.buffer(line.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Buffer end() {
      return Buffer.buffer();
    }
  }

  /** One sheet named after the table, the header row bold and frozen; zip bytes as the deflater gives them. */
  private static final class XlsxSink implements Sink {
    private final Xlsx.Writer writer;

    XlsxSink(ExportTables.Table table) {
      this.writer = new Xlsx.Writer(table.name(), table.columns());
    }

    @Override
    public Buffer start() {
      return Buffer.buffer(writer.take());
    }

    @Override
    public Buffer row(List<String> cells) {
      writer.row(cells);
      return Buffer.buffer(writer.take());
    }

    @Override
    public Buffer end() {
      writer.finish();
      return Buffer.buffer(writer.take());
    }
  }

  private final Pool pool;
  private final PersonalData personal;
  private final Map<String, JsonObject> running = new ConcurrentHashMap<>();

  public ExportService(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
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
      if (!"csv".equals(format) && !"xlsx".equals(format)) {
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
      return Future.succeededFuture(new Export(t, period, id, t.name() + "_" + from + "_" + to + "." + format,
          caller, progress, "xlsx".equals(format)));
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
