package dev.ferry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.FerryCli;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.testing.FreePorts;
import dev.ferry.testing.IndependentCheck;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code ferry serve --cluster} processes on 127.0.0.1 as one cluster: a target is held cluster-wide, so of 50
 * triggers spread over the nodes at once exactly one starts a run and the others are refused naming it and its node;
 * every node's dashboard socket follows that run, whichever node runs it.
 */
class ClusterTest {
  private static final String TOKEN = "cluster-test-token-0123456789";
  private static final int NODES = 3;
  private static final String HOOK_SECRET = "cluster-hook-secret-0123456789";

  @TempDir
  Path dir;
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private final List<Process> nodes = new ArrayList<>();
  private final List<Integer> httpPorts = new ArrayList<>();
  private final List<Integer> clusterPorts = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("cluster_src");
    target = dbs.create("cluster_tgt");
    String schema = "CREATE TABLE items (id int PRIMARY KEY, note text);";
    dbs.execute(source, schema + "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 20000) g;");
    dbs.execute(target, schema);
    List<Integer> ports = FreePorts.take(2 * NODES);
    httpPorts.addAll(ports.subList(0, NODES));
    clusterPorts.addAll(ports.subList(NODES, 2 * NODES));
    String members = clusterPorts.stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", "));
    for (int i = 0; i < NODES; i++) {
      Path config = dir.resolve("node" + i + ".yaml");
      // Chunks of 20,000 rows: a table copied in checkpointed chunks is among those a lost node leaves half done.
      Files.writeString(config, "sync:\n  checkpointRows: 20000\napi:\n  webhooks:\n    ci:\n      secret: " + HOOK_SECRET + "\n      sync: {}\n  cluster:\n    name: ferry-test-" + clusterPorts.get(0) + "\n    host: 127.0.0.1\n"
          + "    port: " + clusterPorts.get(i) + "\n    members: [" + members + "]\n");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          FerryCli.class.getName(), "serve", "--cluster", "--port", Integer.toString(httpPorts.get(i)),
          "--config", config.toString(), "--source", source.toLibpqUrl(), "--target", target.toLibpqUrl())
          .redirectErrorStream(true).redirectOutput(dir.resolve("node" + i + ".log").toFile());
      pb.environment().put("FERRY_API_TOKEN", TOKEN);
      nodes.add(pb.start());
    }
    awaitCluster();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : nodes) {
      p.destroy();
    }
    for (Process p : nodes) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    dbs.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void fiftyTriggersOnThreeNodesStartExactlyOneRun() throws Exception {
    // The target's table is locked meanwhile: the run that wins holds the target until every trigger is answered.
    // A dashboard's socket on every node, open before the run starts.
    List<Socket> early = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      early.add(socket(i));
    }
    PgConnection lock = TestDatabases.await(PgConnection.connect(vertx, target.connectOptions()));
    TestDatabases.await(lock.query("BEGIN").execute()
        .compose(v -> lock.query("LOCK TABLE items IN ACCESS EXCLUSIVE MODE").execute()));
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(http.sendAsync(request(i % NODES, "/api/v1/syncs").POST(HttpRequest.BodyPublishers.ofString("{}"))
          .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    String started = answers.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 202)
        .map(r -> new JsonObject(r.body()).getString("id")).findFirst().orElse("none");
    // Sockets opened while the run is under way, on every node: their first message, the snapshot, shows it (once
    // the run's first event has crossed to that node: the first message between two nodes takes a moment).
    List<Socket> late = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      late.add(lateSocket(i, started));
    }
    TestDatabases.await(lock.query("COMMIT").execute().compose(v -> lock.close()));

    Map<Integer, List<HttpResponse<String>>> byStatus = answers.stream().map(CompletableFuture::join)
        .collect(Collectors.groupingBy(HttpResponse::statusCode, TreeMap::new, Collectors.toList()));
    assertEquals(List.of(202, 409), new ArrayList<>(byStatus.keySet()), () -> describe(byStatus));
    assertEquals(1, byStatus.get(202).size(), () -> describe(byStatus));
    String runId = new JsonObject(byStatus.get(202).get(0).body()).getString("id");
    List<String> nodeIds = members(0);
    for (HttpResponse<String> refused : byStatus.get(409)) {
      String detail = new JsonObject(refused.body()).getString("detail");
      assertTrue(detail.contains("run " + runId + " is already syncing into"), detail);
      assertTrue(nodeIds.stream().anyMatch(n -> detail.contains("on node " + n)), detail);
    }

    // Any node answers for the run; it ends succeeded, the target equal to the source row by row.
    String status = awaitFinished(2, runId);
    assertEquals("succeeded", status, () -> logs());
    // Every node's dashboard followed it to the end, whichever node ran it.
    for (int i = 0; i < NODES; i++) {
      assertTrue(shows(late.get(i), runId), "node " + i + ": " + late.get(i).messages.get(0));
      for (Socket socket : List.of(early.get(i), late.get(i))) {
        assertTrue(socket.await(m -> m.contains("\"run-finished\"") && m.contains(runId) && m.contains("SUCCEEDED")),
            "node " + i + " saw: " + socket.messages);
      }
    }
    for (Socket socket : early) {
      socket.ws.abort();
    }
    for (Socket socket : late) {
      socket.ws.abort();
    }
    String rows = "SELECT md5(string_agg(id || ':' || note, ',' ORDER BY id)) FROM items";
    assertEquals(dbs.text(source, rows), dbs.text(target, rows));
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM ferry.runs"), "exactly one run was ever started");

    // Each node's meters carry its label and count its own runs only: over the cluster, the rows once.
    double written = 0;
    for (int i = 0; i < NODES; i++) {
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(i)
          + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("node=\"127.0.0.1:" + clusterPorts.get(i) + "\""), metrics);
      written += metrics.lines().filter(l -> l.startsWith("ferry_rows_written_total{"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
    assertEquals(20000.0, written);

    // A run is cancelled through a node that does not run it: the request goes to the node that does.
    dbs.execute(source, "UPDATE items SET note = note || '!' WHERE id % 10 = 0");
    PgConnection again = TestDatabases.await(PgConnection.connect(vertx, target.connectOptions()));
    TestDatabases.await(again.query("BEGIN").execute()
        .compose(v -> again.query("LOCK TABLE items IN ACCESS EXCLUSIVE MODE").execute()));
    HttpResponse<String> second = http.send(request(0, "/api/v1/syncs").POST(HttpRequest.BodyPublishers.ofString("{}"))
        .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, second.statusCode(), second.body());
    String secondId = new JsonObject(second.body()).getString("id");
    lateSocket(1, secondId).ws.abort(); // node 1 follows it by now
    HttpResponse<String> cancelled = http.send(request(1, "/api/v1/syncs/" + secondId + "/cancel")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, cancelled.statusCode(), cancelled.body());
    TestDatabases.await(again.query("COMMIT").execute().compose(v -> again.close()));
    assertEquals("cancelled", awaitFinished(2, secondId), this::logs);
  }

  /**
   * A run's large tables are copied on the other nodes, largest first; the node copying the biggest one (loaded
   * beside itself, atomically) and another one (upserted in committed chunks) is killed (SIGKILL) mid-copy, and the
   * run's node takes both over, the second from its last checkpoint: the run succeeds, the target equal to the
   * source row by row, and its history says which node did what and which was lost.
   */
  @Test
  void theTablesOfALostNodeAreTakenOverAndTheRunSucceeds() throws Exception {
    String schema = """
        CREATE TABLE big (id bigint PRIMARY KEY, note text, n int);
        CREATE TABLE mid_a (id bigint PRIMARY KEY, note text);
        CREATE TABLE mid_b (id bigint PRIMARY KEY, note text);
        CREATE TABLE mid_c (id bigint PRIMARY KEY, note text);
        """;
    dbs.execute(source, schema + """
        INSERT INTO big SELECT g, 'big row ' || g, g % 97 FROM generate_series(1, 2000000) g;
        INSERT INTO mid_a SELECT g, 'a ' || g FROM generate_series(1, 150000) g;
        INSERT INTO mid_b SELECT g, 'b ' || g FROM generate_series(1, 120000) g;
        INSERT INTO mid_c SELECT g, 'c ' || g FROM generate_series(1, 110000) g;
        """);
    // Largest first, round the other nodes and then the run's own: big and mid_c go to the same node.
    dbs.execute(target, schema + "INSERT INTO mid_c SELECT g, 'c ' || g FROM generate_series(1, 10000) g;");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      ids.add(ready(i).getJsonObject("cluster").getString("node"));
    }
    Socket events = socket(0);
    HttpResponse<String> started = http.send(request(0, "/api/v1/syncs").POST(HttpRequest.BodyPublishers.ofString("{}"))
        .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, started.statusCode(), started.body());
    String runId = new JsonObject(started.body()).getString("id");
    // The big table starts on another node; once its rows are flowing there and mid_c, there too, has committed a
    // chunk, that node is killed.
    assertTrue(events.await(m -> m.contains("\"table-started\"") && m.contains("big") && m.contains("on node ")),
        () -> events.messages + logs());
    String bigStarted = events.messages.stream().filter(m -> m.contains("\"table-started\"") && m.contains("big"))
        .findFirst().orElseThrow();
    int copying = -1;
    for (int i = 0; i < NODES; i++) {
      if (bigStarted.contains("on node " + ids.get(i))) {
        copying = i;
      }
    }
    assertTrue(copying > 0, "the big table went to another node: " + bigStarted);
    assertTrue(events.await(m -> m.contains("\"table-progress\"") && m.contains("big")), () -> events.messages + logs());
    assertTrue(events.await(m -> m.contains("\"table-checkpoint\"") && m.contains("mid_c")),
        () -> events.messages + logs());
    nodes.get(copying).destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    assertEquals("succeeded", awaitFinished(0, runId), this::logs);
    JsonObject run = new JsonObject(http.send(request(0, "/api/v1/syncs/" + runId).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body());
    String lost = ids.get(copying);
    assertTrue(run.encode().contains("node " + lost + " was lost while copying the table"), run::encodePrettily);
    Map<String, String> paths = new TreeMap<>();
    run.getJsonObject("summary").getJsonArray("tables").forEach(t -> paths.put(((JsonObject) t).getString("table"),
        ((JsonObject) t).getString("path")));
    assertTrue(paths.get("big").contains("taken over from node " + lost + ", lost mid-copy"), paths::toString);
    int other = 3 - copying; // the node neither running the run nor lost
    assertTrue(paths.get("mid_a").contains("on node " + ids.get(other)), paths::toString);
    assertTrue(!paths.get("mid_b").contains("on node ") && !paths.get("items").contains("on node "), paths::toString);
    assertTrue(paths.get("mid_c").contains("taken over from node " + lost), paths::toString);
    assertTrue(run.encode().contains("mid_c: node " + lost + " was lost while copying the table: the run's node took it"
        + " over, from its last checkpoint"), () -> run.encodePrettily() + logs());
    assertTrue(run.encode().contains("mid_c: resuming after the checkpoint at row "), run::encodePrettily);
    JsonObject midC = run.getJsonObject("summary").getJsonArray("tables").stream().map(t -> (JsonObject) t)
        .filter(t -> t.getString("table").equals("mid_c")).findFirst().orElseThrow();
    assertEquals(100_000, midC.getLong("inserted"), "the committed chunks counted once: " + midC);
    assertEquals(List.of(), new IndependentCheck(dbs).differences(source, target));
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'ferry_stage'"),
        "the lost node's staging table is gone");
    events.ws.abort();

    // A webhook delivery runs once cluster-wide: the same delivery sent to another node is a replay there too.
    HttpResponse<String> first = hook(0, "delivery-1");
    assertEquals(202, first.statusCode(), first.body());
    HttpResponse<String> again = hook(other, "delivery-1");
    assertEquals(401, again.statusCode(), again.body());
    assertTrue(again.body().contains("replayed delivery: id already received (by another node)"), again.body());
    assertEquals("succeeded", awaitFinished(other, new JsonObject(first.body()).getString("id")), this::logs);
  }

  private HttpResponse<String> hook(int node, String delivery) throws Exception {
    String body = "{}";
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(HOOK_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "HmacSHA256"));
    String signature = java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(node) + "/api/v1/webhooks/ci"))
        .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
        .header("X-Ferry-Signature-256", "sha256=" + signature).header("X-Ferry-Delivery", delivery)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A WebSocket on {@code /api/v1/events} of one node, keeping every text message it receives. */
  private record Socket(java.net.http.WebSocket ws, List<String> messages) {
    boolean await(java.util.function.Predicate<String> wanted) throws InterruptedException {
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        synchronized (messages) {
          if (messages.stream().anyMatch(wanted)) {
            return true;
          }
        }
        Thread.sleep(50);
      }
      return false;
    }
  }

  /** A socket on {@code node} whose snapshot shows {@code runId}, if one does within 10 s (else the last tried). */
  private Socket lateSocket(int node, String runId) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    Socket socket = socket(node);
    while (!shows(socket, runId) && System.currentTimeMillis() < deadline) {
      socket.ws.abort();
      Thread.sleep(100);
      socket = socket(node);
    }
    return socket;
  }

  private static boolean shows(Socket socket, String runId) {
    JsonObject snapshot = new JsonObject(socket.messages.get(0));
    return "snapshot".equals(snapshot.getString("type")) && snapshot.getJsonArray("runs").stream()
        .anyMatch(r -> runId.equals(((JsonObject) r).getString("id")));
  }

  private Socket socket(int node) throws Exception {
    List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> first = new CompletableFuture<>();
    java.net.http.WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer " + TOKEN)
        .buildAsync(URI.create("ws://127.0.0.1:" + httpPorts.get(node) + "/api/v1/events"),
            new java.net.http.WebSocket.Listener() {
              private final StringBuilder part = new StringBuilder();

              @Override
              public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data,
                  boolean last) {
                part.append(data);
                if (last) {
                  messages.add(part.toString());
                  part.setLength(0);
                  first.complete(null);
                }
                w.request(1);
                return null;
              }
            }).get(10, TimeUnit.SECONDS);
    first.get(10, TimeUnit.SECONDS); // the snapshot
    return new Socket(ws, messages);
  }

  private String awaitFinished(int node, String runId) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> r = http.send(request(node, "/api/v1/syncs/" + runId).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      String status = new JsonObject(r.body()).getString("status");
      if (!"running".equals(status)) {
        return status;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("run " + runId + " did not finish: " + logs());
  }

  /** Waits until every node is ready and sees all three. */
  private void awaitCluster() throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    for (int i = 0; i < NODES; i++) {
      while (true) {
        for (Process p : nodes) {
          assertTrue(p.isAlive(), this::logs);
        }
        assertTrue(System.currentTimeMillis() < deadline, () -> "the cluster did not form: " + logs() + threads());
        try {
          if (members(i).size() == NODES) {
            break;
          }
        } catch (IOException | RuntimeException e) {
          // not listening yet
        }
        Thread.sleep(250);
      }
    }
  }

  private List<String> members(int node) throws Exception {
    JsonObject cluster = ready(node).getJsonObject("cluster");
    return cluster == null ? List.of() : cluster.getJsonArray("members").stream().map(Object::toString).toList();
  }

  private JsonObject ready(int node) throws Exception {
    return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(node)
        + "/ready")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private HttpRequest.Builder request(int node, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(node) + path))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + TOKEN);
  }

  private static String describe(Map<Integer, List<HttpResponse<String>>> byStatus) {
    return byStatus.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue().size() + ": "
        + e.getValue().get(0).body()).collect(Collectors.joining("\n"));
  }

  /** Where each live node's threads are (jcmd Thread.print): what a node that never got ready was waiting for. */
  private String threads() {
    StringBuilder b = new StringBuilder();
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    for (int i = 0; i < NODES; i++) {
      Process node = nodes.get(i);
      if (!node.isAlive()) {
        continue;
      }
      try {
        Process dump = new ProcessBuilder(jcmd, Long.toString(node.pid()), "Thread.print").redirectErrorStream(true)
            .start();
        b.append("\n--- node ").append(i).append(" threads:\n").append(new String(dump.getInputStream().readAllBytes()));
      } catch (IOException e) {
        b.append("\n--- node ").append(i).append(": no thread dump (").append(e.getMessage()).append(')');
      }
    }
    return b.toString();
  }

  private String logs() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < NODES; i++) {
      try {
        b.append("\n--- node ").append(i).append(":\n").append(Files.readString(dir.resolve("node" + i + ".log")));
      } catch (IOException e) {
        b.append("\n--- node ").append(i).append(": no log");
      }
    }
    return b.toString();
  }
}
