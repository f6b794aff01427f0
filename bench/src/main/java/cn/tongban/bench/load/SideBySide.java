package cn.tongban.bench.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code bench/run [--quick]}: on one PostgreSQL, the durable limit (a submission's rows inserted straight
 * through the reactive client) next to REST submissions and GraphQL reads through the running platform.
 */
final class SideBySide {
  static final String MATTER = "mzj-elderly-preferential-card";
  private static final int CONNECTIONS = 64;
  /** The limit's pool sizes: 64 like the clients, 16 and 8 near the platform's own pool, 4. */
  private static final int[] LIMIT_POOLS = {64, 16, 8, 4};

  /**
   * The rows one submission writes (ApplicationStore's SUBMIT: case, step, audit event, outbox event), in one
   * statement and so one implicit transaction, committed durably.
   */
  private static final String LIMIT_SUBMIT = """
      with app as (
        insert into application (number, matter_code, form_version, status, channel, hall_code, department_code,
                                 applicant, applicant_id_index, data, query_code, submitted_by, idempotency_key,
                                 request_hash, notice_due_date, submitted_at, updated_at, applicant_credit_code)
        values ($1 || to_char($15 at time zone 'Asia/Shanghai', 'YYYYMMDD')
                   || lpad((nextval('application_number_seq') % 100000000)::text, 8, '0'),
                $2, $3, 'SUBMITTED', $4,
                coalesce($5, (select code from hall where level = 'CITY' order by code limit 1)),
                $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)
        on conflict (submitted_by, idempotency_key) do nothing
        returning *
      ), step as (
        insert into case_step (application_id, action, step_name, actor, to_status, started_at, ended_at, detail)
        select id, 'submit', '收件', submitted_by, 'SUBMITTED', submitted_at, submitted_at,
               jsonb_build_object('channel', channel, 'hallCode', hall_code)
        from app
      ), audit as (
        insert into audit_event (actor, action, entity_type, entity_id, detail)
        select submitted_by, 'application.submitted', 'application', number,
               jsonb_build_object('matterCode', matter_code, 'formVersion', form_version, 'channel', channel,
                                  'hallCode', hall_code)
        from app
      ), outbox as (
        -- Written as delivered: the limit is what a submission's transaction writes, and no relay is to act
        -- on these events afterwards (a backlog of them used to be worked off during the REST phases).
        insert into outbox_event (aggregate_type, aggregate_id, event_type, status, payload)
        select 'application', number, 'ApplicationSubmitted', 'DELIVERED',
               jsonb_build_object('number', number, 'matterCode', matter_code, 'formVersion', form_version,
                                  'status', status, 'channel', channel, 'departmentCode', department_code,
                                  'hallCode', hall_code, 'submittedAt', submitted_at)
        from app
      )
      select number from app""";

  private static final String CATALOGUE = """
      query Catalogue($first: Int, $after: String) {
        matters(first: $first, after: $after) {
          edges { cursor node { code name type department { code name } levels sameCity starLevel
                                promisedDays legalDays } }
          pageInfo { hasNextPage endCursor }
        }
      }""";
  private static final String PROGRESS = """
      query Progress($number: String!, $queryCode: String!) { progress(number: $number, queryCode: $queryCode) }""";

  private SideBySide() {
  }

