package dev.ferry.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import dev.ferry.config.ClusterSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This server as one node of a cluster: a clustered Vert.x over Hazelcast (Vert.x's own cluster manager), joined
 * over TCP/IP to the members {@code api.cluster} lists, never by multicast. Its event bus, shared maps and
 * membership are the cluster's.
 */
public final class ClusterNode {
  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final List<Consumer<String>> onLeft = new CopyOnWriteArrayList<>();

  private ClusterNode(Vertx vertx, HazelcastClusterManager manager) {
    this.vertx = vertx;
    this.manager = manager;
    manager.nodeListener(new NodeListener() {
      @Override
      public void nodeAdded(String nodeId) {
        // Nothing to do: a new node takes work as it is triggered.
      }

      @Override
      public void nodeLeft(String nodeId) {
        onLeft.forEach(c -> c.accept(nodeId));
      }
    });
  }

  /** Joins the cluster (or starts it, when no listed member answers) with metrics going to {@code registry}. */
  public static Future<ClusterNode> join(ClusterSettings settings, PrometheusMeterRegistry registry) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(settings));
    return Vertx.builder()
        .with(new VertxOptions()
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true))
            .setEventBusOptions(new EventBusOptions().setHost(settings.host()).setPort(0)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(manager)
        .buildClustered()
        .map(vertx -> new ClusterNode(vertx, manager));
  }

  /** Vert.x's default Hazelcast settings (its maps) with the network of {@code settings}. */
  static Config hazelcast(ClusterSettings settings) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(settings.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // A lost node is noticed in seconds, not Hazelcast's default minute: its runs are someone else's to finish.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(false);
    config.setProperty("hazelcast.local.localAddress", settings.host());
    network.setPublicAddress(settings.host() + ":" + settings.port());
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(settings.members().isEmpty()
        ? List.of(settings.host() + ":" + settings.port()) : settings.members());
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** This node's id, as the cluster names it. */
  public String id() {
    return manager.getNodeId();
  }

  /** The ids of the nodes in the cluster now, this one included. */
  public List<String> members() {
    return manager.getNodes();
  }

  /** Calls {@code listener} with the id of each node that leaves (or is lost). */
  public void whenLeft(Consumer<String> listener) {
    onLeft.add(listener);
  }
}
