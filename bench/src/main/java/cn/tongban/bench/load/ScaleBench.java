package cn.tongban.bench.load;

import cn.tongban.core.application.ApplicationQuery;
import cn.tongban.core.application.ApplicationStatus;
import cn.tongban.core.application.ApplicationStore;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;

/**
 * {@code bench/run scale [--cases N]}: seeds N cases by SQL across every published matter, department and
 * hall, then measures the reads that grow with the number of cases, and passes of the deadline scanner.
 */
final class ScaleBench {
  private static final int CHUNK = 100_000;
  private static final int CONCURRENCY = 4;
  private static final Duration WARM_UP_ALL = Duration.ofSeconds(30);

  /**
   * Cases $1..$2 of $3: 23 % open (submitted, in correction, accepted, in review, suspended), the rest
   * closed; submitted over two years; open ones due from 2 days ago to 27 days ahead; 300 000 applicants,
   * the demo citizen one case in 20 000.
   */
  private static final String SEED = """
      with f as (
        select array_agg(fv.matter_code order by fv.matter_code) as codes,
               array_agg(fv.version order by fv.matter_code) as versions,
               array_agg(m.department_code order by fv.matter_code) as departments,
               array_agg(coalesce(fv.schema->'examples'->0, '{}'::jsonb) order by fv.matter_code) as samples,
               count(*)::int as n
        from form_version fv join matter m on m.code = fv.matter_code where fv.status = 'PUBLISHED'
      ), h as (
        select array_agg(code order by code) as codes, count(*)::int as n from hall
      ), s as (
        -- The matter by a hash of g: a multiple of g would tie it to g % 100, and so to the status.
        select g, 1 + abs(hashint8(g)) % f.n as mi, f.codes, f.versions, f.departments, f.samples,
               h.codes[1 + g % h.n] as hall,
               case when g % 100 < 65 then 'DELIVERED' when g % 100 < 70 then 'APPROVED'
                    when g % 100 < 73 then 'DENIED' when g % 100 < 75 then 'NOT_ACCEPTED'
                    when g % 100 < 77 then 'WITHDRAWN' when g % 100 < 87 then 'ACCEPTED'
                    when g % 100 < 93 then 'IN_REVIEW' when g % 100 < 94 then 'SUSPENDED'
                    when g % 100 < 98 then 'SUBMITTED' else 'CORRECTION_REQUESTED' end as status,
               now() - make_interval(mins => (($3::bigint - g) * 1051200 / $3::bigint)::int) as at,
               -- The demo citizen's blind index ($4), else a synthetic applicant's stand-in index.
               case when g % 20000 = 7 then $4
                    else 'B' || lpad(((g * 104729) % 300000)::text, 21, '0') end as id_index
        from generate_series($1::bigint, $2::bigint) g, f, h
      )
      insert into application (number, matter_code, form_version, status, channel, hall_code, department_code,
                               applicant, applicant_id_index, data, query_code, submitted_by, version,
                               submitted_at, updated_at, notice_due_date, accepted_at, clock_start, due_date,
                               legal_due_date, decided_at)
      select '410183' || to_char(at, 'YYYYMMDD') || 'S' || lpad(g::text, 9, '0'), codes[mi], versions[mi], status,
             (array['WINDOW', 'WEB', 'MINI_PROGRAM', 'KIOSK', 'HOTLINE'])[1 + g % 5], hall, departments[mi],
             -- Stored as before encryption (plain JSON text): reads open it as it is; the next start seals it.
             jsonb_build_object('kind', 'PERSON', 'name', '张三', 'idNumber', id_index)::text, id_index,
             samples[mi]::text,
             substr(md5(g::text), 1, 8), 'account:bench-' || ((g * 104729) % 300000), 2, at, at,
             case when status in ('SUBMITTED', 'CORRECTION_REQUESTED') then current_date + ((g / 100) % 7)::int - 1 end,
             case when status not in ('SUBMITTED', 'CORRECTION_REQUESTED', 'NOT_ACCEPTED', 'WITHDRAWN')
                  then at + interval '1 day' end,
             case when status not in ('SUBMITTED', 'CORRECTION_REQUESTED', 'NOT_ACCEPTED', 'WITHDRAWN')
                  then (at + interval '1 day')::date end,
             case when status in ('ACCEPTED', 'IN_REVIEW', 'SUSPENDED') then current_date + ((g / 100) % 30)::int - 2
                  else (at + interval '20 days')::date end,
             case when status in ('ACCEPTED', 'IN_REVIEW', 'SUSPENDED') then current_date + ((g / 100) % 30)::int + 13
                  else (at + interval '40 days')::date end,
             case when status in ('DELIVERED', 'APPROVED', 'DENIED', 'NOT_ACCEPTED') then at + interval '10 days' end
      from s""";

