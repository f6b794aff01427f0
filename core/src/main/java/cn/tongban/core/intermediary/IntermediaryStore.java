package cn.tongban.core.intermediary;

import cn.tongban.core.event.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * All SQL of the 中介超市: organisations and their qualifications, selections, evaluations and the blacklist's
 * history; and the one read of the catalogue it needs (which matters name which intermediary service).
 */
public final class IntermediaryStore {
  private final Pool pool;

  public IntermediaryStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** A new organisation, checked. */
  record NewIntermediary(String creditCode, String name, Optional<String> address, Optional<String> introduction,
      List<Qualification> qualifications, String by) {
  }

  /** A qualification (资质) and the services it covers, valid through {@code validUntil}. */
  record Qualification(String name, String certificateNo, Optional<String> level, Optional<String> issuer,
      LocalDate validUntil, List<String> services) {
  }

  /** A new selection, decided. */
  record NewSelection(String service, String projectCode, Optional<String> matterCode, String ownerCreditCode,
      String ownerName, String method, Optional<Long> seed, Optional<List<Long>> candidates,
      Optional<JsonArray> quotes, long intermediaryId, String by) {
  }

  /** The organisation's public view: no personal data is stored, so everything here may be shown to anyone. */
  private static final String VIEW = """
      select i.id, i.credit_code, i.name, i.address, i.introduction, i.credit_score, i.blacklisted,
        i.blacklisted_at::text as blacklisted_at, i.registered_at::text as registered_at,
        i.updated_at::text as updated_at,
        coalesce((select json_agg(json_build_object('id', q.id::text, 'renewedAt', q.renewed_at::text, 'name', q.name, 'certificateNo', q.certificate_no,
            'level', q.level, 'issuer', q.issuer, 'validUntil', q.valid_until::text, 'services', q.services,
            'expired', q.valid_until < $1::date) order by q.id)
          from intermediary_qualification q where q.intermediary_id = i.id), '[]') as qualifications,
        (select e.reason from intermediary_blacklist_event e where e.intermediary_id = i.id and i.blacklisted
          order by e.decided_at desc, e.id desc limit 1) as blacklist_reason,
        (select count(*) from intermediary_selection s where s.intermediary_id = i.id) as selections,
        (select count(*) from intermediary_selection s where s.intermediary_id = i.id
          and (s.overdue or (s.status <> 'COMPLETED' and s.promised_on < $1::date))) as overdue,
        (select count(*) from intermediary_evaluation v join intermediary_selection s on s.id = v.selection_id
          where s.intermediary_id = i.id and v.side = 'OWNER') as evaluations,
        (select round(avg(v.grade), 1) from intermediary_evaluation v
          join intermediary_selection s on s.id = v.selection_id
          where s.intermediary_id = i.id and v.side = 'OWNER') as average_grade
      from intermediary i""";

  /** Inserts an organisation and its qualifications; empty when its credit code is registered already. */
  Future<Optional<Long>> insert(SqlClient tx, NewIntermediary n) {
    return tx.preparedQuery("""
            insert into intermediary (credit_code, name, address, introduction, registered_by)
            values ($1, $2, $3, $4, $5) on conflict (credit_code) do nothing returning id""")
        .execute(Tuple.of(n.creditCode(), n.name(), n.address().orElse(null), n.introduction().orElse(null), n.by()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          long id = rows.iterator().next().getLong(0);
          List<Tuple> batch = new ArrayList<>();
          n.qualifications().forEach(q -> batch.add(Tuple.of(id, q.name(), q.certificateNo(), q.level().orElse(null),
              q.issuer().orElse(null), q.validUntil(), q.services().toArray(String[]::new))));
          return tx.preparedQuery("""
                  insert into intermediary_qualification
                    (intermediary_id, name, certificate_no, level, issuer, valid_until, services)
                  values ($1, $2, $3, $4, $5, $6, $7)""").executeBatch(batch).map(x -> Optional.of(id));
        });
  }

