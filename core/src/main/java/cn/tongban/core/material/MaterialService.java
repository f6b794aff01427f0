package cn.tongban.core.material;

import cn.tongban.core.audit.AuditLog;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.clock.CalendarService;
import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.identity.Masking;
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
  /**
   * A case as materials need it: its matter, applicant (opened), who submitted it (for masking) and, for a
   * 代办 case, its authorisation's origin ({@code GRANTED} or {@code RECORDED}).
   */
  public record VisibleCase(String matterCode, JsonObject applicant, String submittedBy,
      Optional<String> agencyOrigin) {
  }

  /**
   * The cases a caller may see, by number (the application store answers; materials follow the case's
   * visibility rule rather than keeping one of their own).
   */
  @FunctionalInterface
  public interface VisibleCases {
    Future<Optional<VisibleCase>> find(Caller caller, String number);
  }

  /** Whether a person authorised the agents of a hall (代办) today; the agency module answers. */
  @FunctionalInterface
  public interface Authorised {
    Future<Boolean> at(String idNumber, String hallCode);
  }

  /** The material kind of a signed 代办 authorisation form (the evidence of one staff record). */
  public static final String AUTHORISATION_FORM = cn.tongban.core.agency.AgentAuthorisations.EVIDENCE_KIND;

  private final Vertx vertx;
  private final Authorised authorised;
  private final MaterialStore store;
  private final CalendarService calendar;
  private final VisibleCases applications;
  private final MatterStore matters;
  private final LicenceService licences;
  private final List<MaterialScanner> scanners;
  private final long limitBytes;
  private final int validDays;
  private final PersonalData personal;
  /** An upload's sealed owner and content, for a rewrap. */
  public static final SealedTable SEALED = MaterialStore.SEALED;

  public MaterialService(Vertx vertx, Pool pool, CalendarService calendar, VisibleCases applications,
      Authorised authorised, MatterStore matters, LicenceService licences, List<MaterialScanner> scanners, long limitBytes, int validDays,
      PersonalData personal) {
    this.personal = personal;
    this.authorised = authorised;
    this.vertx = vertx;
    this.store = new MaterialStore(pool, personal);
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
    return owner(caller, u.forIdNumber(), u.kind(), locale).compose(owner -> {
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
        // The file's id is drawn here: its content and owner are sealed bound to it.
        UUID id = UUID.randomUUID();
        return vertx.executeBlocking(() -> new Object[] {HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(u.content())), personal.sealBytes(MaterialStore.CONTENT, id.toString(), u.content())}, false)
            .compose(hashed -> store(caller, u, owner, type.get(), (String) hashed[0], id, (byte[]) hashed[1]));
      });
    });
  }

  private Future<JsonObject> store(Caller caller, Upload u, String owner, String mediaType, String sha, UUID id,
      byte[] sealed) {
    String name = safeName(u.fileName(), mediaType);
    return store.pool().withTransaction(tx -> store.findSame(tx, owner, u.kind(), sha, caller.scopeKey(), calendar.today())
        .compose(same -> same.isPresent() ? Future.succeededFuture(same.get().toJson())
            : store.insert(tx, id, owner, u.kind(), name, mediaType, u.content().length, sha, sealed, caller.scopeKey(),
                    caller.kind() == Caller.Kind.CITIZEN, calendar.today().plusDays(validDays))
                .compose(file -> {
                  JsonObject m = file.toJson();
                  return AuditLog.record(tx, caller.scopeKey(), "material.uploaded", "material", m.getString("id"),
                      new JsonObject().put("kind", u.kind()).put("sha256", sha).put("size", u.content().length))
                      .map(m);
                })));
  }

  /**
   * A name fit for a download header: no path, no control characters, no format characters (U+202E and
   * its kind would show 「gpj.exe」 as 「exe.jpg」), the extension of what it really is.
   */
  private static String safeName(String given, String mediaType) {
    String base = given == null ? "" : given.replaceAll(".*[/\\\\]", "").replaceAll("[\\p{Cntrl}\\p{Cf}\"]", "");
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

  /**
   * Whose material an upload is: a citizen's own. Staff upload for someone else only in a case context: a
   * window clerk for the applicant in front of them (their identity checked at the window), an agent only for
   * a person who authorised the agents of the agent's hall (代办授权, valid today), or the signed authorisation
   * form itself (kind {@value #AUTHORISATION_FORM}, which only proves an authorisation and fills no case); 403
   * otherwise.
   */
  private Future<String> owner(Caller caller, Optional<String> forIdNumber, String kind, Locale locale) {
    if (caller.kind() == Caller.Kind.CITIZEN) {
      return store.accountIdNumber(caller.subject()).compose(id -> id.isEmpty()
          ? Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "material.owner"))
          : Future.succeededFuture(id.get()));
    }
    if (caller.kind() == Caller.Kind.STAFF && (caller.has(Role.CLERK) || caller.has(Role.AGENT))) {
      if (forIdNumber.isEmpty() || !IdNumber.isValid(forIdNumber.get())) {
        return Future.failedFuture(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "material.invalid",
            List.of(new Violation("/idNumber", forIdNumber.isEmpty() ? "required" : "idNumber",
                Messages.get(locale, "material.owner"))), 1));
      }
      if (caller.has(Role.CLERK) && caller.hallCode().isPresent()) {
        return Future.succeededFuture(forIdNumber.get());
      }
      if (AUTHORISATION_FORM.equals(kind) && caller.hallCode().isPresent()) {
        // The signed 代办 authorisation form itself comes before the authorisation it proves.
        return Future.succeededFuture(forIdNumber.get());
      }
      return caller.hallCode().map(hall -> authorised.at(forIdNumber.get(), hall)).orElse(Future.succeededFuture(false))
          .compose(ok -> ok ? Future.succeededFuture(forIdNumber.get())
              : Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "material.notAuthorised")));
    }
    return Future.failedFuture(new DomainException(ProblemCode.FORBIDDEN, "material.owner"));
  }

  /** Whether a material is a valid upload of this kind for this person by this uploader (a caller's scope key). */
  public Future<Boolean> uploadedBy(String materialId, String kind, String ownerIdNumber, String uploadedBy) {
    UUID id;
    try {
      id = UUID.fromString(materialId);
    } catch (IllegalArgumentException | NullPointerException e) {
      return Future.succeededFuture(false);
    }
    return store.uploadedBy(id, kind, ownerIdNumber, uploadedBy, calendar.today());
  }

  /** The caller's own materials that can still be reused, newest first. */
  public Future<List<JsonObject>> mine(Caller caller, Optional<String> kind) {
    return store.ofAccount(caller.subject(), calendar.today(), kind)
        .map(files -> files.stream().map(MaterialStore.StoredFile::toJson).toList());
  }

  public Future<JsonObject> get(Caller caller, String id) {
    return readable(caller, id).map(MaterialStore.StoredFile::toJson);
  }

  public Future<Content> content(Caller caller, String id) {
    return readable(caller, id).compose(f -> store.sealedContent(UUID.fromString(id))
        .compose(sealed -> vertx.executeBlocking(() -> personal.openBytes(MaterialStore.CONTENT, UUID.fromString(id).toString(), sealed),
            false))
        .map(plain -> new Content(f.fileName(), f.mediaType(), Buffer.buffer(plain))));
  }

  /** The material's row if the caller may read it; 404 otherwise (ids cannot be probed). */
  private Future<MaterialStore.StoredFile> readable(Caller caller, String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new DomainException(ProblemCode.MATERIAL_NOT_FOUND, "material.notFound", id));
    }
    return store.readable(uuid, caller.kind() == Caller.Kind.CLIENT ? "" : caller.subject())
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.failedFuture(new DomainException(ProblemCode.MATERIAL_NOT_FOUND, "material.notFound", id));
          }
          MaterialStore.StoredFile r = found.get().file();
          boolean own = r.ownerIndex().equals(found.get().readerIndex()) || caller.scopeKey().equals(r.uploadedBy());
          if (!own && Masking.masks(caller)) {
            // A masked caller never reads someone else's files: 404, as for any material they cannot see.
            return Future.failedFuture(new DomainException(ProblemCode.MATERIAL_NOT_FOUND, "material.notFound", id));
          }
          if (own || caller.kind() == Caller.Kind.STAFF && (caller.has(Role.ADMIN) || caller.has(Role.SUPERVISOR))) {
            return Future.succeededFuture(r);
          }
          return anyVisible(caller, found.get().cases(), 0).compose(visible -> visible
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
      boolean masked = Masking.masks(caller, a.submittedBy());
      // A case made under an authorisation staff recorded alone does not show the hall's agents and clerks
      // the applicant's licences (the library stays closed to them; the department still sees them).
      boolean libraryShut = a.agencyOrigin().filter("RECORDED"::equals).isPresent()
          && caller.kind() == Caller.Kind.STAFF && (caller.has(Role.AGENT) || caller.has(Role.CLERK));
      return matters.find(a.matterCode()).compose(m -> store.ofCase(number).compose(rows -> {
            JsonObject attached = new JsonObject();
            rows.forEach(r -> attached.put(r.materialCode(), attachment(r, masked)));
            JsonArray needs = m.orElseThrow().document().getJsonArray("materials", new JsonArray());
            List<String> types = new ArrayList<>();
            needs.forEach(o -> Optional.ofNullable(((JsonObject) o).getString("licenceType")).ifPresent(types::add));
            List<String> holders = new ArrayList<>();
            Optional.ofNullable(a.applicant().getString("idNumber")).ifPresent(holders::add);
            Optional.ofNullable(a.applicant().getString("creditCode")).ifPresent(holders::add);
            return (libraryShut ? Future.succeededFuture(List.<cn.tongban.core.licence.Licence>of())
                : licences.ofHolders(holders, types)).map(found2 -> {
              JsonArray out = new JsonArray();
              for (Object o : needs) {
                JsonObject need = (JsonObject) o;
                JsonObject item = new JsonObject().put("code", need.getString("code")).put("name", need.getString("name"))
                    .put("required", need.getBoolean("required", false)).put("source", need.getString("source"))
                    .put("satisfiedBy", attached.getJsonObject(need.getString("code")));
                String type = need.getString("licenceType");
                if (type != null) {
                  item.put("licenceType", type).put("licences", new JsonArray(found2.stream()
                      .filter(l -> l.typeName().equals(type)).map(licences::toJson)
                      .map(l -> masked ? Masking.licence(l) : l).toList()));
                }
                out.add(item);
              }
              return out;
            });
          }));
    });
  }

  /** What satisfied a material; for a masked caller without the file's name and hash (they may hold a name). */
  private static JsonObject attachment(MaterialStore.Attachment r, boolean masked) {
    JsonObject j = new JsonObject().put("kind", r.source()).put("attachedAt", r.attachedAt());
    if (r.licenceIdentifier() != null) {
      j.put("licenceIdentifier", r.licenceIdentifier());
    } else {
      MaterialStore.StoredFile f = r.file().orElse(null);
      j.put("material", f == null ? new JsonObject().putNull("id").putNull("fileName").putNull("mediaType")
          .putNull("size").putNull("sha256") : new JsonObject().put("id", f.id()).put("fileName", f.fileName())
          .put("mediaType", f.mediaType()).put("size", f.size()).put("sha256", f.sha256()));
      if (masked && f != null) {
        j.getJsonObject("material").put("fileName", "***").putNull("sha256");
      }
    }
    return j;
  }

  /**
   * Which of the given material ids are not the applicant's own valid materials (for a submission's
   * violations): the indexes of the bad ones.
   */
  public Future<List<Integer>> notOwned(String ownerIdNumber, List<String> ids) {
    return notOwned(ownerIdNumber, ids, Optional.empty());
  }

  /**
   * The same, and with {@code uploadedBy} only files that uploader handed in (a case staff make without the
   * applicant's own authorisation gets what they handed in, not the applicant's library by id).
   */
  public Future<List<Integer>> notOwned(String ownerIdNumber, List<String> ids, Optional<String> uploadedBy) {
    List<UUID> uuids = new ArrayList<>();
    for (String id : ids) {
      try {
        uuids.add(UUID.fromString(id));
      } catch (IllegalArgumentException | NullPointerException e) {
        uuids.add(new UUID(0, 0));
      }
    }
    return store.ownedValid(uuids, ownerIdNumber, calendar.today(), uploadedBy)
        .map(good -> {
          List<Integer> bad = new ArrayList<>();
          for (int i = 0; i < uuids.size(); i++) {
            if (!good.contains(uuids.get(i).toString())) {
              bad.add(i);
            }
          }
          return bad;
        });
  }
}