  static void run(Options o) throws Exception {
    Duration warmUp = Duration.ofSeconds(o.quick() ? 5 : 15);
    Duration measure = Duration.ofSeconds(o.quick() ? 15 : 60);
    Vertx vertx = Vertx.vertx();
    Context context = vertx.getOrCreateContext();
    JvmStats jvm = null;
    try (Http setup = new Http(vertx, o.baseUrls(), 4)) {
      setup.awaitHealthy(Duration.ofMinutes(2));
      String citizen = setup.token("citizen");
      JsonObject matter = setup.getJson("/api/v1/matters/" + MATTER, null);
      JsonObject sample = matter.getJsonObject("form").getJsonObject("schema").getJsonArray("examples")
          .getJsonObject(0);
      PgConnectOptions pgOptions = PgConnectOptions.fromUri(o.pgUrl()).setCachePreparedStatements(true).setPreparedStatementCacheSqlLimit(65_536)
          .addProperty("synchronous_commit", "on").addProperty("application_name", "tongban-bench");
      Pool probe = pool(vertx, pgOptions, 1);
      Row settings = Http.await(probe.query("select current_setting('server_version'), "
          + "current_setting('synchronous_commit'), current_setting('fsync'), pg_backend_pid()").execute())
          .iterator().next();
      jvm = JvmStats.attach(o.serverPid());
      LoadPhase.Watched watched = new LoadPhase.Watched(o.serverPid(), postmaster(settings.getInteger(3)), jvm);
      Http.await(probe.close());
      System.out.printf(Locale.ROOT, "# PostgreSQL %s, synchronous_commit=%s, fsync=%s, postmaster pid %s%n",
          settings.getString(0), settings.getString(1), settings.getString(2),
          watched.postgresPid() > 0 ? watched.postgresPid() : "not local (no PostgreSQL CPU figures)");
      if (!"on".equals(settings.getString(2))) {
        System.out.println("# WARNING: fsync is off on this PostgreSQL (the embedded server starts with -F): commits"
            + " are not durable and every figure below is higher than it would be with fsync on; set"
            + " TONGBAN_PG_URL to a PostgreSQL with fsync=on for durable figures");
      }
      System.out.printf(Locale.ROOT, "# matter %s, form version %d; %s warm-up + %s measured per phase%n",
          MATTER, matter.getJsonObject("form").getInteger("version"), warmUp, measure);

      List<LoadPhase.Result> results = new ArrayList<>();
      LimitRow row = LimitRow.of(matter, sample);
      // The same rows through pools of several sizes: PostgreSQL on few cores commits more with fewer
      // connections (group commit and less contention), so the limit is the best of them.
      List<LoadPhase.Result> limits = new ArrayList<>();
      for (int size : LIMIT_POOLS) {
        Pool limitPool = pool(vertx, pgOptions, size);
        LoadPhase.Result limit = phase(context, watched, "durable limit (SQL, pool " + size + ")", warmUp, measure,
            seq -> limitPool.preparedQuery(LIMIT_SUBMIT).execute(row.tuple()));
        results.add(limit);
        limits.add(limit);
        backlog(limitPool);
        limitPool.close();
      }

      Pool monitor = pool(vertx, pgOptions, 1);
      String run = UUID.randomUUID().toString().substring(0, 8);
      Buffer body = new JsonObject().put("matterCode", MATTER).put("channel", "WEB").put("data", sample).toBuffer();
      List<String[]> cases = new ArrayList<>();
      // The platform's JVM has served no HTTP before the first REST phase: its JIT compiler is still busy
      // (after a 5 s warm-up a C2 thread took 11 % of the machine in the measured window; after 15 s, its
      // compiler threads still used 3.2 CPU-seconds of the 15 s measured). That phase is warmed up for 30 s in
      // either mode, so that it measures the steady state.
      Duration platformWarmUp = warmUp.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : warmUp;
      System.out.printf(Locale.ROOT, "# the first REST phase is warmed up for %s%n", platformWarmUp);
      for (int conns : new int[] {CONNECTIONS, 16}) {
        try (Http http = new Http(vertx, o.baseUrls(), conns)) {
          results.add(phase(context, watched, "REST submit (POST /api/v1/applications)",
              conns == CONNECTIONS ? platformWarmUp : warmUp, measure,
              seq -> http.send(HttpMethod.POST, "/api/v1/applications", citizen, body, 201,
                  "Idempotency-Key", "bench-" + run + "-" + conns + "-" + seq).map(b -> {
                    // Answers arrive on the phase's one context: no other thread touches the list.
                    if (cases.size() < 1000) {
                      JsonObject a = b.toJsonObject();
                      cases.add(new String[] {a.getString("number"), a.getString("queryCode")});
                    }
                    return b;
                  }), conns));
        }
        backlog(monitor);
      }
      try (Http http = new Http(vertx, o.baseUrls(), CONNECTIONS)) {
        results.add(phase(context, watched, "GraphQL read (catalogue page, then progress)", warmUp, measure,
            seq -> graphql(http, seq, cases)));
      }
      try (Http http = new Http(vertx, o.baseUrls(), CONNECTIONS)) {
        results.add(phase(context, watched, "REST read (catalogue page, then progress)", warmUp, measure,
            seq -> rest(http, seq, cases)));
      }
      print(results, limits);
    } finally {
      if (jvm != null) {
        jvm.close();
      }
      Http.await(vertx.close());
    }
  }