  /** The organisation's own fields, locked for the change: [name, address, introduction]; empty if none. */
  Future<Optional<String[]>> ownFields(SqlClient tx, long id) {
    return tx.preparedQuery("select name, address, introduction from intermediary where id = $1 for update")
        .execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new String[] {
            rows.iterator().next().getString(0), rows.iterator().next().getString(1),
            rows.iterator().next().getString(2)}));
  }

  Future<Void> update(SqlClient tx, long id, String name, String address, String introduction) {
    return tx.preparedQuery("update intermediary set name = $2, address = $3, introduction = $4, updated_at = now()"
        + " where id = $1").execute(Tuple.of(id, name, address, introduction)).mapEmpty();
  }

  /** A qualification of the organisation, locked: [certificate number, level, issuer, valid until]; empty if none. */
  Future<Optional<Object[]>> qualification(SqlClient tx, long org, long qualification) {
    return tx.preparedQuery("select certificate_no, level, issuer, valid_until from intermediary_qualification"
        + " where id = $1 and intermediary_id = $2 for update").execute(Tuple.of(qualification, org))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new Object[] {rows.iterator().next().getString(0),
            rows.iterator().next().getString(1), rows.iterator().next().getString(2),
            rows.iterator().next().getLocalDate(3)}));
  }

  Future<Void> renew(SqlClient tx, long org, long qualification, String certificateNo, String level, String issuer,
      LocalDate validUntil) {
    return tx.preparedQuery("update intermediary_qualification set certificate_no = $2, level = $3, issuer = $4,"
            + " valid_until = $5, renewed_at = now() where id = $1")
        .execute(Tuple.of(qualification, certificateNo, level, issuer, validUntil))
        .compose(x -> tx.preparedQuery("update intermediary set updated_at = now() where id = $1")
            .execute(Tuple.of(org))).mapEmpty();
  }

  /**
   * The public listing, by credit score (best first) then name: optionally only those offering {@code service}
   * (with a qualification covering it, expired or not), only the blacklisted or only the others.
   */
  Future<List<JsonObject>> list(LocalDate today, Optional<String> service, Optional<Boolean> blacklisted) {
    return pool.preparedQuery(VIEW + "\n" + """
             where ($2::text is null or exists (select 1 from intermediary_qualification q
                 where q.intermediary_id = i.id and $2 = any(q.services)))
               and ($3::boolean is null or i.blacklisted = $3)
             order by i.credit_score desc, i.name, i.id limit 500""")
        .execute(Tuple.of(today, service.orElse(null), blacklisted.orElse(null)))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(view(r)));
          return out;
        });
  }

  /** One organisation's public view with the blacklist's history (reasons on record). */
  Future<Optional<JsonObject>> find(SqlClient client, long id, LocalDate today) {
    return client.preparedQuery(VIEW + " where i.id = $2").execute(Tuple.of(today, id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.<JsonObject>empty());
      }
      JsonObject o = view(rows.iterator().next());
      return client.preparedQuery("""
              select action, reason, automatic, decided_at::text from intermediary_blacklist_event
              where intermediary_id = $1 order by decided_at, id""").execute(Tuple.of(id))
          .map(events -> {
            JsonArray history = new JsonArray();
            events.forEach(e -> history.add(new JsonObject().put("action", e.getString(0)).put("reason", e.getString(1))
                .put("automatic", e.getBoolean(2)).put("at", e.getString(3))));
            return Optional.of(o.put("blacklistHistory", history));
          });
    });
  }

  private static JsonObject view(Row r) {
    JsonObject o = new JsonObject().put("id", String.valueOf(r.getLong("id"))).put("creditCode", r.getString("credit_code"))
        .put("name", r.getString("name")).put("creditScore", r.getInteger("credit_score"))
        .put("blacklisted", r.getBoolean("blacklisted")).put("registeredAt", r.getString("registered_at"))
        .put("selections", r.getLong("selections")).put("overdue", r.getLong("overdue"))
        .put("evaluations", r.getLong("evaluations"));
    putIf(o, "address", r.getString("address"));
    putIf(o, "introduction", r.getString("introduction"));
    putIf(o, "blacklistedAt", r.getString("blacklisted_at"));
    putIf(o, "updatedAt", r.getString("updated_at"));
    putIf(o, "blacklistReason", r.getString("blacklist_reason"));
    BigDecimal average = r.getBigDecimal("average_grade");
    if (average != null) {
      o.put("averageGrade", average.doubleValue());
    }
    Object q = r.getValue("qualifications");
    JsonArray qualifications = q instanceof JsonArray a ? a : new JsonArray(String.valueOf(q));
    o.put("qualifications", qualifications);
    // The services offered, each with whether a qualification covering it is valid today.
    JsonObject services = new JsonObject();
    for (Object x : qualifications) {
      JsonObject qual = (JsonObject) x;
      for (Object s : qual.getJsonArray("services")) {
        boolean valid = !qual.getBoolean("expired");
        services.put((String) s, services.getBoolean((String) s, false) || valid);
      }
    }
    JsonArray offered = new JsonArray();
    services.fieldNames().stream().sorted().forEach(s -> offered.add(new JsonObject().put("service", s)
        .put("qualified", services.getBoolean(s))));
    return o.put("services", offered);
  }

  private static void putIf(JsonObject o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  /**
   * Every organisation with a qualification covering {@code service}, with its latest valid-until for it, locked
   * for share until the selection commits, so a blacklisting in between waits for it (or it waits for that).
   */
  Future<List<IntermediaryRules.Offer>> offers(SqlClient tx, String service) {
    return tx.preparedQuery("""
            select i.id, i.blacklisted, q.valid_until from intermediary i
            join intermediary_qualification q on q.intermediary_id = i.id
            where $1 = any(q.services) order by i.id for share of i""").execute(Tuple.of(service))
        .map(rows -> {
          List<IntermediaryRules.Offer> out = new ArrayList<>();
          for (Row r : rows) {
            IntermediaryRules.Offer o = new IntermediaryRules.Offer(r.getLong(0), r.getBoolean(1), r.getLocalDate(2));
            IntermediaryRules.Offer last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.id() == o.id()) {
              out.set(out.size() - 1, last.validUntil().isBefore(o.validUntil()) ? o : last);
            } else {
              out.add(o);
            }
          }
          return out;
        });
  }

  /** The names and credit codes of organisations, by id (for violations and the selection's view). */
  Future<Optional<JsonObject>> brief(SqlClient client, long id) {
    return client.preparedQuery("select credit_code, name, blacklisted from intermediary where id = $1")
        .execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next())
            .map(r -> new JsonObject().put("id", String.valueOf(id)).put("creditCode", r.getString(0))
                .put("name", r.getString(1)).put("blacklisted", r.getBoolean(2))));
  }

  Future<Long> insertSelection(SqlClient tx, NewSelection n) {
    return tx.preparedQuery("""
            insert into intermediary_selection (service, project_code, matter_code, owner_credit_code, owner_name,
              method, seed, candidates, quotes, intermediary_id, created_by)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id""")
        .execute(Tuple.from(new Object[] {n.service(), n.projectCode(), n.matterCode().orElse(null),
            n.ownerCreditCode(), n.ownerName(), n.method(), n.seed().orElse(null),
            n.candidates().map(c -> c.toArray(Long[]::new)).orElse(null), n.quotes().orElse(null),
            n.intermediaryId(), n.by()}))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** A selection with its organisation and both sides' evaluations; {@code forUpdate} locks it. */
  Future<Optional<JsonObject>> selection(SqlClient client, long id, boolean forUpdate) {
    return client.preparedQuery(SELECTION + "where s.id = $1" + (forUpdate ? " for update of s" : ""))
        .execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(selectionView(rows.iterator().next())));
  }

  /**
   * The selections of the owners given (every owner's when {@code owners} is empty and {@code all}), optionally
   * of one project; newest first.
   */
  Future<List<JsonObject>> selections(List<String> owners, boolean all, Optional<String> projectCode, int limit) {
    return pool.preparedQuery(SELECTION + "where ($1 or s.owner_credit_code = any($2))"
            + " and ($3::text is null or s.project_code = $3) order by s.created_at desc, s.id desc limit " + limit)
        .execute(Tuple.of(all, owners.toArray(String[]::new), projectCode.orElse(null))).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(selectionView(r)));
          return out;
        });
  }

  private static final String SELECTION = """
            select s.id, s.service, s.project_code, s.matter_code, s.owner_credit_code, s.owner_name, s.method,
              s.seed, s.candidates, s.quotes, s.intermediary_id, i.name as intermediary_name,
              i.credit_code as intermediary_credit_code, s.status, s.contract_no, s.contract_amount,
              s.promised_on::text as promised_on, s.completed_on::text as completed_on, s.result, s.overdue,
              s.created_at::text as created_at,
              coalesce((select json_agg(json_build_object('side', v.side, 'grade', v.grade, 'comment', v.comment,
                  'at', v.evaluated_at::text) order by v.id)
                from intermediary_evaluation v where v.selection_id = s.id), '[]') as evaluations
            from intermediary_selection s join intermediary i on i.id = s.intermediary_id
            """;

  private static JsonObject selectionView(Row r) {
    JsonObject o = new JsonObject().put("id", String.valueOf(r.getLong("id"))).put("service", r.getString("service"))
        .put("projectCode", r.getString("project_code"))
        .put("owner", new JsonObject().put("creditCode", r.getString("owner_credit_code"))
            .put("name", r.getString("owner_name")))
        .put("method", r.getString("method"))
        .put("intermediary", new JsonObject().put("id", String.valueOf(r.getLong("intermediary_id")))
            .put("name", r.getString("intermediary_name")).put("creditCode", r.getString("intermediary_credit_code")))
        .put("status", r.getString("status")).put("overdue", r.getBoolean("overdue"))
        .put("createdAt", r.getString("created_at"));
    putIf(o, "matterCode", r.getString("matter_code"));
    if (r.getValue("seed") != null) {
      o.put("seed", String.valueOf(r.getLong("seed")));
      JsonArray candidates = new JsonArray();
      for (Long c : r.getArrayOfLongs("candidates")) {
        candidates.add(String.valueOf(c));
      }
      o.put("candidates", candidates);
    }
    if (r.getValue("quotes") != null) {
      Object q = r.getValue("quotes");
      o.put("quotes", q instanceof JsonArray a ? a : new JsonArray(String.valueOf(q)));
    }
    putIf(o, "contractNo", r.getString("contract_no"));
    BigDecimal amount = r.getBigDecimal("contract_amount");
    if (amount != null) {
      o.put("contractAmount", amount.toPlainString());
    }
    putIf(o, "promisedOn", r.getString("promised_on"));
    putIf(o, "completedOn", r.getString("completed_on"));
    putIf(o, "result", r.getString("result"));
    Object e = r.getValue("evaluations");
    return o.put("evaluations", e instanceof JsonArray a ? a : new JsonArray(String.valueOf(e)));
  }

  Future<Void> contract(SqlClient tx, long id, String contractNo, BigDecimal amount, LocalDate promisedOn) {
    return tx.preparedQuery("""
            update intermediary_selection set status = 'CONTRACTED', contract_no = $2, contract_amount = $3,
              promised_on = $4 where id = $1""").execute(Tuple.of(id, contractNo, amount, promisedOn)).mapEmpty();
  }

  Future<Void> complete(SqlClient tx, long id, LocalDate completedOn, String result, boolean overdue) {
    return tx.preparedQuery("""
            update intermediary_selection set status = 'COMPLETED', completed_on = $2, result = $3, overdue = $4
            where id = $1""").execute(Tuple.of(id, completedOn, result, overdue)).mapEmpty();
  }

  /** Records one side's evaluation; false when that side has evaluated this selection already. */
  Future<Boolean> evaluate(SqlClient tx, long selectionId, String side, int grade, Optional<String> comment,
      String by) {
    return tx.preparedQuery("""
            insert into intermediary_evaluation (selection_id, side, grade, comment, evaluated_by)
            values ($1, $2, $3, $4, $5) on conflict (selection_id, side) do nothing returning id""")
        .execute(Tuple.of(selectionId, side, grade, comment.orElse(null), by)).map(rows -> rows.size() > 0);
  }

  /** What the credit score is computed from: the owners' grades and the overdue selections as of {@code today}. */
  record ScoreFacts(List<Integer> grades, int overdue, int score, boolean blacklisted) {
  }

  /** The organisation's score facts, locking its row (the score and the blacklist change under that lock). */
  Future<ScoreFacts> scoreFacts(SqlClient tx, long id, LocalDate today) {
    return tx.preparedQuery("select credit_score, blacklisted from intermediary where id = $1 for update")
        .execute(Tuple.of(id)).compose(own -> {
          Row o = own.iterator().next();
          return tx.preparedQuery("""
                  select array(select v.grade from intermediary_evaluation v
                      join intermediary_selection s on s.id = v.selection_id
                      where s.intermediary_id = $1 and v.side = 'OWNER' order by v.id),
                    (select count(*) from intermediary_selection s where s.intermediary_id = $1
                      and (s.overdue or (s.status <> 'COMPLETED' and s.promised_on < $2::date)))""")
              .execute(Tuple.of(id, today)).map(rows -> {
                Row r = rows.iterator().next();
                List<Integer> grades = List.of(r.getArrayOfIntegers(0));
                return new ScoreFacts(grades, r.getLong(1).intValue(), o.getInteger(0), o.getBoolean(1));
              });
        });
  }

  Future<Void> setScore(SqlClient tx, long id, int score) {
    return tx.preparedQuery("update intermediary set credit_score = $2 where id = $1").execute(Tuple.of(id, score))
        .mapEmpty();
  }

  /** Puts the organisation on the blacklist or lifts it, with the decision and its reason on record. */
  Future<Void> blacklist(SqlClient tx, long id, boolean on, String reason, boolean automatic, String by) {
    return tx.preparedQuery("""
            update intermediary set blacklisted = $2, blacklisted_at = case when $2 then now() end where id = $1""")
        .execute(Tuple.of(id, on))
        .compose(x -> tx.preparedQuery("""
                insert into intermediary_blacklist_event (intermediary_id, action, reason, automatic, decided_by)
                values ($1, $2, $3, $4, $5)""")
            .execute(Tuple.of(id, on ? "BLACKLIST" : "LIFT", reason, automatic, by)))
        .mapEmpty();
  }

  /** Organisations with open work past its promised day whose score does not count that yet (for the job). */
  Future<List<Long>> overdueUncounted(LocalDate today) {
    return pool.preparedQuery("""
            select distinct s.intermediary_id from intermediary_selection s
            where s.status = 'CONTRACTED' and s.promised_on < $1::date and not s.overdue""")
        .execute(Tuple.of(today)).map(rows -> {
          List<Long> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getLong(0)));
          return out;
        });
  }

  /** Marks open work past its promised day as overdue (once: the score counts it from then on). */
  Future<Integer> markOverdue(SqlClient tx, long intermediaryId, LocalDate today) {
    return tx.preparedQuery("""
            update intermediary_selection set overdue = true
            where intermediary_id = $1 and status = 'CONTRACTED' and promised_on < $2::date and not overdue""")
        .execute(Tuple.of(intermediaryId, today)).map(rows -> rows.rowCount());
  }

  /** The catalogue's intermediary services: each service name with the matters that name it. */
  Future<JsonArray> services() {
    return pool.query("""
            select s ->> 'name' as service, json_agg(json_build_object('code', m.code, 'name', m.name,
                'required', coalesce((s ->> 'required')::boolean, false), 'provider', s ->> 'provider')
                order by m.code) as matters
            from matter m, jsonb_array_elements(case when jsonb_typeof(m.document -> 'intermediaryServices') = 'array'
                then m.document -> 'intermediaryServices' else '[]'::jsonb end) s
            where jsonb_typeof(s) = 'object' and s ->> 'name' is not null group by s ->> 'name' order by s ->> 'name'""").execute()
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> {
            Object m = r.getValue("matters");
            out.add(new JsonObject().put("service", r.getString("service"))
                .put("matters", m instanceof JsonArray a ? a : new JsonArray(String.valueOf(m))));
          });
          return out;
        });
  }

  /** Appends an outbox event about an organisation. */
  static Future<Void> event(SqlClient tx, long id, String type, JsonObject payload) {
    return Outbox.append(tx, "intermediary", String.valueOf(id), type, payload);
  }
}
