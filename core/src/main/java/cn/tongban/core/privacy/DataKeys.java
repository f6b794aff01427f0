package cn.tongban.core.privacy;

import cn.tongban.core.config.TongbanConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Where the personal-data keys come from, and the start-up check that they are the ones this database was
 * sealed with.
 *
 * <ul>
 *   <li>{@code TONGBAN_DATA_KEYS} and {@code TONGBAN_DATA_INDEX_KEY} when configured (production: from the
 *       secret store, never from the repository);</li>
 *   <li>otherwise, with the embedded PostgreSQL only, {@code <data dir>/keys/personal-data.properties},
 *       generated on first start (owner-only permissions) — the one-command demo needs no set-up;</li>
 *   <li>with an external PostgreSQL and no keys configured the platform does not start: a key on one node's
 *       disk would lose every citizen's data with that disk, and other nodes could not read it.</li>
 * </ul>
 */
public final class DataKeys {
  private static final Logger LOG = Logger.getLogger(DataKeys.class.getName());
  private static final String PROBE = "tongban personal-data probe";
  private static final String PROBE_CONTEXT = "personal_data_key.probe";
  private static final String INDEX_ROW = "index";

  private DataKeys() {
  }

  /** The keys to use. Blocking (reads or writes the key file): call it on a worker. */
  public static PersonalData resolve(TongbanConfig config) {
    if (config.dataKeys().isPresent()) {
      return PersonalData.of(config.dataKeys().get(), config.dataIndexAlgorithm());
    }
    if (config.pgUrl().isPresent()) {
      throw new IllegalStateException("TONGBAN_DATA_KEYS and TONGBAN_DATA_INDEX_KEY are required with an external"
          + " PostgreSQL (TONGBAN_PG_URL): personal data is stored encrypted under them. See docs/operations.md.");
    }
    try {
      return fromFile(config.dataDir().resolve("keys").resolve("personal-data.properties"),
          config.dataIndexAlgorithm());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or create the personal-data key file: " + e.getMessage(), e);
    }
  }

  private static PersonalData fromFile(Path file, String indexAlgorithm) throws IOException {
    Properties p = new Properties();
    if (!Files.exists(file)) {
      SecureRandom random = new SecureRandom();
      byte[] key = new byte[32];
      byte[] index = new byte[32];
      random.nextBytes(key);
      random.nextBytes(index);
      byte[] id = new byte[3];
      random.nextBytes(id);
      Files.createDirectories(file.getParent());
      try {
        Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      p.setProperty("keys", "k" + HexFormat.of().formatHex(id) + ":" + Base64.getEncoder().encodeToString(key));
      p.setProperty("index", Base64.getEncoder().encodeToString(index));
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp)) {
        p.store(w, "Tongban personal-data keys for the embedded database. Back this file up with the data:"
            + " without it the personal data cannot be read.");
      }
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      LOG.info("generated personal-data keys in " + file + " (embedded database; configure TONGBAN_DATA_KEYS and"
          + " TONGBAN_DATA_INDEX_KEY for production)");
    }
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put(TongbanConfig.Option.DATA_KEYS.env(), p.getProperty("keys", ""));
    env.put(TongbanConfig.Option.DATA_INDEX_KEY.env(), p.getProperty("index", ""));
    TongbanConfig.DataKeys keys;
    try {
      keys = TongbanConfig.from(env).dataKeys().orElseThrow();
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is damaged: " + e.getMessage().replace("\n", " "));
    }
    return PersonalData.of(keys, indexAlgorithm);
  }

  /**
   * Refuses keys that do not match the database: the blind-index key must be the one the indexes were built
   * with, every configured key that sealed something here must still open its probe, and every key that still
   * seals stored data must be configured. Records the sealing key on first use. Safe when nodes start at once.
   */
  public static Future<Void> check(Pool pool, PersonalData data) {
    String indexProbe = data.index(PersonalData.Kind.ID, PROBE);
    return pool.preparedQuery("insert into personal_data_key (key_id, probe) values ($1, $2), ($3, $4)"
            + " on conflict (key_id) do nothing")
        .execute(Tuple.of(INDEX_ROW, indexProbe, data.activeKeyId(), data.seal(PROBE_CONTEXT, PROBE)))
        .compose(v -> pool.query("select key_id, probe, retired_at is not null as retired from personal_data_key")
            .execute())
        .compose(rows -> {
          for (Row r : rows) {
            String id = r.getString("key_id");
            String probe = r.getString("probe");
            if (INDEX_ROW.equals(id)) {
              if (!indexProbe.equals(probe)) {
                return Future.failedFuture(new IllegalStateException("TONGBAN_DATA_INDEX_KEY (with"
                    + " TONGBAN_DATA_INDEX_ALGORITHM " + data.indexMac() + ") is not the key and algorithm this"
                    + " database's blind indexes were built with; lookups would find nothing. Start with the"
                    + " original index key and algorithm."));
              }
            } else if (data.knows(id)) {
              boolean opens;
              try {
                opens = PROBE.equals(data.open(PROBE_CONTEXT, probe));
              } catch (PersonalData.SealedValueException e) {
                opens = false;
              }
              if (!opens) {
                return Future.failedFuture(new IllegalStateException("data key '" + id + "' in TONGBAN_DATA_KEYS"
                    + " is not the key of that name that sealed this database's personal data"));
              }
            } else if (!r.getBoolean("retired")) {
              return Future.failedFuture(new IllegalStateException("personal data sealed with data key '" + id
                  + "' is still stored, but that key is not in TONGBAN_DATA_KEYS. Keep it configured (after the"
                  + " sealing key) until a rewrap has finished: POST /api/v1/admin/data-keys/rewrap."));
            }
          }
          return Future.<Void>succeededFuture();
        });
  }
}
