package cn.tongban.core.material;

import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.licence.LicenceService;
import cn.tongban.core.matter.MatterStore;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.Messages;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.plugin.IdNumber;
import cn.tongban.plugin.MaterialScanner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * 材料库: files applicants hand in, kept in PostgreSQL with the cases (same durability, same backups), typed
 * by content, hashed, scanned, and reusable in later cases until they expire (一次提交、多次复用). Only their
 * owner, whoever uploaded them and staff who can see a case that uses them may read them.
 */
public final class MaterialService {
  /** A case as materials need it: its matter and applicant (opened). */
  public record VisibleCase(String matterCode, JsonObject applicant) {
  }

  /**
   * The cases a caller may see, by number (the application store answers; materials follow the case's
   * visibility rule rather than keeping one of their own).
   */
  @FunctionalInterface
  public interface VisibleCases {
    Future<Optional<VisibleCase>> find(Caller caller, String number);
  }

  private static final String COLUMNS =
      "id::text, owner_index, kind, file_name, media_type, size_bytes, sha256, uploaded_by, uploaded_at, valid_until";

  private final Vertx vertx;
  private final Pool pool;
  private final CalendarService calendar;
  private final VisibleCases applications;
  private final MatterStore matters;
  private final LicenceService licences;
  private final List<MaterialScanner> scanners;
  private final long limitBytes;
  private final int validDays;
  private final PersonalData personal;
  /** Column contexts: the owner's identity number and the file itself are sealed. */
  public static final String OWNER = "material_file.owner_id";

  /** An upload's sealed owner and content, for a rewrap. */
  public static final SealedTable SEALED = new SealedTable("material_file",
      "select id, owner_id_sealed, content from material_file where " + SealedTable.stale("owner_id_sealed")
          + " or substring(content from 1 for length($2::bytea)) <> $2::bytea order by id",
      "update material_file set owner_id_sealed = $2, owner_index = $3, content = $4 where id = $1",
      (personal, r) -> {
        String owner = personal.open(OWNER, r.getString("owner_id_sealed"));
        byte[] content = personal.openBytes(MaterialService.CONTENT, r.getBuffer("content").getBytes());
        return Tuple.of(r.getUUID("id"), personal.seal(OWNER, owner), personal.index(PersonalData.Kind.ID, owner),
            Buffer.buffer(personal.sealBytes(MaterialService.CONTENT, content)));
      });
  public static final String CONTENT = "material_file.content";

  public MaterialService(Vertx vertx, Pool pool, CalendarService calendar, VisibleCases applications,
      MatterStore matters, LicenceService licences, List<MaterialScanner> scanners, long limitBytes, int validDays,
      PersonalData personal) {
    this.personal = personal;
    this.vertx = vertx;
    this.pool = pool;
    this.calendar = calendar;
    this.applications = applications;
    this.matters = matters;
    this.licences = licences;
    this.scanners = List.copyOf(scanners);
    this.limitBytes = limitBytes;
    this.validDays = validDays;
  }

  public long limitBytes() {
    return limitBytes;
  }

  /** A size as people read it: 10 MB, 64 KB. */
  public static String humanSize(long bytes) {
    return bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MB"
        : bytes >= 1024 ? bytes / 1024 + " KB" : bytes + " B";
  }

  /** An upload: the bytes, the name it came with, the material code it is for, and whose it is (staff only). */
  public record Upload(byte[] content, String fileName, String kind, Optional<String> forIdNumber) {
  }

  /** A file to send back. */
  public record Content(String fileName, String mediaType, Buffer bytes) {
  }

