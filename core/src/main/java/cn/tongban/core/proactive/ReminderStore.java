package cn.tongban.core.proactive;

import cn.tongban.core.identity.IdentityStore;
import cn.tongban.core.privacy.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** All SQL of 主动提醒: the rules, the reminders sent (one per rule, person and occasion) and the opt-outs. */
public final class ReminderStore {
  /** A reminder rule, as stored. */
  public record Rule(String code, String kind, String topic, String title, String message, String matterCode,
      Optional<String> licenceType, Optional<Integer> age, List<Integer> daysBefore, boolean enabled,
      String updatedBy, OffsetDateTime updatedAt) {

    public JsonObject toJson() {
      JsonObject out = new JsonObject().put("code", code).put("kind", kind).put("topic", topic).put("title", title)
          .put("message", message).put("matterCode", matterCode).put("daysBefore", new JsonArray(daysBefore))
          .put("enabled", enabled).put("updatedBy", updatedBy).put("updatedAt", updatedAt.toString());
      licenceType.ifPresent(t -> out.put("licenceType", t));
      age.ifPresent(a -> out.put("age", a));
      return out;
    }
  }

  /** One reminder the scan found due, before it is recorded (and so sent) once. */
  public record Due(String ruleCode, String accountId, String occasion, String topic, String title, String message,
      String link, String matterCode, LocalDate dueOn) {
  }

  /** A person a rule may concern: their account and what the rule reads of them. */
  public record Subject(String accountId, String occasionKey, String name, LocalDate date) {
  }

  private static final String RULE_COLUMNS = "code, kind, topic, title, message, matter_code, licence_type, age,"
      + " days_before, enabled, updated_by, updated_at";

  private final Pool pool;
  private final PersonalData personal;

  public ReminderStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  Pool pool() {
    return pool;
  }

  // ------------------------------------------------------------------------------------------- rules

  Future<List<Rule>> rules() {
    return pool.query("select " + RULE_COLUMNS + " from reminder_rule order by code").execute()
        .map(rows -> {
          List<Rule> out = new ArrayList<>();
          rows.forEach(r -> out.add(rule(r)));
          return out;
        });
  }

  Future<Boolean> matterExists(String code) {
    return pool.preparedQuery("select 1 from matter where code = $1").execute(Tuple.of(code))
        .map(rows -> rows.size() > 0);
  }

  /** Creates or replaces a rule; the reminders it already sent stay (their keys keep them from repeating). */
  Future<Rule> put(SqlClient tx, Rule rule) {
    return tx.preparedQuery("insert into reminder_rule (code, kind, topic, title, message, matter_code, licence_type,"
            + " age, days_before, enabled, updated_by, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
            + " $11, $12) on conflict (code) do update set kind = excluded.kind, topic = excluded.topic,"
            + " title = excluded.title, message = excluded.message, matter_code = excluded.matter_code,"
            + " licence_type = excluded.licence_type, age = excluded.age, days_before = excluded.days_before,"
            + " enabled = excluded.enabled, updated_by = excluded.updated_by, updated_at = excluded.updated_at"
            + " returning " + RULE_COLUMNS)
        .execute(Tuple.from(Arrays.asList(rule.code(), rule.kind(), rule.topic(), rule.title(), rule.message(),
            rule.matterCode(), rule.licenceType().orElse(null), rule.age().orElse(null),
            rule.daysBefore().toArray(Integer[]::new), rule.enabled(), rule.updatedBy(), rule.updatedAt())))
        .map(rows -> rule(rows.iterator().next()));
  }

  private static Rule rule(Row r) {
    return new Rule(r.getString("code"), r.getString("kind"), r.getString("topic"), r.getString("title"),
        r.getString("message"), r.getString("matter_code"), Optional.ofNullable(r.getString("licence_type")),
        Optional.ofNullable(r.getInteger("age")), List.of(r.getArrayOfIntegers("days_before")),
        r.getBoolean("enabled"), r.getString("updated_by"), r.getOffsetDateTime("updated_at"));
  }

  // --------------------------------------------------------------------------------- whom rules concern