  private ScaleBench() {
  }

  /** The demo citizen's blind index under the platform's index key (bench/run exports TONGBAN_DATA_INDEX_KEY). */
  private static String citizenIndex() {
    byte[] key = java.util.Base64.getDecoder().decode(System.getenv("TONGBAN_DATA_INDEX_KEY"));
    return new cn.tongban.core.privacy.PersonalData(java.util.Map.of("bench", new byte[32]), key)
        .index(cn.tongban.core.privacy.PersonalData.Kind.ID, "11010519491231002X");
  }

  static void run(Options o) throws Exception {
    Vertx vertx = Vertx.vertx();
    Context context = vertx.getOrCreateContext();
    Duration warmUp = Duration.ofSeconds(3);
    Duration measure = Duration.ofSeconds(o.quick() ? 10 : 20);
    try (Http http = new Http(vertx, o.baseUrls(), CONCURRENCY)) {
      http.awaitHealthy(Duration.ofMinutes(2));
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(CONCURRENCY))
          .connectingTo(PgConnectOptions.fromUri(o.pgUrl()).setCachePreparedStatements(true).setPreparedStatementCacheSqlLimit(65_536)).using(vertx).build();
      seed(pool, o.cases());

      String reviewer = http.token("reviewer.mzj");
      String citizen = http.token("citizen");
      String supervisor = http.token("supervisor");
      List<String> queuePages = new ArrayList<>();
      String cursor = null;
      for (int page = 1; page <= 10; page++) {
        String path = "/api/v1/application-summaries?status=ACCEPTED&limit=50" + (cursor == null ? "" : "&cursor=" + cursor);
        queuePages.add(path);
        cursor = http.getJson(path, reviewer).getString("nextCursor");
        if (cursor == null) {
          break;
        }
      }
      List<Row> samples = new ArrayList<>();
      Http.await(pool.query("select number, query_code from application tablesample system (1) limit 500")
          .execute()).forEach(samples::add);
      long citizenCases = Http.await(pool.query(
          "select count(*) from application where applicant_id_index = '" + citizenIndex() + "'").execute())
          .iterator().next().getLong(0);

      JvmStats jvm = JvmStats.attach(o.serverPid());
      LoadPhase.Watched watched = new LoadPhase.Watched(o.serverPid(), -1, jvm);
      List<LoadPhase.Request> reads = List.of(
          seq -> http.send(HttpMethod.GET, queuePages.get((int) (seq % queuePages.size())), reviewer, null, 200),
          seq -> http.send(HttpMethod.GET, "/api/v1/application-summaries?limit=20", citizen, null, 200),
          seq -> {
            Row r = samples.get((int) (seq % samples.size()));
            return http.send(HttpMethod.GET, "/api/v1/applications/" + r.getString(0) + "/progress?queryCode="
                + r.getString(1), null, null, 200);
          },
          seq -> http.send(HttpMethod.GET, "/api/v1/supervision/departments", supervisor, null, 200));
      // The platform has served nothing but the seeding's few requests: the JIT compiles the read path while
      // the first phase runs (a C2 thread took as much CPU as the event loop in a 3 s-warmed work-queue window,
      // 26 compilations in it). A platform in service is warm; as in the side-by-side bench, the reads are
      // first run in turn, unmeasured, for WARM_UP_ALL (each phase then has its own 3 s warm-up as before).
      System.out.printf(Locale.ROOT, "# the four reads first run in turn, unmeasured, for %d s%n",
          WARM_UP_ALL.toSeconds());
      new LoadPhase(context, watched).run("warm-up", CONCURRENCY, WARM_UP_ALL, Duration.ofMillis(100),
          seq -> reads.get((int) (seq % reads.size())).apply(seq / reads.size()));
      List<LoadPhase.Result> results = new ArrayList<>();
      results.add(new LoadPhase(context, watched).run("work queue (reviewer.mzj, ACCEPTED, 50/page, pages 1-"
              + queuePages.size() + ")", CONCURRENCY, warmUp, measure, reads.get(0)));
      results.add(new LoadPhase(context, watched).run("citizen's own cases (" + citizenCases + " of theirs)",
          CONCURRENCY, warmUp, measure, reads.get(1)));
      results.add(new LoadPhase(context, watched).run("public progress lookup", CONCURRENCY, warmUp, measure,
          reads.get(2)));
      results.add(new LoadPhase(context, watched).run("statistics by department (supervisor)",
          CONCURRENCY, warmUp, measure, reads.get(3)));

      // The same reads' statements alone, one at a time on one connection: what the database spends on each,
      // apart from the platform and the load generator that share the machine with it.
      List<ApplicationStore.Statement> pages = queuePageStatements(pool);
      ApplicationStore.Statement own = ApplicationStore.summaryListStatement(caller(pool, "citizen"),
          new ApplicationQuery(Optional.empty(), Optional.empty()), Optional.empty(), 21);
      List<Histogram> sql = List.of(
          time(pool, seq -> pages.get((int) (seq % pages.size()))),
          time(pool, seq -> own),
          time(pool, seq -> ApplicationStore.progressStatement(samples.get((int) (seq % samples.size())).getString(0))),
          time(pool, seq -> new ApplicationStore.Statement(STATISTICS, Tuple.tuple())));
      jvm.close();

      System.out.println();
      String format = "%-62s %5s %9s %8s %8s %9s %7s %8s %8s %8s %8s %8s%n";
      String header = String.format(Locale.ROOT, format, "read", "conns", "req/s", "p50 ms", "p99 ms", "p99.9 ms",
          "errors", "app cpu", "alloc", "app RSS", "SQL p50", "SQL p99").stripTrailing();
      System.out.println(header);
      System.out.printf(Locale.ROOT, format, "", "", "", "", "", "", "", "ms/req", "KiB/req", "MiB", "ms", "ms");
      System.out.println("-".repeat(header.length()));
      for (int i = 0; i < results.size(); i++) {
        LoadPhase.Result r = results.get(i);
        System.out.printf(Locale.ROOT, format, r.name(), r.concurrency(), String.format(Locale.ROOT, "%.1f",
                r.throughput()), two(r.millis(50)), two(r.millis(99)), two(r.millis(99.9)), r.errors(),
            String.format(Locale.ROOT, "%.3f", r.perThousand(r.serverCpuSeconds())),
            String.format(Locale.ROOT, "%.1f", r.allocationKiBPerRequest()), r.serverRssMiB(),
            two(sql.get(i).getValueAtPercentile(50) / 1000.0), two(sql.get(i).getValueAtPercentile(99) / 1000.0));
        if (r.errors() > 0) {
          System.out.println("#   first error: " + r.firstError());
        }
      }
      System.out.println();
      for (int pass = 1; pass <= 3; pass++) {
        long begin = System.nanoTime();
        JsonObject outcome = http.postJson("/api/v1/supervision/scan", supervisor, new JsonObject(), 200);
        System.out.printf(Locale.ROOT, "deadline scan pass %d: %.2f s  %s%n", pass, (System.nanoTime() - begin) / 1e9,
            outcome.encode());
      }
      if (o.plans() != null) {
        writePlans(pool, Path.of(o.plans()));
        System.out.println("# query plans written to " + o.plans());
      }
    } finally {
      Http.await(vertx.close());
    }
  }

  private static String two(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** {@value #SQL_RUNS} runs of the statement {@code statement} gives for each run, after 20 unmeasured ones. */
  private static Histogram time(Pool pool, java.util.function.LongFunction<ApplicationStore.Statement> statement)
      throws Exception {
    Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    for (long seq = 0; seq < SQL_RUNS + 20; seq++) {
      ApplicationStore.Statement s = statement.apply(seq);
      long start = System.nanoTime();
      Http.await(pool.preparedQuery(s.sql()).execute(s.args()));
      if (seq >= 20) {
        h.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
      }
    }
    return h;
  }

  private static final int SQL_RUNS = 300;
  private static List<ApplicationStore.Statement> queuePages;

  /** The statements of the work queue's first ten pages, as the platform runs them for reviewer.mzj. */
  private static List<ApplicationStore.Statement> queuePageStatements(Pool pool) {
    if (queuePages == null) {
      try {
        Caller reviewer = caller(pool, "reviewer.mzj");
        ApplicationQuery accepted = new ApplicationQuery(Optional.of(ApplicationStatus.ACCEPTED), Optional.empty());
        List<ApplicationStore.Statement> pages = new ArrayList<>();
        Optional<Long> before = Optional.empty();
        for (int page = 0; page < 10; page++) {
          ApplicationStore.Statement s = ApplicationStore.summaryListStatement(reviewer, accepted, before, 51);
          pages.add(s);
          long last = -1;
          int n = 0;
          for (Row r : Http.await(pool.preparedQuery(s.sql()).execute(s.args()))) {
            if (n++ < 50) {
              last = r.getLong("id");
            }
          }
          if (n <= 50) {
            break;
          }
          before = Optional.of(last);
        }
        queuePages = List.copyOf(pages);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return queuePages;
  }

  /** What GET /api/v1/supervision/departments reads. */
  private static final String STATISTICS = cn.tongban.core.application.DepartmentStatistics.READ;

  private static void seed(Pool pool, int cases) {
    long existing = Http.await(pool.query("select count(*) from application").execute()).iterator().next().getLong(0);
    System.out.printf(Locale.ROOT, "# seeding %d cases (the database holds %d) ...%n", cases, existing);
    long begin = System.nanoTime();
    for (long from = 1; from <= cases; from += CHUNK) {
      long to = Math.min(cases, from + CHUNK - 1);
      long t = System.nanoTime();
      Http.await(pool.preparedQuery(SEED).execute(Tuple.of(from, to, (long) cases, citizenIndex())));
      System.out.printf(Locale.ROOT, "#   %,d cases in %.1f s%n", to, (System.nanoTime() - t) / 1e9);
    }
    long t = System.nanoTime();
    Http.await(pool.query("vacuum (analyze) application").execute());
    System.out.printf(Locale.ROOT, "# seeded in %.1f s (vacuum analyze %.1f s); table with indexes: %s%n",
        (System.nanoTime() - begin) / 1e9, (System.nanoTime() - t) / 1e9,
        Http.await(pool.query("select pg_size_pretty(pg_total_relation_size('application'))").execute())
            .iterator().next().getString(0));
  }

  /** EXPLAIN ANALYZE of the statements behind the measured reads, as the stores build and run them. */
  private static void writePlans(Pool pool, Path file) throws Exception {
    StringBuilder out = new StringBuilder();
    ApplicationQuery accepted = new ApplicationQuery(Optional.of(ApplicationStatus.ACCEPTED), Optional.empty());
    ApplicationQuery any = new ApplicationQuery(Optional.empty(), Optional.empty());
    explain(pool, out, "work queue, first page (ApplicationStore.listSummaries, reviewer.mzj)",
        ApplicationStore.summaryListStatement(caller(pool, "reviewer.mzj"), accepted, Optional.empty(), 51));
    List<ApplicationStore.Statement> pages = queuePageStatements(pool);
    explain(pool, out, "work queue, page " + pages.size() + " (ApplicationStore.listSummaries, reviewer.mzj)",
        pages.get(pages.size() - 1));
    explain(pool, out, "citizen's own cases (ApplicationStore.listSummaries, citizen)",
        ApplicationStore.summaryListStatement(caller(pool, "citizen"), any, Optional.empty(), 21));
    explain(pool, out, "statistics by department", new ApplicationStore.Statement(STATISTICS, Tuple.tuple()));
    explain(pool, out, "deadline scan candidates (DeadlineScanner.CANDIDATES, decision limits only)",
        new ApplicationStore.Statement("""
            select a.id, 'DECISION_DUE', a.due_date from application a
              where a.status in ('ACCEPTED', 'IN_REVIEW')
                and (case when a.status in ('ACCEPTED', 'IN_REVIEW') then a.due_date end) <= current_date + 1
            union all
            select a.id, 'LEGAL_DUE', a.legal_due_date from application a
              where a.status in ('ACCEPTED', 'IN_REVIEW')
                and (case when a.status in ('ACCEPTED', 'IN_REVIEW') then a.legal_due_date end) <= current_date + 1
            union all
            select a.id, 'NOTICE_DUE', a.notice_due_date from application a
              where a.status = 'SUBMITTED' and a.notice_due_date <= current_date + 1""", Tuple.tuple()));
    Files.writeString(file, out);
  }

  private static void explain(Pool pool, StringBuilder out, String title, ApplicationStore.Statement s)
      throws Exception {
    out.append("== ").append(title).append('\n').append(s.sql().strip()).append('\n');
    if (s.args().size() > 0) {
      out.append("-- with ").append(s.args().deepToString()).append('\n');
    }
    out.append('\n');
    Http.await(pool.preparedQuery("explain (analyze, buffers) " + s.sql()).execute(s.args()))
        .forEach(r -> out.append(r.getString(0)).append('\n'));
    out.append('\n');
  }

  /** The caller a demo account is when it signs in (its kind, roles, department and hall). */
  private static Caller caller(Pool pool, String username) throws Exception {
    Row r = Http.await(pool.preparedQuery("select id::text, kind, roles, department_code, hall_code from account"
        + " where username = $1").execute(Tuple.of(username))).iterator().next();
    return new Caller(Caller.Kind.valueOf(r.getString(1)), r.getString(0),
        Arrays.stream(r.getArrayOfStrings(2)).map(Role::valueOf).collect(Collectors.toSet()),
        Optional.ofNullable(r.getString(3)), Optional.ofNullable(r.getString(4)), Set.of());
  }
}
