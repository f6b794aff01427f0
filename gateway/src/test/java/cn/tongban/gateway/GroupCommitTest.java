package cn.tongban.gateway;

import cn.tongban.core.infra.Database;
import cn.tongban.core.infra.GroupCommit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Submissions sharing one commit: each caller gets its own row, and one caller's bad row costs nobody else theirs. */
class GroupCommitTest {
  // The statement takes the whole batch as arrays and tags each row with its caller's position; the first
  // caller's row sleeps, so that the others queue behind it and go out together.
  private static final String INSERT = """
      with input as (select * from unnest($1::int[], $2::int[]) with ordinality as i(id, amount, pos)),
      ins as (
        insert into group_commit_probe (id, amount)
        select id, amount from input cross join lateral (select pg_sleep(case when id % 100 = 0 then 0.3 else 0 end)) s
        order by pos
        on conflict (id) do nothing
        returning id, amount
      )
      -- Each inserted row back to its caller: by id and amount, unique per caller in these tests.
      select input.pos, ins.id from ins join input using (id, amount)""";
  private static TestGateway gateway;
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(Map.of());
    gateway.execute("create table group_commit_probe (id int primary key, amount int not null check (amount >= 0))");
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, gateway.config().pgUrl().orElseThrow(), 2);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    gateway.close();
  }

  private static GroupCommit<int[]> commits() {
    return new GroupCommit<>(pool, INSERT, batch -> Tuple.tuple()
        .addValue(batch.stream().map(a -> a[0]).toArray(Integer[]::new))
        .addValue(batch.stream().map(a -> a[1]).toArray(Integer[]::new)), 1, 64);
  }

  private static List<Future<List<Row>>> submitAll(GroupCommit<int[]> commits, int first, int count, int badId) {
    List<Future<List<Row>>> results = new ArrayList<>();
    results.add(commits.execute(new int[] {first, 1}));
    for (int id = first + 1; id <= first + count; id++) {
      results.add(commits.execute(new int[] {id, id == badId ? -1 : 1}));
    }
    return results;
  }

  @Test
  void callersQueuedBehindOneShareACommitAndEachGetsItsOwnRow() throws Exception {
    List<Future<List<Row>>> results = submitAll(commits(), 100, 20, -1);
    for (int i = 0; i < results.size(); i++) {
      List<Row> rows = results.get(i).await(20, TimeUnit.SECONDS);
      assertEquals(1, rows.size());
      assertEquals(100 + i, rows.get(0).getInteger("id"), "each caller gets the row of its own arguments");
    }
    assertEquals(21, gateway.count("select count(*) from group_commit_probe where id between 100 and 120"));
    assertEquals(1, gateway.count("select count(distinct xmin::text) from group_commit_probe where id between 101 and 120"),
        "the twenty queued callers were committed in one transaction");
  }

  @Test
  void aBadRowFailsOnlyItsOwnCallerAndTheOthersAreStored() throws Exception {
    List<Future<List<Row>>> results = submitAll(commits(), 200, 20, 207);
    for (int i = 0; i < results.size(); i++) {
      Future<List<Row>> f = results.get(i);
      try {
        List<Row> rows = f.await(20, TimeUnit.SECONDS);
        assertTrue(200 + i != 207, "the bad row is not stored");
        assertEquals(200 + i, rows.get(0).getInteger("id"));
      } catch (Exception e) {
        assertEquals(207, 200 + i, "only the caller with the bad row fails: " + e);
        assertTrue(e.getMessage().contains("group_commit_probe_amount_check"), e.getMessage());
      }
    }
    assertEquals(20, gateway.count("select count(*) from group_commit_probe where id between 200 and 220"));
    assertEquals(0, gateway.count("select count(*) from group_commit_probe where id = 207"));
  }

  @Test
  void aRowRepeatedInTheSameBatchIsSkippedForItsLaterCallerOnly() throws Exception {
    GroupCommit<int[]> commits = commits();
    Future<List<Row>> first = commits.execute(new int[] {300, 1});
    Future<List<Row>> earlier = commits.execute(new int[] {301, 1});
    Future<List<Row>> repeated = commits.execute(new int[] {301, 2});
    Future<List<Row>> after = commits.execute(new int[] {302, 1});
    assertEquals(300, first.await(20, TimeUnit.SECONDS).get(0).getInteger("id"));
    assertEquals(301, earlier.await(20, TimeUnit.SECONDS).get(0).getInteger("id"), "the first of the two inserts");
    assertTrue(repeated.await(20, TimeUnit.SECONDS).isEmpty(), "ON CONFLICT DO NOTHING skips the repeat in the batch");
    assertEquals(302, after.await(20, TimeUnit.SECONDS).get(0).getInteger("id"));
    assertEquals(1, gateway.count("select amount from group_commit_probe where id = 301"));
    assertEquals(1, gateway.count("select count(distinct xmin::text) from group_commit_probe where id between 301 and 302"),
        "the three queued callers went out as one batch");
  }
}
