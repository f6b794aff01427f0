package cn.tongban.core.privacy;

import cn.tongban.core.agency.AgentAuthorisations;
import cn.tongban.core.application.ApplicationStore;
import cn.tongban.core.identity.IdentityStore;
import cn.tongban.core.identity.SigningKeys;
import cn.tongban.core.licence.LicenceService;
import cn.tongban.core.licence.Licence;
import cn.tongban.core.material.MaterialService;
import cn.tongban.core.plugin.PluginHost;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Re-seals stored personal data: every value not sealed with the active key is opened (with whichever
 * configured key sealed it, or read as it is when it was stored before encryption) and sealed again with the
 * active key, and its blind index recomputed. Batches of {@value #BATCH} rows, each batch one transaction
 * holding its rows' locks, so a case changed meanwhile is never overwritten with an older value. This is how
 * a key rotation finishes (the old key can then be removed) and how data from before encryption is sealed.
 */
public final class Rewrap {
  static final int BATCH = 200;

  private final Pool pool;
  private final PersonalData personal;

  public Rewrap(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  /**
   * One table's sealed columns: the rows that still need work ({@code select}, ordered, without a limit), and
   * how to redo one.
   */
  private record Table(String name, String select, String update, Function<Row, Tuple> redo) {
  }

  private static final String BATCH_LOCKED = " limit " + BATCH + " for update";

  /** What is left to rewrap per table: rows whose personal data is not sealed with the active key. */
  public Future<Map<String, Long>> remaining() {
    Map<String, Long> out = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Table t : tables(false)) {
      chain = chain.compose(v -> pool.preparedQuery("select count(*) from (" + t.select() + ") x")
          .execute(args(false))
          .map(rows -> {
            out.put(t.name(), rows.iterator().next().getLong(0));
            return null;
          }));
    }
    return chain.map(out);
  }

  /** Rewraps everything not sealed with the active key; the number of rows rewritten. */
  public Future<Long> all() {
    return run(false);
  }

  /**
   * Seals only what was stored before encryption (values without any key), once: while the migration's
   * {@code personal_data_legacy} row exists. Run at start, before serving.
   */
  public Future<Long> legacy() {
    return pool.query("select 1 from personal_data_legacy").execute().compose(pending -> pending.size() == 0
        ? Future.succeededFuture(0L)
        : run(true).compose(n -> pool.query("delete from personal_data_legacy").execute().map(n)));
  }

  /** After a full rewrap: marks every other data key retired, so a later start may leave it out. */
  public Future<Integer> retireOthers() {
    return remaining().compose(left -> left.values().stream().allMatch(n -> n == 0)
        ? pool.preparedQuery("update personal_data_key set retired_at = now()"
            + " where key_id not in ('index', $1) and retired_at is null").execute(Tuple.of(personal.activeKeyId()))
            .map(rows -> rows.rowCount())
        : Future.succeededFuture(0));
  }

  private Future<Long> run(boolean legacyOnly) {
    Future<Long> chain = Future.succeededFuture(0L);
    for (Table t : tables(legacyOnly)) {
      chain = chain.compose(n -> table(t, legacyOnly, n));
    }
    return chain;
  }

  private Future<Long> table(Table t, boolean legacyOnly, long done) {
    return pool.withTransaction(tx -> tx.preparedQuery(t.select() + BATCH_LOCKED).execute(args(legacyOnly)).compose(rows -> {
      List<Tuple> batch = new ArrayList<>();
      rows.forEach(r -> batch.add(t.redo().apply(r)));
      return batch.isEmpty() ? Future.succeededFuture(0)
          : tx.preparedQuery(t.update()).executeBatch(batch).map(x -> batch.size());
    })).compose(n -> n < BATCH ? Future.succeededFuture(done + n) : table(t, legacyOnly, done + n));
  }

  /**
   * $1: the text prefix a value sealed as wanted starts with; $2: the same for bytes. Legacy: any key;
   * otherwise the active one.
   */
  private Tuple args(boolean legacyOnly) {
    String textPrefix = PersonalData.PREFIX + (legacyOnly ? "" : personal.activeKeyId() + ":");
    byte[] id = personal.activeKeyId().getBytes(StandardCharsets.US_ASCII);
    byte[] header = legacyOnly ? new byte[] {'T', 'B', 'E', '1'} : concat(new byte[] {'T', 'B', 'E', '1',
        (byte) id.length}, id);
    return Tuple.of(like(textPrefix), Buffer.buffer(header));
  }

  private static String like(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String stale(String column) {
    return "(" + column + " is not null and " + column + " not like $1)";
  }

  private List<Table> tables(boolean legacyOnly) {
    return List.of(
        new Table("account", "select id, id_number_sealed, phone_sealed from account where $2::bytea is not null and ("
            + stale("id_number_sealed") + " or " + stale("phone_sealed") + ") order by id",
            "update account set id_number_sealed = $2, id_number_index = $3, phone_sealed = $4, phone_index = $5"
                + " where id = $1",
            r -> {
              String id = personal.open(IdentityStore.ID_NUMBER, r.getString("id_number_sealed"));
              String phone = personal.open(IdentityStore.PHONE, r.getString("phone_sealed"));
              return Tuple.of(r.getUUID("id"), personal.seal(IdentityStore.ID_NUMBER, id),
                  personal.index(PersonalData.Kind.ID, id), personal.seal(IdentityStore.PHONE, phone),
                  personal.index(PersonalData.Kind.PHONE, phone));
            }),
        new Table("application", "select id, applicant, data, collection from application where $2::bytea is not null"
            + " and (" + stale("applicant") + " or " + stale("data") + " or " + stale("collection->>'express'")
            + ") order by id",
            "update application set applicant = $2, applicant_id_index = $3, data = $4, collection = $5 where id = $1",
            r -> {
              JsonObject applicant = personal.openJson(ApplicationStore.APPLICANT, r.getString("applicant"));
              JsonObject data = personal.openJson(ApplicationStore.DATA, r.getString("data"));
              JsonObject collection = ApplicationStore.openCollection(personal, (JsonObject) r.getValue("collection"));
              return Tuple.of(r.getLong("id"), personal.sealJson(ApplicationStore.APPLICANT, applicant),
                  personal.index(PersonalData.Kind.ID, applicant.getString("idNumber")),
                  personal.sealJson(ApplicationStore.DATA, data), ApplicationStore.sealCollection(personal, collection));
            }),
        new Table("licence", "select identifier, holder_code_sealed, holder_code_type, surface from licence"
            + " where $2::bytea is not null and (" + stale("holder_code_sealed") + " or " + stale("surface")
            + ") order by identifier",
            "update licence set holder_code_sealed = $2, holder_index = $3, surface = $4 where identifier = $1",
            r -> {
              String code = personal.open(Licence.HOLDER_CODE, r.getString("holder_code_sealed"));
              return Tuple.of(r.getString("identifier"), personal.seal(Licence.HOLDER_CODE, code),
                  Licence.holderIndex(personal, code, r.getString("holder_code_type")),
                  personal.seal(Licence.SURFACE, personal.open(Licence.SURFACE, r.getString("surface"))));
            }),
        new Table("material_file", "select id, owner_id_sealed, content from material_file where "
            + stale("owner_id_sealed") + " or substring(content from 1 for length($2::bytea)) <> $2::bytea"
            + " order by id",
            "update material_file set owner_id_sealed = $2, owner_index = $3, content = $4 where id = $1",
            r -> {
              String owner = personal.open(MaterialService.OWNER, r.getString("owner_id_sealed"));
              byte[] content = personal.openBytes(MaterialService.CONTENT, r.getBuffer("content").getBytes());
              return Tuple.of(r.getUUID("id"), personal.seal(MaterialService.OWNER, owner),
                  personal.index(PersonalData.Kind.ID, owner),
                  Buffer.buffer(personal.sealBytes(MaterialService.CONTENT, content)));
            }),
        new Table("agent_authorisation", "select id, applicant_id_sealed from agent_authorisation"
            + " where $2::bytea is not null and " + stale("applicant_id_sealed") + " order by id",
            "update agent_authorisation set applicant_id_sealed = $2, applicant_id_index = $3 where id = $1",
            r -> {
              String id = personal.open(AgentAuthorisations.APPLICANT_ID, r.getString("applicant_id_sealed"));
              return Tuple.of(r.getUUID("id"), personal.seal(AgentAuthorisations.APPLICANT_ID, id),
                  personal.index(PersonalData.Kind.ID, id));
            }),
        new Table("applicant_credit", "select subject_index, subject_sealed from applicant_credit"
            + " where $2::bytea is not null and " + stale("subject_sealed") + " order by subject_index",
            "update applicant_credit set subject_sealed = $2, subject_index = $3 where subject_index = $1",
            r -> {
              String subject = personal.open(ApplicationStore.CREDIT_SUBJECT, r.getString("subject_sealed"));
              return Tuple.of(r.getString("subject_index"), personal.seal(ApplicationStore.CREDIT_SUBJECT, subject),
                  personal.index(PersonalData.Kind.ID, subject));
            }),
        new Table("signing_key", "select id, private_pem from signing_key where $2::bytea is not null and "
            + stale("private_pem") + " order by id",
            "update signing_key set private_pem = $2 where id = $1",
            r -> Tuple.of(r.getString("id"), personal.seal(SigningKeys.PRIVATE_PEM,
                personal.open(SigningKeys.PRIVATE_PEM, r.getString("private_pem"))))),
        new Table("licence_key", "select id, private_key from licence_key"
            + " where substring(private_key from 1 for length($2::bytea)) <> $2::bytea and $1::text is not null"
            + " order by id",
            "update licence_key set private_key = $2 where id = $1",
            r -> Tuple.of(r.getString("id"), Buffer.buffer(personal.sealBytes(LicenceService.PRIVATE_KEY,
                personal.openBytes(LicenceService.PRIVATE_KEY, r.getBuffer("private_key").getBytes()))))),
        new Table("shared_dataset_record", "select source, subject_index, subject_sealed, record"
            + " from shared_dataset_record where $2::bytea is not null and (" + stale("subject_sealed") + " or "
            + stale("record") + ") order by source, subject_index",
            "update shared_dataset_record set subject_sealed = $3, subject_index = $4, record = $5"
                + " where source = $1 and subject_index = $2",
            r -> {
              String subject = personal.open(PluginHost.SHARED_SUBJECT, r.getString("subject_sealed"));
              return Tuple.of(r.getString("source"), r.getString("subject_index"),
                  personal.seal(PluginHost.SHARED_SUBJECT, subject), personal.index(PersonalData.Kind.ID, subject),
                  personal.seal(PluginHost.SHARED_RECORD, personal.open(PluginHost.SHARED_RECORD,
                      r.getString("record"))));
            }));
  }
}
