package dev.ferry.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import dev.ferry.config.ClusterSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This server as one node of a cluster: a clustered Vert.x over Hazelcast (Vert.x's own cluster manager), joined
 * over TCP/IP to the members {@code api.cluster} lists, never by multicast. Its event bus, shared maps and
 * membership are the cluster's. Nodes go by their names, their cluster addresses ({@code host:port}), which say
 * which machine is meant and stay the same across restarts (the cluster manager's ids do neither); each node gives
 * its name to the others with its event bus's node metadata.
 */
public final class ClusterNode {
  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final String name;
  /** The cluster manager's node ids → their names, learnt as nodes join (a lost node can no longer be asked). */
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private final List<Consumer<String>> onLeft = new CopyOnWriteArrayList<>();

  private ClusterNode(Vertx vertx, HazelcastClusterManager manager, String name) {
    this.vertx = vertx;
    this.manager = manager;
    this.name = name;
    names.put(manager.getNodeId(), name);
    manager.nodeListener(new NodeListener() {
      @Override
      public void nodeAdded(String nodeId) {
        learn(nodeId);
      }

      @Override
      public void nodeLeft(String nodeId) {
        String gone = names.remove(nodeId);
        if (gone != null) {
          onLeft.forEach(c -> c.accept(gone));
        }
      }
    });
  }

  /**
   * Learns a node's name; completes once known, or once the node is gone or has not told it within ~10 s. A node
   * that has just joined publishes its name a moment after the others see it join, so the first asks may miss.
   */
  private Future<Void> learn(String nodeId) {
    return learn(nodeId, 40);
  }

  private Future<Void> learn(String nodeId, int tries) {
    Promise<NodeInfo> info = Promise.promise();
    manager.getNodeInfo(nodeId, info);
    return info.future().transform(ar -> {
      String known = ar.succeeded() && ar.result() != null && ar.result().metadata() != null
          ? ar.result().metadata().getString("name") : null;
      if (!manager.getNodes().contains(nodeId)) {
        return Future.<Void>succeededFuture();
      }
      if (known != null) {
        names.put(nodeId, known);
        return Future.<Void>succeededFuture();
      }
      return tries <= 1 ? Future.<Void>succeededFuture() : vertx.timer(250).compose(v -> learn(nodeId, tries - 1));
    });
  }

  /** Joins the cluster (or starts it, when no listed member answers) with metrics going to {@code registry}. */
  public static Future<ClusterNode> join(ClusterSettings settings, PrometheusMeterRegistry registry) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(settings));
    String name = settings.host() + ":" + settings.port();
    return Vertx.builder()
        .with(new VertxOptions()
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true))
            .setEventBusOptions(new EventBusOptions().setHost(settings.host()).setPort(0)
                .setClusterNodeMetadata(new JsonObject().put("name", name))))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(manager)
        .buildClustered()
        .compose(vertx -> {
          ClusterNode node = new ClusterNode(vertx, manager, name);
          return Future.join(manager.getNodes().stream().map(node::learn).toList()).map(node);
        });
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

  /** This node's name: its cluster address, {@code host:port}. */
  public String id() {
    return name;
  }

  /** The names of the nodes in the cluster now, this one included (a node joining is listed once its name is known). */
  public List<String> members() {
    return manager.getNodes().stream().map(names::get).filter(Objects::nonNull).toList();
  }

  /** Calls {@code listener} with the name of each node that leaves (or is lost). */
  public void whenLeft(Consumer<String> listener) {
    onLeft.add(listener);
  }
}