  /**
   * Stores an upload after checking its size, its real type and the scanners; the same file handed in
   * again for the same material is the same material. 413 too large, 415 not an accepted type, 422 otherwise.
   */
  public Future<JsonObject> upload(Caller caller, Upload u, Locale locale) {
    if (u.content().length > limitBytes) {
      return Future.failedFuture(new DomainException(ProblemCode.PAYLOAD_TOO_LARGE, "material.tooLarge",
          MaterialService.humanSize(limitBytes)));
    }
    List<Violation> v = new ArrayList<>();
    if (u.content().length == 0) {
      v.add(new Violation("/file", "required", Messages.get(locale, "material.empty")));
    }
    if (u.kind() == null || !u.kind().matches("[a-z0-9][a-z0-9-]{0,63}")) {
      v.add(new Violation("/kind", u.kind() == null ? "required" : "pattern", Messages.get(locale,
          u.kind() == null ? "violation.required" : "violation.pattern", Messages.isEnglish(locale) ? "kind" : "材料代码")));
    }
    if (!v.isEmpty()) {
      return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "material.invalid", v,
          v.size()));
    }
    return owner(caller, u.forIdNumber(), locale).compose(owner -> {
      Optional<String> type = MediaTypes.sniff(u.content());
      if (type.isEmpty()) {
        return Future.failedFuture(new DomainException(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "material.type"));
      }
      return scan(u.content(), type.get(), 0).compose(threat -> {
        if (threat.isPresent()) {
          return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "material.invalid",
              List.of(new Violation("/file", "infected", Messages.get(locale, "material.infected", threat.get()))), 1));
        }
        // Hashing and sealing a file of up to the limit's megabytes is CPU work for a worker, not the event loop.
        return vertx.executeBlocking(() -> new Object[] {HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(u.content())), personal.sealBytes(CONTENT, u.content())}, false)
            .compose(hashed -> store(caller, u, owner, type.get(), (String) hashed[0], (byte[]) hashed[1]));
      });
    });
  }

  private Future<JsonObject> store(Caller caller, Upload u, String owner, String mediaType, String sha,
      byte[] sealed) {
    String name = safeName(u.fileName(), mediaType);
    return pool.withTransaction(tx -> tx.preparedQuery("select " + COLUMNS + " from material_file"
            + " where owner_index = $1 and kind = $2 and sha256 = $3 and valid_until >= $4 limit 1")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, owner), u.kind(), sha, calendar.today()))
        .compose(same -> same.size() > 0 ? Future.succeededFuture(toJson(same.iterator().next()))
            : tx.preparedQuery("insert into material_file (owner_index, kind, file_name, media_type, size_bytes,"
                    + " sha256, content, uploaded_by, valid_until, owner_id_sealed)"
                    + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                    + " returning " + COLUMNS)
                .execute(Tuple.from(new Object[] {personal.index(PersonalData.Kind.ID, owner), u.kind(), name, mediaType,
                    u.content().length, sha, Buffer.buffer(sealed),
                    caller.scopeKey(), calendar.today().plusDays(validDays), personal.seal(OWNER, owner)}))
                .compose(rows -> {
                  JsonObject m = toJson(rows.iterator().next());
                  return AuditLog.record(tx, caller.scopeKey(), "material.uploaded", "material", m.getString("id"),
                      new JsonObject().put("kind", u.kind()).put("sha256", sha).put("size", u.content().length))
                      .map(m);
                })));
  }

  /** A name fit for a download header: no path, no control characters, the extension of what it really is. */
  private static String safeName(String given, String mediaType) {
    String base = given == null ? "" : given.replaceAll(".*[/\\\\]", "").replaceAll("[\\p{Cntrl}\"]", "");
    int dot = base.lastIndexOf('.');
    base = dot > 0 ? base.substring(0, dot) : base;
    base = base.isBlank() ? "material" : base.substring(0, Math.min(100, base.length()));
    return base + MediaTypes.extension(mediaType);
  }

  private Future<Optional<String>> scan(byte[] content, String mediaType, int i) {
    if (i == scanners.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    return scanners.get(i).scan(vertx, content, mediaType)
        .compose(found -> found.isPresent() ? Future.succeededFuture(found) : scan(content, mediaType, i + 1));
  }

  /** Whose material an upload is: a citizen's own; staff at a window or station upload for an applicant. */
  private Future<String> owner(Caller caller, Optional<String> forIdNumber, Locale locale) {
    if (caller.kind() == Caller.Kind.CITIZEN) {
      return pool.preparedQuery("select id_number_sealed from account where id::text = $1")
          .execute(Tuple.of(caller.subject()))
          .compose(rows -> {
            String id = rows.size() == 0 ? null
                : personal.open(cn.tongban.core.identity.IdentityStore.ID_NUMBER, rows.iterator().next().getString(0));
            return id == null ? Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "material.owner"))
                : Future.succeededFuture(id);
          });
    }
    if (caller.kind() == Caller.Kind.STAFF && (caller.has(Role.CLERK) || caller.has(Role.AGENT))) {
      if (forIdNumber.isEmpty() || !IdNumber.isValid(forIdNumber.get())) {
        return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "material.invalid",
            List.of(new Violation("/idNumber", forIdNumber.isEmpty() ? "required" : "idNumber",
                Messages.get(locale, "material.owner"))), 1));
      }
      return Future.succeededFuture(forIdNumber.get());
    }
    return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "material.owner"));
  }

  /** The caller's own materials that can still be reused, newest first. */
  public Future<List<JsonObject>> mine(Caller caller, Optional<String> kind) {
    return pool.preparedQuery("select " + COLUMNS + " from material_file where owner_index ="
            + " (select id_number_index from account where id::text = $1) and valid_until >= $2"
            + " and ($3::text is null or kind = $3) order by uploaded_at desc limit 200")
        .execute(Tuple.of(caller.subject(), calendar.today(), kind.orElse(null)))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(toJson(r)));
          return out;
        });
  }

  public Future<JsonObject> get(Caller caller, String id) {
    return readable(caller, id).map(MaterialService::toJson);
  }

  public Future<Content> content(Caller caller, String id) {
    return readable(caller, id).compose(r -> pool.preparedQuery("select content from material_file where id = $1")
        .execute(Tuple.of(UUID.fromString(id)))
        .compose(rows -> vertx.executeBlocking(() -> personal.openBytes(CONTENT,
            rows.iterator().next().getBuffer(0).getBytes()), false))
        .map(plain -> new Content(r.getString("file_name"), r.getString("media_type"), Buffer.buffer(plain))));
  }

  /** The material's row if the caller may read it; 404 otherwise (ids cannot be probed). */
  private Future<Row> readable(Caller caller, String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new DomainException(ProblemCode.MATERIAL_NOT_FOUND, "material.notFound", id));
    }
    return pool.preparedQuery("select " + COLUMNS + ", (select id_number_index from account where id::text = $2) as me,"
            + " (select coalesce(array_agg(a.number), '{}') from case_material c join application a"
            + " on a.id = c.application_id where c.material_id = m.id) as cases"
            + " from material_file m where id = $1")
        .execute(Tuple.of(uuid, caller.kind() == Caller.Kind.CLIENT ? "" : caller.subject()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new DomainException(ProblemCode.MATERIAL_NOT_FOUND, "material.notFound", id));
          }
          Row r = rows.iterator().next();
          boolean own = r.getString("owner_index").equals(r.getString("me"))
              || caller.scopeKey().equals(r.getString("uploaded_by"));
          if (own || caller.kind() == Caller.Kind.STAFF && (caller.has(Role.ADMIN) || caller.has(Role.SUPERVISOR))) {
            return Future.succeededFuture(r);
          }
          return anyVisible(caller, List.of(r.getArrayOfStrings("cases")), 0).compose(visible -> visible
              ? Future.succeededFuture(r)
              : Future.failedFuture(new DomainException(ProblemCode.MATERIAL_NOT_FOUND, "material.notFound", id)));
        });
  }

  private Future<Boolean> anyVisible(Caller caller, List<String> numbers, int i) {
    if (i == numbers.size() || caller.kind() != Caller.Kind.STAFF) {
      return Future.succeededFuture(false);
    }
    return applications.find(caller, numbers.get(i))
        .compose(found -> found.isPresent() ? Future.succeededFuture(true) : anyVisible(caller, numbers, i + 1));
  }

  /**
   * The materials a case needs and what satisfies each: a licence from the library (免提交), a file handed
   * in with it or reused from an earlier case, or nothing yet; with the applicant's licences of each
   * licence type, as the department looks them up. 404 when the caller cannot see the case.
   */
  public Future<JsonArray> ofCase(Caller caller, String number) {
    return applications.find(caller, number).compose(found -> {
      VisibleCase a = found.orElseThrow(() -> new DomainException(ProblemCode.APPLICATION_NOT_FOUND,
          "application.notFound", number));
      return matters.find(a.matterCode()).compose(m -> pool.preparedQuery("""
              select c.material_code, c.source, c.licence_identifier, c.attached_at, f.id::text as material_id,
                     f.file_name, f.media_type, f.size_bytes, f.sha256, f.kind
              from case_material c join application a on a.id = c.application_id
              left join material_file f on f.id = c.material_id where a.number = $1""")
          .execute(Tuple.of(number)).compose(rows -> {
            JsonObject attached = new JsonObject();
            rows.forEach(r -> attached.put(r.getString("material_code"), attachment(r)));
            JsonArray needs = m.orElseThrow().document().getJsonArray("materials", new JsonArray());
            List<String> types = new ArrayList<>();
            needs.forEach(o -> Optional.ofNullable(((JsonObject) o).getString("licenceType")).ifPresent(types::add));
            List<String> holders = new ArrayList<>();
            Optional.ofNullable(a.applicant().getString("idNumber")).ifPresent(holders::add);
            Optional.ofNullable(a.applicant().getString("creditCode")).ifPresent(holders::add);
            return licences.ofHolders(holders, types).map(found2 -> {
              JsonArray out = new JsonArray();
              for (Object o : needs) {
                JsonObject need = (JsonObject) o;
                JsonObject item = new JsonObject().put("code", need.getString("code")).put("name", need.getString("name"))
                    .put("required", need.getBoolean("required", false)).put("source", need.getString("source"))
                    .put("satisfiedBy", attached.getJsonObject(need.getString("code")));
                String type = need.getString("licenceType");
                if (type != null) {
                  item.put("licenceType", type).put("licences", new JsonArray(found2.stream()
                      .filter(l -> l.typeName().equals(type)).map(licences::toJson).toList()));
                }
                out.add(item);
              }
              return out;
            });
          }));
    });
  }

  private static JsonObject attachment(Row r) {
    JsonObject j = new JsonObject().put("kind", r.getString("source")).put("attachedAt",
        r.getOffsetDateTime("attached_at").toString());
    if (r.getString("licence_identifier") != null) {
      j.put("licenceIdentifier", r.getString("licence_identifier"));
    } else {
      j.put("material", new JsonObject().put("id", r.getString("material_id")).put("fileName", r.getString("file_name"))
          .put("mediaType", r.getString("media_type")).put("size", r.getInteger("size_bytes"))
          .put("sha256", r.getString("sha256")));
    }
    return j;
  }

  /**
   * Which of the given material ids are not the applicant's own valid materials (for a submission's
   * violations): the indexes of the bad ones.
   */
  public Future<List<Integer>> notOwned(String ownerIdNumber, List<String> ids) {
    List<UUID> uuids = new ArrayList<>();
    for (String id : ids) {
      try {
        uuids.add(UUID.fromString(id));
      } catch (IllegalArgumentException | NullPointerException e) {
        uuids.add(new UUID(0, 0));
      }
    }
    return pool.preparedQuery("select array_agg(id::text) from material_file where id = any($1)"
            + " and owner_index = $2 and valid_until >= $3")
        .execute(Tuple.tuple().addArrayOfUUID(uuids.toArray(UUID[]::new))
            .addString(ownerIdNumber == null ? "" : personal.index(PersonalData.Kind.ID, ownerIdNumber))
            .addLocalDate(calendar.today()))
        .map(rows -> {
          String[] ok = rows.iterator().next().getArrayOfStrings(0);
          List<String> good = ok == null ? List.of() : List.of(ok);
          List<Integer> bad = new ArrayList<>();
          for (int i = 0; i < uuids.size(); i++) {
            if (!good.contains(uuids.get(i).toString())) {
              bad.add(i);
            }
          }
          return bad;
        });
  }

  static JsonObject toJson(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("kind", r.getString("kind"))
        .put("fileName", r.getString("file_name")).put("mediaType", r.getString("media_type"))
        .put("size", r.getInteger("size_bytes")).put("sha256", r.getString("sha256"))
        .put("uploadedAt", r.getOffsetDateTime("uploaded_at").toString())
        .put("validUntil", r.getLocalDate("valid_until").toString());
  }
}
