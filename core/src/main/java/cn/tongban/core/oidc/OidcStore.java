package cn.tongban.core.oidc;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The SQL of OpenID Connect: registered clients (api_client rows), consents, refresh tokens, federated links. */
public final class OidcStore {
  private static final String CLIENT_COLUMNS = "client_id, name, public_client, redirect_uris, scopes, channels,"
      + " disabled, secret_hash is not null as has_secret";
  private final SqlClient client;

  public OidcStore(SqlClient client) {
    this.client = client;
  }

  public Future<Optional<OidcClient>> findClient(String clientId) {
    return client.preparedQuery("select " + CLIENT_COLUMNS + " from api_client where client_id = $1")
        .execute(Tuple.of(clientId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toClient(rows.iterator().next())));
  }

  public Future<List<OidcClient>> clients() {
    return client.query("select " + CLIENT_COLUMNS + " from api_client order by client_id").execute()
        .map(rows -> {
          List<OidcClient> out = new ArrayList<>();
          rows.forEach(r -> out.add(toClient(r)));
          return out;
        });
  }

  /** Creates or changes a client; {@code secretHash} is set only when given (a new confidential client). */
  public Future<Void> putClient(OidcClient c, String secretHash) {
    return client.preparedQuery("""
            insert into api_client (client_id, secret_hash, name, channels, scopes, public_client, redirect_uris, disabled)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            on conflict (client_id) do update set name = excluded.name, channels = excluded.channels,
              scopes = excluded.scopes, public_client = excluded.public_client,
              redirect_uris = excluded.redirect_uris, disabled = excluded.disabled,
              secret_hash = case when excluded.public_client then null
                                 else coalesce(excluded.secret_hash, api_client.secret_hash) end""")
        .execute(Tuple.from(new Object[] {c.clientId(), secretHash, c.name(),
            c.channels().stream().sorted().toArray(String[]::new), c.scopes().stream().sorted().toArray(String[]::new),
            c.publicClient(), c.redirectUris().toArray(String[]::new), c.disabled()}))
        .mapEmpty();
  }

