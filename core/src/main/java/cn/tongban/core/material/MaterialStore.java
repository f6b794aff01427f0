package cn.tongban.core.material;

import cn.tongban.core.identity.IdentityStore;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * All of the material library's SQL ({@code material_file}, and the case's {@code case_material} rows as
 * materials read them), with the row mapping. Owners' identity numbers and file contents are sealed.
 */
final class MaterialStore {
  /** Column contexts: the owner's identity number and the file itself are sealed. */
  static final String OWNER = "material_file.owner_id";
  static final String CONTENT = "material_file.content";

  /** An upload's sealed owner and content, for a rewrap. */
  static final SealedTable SEALED = new SealedTable("material_file",
      "select id, owner_id_sealed, content from material_file where " + SealedTable.stale("owner_id_sealed")
          + " or substring(content from 1 for length($2::bytea)) <> $2::bytea order by id",
      "update material_file set owner_id_sealed = $2, owner_index = $3, content = $4 where id = $1",
      (personal, r) -> {
        String row = r.getUUID("id").toString();
        String owner = personal.open(OWNER, row, r.getString("owner_id_sealed"));
        byte[] content = personal.openBytes(CONTENT, row, r.getBuffer("content").getBytes());
        return Tuple.of(r.getUUID("id"), personal.seal(OWNER, row, owner), personal.index(PersonalData.Kind.ID, owner),
            Buffer.buffer(personal.sealBytes(CONTENT, row, content)));
      });

  private static final String COLUMNS =
      "id::text, owner_index, kind, file_name, media_type, size_bytes, sha256, uploaded_by, uploaded_at, valid_until";

  /** A stored file's description (never its content). */
  record StoredFile(String id, String ownerIndex, String kind, String fileName, String mediaType, int size,
      String sha256, String uploadedBy, String uploadedAt, LocalDate validUntil) {

    static StoredFile of(Row r) {
      return new StoredFile(r.getString("id"), r.getString("owner_index"), r.getString("kind"),
          r.getString("file_name"), r.getString("media_type"), r.getInteger("size_bytes"), r.getString("sha256"),
          r.getString("uploaded_by"), r.getOffsetDateTime("uploaded_at").toString(), r.getLocalDate("valid_until"));
    }

    JsonObject toJson() {
      return new JsonObject().put("id", id).put("kind", kind).put("fileName", fileName).put("mediaType", mediaType)
          .put("size", size).put("sha256", sha256).put("uploadedAt", uploadedAt)
          .put("validUntil", validUntil.toString());
    }
  }

  /** A file with who may read it: the reading account's own index and the cases that use it. */
  record Readable(StoredFile file, String readerIndex, List<String> cases) {
  }

  /** A material a case needs, as attached: a licence or a file. */
  record Attachment(String materialCode, String source, String licenceIdentifier, String attachedAt,
      Optional<StoredFile> file) {
  }

  private final Pool pool;
  private final PersonalData personal;

  MaterialStore(Pool pool, PersonalData personal) {
    this.pool = pool;
    this.personal = personal;
  }

  Pool pool() {
    return pool;
  }

