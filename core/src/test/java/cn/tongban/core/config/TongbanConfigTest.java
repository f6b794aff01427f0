package cn.tongban.core.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TongbanConfigTest {

  @Test
  void noConfigurationMeansEmbeddedServersDemoModeAndPort8080() {
    TongbanConfig c = TongbanConfig.from(Map.of());
    assertEquals(8080, c.httpPort());
    assertTrue(c.pgUrl().isEmpty());
    assertTrue(c.redisUrl().isEmpty());
    assertTrue(c.demo(), "embedded defaults run in demo mode");
    assertFalse(c.cluster());
    assertTrue(c.dataDir().endsWith("data"));
  }

  @Test
  void anExternalDatabaseSwitchesDemoModeOffUnlessAskedFor() {
    assertFalse(TongbanConfig.from(Map.of("TONGBAN_PG_URL", "postgresql://db:5432/tongban")).demo());
    assertTrue(TongbanConfig.from(Map.of("TONGBAN_PG_URL", "postgresql://db:5432/tongban",
        "TONGBAN_DEMO", "true")).demo());
  }

  @Test
  void aClusterNamesItsMembersOrItsKubernetesServiceAndTheOutboxLeaseIsConfigurable() {
    TongbanConfig c = TongbanConfig.from(Map.of("TONGBAN_CLUSTER", "true",
        "TONGBAN_CLUSTER_MEMBERS", " 10.0.0.1:5701, node-b ,", "TONGBAN_CLUSTER_HOST", "10.0.0.1",
        "TONGBAN_OUTBOX_LEASE_SECONDS", "5"));
    assertTrue(c.cluster());
    assertEquals(List.of("10.0.0.1:5701", "node-b"), c.clustering().members());
    assertEquals("10.0.0.1", c.clustering().host().orElseThrow());
    assertEquals(5701, c.clustering().port());
    assertEquals(0, c.clustering().eventBusPort());
    assertEquals(5, c.outboxLeaseSeconds());
    assertEquals(30, TongbanConfig.from(Map.of()).outboxLeaseSeconds());
    assertTrue(TongbanConfig.from(Map.of("TONGBAN_CLUSTER", "true", "TONGBAN_CLUSTER_KUBERNETES_SERVICE_DNS",
        "tongban-cluster.gov.svc.cluster.local")).clustering().kubernetesServiceDns().isPresent());
    IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
        () -> TongbanConfig.from(Map.of("TONGBAN_CLUSTER", "true")));
    assertTrue(alone.getMessage().contains("TONGBAN_CLUSTER_MEMBERS"), alone.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TongbanConfig.from(Map.of("TONGBAN_CLUSTER", "true",
        "TONGBAN_CLUSTER_MEMBERS", "http://node-a")));
  }

  @Test
  void realNameLevelsAreNamedByConfiguration() {
    TongbanConfig c = TongbanConfig.from(Map.of("TONGBAN_REAL_NAME_LEVELS", "一级=注册,二级=短信,三级=刷脸,四级=柜面"));
    assertEquals("三级", c.realNameLevels().get(2).code());
    assertEquals(3, c.realNameLevels().get(2).rank());
    assertThrows(IllegalArgumentException.class, () -> TongbanConfig.from(Map.of("TONGBAN_REAL_NAME_LEVELS", "A=x")));
  }

  @Test
  void corsOriginsAreExactOriginsAndNoneByDefault() {
    assertEquals(List.of(), TongbanConfig.from(Map.of()).corsOrigins());
    assertEquals(List.of("https://portal.example.cn", "http://127.0.0.1:3000"), TongbanConfig.from(Map.of(
        "TONGBAN_CORS_ORIGINS", " https://portal.example.cn ,http://127.0.0.1:3000,")).corsOrigins());
    for (String bad : new String[] {"*", "portal.example.cn", "https://portal.example.cn/", "https://*.example.cn"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TongbanConfig.from(Map.of("TONGBAN_CORS_ORIGINS", bad)), bad);
      assertTrue(e.getMessage().contains("TONGBAN_CORS_ORIGINS"), e.getMessage());
    }
  }

  @Test
  void trustedProxiesAreAddressesOrBlocksNeverNamesAndNoneByDefault() {
    assertEquals(List.of(), TongbanConfig.from(Map.of()).trustedProxies());
    List<AddressRange> ranges = TongbanConfig.from(Map.of("TONGBAN_TRUSTED_PROXIES",
        " 10.0.0.0/8, 192.168.1.10 ,fd00::/8")).trustedProxies();
    assertEquals("[10.0.0.0/8, 192.168.1.10/32, fd00:0:0:0:0:0:0:0/8]", ranges.toString());
    assertTrue(ranges.get(0).contains(new byte[] {10, (byte) 200, 3, 4}));
    assertFalse(ranges.get(0).contains(new byte[] {11, 0, 0, 1}));
    assertFalse(ranges.get(1).contains(new byte[] {(byte) 192, (byte) 168, 1, 11}));
    for (String bad : new String[] {"proxy.internal", "10.0.0.0/33", "256.1.1.1", "10.0.0.0/", "fd00::/129"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TongbanConfig.from(Map.of("TONGBAN_TRUSTED_PROXIES", bad)), bad);
      assertTrue(e.getMessage().contains("TONGBAN_TRUSTED_PROXIES"), e.getMessage());
    }
  }

  @Test
  void thePublicUrlIsAnAbsoluteHttpUrlAndDefaultsToThisNode() {
    assertEquals("http://localhost:8080", TongbanConfig.from(Map.of()).publicUrl());
    assertEquals("http://localhost:9000", TongbanConfig.from(Map.of("TONGBAN_HTTP_PORT", "9000")).publicUrl());
    assertEquals("https://zwfw.example.cn/tongban", TongbanConfig.from(Map.of(
        "TONGBAN_PUBLIC_URL", "https://zwfw.example.cn/tongban/")).publicUrl(), "kept without a trailing slash");
    for (String bad : List.of("zwfw.example.cn", "/public", "ftp://zwfw.example.cn", "https://zwfw.example.cn/?a=1",
        "https://zwfw.example.cn/#x", "https://", "https://zwfw example.cn")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TongbanConfig.from(Map.of("TONGBAN_PUBLIC_URL", bad)), bad);
      assertTrue(e.getMessage().contains("TONGBAN_PUBLIC_URL"), e.getMessage());
    }
  }

  @Test
  void dataKeysGoTogetherAreWellFormedAndNeverQuoted() {
    String k1 = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    TongbanConfig c = TongbanConfig.from(Map.of("TONGBAN_DATA_KEYS", "k2:" + k1 + ",k1:" + k1,
        "TONGBAN_DATA_INDEX_KEY", k1));
    assertEquals(java.util.List.of("k2", "k1"), java.util.List.copyOf(c.dataKeys().orElseThrow().keys().keySet()),
        "in order: the first one seals");
    assertFalse(c.toString().contains(k1), "keys are never printed");
    assertFalse(c.settings().containsKey("TONGBAN_DATA_KEYS"), "plugins never see them");
    IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
        () -> TongbanConfig.from(Map.of("TONGBAN_DATA_KEYS", "k1:" + k1)));
    assertTrue(alone.getMessage().contains("TONGBAN_DATA_INDEX_KEY"), alone.getMessage());
    String shortKey = java.util.Base64.getEncoder().encodeToString("secret-but-short".getBytes());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> TongbanConfig.from(Map.of("TONGBAN_DATA_KEYS", "k1:" + shortKey, "TONGBAN_DATA_INDEX_KEY", k1)));
    assertTrue(bad.getMessage().contains("32-byte"), bad.getMessage());
    assertFalse(bad.getMessage().contains(shortKey), "the problem never quotes the key");
  }

  @Test
  void reportsEveryInvalidOptionAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TongbanConfig.from(Map.of(
        "TONGBAN_HTTP_PORT", "eighty", "TONGBAN_REDIS_URL", "http://cache", "TONGBAN_DEMO", "maybe")));
    assertTrue(e.getMessage().contains("TONGBAN_HTTP_PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("TONGBAN_REDIS_URL"), e.getMessage());
    assertTrue(e.getMessage().contains("TONGBAN_DEMO"), e.getMessage());
  }

  @Test
  void pluginsAreNotGivenThePlatformsOwnSecrets() {
    TongbanConfig c = TongbanConfig.from(Map.of("TONGBAN_OIDC_UPSTREAM_ISSUER", "https://idp.example.cn",
        "TONGBAN_OIDC_UPSTREAM_CLIENT_ID", "tongban", "TONGBAN_OIDC_UPSTREAM_CLIENT_SECRET", "upstream-secret",
        "TONGBAN_METRICS", "token", "TONGBAN_METRICS_TOKEN", "a-metrics-token-of-32-characters",
        "TONGBAN_WECHAT_SECRET", "wechat-secret", "TONGBAN_EXCHANGE_SECRET", "the-exchange-plugins-own"));
    // The platform still reads its own secrets ...
    assertEquals("upstream-secret", c.oidcUpstream().orElseThrow().clientSecret());
    // ... plugins do not see them; a plugin's own secret and the other settings they get.
    Map<String, String> plugins = c.pluginSettings();
    assertFalse(plugins.containsKey("TONGBAN_OIDC_UPSTREAM_CLIENT_SECRET"));
    assertFalse(plugins.containsKey("TONGBAN_METRICS_TOKEN"));
    assertFalse(plugins.containsKey("TONGBAN_WECHAT_SECRET"));
    assertFalse(plugins.values().stream().anyMatch(v -> v.contains("secret")));
    assertEquals("the-exchange-plugins-own", plugins.get("TONGBAN_EXCHANGE_SECRET"));
    assertEquals("https://idp.example.cn", plugins.get("TONGBAN_OIDC_UPSTREAM_ISSUER"));
  }
}