  /** The scopes a citizen allowed a client, if they did. */
  public Future<Optional<Set<String>>> consent(String accountId, String clientId) {
    return client.preparedQuery("select scopes from oauth_consent where account_id::text = $1 and client_id = $2")
        .execute(Tuple.of(accountId, clientId))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(Set.of(rows.iterator().next().getArrayOfStrings("scopes"))));
  }

  public Future<Void> putConsent(String accountId, String clientId, Set<String> scopes) {
    return client.preparedQuery("""
            insert into oauth_consent (account_id, client_id, scopes) values ($1::uuid, $2, $3)
            on conflict (account_id, client_id) do update set scopes = array(select distinct unnest(
              oauth_consent.scopes || excluded.scopes) order by 1), granted_at = now()""")
        .execute(Tuple.of(accountId, clientId, scopes.stream().sorted().toArray(String[]::new)))
        .mapEmpty();
  }

  /** The clients a citizen allowed, newest first. */
  public Future<JsonArray> consents(String accountId) {
    return client.preparedQuery("""
            select c.client_id, a.name, c.scopes, c.granted_at from oauth_consent c
            join api_client a on a.client_id = c.client_id where c.account_id::text = $1 order by c.granted_at desc""")
        .execute(Tuple.of(accountId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("clientId", r.getString("client_id"))
              .put("name", r.getString("name")).put("scopes", new JsonArray(List.of(r.getArrayOfStrings("scopes"))))
              .put("grantedAt", r.getOffsetDateTime("granted_at").toInstant().toString())));
          return out;
        });
  }

  /** Forgets a consent and revokes the refresh tokens of that client for the citizen; the families revoked. */
  public Future<List<String>> deleteConsent(String accountId, String clientId) {
    return client.preparedQuery("delete from oauth_consent where account_id::text = $1 and client_id = $2")
        .execute(Tuple.of(accountId, clientId))
        .compose(v -> client.preparedQuery("""
                update oauth_refresh_token set revoked_at = now() where account_id::text = $1 and client_id = $2
                  and revoked_at is null returning family_id""")
            .execute(Tuple.of(accountId, clientId)))
        .map(OidcStore::families);
  }

  /** A stored refresh token. */
  public record Refresh(String familyId, String clientId, String accountId, Set<String> scopes, long authTime,
      boolean used, boolean revoked, boolean expired) {
  }

  public Future<Void> insertRefresh(String tokenHash, String familyId, String clientId, String accountId,
      Set<String> scopes, long authTime, OffsetDateTime expiresAt) {
    return client.preparedQuery("""
            insert into oauth_refresh_token (token_hash, family_id, client_id, account_id, scopes, auth_time, expires_at)
            values ($1, $2, $3, $4::uuid, $5, $6, $7)""")
        .execute(Tuple.from(new Object[] {tokenHash, familyId, clientId, accountId,
            scopes.stream().sorted().toArray(String[]::new), authTime, expiresAt}))
        .mapEmpty();
  }

  /**
   * Marks an unused, unrevoked refresh token used, in one statement (of two racing uses, one wins); the token,
   * or empty when it is unknown, used or revoked ({@link #findRefresh} tells which).
   */
  public Future<Optional<Refresh>> useRefresh(String tokenHash) {
    return client.preparedQuery("""
            update oauth_refresh_token set used_at = now()
            where token_hash = $1 and used_at is null and revoked_at is null
            returning family_id, client_id, account_id::text as account_id, scopes, auth_time, false as used,
              false as revoked, expires_at < now() as expired""")
        .execute(Tuple.of(tokenHash))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toRefresh(rows.iterator().next())));
  }

  public Future<Optional<Refresh>> findRefresh(String tokenHash) {
    return client.preparedQuery("""
            select family_id, client_id, account_id::text as account_id, scopes, auth_time, used_at is not null as used,
              revoked_at is not null as revoked, expires_at < now() as expired
            from oauth_refresh_token where token_hash = $1""")
        .execute(Tuple.of(tokenHash))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toRefresh(rows.iterator().next())));
  }

  public Future<Void> revokeFamily(String familyId) {
    return client.preparedQuery("update oauth_refresh_token set revoked_at = coalesce(revoked_at, now())"
            + " where family_id = $1").execute(Tuple.of(familyId)).mapEmpty();
  }

  public Future<String> setting(String name) {
    return client.preparedQuery("select value from oidc_setting where name = $1").execute(Tuple.of(name))
        .map(rows -> rows.iterator().next().getString(0));
  }

  /** The citizen an upstream provider's subject is linked to, if any. */
  public Future<Optional<String>> linkedAccount(String issuer, String subject) {
    return client.preparedQuery("select account_id::text from oidc_federated_link where issuer = $1 and subject = $2")
        .execute(Tuple.of(issuer, subject))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  public Future<Void> link(String issuer, String subject, String accountId) {
    return client.preparedQuery("insert into oidc_federated_link (issuer, subject, account_id) values ($1, $2, $3::uuid)"
            + " on conflict do nothing").execute(Tuple.of(issuer, subject, accountId)).mapEmpty();
  }

  private static List<String> families(io.vertx.sqlclient.RowSet<Row> rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> {
      if (!out.contains(r.getString(0))) {
        out.add(r.getString(0));
      }
    });
    return out;
  }

  private static Refresh toRefresh(Row r) {
    return new Refresh(r.getString("family_id"), r.getString("client_id"), r.getString("account_id"),
        Set.of(r.getArrayOfStrings("scopes")), r.getLong("auth_time"), r.getBoolean("used"), r.getBoolean("revoked"),
        r.getBoolean("expired"));
  }

  private static OidcClient toClient(Row r) {
    return new OidcClient(r.getString("client_id"), r.getString("name"), r.getBoolean("public_client"),
        List.of(r.getArrayOfStrings("redirect_uris")), Set.of(r.getArrayOfStrings("scopes")),
        Set.of(r.getArrayOfStrings("channels")), r.getBoolean("disabled"), r.getBoolean("has_secret"));
  }
}