  /**
   * After a phase: what the platform's after-commit work (outbox relay, audit sealer) had not caught up with
   * when the phase ended, and how long it takes to (at most two minutes are waited). After a REST phase a
   * backlog means the phase's CPU figures leave that work out; after a limit phase (whose outbox events are
   * written delivered) it is the sealing of the limit's audit events. Either way the next phase starts once
   * it is worked off, so that no phase is measured while the platform works off another's.
   */
  private static void backlog(Pool pool) throws InterruptedException {
    String sql = "select (select count(*) from outbox_event where status = 'PENDING'),"
        + " (select count(*) from audit_event e, audit_chain_head h where (e.tx, e.id) > (h.last_tx, h.last_id))";
    long start = System.nanoTime();
    io.vertx.sqlclient.Row first = Http.await(pool.query(sql).execute()).iterator().next();
    io.vertx.sqlclient.Row now = first;
    while ((now.getLong(0) > 0 || now.getLong(1) > 0)
        && System.nanoTime() - start < Duration.ofMinutes(2).toNanos()) {
      Thread.sleep(100);
      now = Http.await(pool.query(sql).execute()).iterator().next();
    }
    System.out.printf(Locale.ROOT, "# at the end of the phase %d outbox events were pending and %d audit events"
            + " unsealed; worked off in %.1f s%s%n", first.getLong(0), first.getLong(1),
        (System.nanoTime() - start) / 1e9, now.getLong(0) + now.getLong(1) == 0 ? "" : " (not yet: " + now.getLong(0)
            + " / " + now.getLong(1) + ")");
  }

  private static LoadPhase.Result phase(Context context, LoadPhase.Watched watched, String name, Duration warmUp,
      Duration measure, LoadPhase.Request request) throws InterruptedException {
    return phase(context, watched, name, warmUp, measure, request, CONNECTIONS);
  }

  private static LoadPhase.Result phase(Context context, LoadPhase.Watched watched, String name, Duration warmUp,
      Duration measure, LoadPhase.Request request, int concurrency) throws InterruptedException {
    // The time (UTC) lets a profile of the platform be cut into phases.
    System.out.printf(Locale.ROOT, "# %s running: %s at %d ...%n",
        java.time.LocalTime.now(java.time.ZoneOffset.UTC).withNano(0), name, concurrency);
    LoadPhase.Result r = new LoadPhase(context, watched).run(name, concurrency, warmUp, measure, request);
    if (r.errors() > 0) {
      System.out.printf(Locale.ROOT, "#   %d errors, the first: %s%n", r.errors(), r.firstError());
    }
    return r;
  }

  /** Odd requests read a catalogue page, even ones the progress of a case submitted earlier. */
  private static Future<?> graphql(Http http, long seq, List<String[]> cases) {
    JsonObject request;
    if (seq % 2 == 1) {
      request = new JsonObject().put("query", CATALOGUE).put("variables", new JsonObject().put("first", 10));
    } else {
      String[] c = cases.get((int) ((seq / 2) % cases.size()));
      request = new JsonObject().put("query", PROGRESS)
          .put("variables", new JsonObject().put("number", c[0]).put("queryCode", c[1]));
    }
    return http.send(HttpMethod.POST, "/graphql", null, request.toBuffer(), 200).compose(b -> {
      JsonObject answer = b.toJsonObject();
      return answer.containsKey("errors") ? Future.failedFuture("GraphQL errors: " + answer.getValue("errors"))
          : Future.succeededFuture(answer);
    });
  }

  /** The same reads as {@link #graphql} over REST: odd requests a catalogue page, even ones a case's progress. */
  private static Future<?> rest(Http http, long seq, List<String[]> cases) {
    if (seq % 2 == 1) {
      return http.send(HttpMethod.GET, "/api/v1/matters?limit=10", null, null, 200);
    }
    String[] c = cases.get((int) ((seq / 2) % cases.size()));
    return http.send(HttpMethod.GET, "/api/v1/applications/" + c[0] + "/progress?queryCode=" + c[1], null, null, 200);
  }