  /** The identity number of a citizen's account, opened; empty without one. */
  Future<Optional<String>> accountIdNumber(String accountId) {
    return pool.preparedQuery("select id_number_sealed, id::text from account where id::text = $1")
        .execute(Tuple.of(accountId))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.ofNullable(personal.open(IdentityStore.ID_NUMBER, rows.iterator().next().getString(1),
                rows.iterator().next().getString(0))));
  }

  /** The owner's still-valid file of this material with this hash, if handed in before. */
  Future<Optional<StoredFile>> findSame(SqlClient tx, String owner, String kind, String sha256, String uploadedBy,
      LocalDate today) {
    // Only the uploader's own earlier copy: answering with another uploader's record would tell a stranger
    // which files a person holds.
    return tx.preparedQuery("select " + COLUMNS + " from material_file"
            + " where owner_index = $1 and kind = $2 and sha256 = $3 and uploaded_by = $5 and valid_until >= $4"
            + " limit 1")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, owner), kind, sha256, today, uploadedBy))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(StoredFile.of(rows.iterator().next())));
  }

  /** Stores a file whose content is already sealed (sealing is CPU work the caller did on a worker). */
  Future<StoredFile> insert(SqlClient tx, UUID id, String owner, String kind, String fileName, String mediaType,
      int size, String sha256, byte[] sealedContent, String uploadedBy, boolean byOwner, LocalDate validUntil) {
    return tx.preparedQuery("insert into material_file (owner_index, kind, file_name, media_type, size_bytes,"
            + " sha256, content, uploaded_by, valid_until, owner_id_sealed, by_owner, id)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            + " returning " + COLUMNS)
        .execute(Tuple.from(new Object[] {personal.index(PersonalData.Kind.ID, owner), kind, fileName, mediaType,
            size, sha256, Buffer.buffer(sealedContent), uploadedBy, validUntil,
            personal.seal(OWNER, id.toString(), owner), byOwner, id}))
        .map(rows -> StoredFile.of(rows.iterator().next()));
  }

  /** An account's own files still valid today, newest first; {@code kind} narrows them. */
  Future<List<StoredFile>> ofAccount(String accountId, LocalDate today, Optional<String> kind) {
    return pool.preparedQuery("select " + COLUMNS + " from material_file where owner_index ="
            + " (select id_number_index from account where id::text = $1) and valid_until >= $2"
            + " and ($3::text is null or kind = $3) order by uploaded_at desc limit 200")
        .execute(Tuple.of(accountId, today, kind.orElse(null)))
        .map(rows -> {
          List<StoredFile> out = new ArrayList<>();
          rows.forEach(r -> out.add(StoredFile.of(r)));
          return out;
        });
  }

  /** A file with what deciding who may read it needs; {@code readerAccountId} may be empty (a client). */
  Future<Optional<Readable>> readable(UUID id, String readerAccountId) {
    return pool.preparedQuery("select " + COLUMNS + ", (select id_number_index from account where id::text = $2) as me,"
            + " (select coalesce(array_agg(a.number), '{}') from case_material c join application a"
            + " on a.id = c.application_id where c.material_id = m.id) as cases"
            + " from material_file m where id = $1")
        .execute(Tuple.of(id, readerAccountId))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new Readable(StoredFile.of(r), r.getString("me"), List.of(r.getArrayOfStrings("cases"))));
        });
  }

  /** A file's content, still sealed. */
  Future<byte[]> sealedContent(UUID id) {
    return pool.preparedQuery("select content from material_file where id = $1").execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getBuffer(0).getBytes());
  }

  /** What is attached to a case, by material code. */
  Future<List<Attachment>> ofCase(String number) {
    return pool.preparedQuery("""
            select c.material_code, c.source, c.licence_identifier, c.attached_at, f.id::text as id, f.owner_index,
                   f.kind, f.file_name, f.media_type, f.size_bytes, f.sha256, f.uploaded_by, f.uploaded_at,
                   f.valid_until
            from case_material c join application a on a.id = c.application_id
            left join material_file f on f.id = c.material_id where a.number = $1""")
        .execute(Tuple.of(number))
        .map(rows -> {
          List<Attachment> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Attachment(r.getString("material_code"), r.getString("source"),
              r.getString("licence_identifier"), r.getOffsetDateTime("attached_at").toString(),
              r.getString("id") == null ? Optional.empty() : Optional.of(StoredFile.of(r)))));
          return out;
        });
  }

  /** Whether a file of this kind for this owner, uploaded by {@code uploadedBy}, is valid today. */
  Future<Boolean> uploadedBy(UUID id, String kind, String ownerIdNumber, String uploadedBy, LocalDate today) {
    return pool.preparedQuery("select 1 from material_file where id = $1 and kind = $2 and owner_index = $3"
            + " and uploaded_by = $4 and valid_until >= $5")
        .execute(Tuple.of(id, kind, personal.index(PersonalData.Kind.ID, ownerIdNumber), uploadedBy, today))
        .map(rows -> rows.size() == 1);
  }

  /** Which of the ids are the owner's valid files today ({@code uploadedBy}: handed in by that uploader). */
  Future<List<String>> ownedValid(List<UUID> ids, String ownerIdNumber, LocalDate today, Optional<String> uploadedBy) {
    return pool.preparedQuery("select array_agg(id::text) from material_file where id = any($1)"
            + " and owner_index = $2 and valid_until >= $3 and ($4::text is null or uploaded_by = $4)")
        .execute(Tuple.tuple().addArrayOfUUID(ids.toArray(UUID[]::new))
            .addString(ownerIdNumber == null ? "" : personal.index(PersonalData.Kind.ID, ownerIdNumber))
            .addLocalDate(today).addString(uploadedBy.orElse(null)))
        .map(rows -> {
          String[] ok = rows.iterator().next().getArrayOfStrings(0);
          return ok == null ? List.of() : List.of(ok);
        });
  }
}
