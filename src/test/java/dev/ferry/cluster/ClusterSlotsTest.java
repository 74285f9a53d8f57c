package dev.ferry.cluster;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.ClusterSettings;
import dev.ferry.metrics.MetricsVertx;
import dev.ferry.runs.TargetSlots;
import dev.ferry.testing.FreePorts;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one cluster in this JVM (each its own Hazelcast member over TCP/IP on 127.0.0.1): what holds a target
 * is seen by both, a node that leaves frees what it held, and an event every node claims goes to exactly one.
 */
class ClusterSlotsTest {
  @Test
  void targetsAndEventsAreTheClustersNotANodes() throws Exception {
    List<Integer> ports = FreePorts.take(2);
    int portA = ports.get(0);
    int portB = ports.get(1);
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    String name = "ferry-slots-" + portA;
    ClusterNode a = await(ClusterNode.join(new ClusterSettings(name, "127.0.0.1", portA, members), MetricsVertx.registry()));
    ClusterNode b = await(ClusterNode.join(new ClusterSettings(name, "127.0.0.1", portB, members), MetricsVertx.registry()));
    try {
      long deadline = System.currentTimeMillis() + 60_000;
      while (a.members().size() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(2, a.members().size(), "the two nodes found each other");
      ClusterSlots onA = new ClusterSlots(a);
      ClusterSlots onB = new ClusterSlots(b);

      TargetSlots.Slot run = new TargetSlots.Slot("run-1", "syncing into", b.id());
      assertEquals(Optional.empty(), await(onB.take("db", run)));
      assertEquals(Optional.of(run), await(onA.take("db", new TargetSlots.Slot("run-2", "syncing into", a.id()))),
          "node A sees node B's run holding the target");

      // Each firing is claimed by both nodes at once; exactly one gets each.
      List<Future<Boolean>> claims = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        claims.add(onA.first("schedule nightly " + i));
        claims.add(onB.first("schedule nightly " + i));
      }
      await(Future.all(claims));
      for (int i = 0; i < 20; i++) {
        assertTrue(claims.get(2 * i).result() ^ claims.get(2 * i + 1).result(), "firing " + i);
      }

      // Node B leaves (its process gone, as far as A can tell): what it held is free again.
      await(b.vertx().close());
      b = null;
      deadline = System.currentTimeMillis() + 60_000;
      Optional<TargetSlots.Slot> holder = Optional.of(run);
      while (holder.isPresent() && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
        holder = await(onA.take("db", new TargetSlots.Slot("run-3", "syncing into", a.id())));
      }
      assertEquals(Optional.empty(), holder, "node B's target was freed when it left");
    } finally {
      if (b != null) {
        await(b.vertx().close());
      }
      await(a.vertx().close());
    }
  }
}
