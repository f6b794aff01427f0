package cn.tongban.gateway;

import cn.tongban.core.config.TongbanConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import cn.tongban.gateway.ops.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Clustered Vert.x over Hazelcast, for {@code TONGBAN_CLUSTER=true}: members found by TCP/IP from a list or
 * by Kubernetes DNS, never by multicast. Nothing of Hazelcast starts otherwise.
 */
final class Cluster {
  private Cluster() {
  }

  /** A clustered Vert.x: joins (or forms) the cluster, then the event bus reaches every member. */
  static Future<Vertx> start(VertxOptions options, TongbanConfig config) {
    TongbanConfig.Clustering c = config.clustering();
    c.host().ifPresent(h -> options.getEventBusOptions().setHost(h));
    options.getEventBusOptions().setPort(c.eventBusPort());
    return Telemetry.vertxBuilder(config, options).withClusterManager(new HazelcastClusterManager(hazelcast(c)))
        .buildClustered();
  }

  /** Vert.x's Hazelcast defaults (its maps and multimaps, or a {@code cluster.xml}), joined as configured. */
  static Config hazelcast(TongbanConfig.Clustering c) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("tongban");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Vert.x leaves the cluster when the node shuts down; Hazelcast's own hook would leave first.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    NetworkConfig network = config.getNetworkConfig().setPort(c.port()).setPortAutoIncrement(false);
    c.host().ifPresent(h -> network.getInterfaces().setEnabled(true).addInterface(h));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (c.kubernetesServiceDns().isPresent()) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", c.kubernetesServiceDns().get());
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(c.members());
    }
    return config;
  }
}
