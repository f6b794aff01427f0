package cn.tongban.core.hotline;

import cn.tongban.core.clock.DeadlineWarnings;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** All SQL of 12345 work orders: the order, its steps and warnings, lists, statistics and the deadline scan. */
public final class WorkOrderStore {
  /** Column context of the sealed caller. */
  static final String CALLER = "work_order.caller";

  /** The sealed caller of every order, for a rewrap (the phone's blind index is redone with it). */
  public static final SealedTable SEALED = new SealedTable("work_order",
      "select id, number, caller_sealed from work_order where $2::bytea is not null and "
          + SealedTable.stale("caller_sealed") + " order by id",
      "update work_order set caller_sealed = $2, caller_phone_index = $3 where id = $1",
      (personal, r) -> {
        JsonObject caller = personal.openJson(CALLER, r.getString("number"), r.getString("caller_sealed"));
        return Tuple.of(r.getLong("id"), personal.sealJson(CALLER, r.getString("number"), caller),
            personal.index(PersonalData.Kind.PHONE, caller.getString("phone")));
      });

  private static final String SELECT = """
      select w.*, h.name as place_hall_name, d.name as department_name, o.display_name as owner_name
      from work_order w left join hall h on h.code = w.place_hall_code
        left join department d on d.code = w.department_code
        left join account o on o.id = w.owner_id""";

  private static final String LOCAL_DAY = "(%s at time zone 'Asia/Shanghai')::date";

  /** What a list may be narrowed to; {@code scopeDepartment} is the caller's own department for department staff. */
  public record Filter(Optional<String> status, Optional<String> type, Optional<String> departmentCode,
      boolean overdue, Optional<String> callerPhone, Optional<String> caseNumber,
      Optional<String> scopeDepartment, int limit) {
  }

  private final Pool pool;
  private final PersonalData personal;

  public WorkOrderStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  Pool pool() {
    return pool;
  }

  /** Inserts a new order numbered {@code GD<yyyyMMdd><6 digits>}; answers its number. */
  Future<String> insert(SqlClient tx, WorkOrder w, LocalDate today) {
    // The number is drawn first: the sealed caller is bound to it.
    return tx.preparedQuery("select 'GD' || $1::text || lpad(nextval('work_order_seq')::text, 6, '0')")
        .execute(Tuple.of(today.toString().replace("-", "")))
        .map(rows -> rows.iterator().next().getString(0))
        .compose(drawn -> tx.preparedQuery("""
            insert into work_order (number, type, status, caller_sealed, caller_phone_index, subject, content,
              place_hall_code, matter_code, case_number, owner_id, reply, replied_at, closed_at, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
            returning number""")
        .execute(Tuple.from(new Object[] {drawn, w.type, w.status,
            personal.sealJson(CALLER, drawn, w.caller), personal.index(PersonalData.Kind.PHONE, w.caller.getString("phone")),
            w.subject, w.content, w.placeHallCode, w.matterCode, w.caseNumber, w.ownerId, w.reply, w.repliedAt,
            w.closedAt, w.createdAt})))
        .map(rows -> rows.iterator().next().getString(0));
  }

  /** The order, locked for the rest of the transaction. */
  Future<Optional<WorkOrder>> lock(SqlClient tx, String number) {
    return tx.preparedQuery(SELECT + " where w.number = $1 for update of w").execute(Tuple.of(number))
        .map(this::first);
  }

  Future<Optional<WorkOrder>> find(SqlClient client, String number) {
    return client.preparedQuery(SELECT + " where w.number = $1").execute(Tuple.of(number)).map(this::first);
  }