  /**
   * The holders with a citizen account of an active licence of {@code typeName} running out between
   * {@code from} and {@code until}, unless a newer licence of the type replaced it (换领 already done).
   */
  Future<List<Subject>> expiringLicences(String typeName, LocalDate from, LocalDate until) {
    return pool.preparedQuery("""
            select a.id::text as account_id, l.identifier, l.name, l.valid_until
            from licence l join account a on a.id_number_index = l.holder_index and a.kind = 'CITIZEN'
              and not a.disabled
            where l.status = 'ACTIVE' and l.type_name = $1 and l.valid_until between $2 and $3
              and not exists (select 1 from licence n where n.holder_index = l.holder_index
                and n.type_name = l.type_name and n.status = 'ACTIVE'
                and (n.valid_until is null or n.valid_until > l.valid_until))
            order by l.valid_until, l.identifier""").execute(Tuple.of(typeName, from, until))
        .map(rows -> {
          List<Subject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Subject(r.getString("account_id"), r.getString("identifier"),
              r.getString("name"), r.getLocalDate("valid_until"))));
          return out;
        });
  }

  /** Each citizen's latest approval of the matter (年审 falls due on its anniversaries). */
  Future<List<Subject>> approvals(String matterCode) {
    return pool.preparedQuery("""
            select distinct on (a.id) a.id::text as account_id, (c.decided_at at time zone 'Asia/Shanghai')::date as decided
            from application c join account a on a.id_number_index = c.applicant_id_index and a.kind = 'CITIZEN'
              and not a.disabled
            where c.matter_code = $1 and c.decided_at is not null
              and (c.status = 'APPROVED' or (c.status = 'DELIVERED'
                and exists (select 1 from case_step s where s.application_id = c.id and s.action = 'approve')))
            order by a.id, c.decided_at desc""").execute(Tuple.of(matterCode))
        .map(rows -> {
          List<Subject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Subject(r.getString("account_id"), "", "", r.getLocalDate("decided"))));
          return out;
        });
  }

  /**
   * A page of citizens with an identity number who have no case of {@code matterCode} yet, after account
   * {@code after}, with their identity number opened (their birth date is in it).
   */
  Future<List<Subject>> citizensWithout(String matterCode, String after, int limit) {
    return pool.preparedQuery("""
            select a.id::text as account_id, a.id_number_sealed from account a
            where a.kind = 'CITIZEN' and not a.disabled and a.id_number_sealed is not null and a.id::text > $2
              and not exists (select 1 from application c where c.applicant_id_index = a.id_number_index
                and c.matter_code = $1)
            order by a.id::text limit $3""").execute(Tuple.of(matterCode, after, limit))
        .map(rows -> {
          List<Subject> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Subject(r.getString("account_id"),
              personal.open(IdentityStore.ID_NUMBER, r.getString("account_id"), r.getString("id_number_sealed")), "", null)));
          return out;
        });
  }

  // ------------------------------------------------------------------------------------------- sending

  /**
   * Records the reminders not recorded before and not opted out of, each with its audit row and its
   * {@code ReminderDue} outbox event, in one statement. The unique key (rule, account, occasion) makes a
   * second pass, a restart or another node's concurrent pass skip what one pass already recorded.
   */
  Future<Integer> record(List<Due> due) {
    if (due.isEmpty()) {
      return Future.succeededFuture(0);
    }
    int n = due.size();
    String[][] cols = new String[9][n];
    for (int i = 0; i < n; i++) {
      Due d = due.get(i);
      String[] v = {d.ruleCode(), d.accountId(), d.occasion(), d.topic(), d.title(), d.message(), d.link(),
          d.matterCode(), d.dueOn().toString()};
      for (int c = 0; c < 9; c++) {
        cols[c][i] = v[c];
      }
    }
    Tuple args = Tuple.tuple();
    for (String[] col : cols) {
      args.addArrayOfString(col);
    }
    return pool.preparedQuery("""
            with due as (
              select d.rule_code, d.account_id::uuid as account_id, d.occasion, d.topic, d.title, d.message, d.link,
                     d.matter_code, d.due_on::date as due_on
              from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::text[], $9::text[])
                as d(rule_code, account_id, occasion, topic, title, message, link, matter_code, due_on)
              where not exists (select 1 from reminder_opt_out o
                                where o.account_id = d.account_id::uuid and o.topic = d.topic)
            ), ins as (
              insert into reminder (rule_code, account_id, occasion, topic, title, message, link, matter_code, due_on)
              select * from due
              on conflict (rule_code, account_id, occasion) do nothing
              returning *
            ), audit as (
              insert into audit_event (actor, action, entity_type, entity_id, detail)
              select 'system:reminders', 'reminder.sent', 'reminder', id::text,
                     jsonb_build_object('ruleCode', rule_code, 'occasion', occasion)
              from ins
            ), outbox as (
              insert into outbox_event (aggregate_type, aggregate_id, event_type, payload)
              select 'reminder', id::text, 'ReminderDue',
                     jsonb_build_object('id', id, 'ruleCode', rule_code, 'topic', topic, 'accountId', account_id,
                                        'title', title, 'text', message, 'link', link, 'matterCode', matter_code,
                                        'dueOn', due_on)
              from ins
            )
            select count(*) from ins""").execute(args)
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  // ------------------------------------------------------------------------------------- the citizen's

  Future<JsonArray> reminders(String accountId, int limit) {
    return pool.preparedQuery("""
            select r.id::text as id, r.rule_code, r.topic, r.title, r.message, r.link, r.matter_code, r.due_on,
                   r.created_at, m.name as matter_name
            from reminder r left join matter m on m.code = r.matter_code
            where r.account_id = $1::uuid order by r.created_at desc, r.id limit $2""")
        .execute(Tuple.of(accountId, limit))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("id", r.getString("id")).put("ruleCode", r.getString("rule_code"))
              .put("topic", r.getString("topic")).put("title", r.getString("title"))
              .put("text", r.getString("message")).put("link", r.getString("link"))
              .put("matterCode", r.getString("matter_code")).put("matterName", r.getString("matter_name"))
              .put("dueOn", r.getLocalDate("due_on").toString())
              .put("sentAt", r.getOffsetDateTime("created_at").toString())));
          return out;
        });
  }

  Future<Set<String>> optOuts(String accountId) {
    return pool.preparedQuery("select topic from reminder_opt_out where account_id = $1::uuid")
        .execute(Tuple.of(accountId))
        .map(rows -> {
          Set<String> out = new HashSet<>();
          rows.forEach(r -> out.add(r.getString("topic")));
          return out;
        });
  }

  Future<Void> setOptOut(SqlClient tx, String accountId, String topic, boolean optedOut) {
    String sql = optedOut
        ? "insert into reminder_opt_out (account_id, topic) values ($1::uuid, $2) on conflict do nothing"
        : "delete from reminder_opt_out where account_id = $1::uuid and topic = $2";
    return tx.preparedQuery(sql).execute(Tuple.of(accountId, topic)).mapEmpty();
  }
}
