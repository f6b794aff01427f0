package cn.tongban.core.identity;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.privacy.SealedTable;
import cn.tongban.core.access.Channel;
import cn.tongban.core.privacy.PersonalData;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** The SQL for accounts, API clients, WeChat links and the token signing keys. */
public final class IdentityStore {
  private static final String ACCOUNT_COLUMNS = """
      id::text as id, username, password_hash, kind, display_name, roles, department_code, hall_code,
      id_number_sealed, phone_sealed, disabled, real_name_level, token_epoch""";
  /** Column contexts: identity numbers and phones are sealed, and found by their blind indexes. */
  public static final String ID_NUMBER = "account.id_number";
  public static final String PHONE = "account.phone";

  /** The account's sealed identity number and phone, for a rewrap. */
  public static final SealedTable SEALED = new SealedTable("account",
      "select id, id_number_sealed, phone_sealed from account where $2::bytea is not null and ("
          + SealedTable.stale("id_number_sealed") + " or " + SealedTable.stale("phone_sealed") + ") order by id",
      "update account set id_number_sealed = $2, id_number_index = $3, phone_sealed = $4, phone_index = $5"
          + " where id = $1",
      (personal, r) -> {
        String row = r.getUUID("id").toString();
        String id = personal.open(ID_NUMBER, row, r.getString("id_number_sealed"));
        String phone = personal.open(PHONE, row, r.getString("phone_sealed"));
        return Tuple.of(r.getUUID("id"), personal.seal(ID_NUMBER, row, id), personal.index(PersonalData.Kind.ID, id),
            personal.seal(PHONE, row, phone), personal.index(PersonalData.Kind.PHONE, phone));
      });
  private final SqlClient client;
  private final PersonalData personal;

  public IdentityStore(SqlClient client, PersonalData personal) {
    this.client = client;
    this.personal = personal;
  }

  public PersonalData personal() {
    return personal;
  }

  public SqlClient client() {
    return client;
  }

  /** The account signing in with {@code login}: a username, or a citizen's identity number. */
  public Future<Optional<Account>> findByLogin(String login) {
    return client.preparedQuery("select " + ACCOUNT_COLUMNS + " from account"
            + " where username = $1 or id_number_index = $2 or phone_index = $3 order by (username = $1) desc limit 1")
        .execute(Tuple.of(login, personal.index(PersonalData.Kind.ID, login), personal.index(PersonalData.Kind.PHONE, login)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toAccount(rows.iterator().next())));
  }