  /** Writes back every column an action may change. */
  Future<Void> update(SqlClient tx, WorkOrder w) {
    return tx.preparedQuery("""
            update work_order set status = $2, dispatcher_id = $3, department_code = $4, dispatched_at = $5,
              sign_due_date = $6, due_date = $7, signed_at = $8, reply = $9, replied_at = $10, return_reason = $11,
              returns = $12, urges = $13, reopens = $14, extension = $15, satisfaction = $16, called_back_at = $17,
              closed_at = $18, updated_at = $19, owner_id = $20
            where id = $1""")
        .execute(Tuple.from(new Object[] {w.id, w.status, w.dispatcherId, w.departmentCode, w.dispatchedAt,
            w.signDueDate, w.dueDate, w.signedAt, w.reply, w.repliedAt, w.returnReason, w.returns, w.urges, w.reopens,
            w.extension, w.satisfaction, w.calledBackAt, w.closedAt, w.updatedAt, w.ownerId}))
        .mapEmpty();
  }

  /** An active hotline operator's account id and name, by username. */
  Future<java.util.Optional<java.util.Map.Entry<UUID, String>>> hotlineOperator(String username) {
    return pool.preparedQuery("select id, display_name from account where username = $1 and kind = 'STAFF'"
            + " and 'HOTLINE' = any(roles) and not disabled")
        .execute(Tuple.of(username))
        .map(rows -> rows.size() == 0 ? java.util.Optional.empty()
            : java.util.Optional.of(java.util.Map.entry(rows.iterator().next().getUUID(0),
                rows.iterator().next().getString(1))));
  }

  /** Records one step of the order's history; the actor's name is read from the account. */
  Future<Void> step(SqlClient tx, String number, String action, String from, String to, String actor,
      Optional<UUID> account, String departmentCode, String comment, OffsetDateTime at) {
    return tx.preparedQuery("""
            insert into work_order_step (work_order_id, action, from_status, to_status, actor, actor_name,
              department_code, comment, at)
            select w.id, $2, $3, $4, $5, (select display_name from account where id = $6), $7, $8, $9
            from work_order w where w.number = $1""")
        .execute(Tuple.from(new Object[] {number, action, from, to, actor, account.orElse(null), departmentCode,
            comment, at}))
        .mapEmpty();
  }

