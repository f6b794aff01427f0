package cn.tongban.core.identity;

import cn.tongban.core.privacy.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * All of the organisation's SQL: departments, the hall tree and its windows, and the account changes only
 * administrators make (disabling). Accounts themselves are {@link IdentityStore}'s.
 */
public final class OrganisationStore {
  private final Pool pool;
  private final PersonalData personal;

  public OrganisationStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  Pool pool() {
    return pool;
  }

  /** An account disabled or enabled, its token epoch moved: its id, new epoch and username. */
  record Disabled(String accountId, int epoch, String username) {
  }

  /** Disables (or enables) a staff account by username or a citizen by identity number (found by its index). */
  Future<Optional<Disabled>> setDisabled(String usernameOrIdNumber, boolean disabled) {
    return pool.preparedQuery("update account set disabled = $2, token_epoch = token_epoch + 1"
            + " where username = $1 or (kind = 'CITIZEN' and id_number_index = $3)"
            + " returning id::text, token_epoch, username")
        .execute(Tuple.of(usernameOrIdNumber, disabled, personal.index(PersonalData.Kind.ID, usernameOrIdNumber)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new Disabled(rows.iterator().next().getString(0),
            rows.iterator().next().getInteger(1), rows.iterator().next().getString(2))));
  }

  /** The names of a department and a hall (either may be absent). */
  Future<String[]> names(Optional<String> departmentCode, Optional<String> hallCode) {
    return pool.preparedQuery("select (select name from department where code = $1),"
            + " (select name from hall where code = $2)")
        .execute(Tuple.of(departmentCode.orElse(null), hallCode.orElse(null)))
        .map(rows -> new String[] {rows.iterator().next().getString(0), rows.iterator().next().getString(1)});
  }

  /**
   * Creates or renames a department; a credit code given replaces the recorded one (and is no longer a demo
   * code), none keeps it. Fails with the database's unique violation when another department has the code.
   */
  Future<JsonObject> putDepartment(SqlClient client, String code, String name, String creditCode) {
    return client.preparedQuery("""
            insert into department (code, name, credit_code) values ($1, $2, $3)
            on conflict (code) do update set name = excluded.name,
              credit_code = coalesce(excluded.credit_code, department.credit_code),
              credit_code_demo = case when excluded.credit_code is null then department.credit_code_demo else false end
            returning code, name, credit_code, credit_code_demo""")
        .execute(Tuple.of(code, name, creditCode)).map(rows -> department(rows.iterator().next()));
  }

  /** Every department with its credit code, by code. */
  Future<JsonArray> departments() {
    return pool.query("select code, name, credit_code, credit_code_demo from department order by code").execute()
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(department(r)));
          return out;
        });
  }

  private static JsonObject department(io.vertx.sqlclient.Row r) {
    return new JsonObject().put("code", r.getString(0)).put("name", r.getString(1))
        .put("creditCode", r.getString(2)).put("creditCodeDemo", r.getBoolean(3));
  }

  /**
   * Demo mode: gives each department that has no credit code the well-formed demo code it is handed, marked
   * as demo; a code an administrator recorded is never overwritten.
   */
  public Future<Void> markDemoCreditCodes(SqlClient client, java.util.Map<String, String> codes) {
    return client.preparedQuery("""
            update department d set credit_code = c.credit_code, credit_code_demo = true
            from unnest($1::text[], $2::text[]) as c(code, credit_code)
            where d.code = c.code and d.credit_code is null""")
        .execute(Tuple.tuple().addArrayOfString(codes.keySet().toArray(String[]::new))
            .addArrayOfString(codes.keySet().stream().map(codes::get).toArray(String[]::new)))
        .mapEmpty();
  }

  /** A hall's level, if the hall exists. */
  Future<Optional<String>> hallLevel(String code) {
    return pool.preparedQuery("select level from hall where code = $1").execute(Tuple.of(code))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  /** Whether a hall has halls under it and a level other than {@code level}. */
  Future<Boolean> changesLevelOfParent(String code, String level) {
    return pool.preparedQuery("select 1 from hall h where h.code = $1 and h.level <> $2"
            + " and exists (select 1 from hall c where c.parent_code = h.code)").execute(Tuple.of(code, level))
        .map(rows -> rows.size() > 0);
  }

  Future<Void> putHall(SqlClient tx, String code, String name, String level, String parent) {
    return tx.preparedQuery("""
            insert into hall (code, name, level, parent_code) values ($1, $2, $3, $4)
            on conflict (code) do update set name = excluded.name, level = excluded.level,
              parent_code = excluded.parent_code""")
        .execute(Tuple.of(code, name, level, parent)).mapEmpty();
  }

  /** Every hall and station with its parent and its windows, city first. */
  Future<JsonArray> halls() {
    return pool.query("""
            select h.code, h.name, h.level, h.parent_code,
                   (select coalesce(jsonb_agg(jsonb_build_object('code', w.code, 'name', w.name, 'kind', w.kind,
                            'departmentCode', w.department_code) order by w.code), '[]'::jsonb)
                    from hall_window w where w.hall_code = h.code) as windows
            from hall h order by h.level, h.code""").execute().map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("code", r.getString(0)).put("name", r.getString(1))
          .put("level", r.getString(2)).put("parentCode", r.getString(3)).put("windows", r.getValue(4))));
      return out;
    });
  }

  /** Opens or changes a window; fails with the database's foreign-key error for an unknown hall or department. */
  Future<Void> putWindow(SqlClient client, String hall, String code, String name, String kind, String department) {
    return client.preparedQuery("""
            insert into hall_window (hall_code, code, name, kind, department_code) values ($1, $2, $3, $4, $5)
            on conflict (hall_code, code) do update set name = excluded.name, kind = excluded.kind,
              department_code = excluded.department_code""")
        .execute(Tuple.of(hall, code, name, kind, department)).mapEmpty();
  }
}
