package cn.tongban.core.licence;

import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.privacy.SealedTable;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * All of the licence library's SQL: the signing keys ({@code licence_key}) and the licences themselves,
 * with their row mapping ({@link Licence#from}). Personal columns are sealed here on the way in and opened
 * on the way out; {@link LicenceService} holds the rules.
 */
final class LicenceStore {
  /** Column context: the issuer's SM2 private key is sealed at rest like personal data. */
  static final String PRIVATE_KEY = "licence_key.private_key";

  /** The licence signing keys' sealed private halves, for a rewrap. */
  static final SealedTable SEALED_KEYS = new SealedTable("licence_key",
      "select id, private_key from licence_key"
          + " where substring(private_key from 1 for length($2::bytea)) <> $2::bytea and $1::text is not null"
          + " order by id",
      "update licence_key set private_key = $2 where id = $1",
      (personal, r) -> Tuple.of(r.getString("id"), Buffer.buffer(personal.sealBytes(PRIVATE_KEY, r.getString("id"),
          personal.openBytes(PRIVATE_KEY, r.getString("id"), r.getBuffer("private_key").getBytes())))));

  // The holder codes a caller answers for: their identity number, and enterprises they represent or act for.
  private static final String HOLDER_CODES = """
      (select id_number_index from account where id::text = $1 and id_number_index is not null
       union select credit_code from enterprise where legal_rep_account::text = $1
       union select credit_code from enterprise_agent where account_id::text = $1)""";

  private final Pool pool;
  private final PersonalData personal;

  LicenceStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  Pool pool() {
    return pool;
  }

  // ------------------------------------------------------------------------------------------ keys

  Future<Boolean> hasSigningKey() {
    return pool.query("select 1 from licence_key where retired_at is null").execute().map(rows -> rows.size() > 0);
  }

  /** The first key; a concurrent first start that got there before leaves this one unwritten. */
  Future<Void> insertFirstKey(String id, Sm2.KeyPair pair) {
    return pool.preparedQuery("""
            insert into licence_key (id, algorithm, private_key, public_key) values ($1, 'SM2-SM3', $2, $3)
            on conflict do nothing""")
        .execute(keyTuple(id, pair)).mapEmpty();
  }

  /** Retires the signing key and writes the new one; the retired key's id, if there was one. */
  Future<Optional<String>> rotateKey(SqlClient tx, String id, Sm2.KeyPair pair) {
    return tx.query("update licence_key set retired_at = now() where retired_at is null returning id").execute()
        .compose(retired -> tx.preparedQuery("""
                insert into licence_key (id, algorithm, private_key, public_key) values ($1, 'SM2-SM3', $2, $3)""")
            .execute(keyTuple(id, pair))
            .map(v -> retired.size() == 0 ? Optional.<String>empty()
                : Optional.of(retired.iterator().next().getString(0))));
  }

  private Tuple keyTuple(String id, Sm2.KeyPair pair) {
    return Tuple.of(id, Buffer.buffer(personal.sealBytes(PRIVATE_KEY, id, pair.privateKey())),
        Buffer.buffer(pair.publicKey()));
  }

  Future<Optional<byte[]>> publicKey(String keyId) {
    return pool.preparedQuery("select public_key from licence_key where id = $1").execute(Tuple.of(keyId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBuffer(0).getBytes()));
  }

  /** What signing a new licence needs: the next serial and the signing key (empty without one). */
  record Signing(long serial, String keyId, byte[] privateKey) {
  }

  Future<Optional<Signing>> nextSigning(SqlClient tx) {
    return tx.query("""
            select nextval('licence_serial_seq') as serial,
                   (select id from licence_key where retired_at is null) as key_id,
                   (select private_key from licence_key where retired_at is null) as private_key""").execute()
        .map(rows -> {
          Row r = rows.iterator().next();
          return r.getString("key_id") == null ? Optional.empty() : Optional.of(new Signing(r.getLong("serial"),
              r.getString("key_id"), personal.openBytes(PRIVATE_KEY, r.getString("key_id"),
              r.getBuffer("private_key").getBytes())));
        });
  }

  // ------------------------------------------------------------------------------------------ licences

  /** What issuing for a case needs: the department's name, the matter's result and any licence already issued. */
  record IssueContext(String departmentName, Optional<String> issuerCode, JsonObject result, Optional<String> issued) {
  }

  Future<Optional<IssueContext>> issueContext(String applicationNumber, String matterCode, String departmentCode) {
    return pool.preparedQuery("""
            select d.name as department_name, d.credit_code, m.document -> 'result' as result,
                   (select identifier from licence where application_number = $1) as issued
            from matter m, department d where m.code = $2 and d.code = $3""")
        .execute(Tuple.of(applicationNumber, matterCode, departmentCode))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new IssueContext(r.getString("department_name"),
              Optional.ofNullable(r.getString("credit_code")), (JsonObject) r.getValue("result"),
              Optional.ofNullable(r.getString("issued"))));
        });
  }

  Future<Void> insert(SqlClient tx, Licence l) {
    return tx.preparedQuery("insert into licence (" + Licence.COLUMNS + ", holder_index) values ($1, $2, $3, $4,"
            + " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 'ACTIVE', null, null, $20)")
        .execute(Tuple.from(new Object[] {l.identifier(), l.typeCode(), l.typeName(), l.name(), l.number(),
            l.holderName(), personal.seal(Licence.HOLDER_CODE, l.identifier(), l.holderCode()), l.holderCodeType(),
            l.issuerName(), l.issuerCode(), l.departmentCode().orElse(null), l.issueDate(), l.jurisdiction(),
            l.validFrom(), l.validUntil().orElse(null), personal.sealJson(Licence.SURFACE, l.identifier(), l.surface()),
            l.applicationNumber().orElse(null), l.keyId(), Buffer.buffer(l.signature()),
            Licence.holderIndex(personal, l.holderCode(), l.holderCodeType())}))
        .mapEmpty();
  }

  Future<Optional<Licence>> find(SqlClient c, String identifier) {
    return c.preparedQuery("select " + Licence.COLUMNS + " from licence where identifier = $1")
        .execute(Tuple.of(identifier))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Licence.from(rows.iterator().next(), personal)));
  }

  /** The licences of the holders a signed-in account answers for, newest first; {@code typeName} narrows them. */
  Future<List<Licence>> ofAccount(String accountId, Optional<String> typeName) {
    return pool.preparedQuery("select " + Licence.COLUMNS + " from licence where holder_index in " + HOLDER_CODES
            + " and ($2::text is null or type_name = $2) order by issue_date desc, identifier")
        .execute(Tuple.of(accountId, typeName.orElse(null)))
        .map(this::licences);
  }

  /** Whether an account answers for the holder of a licence (it is theirs, or their enterprise's). */
  Future<Boolean> answersFor(String accountId, Licence l) {
    return pool.preparedQuery("select 1 where $2 in " + HOLDER_CODES)
        .execute(Tuple.of(accountId, Licence.holderIndex(personal, l.holderCode(), l.holderCodeType())))
        .map(rows -> rows.size() > 0);
  }

  /** Revokes an active licence; false when it was not active. */
  Future<Boolean> revoke(SqlClient tx, String identifier, OffsetDateTime at, String by, String reason) {
    return tx.preparedQuery("""
            update licence set status = 'REVOKED', revoked_at = $2, revoked_by = $3, revocation_reason = $4
            where identifier = $1 and status = 'ACTIVE'""")
        .execute(Tuple.of(identifier, at, by, reason))
        .map(rows -> rows.rowCount() > 0);
  }

  /**
   * A holder's active licences of one type valid on {@code today} (no end, or ending today or later), newest
   * first; the holder is a person by the blind index of their identity number, or an enterprise by its code.
   */
  Future<List<Licence>> valid(String holderCode, String typeName, LocalDate today) {
    return pool.preparedQuery("select " + Licence.COLUMNS + " from licence where holder_index in ($1, $4)"
            + " and type_name = $2 and status = 'ACTIVE' and (valid_until is null or valid_until >= $3)"
            + " order by issue_date desc, created_at desc")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, holderCode), typeName, today, holderCode))
        .map(this::licences);
  }

  /** Licences of the given types held by any of the codes (identity numbers or credit codes), valid ones first. */
  Future<List<Licence>> ofHolders(List<String> holderCodes, List<String> typeNames) {
    return pool.preparedQuery("select " + Licence.COLUMNS + " from licence where holder_index = any($1)"
            + " and type_name = any($2) order by status, issue_date desc")
        // A code may be a person's identity number (found by its blind index) or an enterprise's credit code.
        .execute(Tuple.tuple().addArrayOfString(holderCodes.stream()
                .flatMap(c -> Stream.of(c, personal.index(PersonalData.Kind.ID, c)))
                .toArray(String[]::new))
            .addArrayOfString(typeNames.toArray(String[]::new)))
        .map(this::licences);
  }

  private List<Licence> licences(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Licence> out = new ArrayList<>();
    rows.forEach(r -> out.add(Licence.from(r, personal)));
    return out;
  }
}