  Future<List<JsonObject>> steps(long id) {
    return pool.preparedQuery("""
            select s.action, s.from_status, s.to_status, s.actor_name, s.department_code, d.name, s.comment, s.at
            from work_order_step s left join department d on d.code = s.department_code
            where s.work_order_id = $1 order by s.id""")
        .execute(Tuple.of(id))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new JsonObject().put("action", r.getString(0)).put("fromStatus", r.getString(1))
                .put("toStatus", r.getString(2)).put("actorName", r.getString(3)).put("departmentCode", r.getString(4))
                .put("departmentName", r.getString(5)).put("comment", r.getString(6))
                .put("at", r.getOffsetDateTime(7).toString()));
          }
          return out;
        });
  }

  Future<List<JsonObject>> warnings(long id) {
    return pool.preparedQuery("select kind, level, due_date, raised_at from work_order_warning"
            + " where work_order_id = $1 order by raised_at, kind")
        .execute(Tuple.of(id))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new JsonObject().put("kind", r.getString(0)).put("level", r.getString(1))
                .put("dueDate", r.getLocalDate(2).toString()).put("raisedAt", r.getOffsetDateTime(3).toString()));
          }
          return out;
        });
  }

  /** Orders matching the filter, newest first. */
  Future<List<WorkOrder>> list(Filter f, LocalDate today) {
    return pool.preparedQuery(SELECT + """
             where ($1::text is null or w.status = $1) and ($2::text is null or w.type = $2)
              and ($3::text is null or w.department_code = $3)
              and ($4::boolean is not true or (w.status in ('DISPATCHED', 'SIGNED') and w.due_date < $5))
              and ($6::text is null or w.caller_phone_index = $6) and ($7::text is null or w.case_number = $7)
              and ($8::text is null or w.department_code = $8)
            order by w.id desc limit $9""")
        .execute(Tuple.from(new Object[] {f.status().orElse(null), f.type().orElse(null),
            f.departmentCode().orElse(null), f.overdue(), today,
            f.callerPhone().map(p -> personal.index(PersonalData.Kind.PHONE, p)).orElse(null),
            f.caseNumber().orElse(null), f.scopeDepartment().orElse(null), f.limit()}))
        .map(rows -> {
          List<WorkOrder> out = new ArrayList<>();
          rows.forEach(r -> out.add(toWorkOrder(r)));
          return out;
        });
  }

  Future<List<JsonObject>> departments() {
    return pool.query("select code, name from department order by code").execute().map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(new JsonObject().put("code", r.getString(0)).put("name", r.getString(1))));
      return out;
    });
  }

  Future<Boolean> departmentExists(String code) {
    return exists("select 1 from department where code = $1", code);
  }

  Future<Boolean> hallExists(String code) {
    return exists("select 1 from hall where code = $1", code);
  }

  Future<Boolean> matterExists(String code) {
    return exists("select 1 from matter where code = $1", code);
  }

  Future<Boolean> caseExists(String number) {
    return exists("select 1 from application where number = $1", number);
  }

  private Future<Boolean> exists(String sql, String value) {
    return pool.preparedQuery(sql).execute(Tuple.of(value)).map(rows -> rows.size() > 0);
  }

  /** Volume by type and department, on-time replies and satisfaction of orders taken between two days. */
  Future<JsonObject> statistics(LocalDate from, LocalDate to, LocalDate today) {
    String within = " where " + LOCAL_DAY.formatted("w.created_at") + " between $1 and $2";
    Future<RowSet<Row>> byType = pool.preparedQuery("select w.type, count(*) from work_order w" + within
        + " group by w.type order by w.type").execute(Tuple.of(from, to));
    Future<RowSet<Row>> byDepartment = pool.preparedQuery("""
            select w.department_code, d.name, count(*),
              count(*) filter (where w.replied_at is not null and w.due_date is not null),
              count(*) filter (where w.replied_at is not null and w.due_date is not null
                               and %s <= w.due_date),
              count(*) filter (where w.status in ('DISPATCHED', 'SIGNED') and w.due_date < $3)
            from work_order w join department d on d.code = w.department_code""".formatted(
                LOCAL_DAY.formatted("w.replied_at")) + within + " group by w.department_code, d.name order by 3 desc")
        .execute(Tuple.of(from, to, today));
    Future<RowSet<Row>> satisfaction = pool.preparedQuery("select w.satisfaction, count(*) from work_order w" + within
        + " and w.satisfaction is not null group by w.satisfaction order by 1 desc").execute(Tuple.of(from, to));
    return Future.all(byType, byDepartment, satisfaction).map(all -> {
      JsonArray types = new JsonArray();
      long total = 0;
      for (Row r : byType.result()) {
        total += r.getLong(1);
        types.add(new JsonObject().put("type", r.getString(0)).put("typeName", WorkOrderNames.TYPES.get(r.getString(0)))
            .put("count", r.getLong(1)));
      }
      JsonArray departments = new JsonArray();
      long replied = 0;
      long onTime = 0;
      for (Row r : byDepartment.result()) {
        replied += r.getLong(3);
        onTime += r.getLong(4);
        departments.add(new JsonObject().put("departmentCode", r.getString(0)).put("departmentName", r.getString(1))
            .put("count", r.getLong(2)).put("replied", r.getLong(3)).put("repliedOnTime", r.getLong(4))
            .put("onTimeRate", rate(r.getLong(4), r.getLong(3))).put("overdue", r.getLong(5)));
      }
      JsonArray grades = new JsonArray();
      long rated = 0;
      long sum = 0;
      long satisfied = 0;
      for (Row r : satisfaction.result()) {
        long n = r.getLong(1);
        rated += n;
        sum += n * r.getInteger(0);
        satisfied += r.getInteger(0) >= 3 ? n : 0;
        grades.add(new JsonObject().put("satisfaction", r.getInteger(0)).put("count", n));
      }
      return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("total", total)
          .put("byType", types).put("byDepartment", departments)
          .put("onTime", new JsonObject().put("replied", replied).put("repliedOnTime", onTime)
              .put("rate", rate(onTime, replied)))
          .put("satisfaction", new JsonObject().put("rated", rated).put("byGrade", grades)
              .put("average", rated == 0 ? null : Math.round(sum * 100.0 / rated) / 100.0)
              .put("satisfiedRate", rate(satisfied, rated)));
    });
  }

  private static Double rate(long part, long whole) {
    return whole == 0 ? null : Math.round(part * 10000.0 / whole) / 10000.0;
  }

  /** Deadlines up to {@code horizon} still running: [order id, kind, due date]. */
  Future<List<Object[]>> dueBy(LocalDate horizon) {
    return pool.preparedQuery("""
            select id, 'SIGN_DUE', sign_due_date from work_order where status = 'DISPATCHED' and sign_due_date <= $1
            union all
            select id, 'REPLY_DUE', due_date from work_order
              where status in ('DISPATCHED', 'SIGNED') and due_date <= $1""")
        .execute(Tuple.of(horizon))
        .map(rows -> {
          List<Object[]> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Object[] {r.getLong(0), r.getString(1), r.getLocalDate(2)}));
          return out;
        });
  }

  /** Raises each warning not raised before, with its outbox event, in one statement; answers how many. */
  private static final String RAISE = DeadlineWarnings.raiseStatement("work_order_warning", "work_order_id",
      "work_order", "work-order", "p.number", "WorkOrderDeadlineWarning", "jsonb_build_object('number', p.number,"
          + " 'kind', ins.kind, 'level', ins.level, 'dueDate', ins.due_date, 'departmentCode', p.department_code)");

  Future<Integer> raise(List<Long> ids, List<String> kinds, List<String> levels, List<LocalDate> dues,
      OffsetDateTime at) {
    return pool.preparedQuery(RAISE)
        .execute(DeadlineWarnings.raiseArguments(ids, kinds, levels, dues, at))
        .map(r -> r.iterator().next().getLong(0).intValue());
  }

  private Optional<WorkOrder> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toWorkOrder(rows.iterator().next()));
  }

  private WorkOrder toWorkOrder(Row r) {
    WorkOrder w = new WorkOrder();
    w.id = r.getLong("id");
    w.number = r.getString("number");
    w.type = r.getString("type");
    w.status = r.getString("status");
    w.caller = personal.openJson(CALLER, r.getString("number"), r.getString("caller_sealed"));
    w.subject = r.getString("subject");
    w.content = r.getString("content");
    w.placeHallCode = r.getString("place_hall_code");
    w.placeHallName = r.getString("place_hall_name");
    w.matterCode = r.getString("matter_code");
    w.caseNumber = r.getString("case_number");
    w.ownerId = r.getUUID("owner_id");
    w.ownerName = r.getString("owner_name");
    w.dispatcherId = r.getUUID("dispatcher_id");
    w.departmentCode = r.getString("department_code");
    w.departmentName = r.getString("department_name");
    w.dispatchedAt = r.getOffsetDateTime("dispatched_at");
    w.signDueDate = r.getLocalDate("sign_due_date");
    w.dueDate = r.getLocalDate("due_date");
    w.signedAt = r.getOffsetDateTime("signed_at");
    w.reply = r.getString("reply");
    w.repliedAt = r.getOffsetDateTime("replied_at");
    w.returnReason = r.getString("return_reason");
    w.returns = r.getInteger("returns");
    w.urges = r.getInteger("urges");
    w.reopens = r.getInteger("reopens");
    Object ext = r.getValue("extension");
    w.extension = ext instanceof JsonObject j ? j : null;
    w.satisfaction = r.getInteger("satisfaction");
    w.calledBackAt = r.getOffsetDateTime("called_back_at");
    w.closedAt = r.getOffsetDateTime("closed_at");
    w.createdAt = r.getOffsetDateTime("created_at");
    w.updatedAt = r.getOffsetDateTime("updated_at");
    return w;
  }
}
