package cn.tongban.gateway;

import cn.tongban.core.infra.Database;
import cn.tongban.core.infra.GroupCommit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
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
  // The first caller's statement sleeps, so that the others queue behind it and go out together.
  private static final String INSERT = "insert into group_commit_probe (id, amount)"
      + " select $1, $2 from (select pg_sleep(case when $1 % 100 = 0 then 0.3 else 0 end)) s returning id";
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

  private static List<Future<RowSet<Row>>> submitAll(GroupCommit commits, int first, int count, int badId) {
    List<Future<RowSet<Row>>> results = new ArrayList<>();
    results.add(commits.execute(Tuple.of(first, 1)));
    for (int id = first + 1; id <= first + count; id++) {
      results.add(commits.execute(Tuple.of(id, id == badId ? -1 : 1)));
    }
    return results;
  }

  @Test
  void callersQueuedBehindOneShareACommitAndEachGetsItsOwnRow() throws Exception {
    List<Future<RowSet<Row>>> results = submitAll(new GroupCommit(pool, INSERT, 1, 64), 100, 20, -1);
    for (int i = 0; i < results.size(); i++) {
      RowSet<Row> rows = results.get(i).await(20, TimeUnit.SECONDS);
      assertEquals(100 + i, rows.iterator().next().getInteger("id"), "each caller gets the row of its own arguments");
    }
    assertEquals(21, gateway.count("select count(*) from group_commit_probe where id between 100 and 120"));
    assertEquals(1, gateway.count("select count(distinct xmin::text) from group_commit_probe where id between 101 and 120"),
        "the twenty queued callers were committed in one transaction");
  }

  @Test
  void aBadRowFailsOnlyItsOwnCallerAndTheOthersAreStored() throws Exception {
    List<Future<RowSet<Row>>> results = submitAll(new GroupCommit(pool, INSERT, 1, 64), 200, 20, 207);
    for (int i = 0; i < results.size(); i++) {
      Future<RowSet<Row>> f = results.get(i);
      try {
        RowSet<Row> rows = f.await(20, TimeUnit.SECONDS);
        assertTrue(200 + i != 207, "the bad row is not stored");
        assertEquals(200 + i, rows.iterator().next().getInteger("id"));
      } catch (Exception e) {
        assertEquals(207, 200 + i, "only the caller with the bad row fails: " + e);
        assertTrue(e.getMessage().contains("group_commit_probe_amount_check"), e.getMessage());
      }
    }
    assertEquals(20, gateway.count("select count(*) from group_commit_probe where id between 200 and 220"));
    assertEquals(0, gateway.count("select count(*) from group_commit_probe where id = 207"));
  }
}
