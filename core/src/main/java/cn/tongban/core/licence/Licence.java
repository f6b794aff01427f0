package cn.tongban.core.licence;

import io.vertx.sqlclient.Tuple;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.identity.Masking;
import cn.tongban.core.json.CanonicalJson;
import cn.tongban.core.privacy.PersonalData;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;

/**
 * An e-licence with its GB/T 36903 metadata. What is signed is the canonical JSON of {@link #signed()}:
 * every metadata field, the SHA-256 of the surface data (照面信息) and the signing key's id.
 */
public record Licence(String identifier, String typeCode, String typeName, String name, String number,
    String holderName, String holderCode, String holderCodeType, String issuerName, String issuerCode,
    Optional<String> departmentCode, LocalDate issueDate, String jurisdiction, LocalDate validFrom,
    Optional<LocalDate> validUntil, JsonObject surface, Optional<String> applicationNumber, String keyId,
    byte[] signature, String status, Optional<OffsetDateTime> revokedAt, Optional<String> revocationReason) {

  /** The prefix of a verification payload (what the licence's QR code carries). */
  public static final String PAYLOAD_PREFIX = "TBL1";

  /** The prefix of what a licence's QR code carries since issue 31: the identifier and a fingerprint, no holder data. */
  public static final String QR_PREFIX = "TBL2";

  /**
   * What the QR code carries: {@code TBL2.<fingerprint>.<identifier>} (the identifier has dots of its own, so
   * it comes last), the fingerprint being the first 16 bytes
   * of the SHA-256 of the licence's signature (base64url). That is all the public verification needs — it looks
   * the licence up and checks its signature in the library — and it names no one: the signed payload
   * ({@link #verificationPayload}) carries the holder's full identity number, and a QR code is read by whoever
   * is shown it. The fingerprint ties the code to this licence's signed record, which is never published, so a
   * code cannot be made from an identifier alone.
   */
  public String qrPayload() {
    return QR_PREFIX + "." + fingerprint(signature) + "." + identifier;
  }

  /** The first 16 bytes of the signature's SHA-256, base64url. */
  static String fingerprint(byte[] signature) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(signature);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The signed fields. */
  public JsonObject signed() {
    JsonObject s = new JsonObject().put("identifier", identifier).put("typeCode", typeCode).put("typeName", typeName)
        .put("name", name).put("number", number).put("holderName", holderName).put("holderCode", holderCode)
        .put("holderCodeType", holderCodeType).put("issuerName", issuerName).put("issuerCode", issuerCode)
        .put("issueDate", issueDate.toString()).put("jurisdiction", jurisdiction)
        .put("validFrom", validFrom.toString()).put("surfaceHash", CanonicalJson.sha256(surface)).put("keyId", keyId);
    validUntil.ifPresent(d -> s.put("validUntil", d.toString()));
    return s;
  }

  /** The bytes the signature covers. */
  public byte[] signedBytes() {
    return CanonicalJson.text(signed()).getBytes(StandardCharsets.UTF_8);
  }

  /** {@code TBL1.<signed fields, base64url>.<signature, base64url>}: verifiable offline and by the public endpoint. */
  public String verificationPayload() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return PAYLOAD_PREFIX + "." + b64.encodeToString(signedBytes()) + "." + b64.encodeToString(signature);
  }

  /** The status a reader sees today: REVOKED, EXPIRED or VALID. */
  public String statusOn(LocalDate today) {
    if ("REVOKED".equals(status)) {
      return "REVOKED";
    }
    return validUntil.filter(today::isAfter).isPresent() ? "EXPIRED" : "VALID";
  }

  /** The licence as its holder (or staff in scope) reads it. */
  public JsonObject toJson(LocalDate today) {
    JsonObject j = signed().put("status", statusOn(today)).put("surface", surface.copy())
        .put("verificationPayload", verificationPayload());
    j.remove("surfaceHash");
    departmentCode.ifPresent(d -> j.put("departmentCode", d));
    applicationNumber.ifPresent(n -> j.put("applicationNumber", n));
    revokedAt.ifPresent(t -> j.put("revokedAt", t.toString()));
    revocationReason.ifPresent(r -> j.put("revocationReason", r));
    return j;
  }

  /** What anyone holding the licence may learn from verifying it: no surface data, the holder masked. */
  public JsonObject toPublicJson() {
    JsonObject j = new JsonObject().put("identifier", identifier).put("name", name).put("typeName", typeName)
        .put("number", number).put("holderName", "001".equals(holderCodeType) ? holderName : Masking.name(holderName))
        .put("holderCode", "001".equals(holderCodeType) ? holderCode : Masking.idNumber(holderCode))
        .put("issuerName", issuerName).put("issueDate", issueDate.toString()).put("validFrom", validFrom.toString());
    validUntil.ifPresent(d -> j.put("validUntil", d.toString()));
    return j;
  }

  /** The columns {@link #from(Row)} reads. */
  public static final String COLUMNS = """
      identifier, type_code, type_name, name, number, holder_name, holder_code_sealed, holder_code_type, issuer_name,
      issuer_code, department_code, issue_date, jurisdiction, valid_from, valid_until, surface, application_number,
      key_id, signature, status, revoked_at, revocation_reason""";

  /** Column contexts: the holder's code and the surface data are sealed, bound to the licence's identifier. */
  public static final String HOLDER_CODE = "licence.holder_code";
  public static final String SURFACE = "licence.surface";

  /** A licence's sealed holder code and surface data, for a rewrap. */
  public static final SealedTable SEALED = new SealedTable("licence",
      "select identifier, holder_code_sealed, holder_code_type, surface from licence where $2::bytea is not null"
          + " and (" + SealedTable.stale("holder_code_sealed") + " or " + SealedTable.stale("surface")
          + ") order by identifier",
      "update licence set holder_code_sealed = $2, holder_index = $3, surface = $4 where identifier = $1",
      (personal, r) -> {
        String id = r.getString("identifier");
        String code = personal.open(HOLDER_CODE, id, r.getString("holder_code_sealed"));
        return Tuple.of(id, personal.seal(HOLDER_CODE, id, code),
            holderIndex(personal, code, r.getString("holder_code_type")),
            personal.seal(SURFACE, id, personal.open(SURFACE, id, r.getString("surface"))));
      });

  /**
   * What a licence is looked up by: a person's identity number by its blind index, an enterprise's credit
   * code (public, GB 32100) as it is.
   */
  public static String holderIndex(PersonalData personal, String holderCode, String holderCodeType) {
    return "001".equals(holderCodeType) ? holderCode : personal.index(PersonalData.Kind.ID, holderCode);
  }

  public static Licence from(Row r, PersonalData personal) {
    return new Licence(r.getString("identifier"), r.getString("type_code"), r.getString("type_name"),
        r.getString("name"), r.getString("number"), r.getString("holder_name"),
        personal.open(HOLDER_CODE, r.getString("identifier"), r.getString("holder_code_sealed")),
        r.getString("holder_code_type"), r.getString("issuer_name"), r.getString("issuer_code"),
        Optional.ofNullable(r.getString("department_code")), r.getLocalDate("issue_date"),
        r.getString("jurisdiction"), r.getLocalDate("valid_from"), Optional.ofNullable(r.getLocalDate("valid_until")),
        personal.openJson(SURFACE, r.getString("identifier"), r.getString("surface")), Optional.ofNullable(r.getString("application_number")),
        r.getString("key_id"), r.getBuffer("signature").getBytes(), r.getString("status"),
        Optional.ofNullable(r.getOffsetDateTime("revoked_at")), Optional.ofNullable(r.getString("revocation_reason")));
  }
}