  public Future<Optional<Account>> findById(String id) {
    return client.preparedQuery("select " + ACCOUNT_COLUMNS + " from account where id::text = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toAccount(rows.iterator().next())));
  }

  public Future<Optional<ApiClient>> findClient(String clientId) {
    return client.preparedQuery("select client_id, secret_hash, name, channels, scopes, disabled from api_client"
            + " where client_id = $1")
        .execute(Tuple.of(clientId))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new ApiClient(r.getString("client_id"), r.getString("secret_hash"), r.getString("name"),
              Arrays.stream(r.getArrayOfStrings("channels")).map(Channel::valueOf).collect(Collectors.toSet()),
              Set.of(r.getArrayOfStrings("scopes")), r.getBoolean("disabled")));
        });
  }

  /** Inserts an account unless its username exists; true when inserted. */
  public Future<Boolean> insertAccountIfAbsent(SqlClient tx, Account a) {
    // The id is chosen here, not by the database: the sealed identity number and phone are bound to it.
    UUID id = a.id() == null ? UUID.randomUUID() : UUID.fromString(a.id());
    String row = id.toString();
    return tx.preparedQuery("""
            insert into account (username, password_hash, kind, display_name, roles, department_code, hall_code,
                                 id_number_index, phone_index, real_name_level, id_number_sealed, phone_sealed, id)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            on conflict do nothing""")
        .execute(Tuple.from(new Object[] {a.username(), a.passwordHash(), a.kind().name(), a.displayName(),
            a.roles().stream().map(Enum::name).sorted().toArray(String[]::new), a.departmentCode().orElse(null),
            a.hallCode().orElse(null), personal.index(PersonalData.Kind.ID, a.idNumber().orElse(null)),
            personal.index(PersonalData.Kind.PHONE, a.phone().orElse(null)), a.realNameLevel(),
            personal.seal(ID_NUMBER, row, a.idNumber().orElse(null)), personal.seal(PHONE, row, a.phone().orElse(null)),
            id}))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Boolean> insertClientIfAbsent(SqlClient tx, ApiClient c) {
    return tx.preparedQuery("""
            insert into api_client (client_id, secret_hash, name, channels, scopes) values ($1, $2, $3, $4, $5)
            on conflict (client_id) do nothing""")
        .execute(Tuple.of(c.clientId(), c.secretHash(), c.name(),
            c.channels().stream().map(Enum::name).sorted().toArray(String[]::new),
            c.scopes().stream().sorted().toArray(String[]::new)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Whether an account has this identity number or phone already. */
  public Future<Boolean> citizenExists(String idNumber, String phone) {
    return client.preparedQuery("select 1 from account where id_number_index = $1 or phone_index = $2 or username = $3")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, idNumber), personal.index(PersonalData.Kind.PHONE, phone),
            idNumber))
        .map(rows -> rows.size() > 0);
  }

  /** A new password, and a new token epoch that makes every earlier token invalid; returns the epoch. */
  public Future<Integer> changePassword(String accountId, String hash) {
    return client.preparedQuery("update account set password_hash = $2, token_epoch = token_epoch + 1"
            + " where id::text = $1 returning token_epoch")
        .execute(Tuple.of(accountId, hash))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /**
   * The account's current token epoch; a disabled account answers a value no token carries. Empty for
   * subjects that are not accounts (third-party clients).
   */
  public Future<Optional<Integer>> epoch(String accountId) {
    return client.preparedQuery("select token_epoch, disabled from account where id::text = $1")
        .execute(Tuple.of(accountId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBoolean(1)
            ? Integer.MAX_VALUE : rows.iterator().next().getInteger(0)));
  }

  /** Sets a citizen's real-name level; the account's id, empty when there is no citizen with this number. */
  public Future<Optional<String>> setRealNameLevel(String idNumber, int level) {
    return client.preparedQuery("update account set real_name_level = $2 where id_number_index = $1"
            + " and kind = 'CITIZEN' returning id::text")
        .execute(Tuple.of(personal.index(PersonalData.Kind.ID, idNumber), level))
        .map(rows -> rows.size() == 1 ? Optional.of(rows.iterator().next().getString(0)) : Optional.empty());
  }

  /** Names of accounts that exist among {@code usernames}. */
  public Future<java.util.Set<String>> existingUsernames(String[] usernames) {
    return client.preparedQuery("select username from account where username = any($1)")
        .execute(Tuple.of(usernames))
        .map(rows -> {
          java.util.Set<String> out = new java.util.HashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** The account linked to a WeChat openid, if any. */
  public Future<Optional<String>> weChatAccount(String openid) {
    return client.preparedQuery("select account_id::text from wechat_link where openid = $1")
        .execute(Tuple.of(openid))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  /** Links a WeChat openid to an account, replacing an earlier link of the same openid. */
  public Future<Void> linkWeChat(String openid, String accountId) {
    return client.preparedQuery("""
            insert into wechat_link (openid, account_id) values ($1, $2::uuid)
            on conflict (openid) do update set account_id = excluded.account_id, linked_at = now()""")
        .execute(Tuple.of(openid, accountId)).mapEmpty();
  }

  /** Column context: the token signing key's private half is sealed at rest like personal data. */
  public static final String SIGNING_KEY_PRIVATE_PEM = "signing_key.private_pem";

  /** The token signing keys' sealed private halves, for a rewrap. */
  public static final SealedTable SEALED_SIGNING_KEYS = new SealedTable("signing_key",
      "select id, private_pem from signing_key where $2::bytea is not null and "
          + SealedTable.stale("private_pem") + " order by id",
      "update signing_key set private_pem = $2 where id = $1",
      (personal, r) -> Tuple.of(r.getString("id"), personal.seal(SIGNING_KEY_PRIVATE_PEM, r.getString("id"),
          personal.open(SIGNING_KEY_PRIVATE_PEM, r.getString("id"), r.getString("private_pem")))));

  /** A stored token-signing key: its state, whether the JWKS still lists it, and when it signed. */
  public record StoredKey(SigningKeys.Pem pem, SigningKeys.State state, boolean published,
      java.time.OffsetDateTime signsFrom, java.time.OffsetDateTime retiredAt) {
  }

  /**
   * Makes sure a key signs and a next one waits, in {@code tx} under a table lock (nodes starting together insert
   * one of each, not two): {@code current} is stored only when no key signs, {@code next} only when none waits.
   */
  public Future<Void> ensureSigningKeys(SqlClient tx, SigningKeys.Pem current, SigningKeys.Pem next) {
    return tx.query("lock table signing_key in share row exclusive mode").execute()
        .compose(v -> tx.preparedQuery("""
                insert into signing_key (id, algorithm, private_pem, public_pem, signs_from)
                select $1, 'ES256', $2, $3, now()
                where not exists (select 1 from signing_key where signs_from is not null and retired_at is null)""")
            .execute(Tuple.of(current.id(), personal.seal(SIGNING_KEY_PRIVATE_PEM, current.id(), current.privatePem()),
                current.publicPem())))
        .compose(v -> tx.preparedQuery("""
                insert into signing_key (id, algorithm, private_pem, public_pem)
                select $1, 'ES256', $2, $3
                where not exists (select 1 from signing_key where signs_from is null and retired_at is null)""")
            .execute(Tuple.of(next.id(), personal.seal(SIGNING_KEY_PRIVATE_PEM, next.id(), next.privatePem()), next.publicPem())))
        .mapEmpty();
  }

  /**
   * The keys still of use: the current and next ones, and retired ones for {@code hintSeconds} (an expired ID
   * token may still name a sign-in to end), {@code published} while retired less than {@code publishSeconds} ago
   * (tokens they signed may not have expired). Only the current key's private half is opened.
   */
  public Future<List<StoredKey>> signingKeys(long publishSeconds, long hintSeconds) {
    return client.preparedQuery("""
            select id, private_pem, public_pem, signs_from, retired_at,
              coalesce(retired_at > now() - $1::int8 * interval '1 second', true) as published
            from signing_key where retired_at is null or retired_at > now() - $2::int8 * interval '1 second'
            order by case when retired_at is not null then 2 when signs_from is null then 1 else 0 end,
              retired_at desc""")
        .execute(Tuple.of(publishSeconds, hintSeconds))
        .map(rows -> {
          List<StoredKey> out = new ArrayList<>();
          rows.forEach(r -> {
            SigningKeys.State state = r.getOffsetDateTime("retired_at") != null ? SigningKeys.State.RETIRED
                : r.getOffsetDateTime("signs_from") != null ? SigningKeys.State.CURRENT : SigningKeys.State.NEXT;
            String privatePem = state == SigningKeys.State.CURRENT
                ? personal.open(SIGNING_KEY_PRIVATE_PEM, r.getString("id"), r.getString("private_pem")) : null;
            out.add(new StoredKey(new SigningKeys.Pem(r.getString("id"), privatePem, r.getString("public_pem")), state,
                r.getBoolean("published"), r.getOffsetDateTime("signs_from"), r.getOffsetDateTime("retired_at")));
          });
          return out;
        });
  }

  /** What a rotation did: the key that signs now, the one that waits to sign next, the one retired. */
  public record Rotation(String current, String next, Optional<String> retired) {
  }

  /**
   * Rotates in {@code tx} under a table lock, so two nodes never rotate at once: the current key retires, the
   * waiting one signs from now (or {@code fresh} when none waits), {@code spare} waits next. With
   * {@code olderThanSeconds > 0}, only when the current key has signed that long (the scheduled rotation: of
   * nodes racing, the first rotates and the others find a young key). Keys retired over 31 days ago go.
   */
  public Future<Optional<Rotation>> rotateSigningKeys(SqlClient tx, SigningKeys.Pem fresh, SigningKeys.Pem spare,
      long olderThanSeconds) {
    return tx.query("lock table signing_key in share row exclusive mode").execute()
        .compose(v -> tx.preparedQuery("""
                select count(*) from signing_key where signs_from is not null and retired_at is null
                  and signs_from > now() - $1::int8 * interval '1 second'""").execute(Tuple.of(Math.max(0, olderThanSeconds))))
        .compose(young -> {
          if (olderThanSeconds > 0 && young.iterator().next().getLong(0) > 0) {
            return Future.succeededFuture(Optional.<Rotation>empty());
          }
          return tx.query("update signing_key set retired_at = now() where signs_from is not null and retired_at is null"
                  + " returning id").execute()
              .compose(retired -> tx.query("update signing_key set signs_from = now() where signs_from is null"
                      + " and retired_at is null returning id").execute()
                  .compose(promoted -> promoted.size() > 0 ? Future.succeededFuture(promoted.iterator().next().getString(0))
                      : tx.preparedQuery("insert into signing_key (id, algorithm, private_pem, public_pem, signs_from)"
                          + " values ($1, 'ES256', $2, $3, now())")
                          .execute(Tuple.of(fresh.id(), personal.seal(SIGNING_KEY_PRIVATE_PEM, fresh.id(), fresh.privatePem()),
                              fresh.publicPem())).map(fresh.id()))
                  .compose(current -> tx.preparedQuery("insert into signing_key (id, algorithm, private_pem, public_pem)"
                          + " values ($1, 'ES256', $2, $3)")
                      .execute(Tuple.of(spare.id(), personal.seal(SIGNING_KEY_PRIVATE_PEM, spare.id(), spare.privatePem()),
                          spare.publicPem()))
                      .compose(x -> tx.query("delete from signing_key where retired_at < now() - interval '31 days'")
                          .execute())
                      .map(x -> Optional.of(new Rotation(current, spare.id(), retired.size() == 0 ? Optional.empty()
                          : Optional.of(retired.iterator().next().getString(0)))))));
        });
  }

  private Account toAccount(Row r) {
    return new Account(r.getString("id"), r.getString("username"), r.getString("password_hash"),
        Caller.Kind.valueOf(r.getString("kind")), r.getString("display_name"),
        Arrays.stream(r.getArrayOfStrings("roles")).map(Role::valueOf).collect(Collectors.toSet()),
        Optional.ofNullable(r.getString("department_code")), Optional.ofNullable(r.getString("hall_code")),
        Optional.ofNullable(personal.open(ID_NUMBER, r.getString("id"), r.getString("id_number_sealed"))),
        Optional.ofNullable(personal.open(PHONE, r.getString("id"), r.getString("phone_sealed"))),
        r.getBoolean("disabled"), r.getInteger("real_name_level"), r.getInteger("token_epoch"));
  }
}