  private static Pool pool(Vertx vertx, PgConnectOptions options, int size) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(-1))
        .connectingTo(options).using(vertx).build();
  }

  /** The postmaster of a backend, when PostgreSQL runs on this machine; -1 otherwise. */
  private static long postmaster(long backendPid) {
    if (!"postgres".equals(ProcessStats.command(backendPid))) {
      return -1;
    }
    return ProcessStats.parent(backendPid);
  }

  static void print(List<LoadPhase.Result> results, List<LoadPhase.Result> limits) {
    System.out.println();
    String format = "%-46s %5s %9s %8s %8s %9s %7s %9s %9s %8s %8s %7s %8s%n";
    String header = String.format(Locale.ROOT, format, "phase", "conns", "req/s", "p50 ms", "p99 ms", "p99.9 ms",
        "errors", "app cpu", "pg cpu", "app RSS", "alloc", "alloc", "GC pause").stripTrailing();
    System.out.println(header);
    System.out.printf(Locale.ROOT, format, "", "", "", "", "", "", "", "ms/req", "ms/req", "MiB", "MB/s", "KiB/req",
        "ms total");
    System.out.println("-".repeat(header.length()));
    for (LoadPhase.Result r : results) {
      System.out.printf(Locale.ROOT, format, r.name(), r.concurrency(), String.format(Locale.ROOT, "%.1f",
              r.throughput()), two(r.millis(50)), two(r.millis(99)), two(r.millis(99.9)), r.errors(),
          fmt(r.perThousand(r.serverCpuSeconds())), fmt(r.perThousand(r.postgresCpuSeconds())),
          r.serverRssMiB() < 0 ? "n/a" : Long.toString(r.serverRssMiB()), one(r.allocationMBps()),
          one(r.allocationKiBPerRequest()), r.gcPauseMillis() < 0 ? "n/a" : r.gcPauseMillis() + " (" + r.gcCount() + ")");
    }
    LoadPhase.Result best = limits.stream().max(java.util.Comparator.comparingDouble(LoadPhase.Result::throughput))
        .orElseThrow();
    LoadPhase.Result submit = find(results, "REST submit", CONNECTIONS);
    LoadPhase.Result submit16 = find(results, "REST submit", 16);
    LoadPhase.Result read = find(results, "GraphQL", CONNECTIONS);
    LoadPhase.Result restRead = find(results, "REST read", CONNECTIONS);
    System.out.println();
    System.out.printf(Locale.ROOT, "# best durable limit: %s, %.1f/s; REST submit at %d and GraphQL reads at %d are"
        + " divided by it%n", best.name(), best.throughput(), CONNECTIONS, CONNECTIONS);
    System.out.printf(Locale.ROOT, "# REST read/limit ratio: %.2f%n", restRead.throughput() / best.throughput());
    System.out.printf(Locale.ROOT, "read/limit ratio: %.2f%n", read.throughput() / best.throughput());
    System.out.printf(Locale.ROOT, "p99 at 16: %.1f ms (p99.9 %.1f ms)%n", submit16.millis(99), submit16.millis(99.9));
    System.out.printf(Locale.ROOT, "submit/limit ratio: %.2f%n", submit.throughput() / best.throughput());
  }

  private static LoadPhase.Result find(List<LoadPhase.Result> results, String prefix, int concurrency) {
    return results.stream().filter(r -> r.name().startsWith(prefix) && r.concurrency() == concurrency).findFirst()
        .orElseThrow();
  }

  private static String two(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String one(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }

  /** The values of one limit submission, like those the platform binds; every call a fresh idempotency key. */
  private record LimitRow(String matterCode, int formVersion, String departmentCode, String applicant,
      String applicantIndex, String data) {
    static LimitRow of(JsonObject matter, JsonObject sample) {
      JsonObject applicant = new JsonObject().put("kind", "PERSON").put("name", "张三")
          .put("idNumber", "11010519491231002X").put("phone", "13800138000").put("realNameLevel", "L3");
      // The platform stores these sealed (AES-GCM) with a blind index; the limit writes values of the same size.
      byte[] key = new byte[32];
      ThreadLocalRandom.current().nextBytes(key);
      cn.tongban.core.privacy.PersonalData sealing = new cn.tongban.core.privacy.PersonalData(
          java.util.Map.of("bench", key), key);
      return new LimitRow(matter.getString("code"), matter.getJsonObject("form").getInteger("version"),
          matter.getJsonObject("department").getString("code"), sealing.sealJson("application.applicant", applicant),
          sealing.index(cn.tongban.core.privacy.PersonalData.Kind.ID, applicant.getString("idNumber")),
          sealing.sealJson("application.data", sample));
    }

    Tuple tuple() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      return Tuple.from(new Object[] {"410183", matterCode, formVersion, "WEB", null, departmentCode, applicant,
          applicantIndex, data, Long.toString(random.nextLong(1L << 40, 1L << 41), 36),
          "account:bench-limit", UUID.randomUUID().toString(), Long.toHexString(random.nextLong()),
          LocalDate.now().plusDays(7), OffsetDateTime.now(), null});
    }
  }
}
