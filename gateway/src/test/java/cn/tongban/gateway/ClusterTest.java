package cn.tongban.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.tongban.core.config.TongbanConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** How a node joins the cluster: never by multicast; by its member list, or by Kubernetes DNS. */
class ClusterTest {

  @Test
  void membersAreJoinedByTcpIpOnTheConfiguredInterfaceAndNeverByMulticast() {
    Config config = Cluster.hazelcast(TongbanConfig.from(Map.of("TONGBAN_CLUSTER", "true",
        "TONGBAN_CLUSTER_MEMBERS", "10.0.0.1,10.0.0.2:5702", "TONGBAN_CLUSTER_HOST", "10.0.0.1",
        "TONGBAN_CLUSTER_PORT", "5710")).clustering());
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("10.0.0.1", "10.0.0.2:5702"), join.getTcpIpConfig().getMembers());
    assertEquals(5710, config.getNetworkConfig().getPort());
    assertEquals(List.of("10.0.0.1"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
    assertTrue(config.getMultiMapConfigs().containsKey("__vertx.subs"), "Vert.x's own maps are configured");
  }

  @Test
  void kubernetesDiscoveryAsksTheHeadlessService() {
    Config config = Cluster.hazelcast(TongbanConfig.from(Map.of("TONGBAN_CLUSTER", "true",
        "TONGBAN_CLUSTER_KUBERNETES_SERVICE_DNS", "tongban-cluster.gov.svc.cluster.local")).clustering());
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("tongban-cluster.gov.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
  }
}
