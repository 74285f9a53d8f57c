package dev.ferry.http;

import static dev.ferry.http.ServerFixture.HOOK_SECRET;
import static dev.ferry.http.ServerFixture.PASSWORD;
import static dev.ferry.http.ServerFixture.READ_TOKEN;
import static dev.ferry.http.ServerFixture.TOKEN;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of malformed, mistyped, oversized and unauthorised requests against the real server, drawn from a
 * seeded random generator plus a fixed list of known-nasty cases ({@link FuzzProbes}). The server must answer every
 * complete one without a 5xx and every error in problem+json, start no run, serve no file outside webroot, leak no
 * secret, and still be healthy afterwards. The figures are printed (target/surefire-reports/…-output.txt).
 */
class ApiFuzzTest {
  /** Change it to explore; keep the one in the commit for reproducible runs. */
  private static final long SEED = 20_260_611L;
  private static final int IN_FLIGHT = 16;
  private static final Path WEBROOT = Path.of("webroot");

  private static ServerFixture f;

  /** What came back for one request; {@code status} 0 means no HTTP answer, {@code error} says why. */
  record Answer(String kind, String method, String uri, String request, int status, String contentType, byte[] body,
      String error) {
    String describe() {
      String text = new String(body, StandardCharsets.UTF_8);
      return kind + " " + FuzzProbes.json(request.length() > 160 ? request.substring(0, 160) + "…" : request)
          + " → " + status + (error == null ? "" : " (" + error + ")") + " " + contentType + " "
          + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
    }
  }

  @BeforeAll
  static void start() {
    f = new ServerFixture(new JsonObject().put("webhooks", new JsonObject().put("deploy", new JsonObject()
        .put("secret", HOOK_SECRET).put("sync", new JsonObject().put("mode", "incremental")))));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void thousandsOfBadRequestsGetNo5xxStartNoRunAndLeakNothing() throws Exception {
    String targetBefore = f.dbs.contentDigest(f.target);
    FuzzProbes fuzz = new FuzzProbes(SEED);
    // The stale-but-signed deliveries go first: their timestamps are picked relative to the second they are sent in.
    List<FuzzProbes.Probe> probes = new ArrayList<>(FuzzProbes.signedButStale(System.currentTimeMillis() / 1000));
    probes.addAll(fuzz.probes);

    // The server logs to stderr (slf4j-simple looks System.err up on each line): a copy is kept to check it.
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stderr = System.err;
    System.setErr(new java.io.PrintStream(new Tee(stderr, log), true, StandardCharsets.UTF_8));
    long started = System.nanoTime();
    List<Answer> answers = new ArrayList<>();
    try {
      answers.addAll(sendAll(probes));
      answers.addAll(sendRaw(fuzz.raw));
    } finally {
      System.setErr(stderr);
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    List<Answer> sent = answers.stream().filter(a -> !"client refused to send it".equals(a.error)).toList();
    long refusedByClient = answers.size() - sent.size();
    // Requests in another HTTP version than 1.0/1.1 are answered by Vert.x before any handler of Ferry's runs.
    List<Answer> notHttp1 = sent.stream().filter(a -> a.kind.equals("raw-not-http1")).toList();
    sent = sent.stream().filter(a -> !a.kind.equals("raw-not-http1")).toList();
    Map<String, Long> byStatus = sent.stream().collect(Collectors.groupingBy(
        a -> a.status == 0 ? "none" : Integer.toString(a.status), TreeMap::new, Collectors.counting()));
    System.out.printf("ApiFuzzTest: %,d requests (%,d by HTTP client, %,d by raw socket) in %.1f s, seed %d; %,d answers"
            + " by status: %s%n", probes.size() - refusedByClient + fuzz.raw.size() - notHttp1.size(),
        probes.size() - refusedByClient, fuzz.raw.size() - notHttp1.size(), elapsedMs / 1000.0, SEED, sent.size(), byStatus.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(", ")));
    System.out.printf("ApiFuzzTest: also %d requests the client would not send (bad header values) and %d not in"
            + " HTTP/1.x, answered by Vert.x itself: %s%n", refusedByClient, notHttp1.size(),
        notHttp1.stream().map(a -> a.request.split("\r\n")[0] + " → " + (a.status == 0 ? "closed" : a.status)).toList());
    System.out.printf("ApiFuzzTest: no answer (the server closed the connection), by kind of request: %s%n", sent.stream()
        .filter(a -> a.status == 0).collect(Collectors.groupingBy(Answer::kind, TreeMap::new, Collectors.counting())));
    assertTrue(sent.size() >= 3000, "at least 3,000 requests: " + sent.size());

    List<String> failures = new ArrayList<>();
    check(failures, sent, a -> a.status >= 500, "a 5xx answer");
    check(failures, sent, a -> a.status >= 400 && !isProblem(a),
        "an error answer that is not application/problem+json with the same status");
    check(failures, sent, a -> a.status == 0 && !a.kind.equals("raw-incomplete") && !a.kind.equals("raw-damaged")
        && !a.kind.equals("raw-framing"), "no answer to a complete request");
    check(failures, sent, a -> a.status == 202 || a.status == 200 && a.uri.startsWith("/api/v1/syncs") && a.method.equals("POST"),
        "a run started");
    check(failures, sent, this::servesAFileOutsideWebroot, "a file from outside webroot");
    check(failures, sent, a -> {
      String text = new String(a.body, StandardCharsets.UTF_8);
      return text.contains(TOKEN) || text.contains(READ_TOKEN) || text.contains(HOOK_SECRET) || text.contains(PASSWORD);
    }, "a secret in a response");
    String logged = log.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("webhook deploy refused"), "the log was captured");
    for (String secret : List.of(TOKEN, READ_TOKEN, HOOK_SECRET, PASSWORD)) {
      if (logged.contains(secret)) {
        failures.add("a secret in the server's log: " + logged.lines().filter(l -> l.contains(secret)).findFirst().orElse(""));
      }
    }
    assertTrue(failures.isEmpty(), () -> String.join("\n", failures));

    assertEquals(200, f.get("/health", null).statusCode(), "still up");
    assertEquals(200, f.get("/ready", null).statusCode(), "both databases still reachable through its pools");
    JsonObject history = f.get("/api/v1/syncs", TOKEN).bodyAsJsonObject();
    assertEquals(0L, history.getLong("total"), () -> "no request started a run: " + history.encodePrettily());
    assertEquals(targetBefore, f.dbs.contentDigest(f.target), "the target's data is unchanged");
    assertEquals(0L, f.dbs.count(f.target, "SELECT count(*) FROM ferry.runs"), "nothing recorded in the history table");
    // And the server still does real work: a valid request is accepted and runs.
    var ok = f.post("/api/v1/syncs", TOKEN, "{\"tables\":[\"organizations\"]}");
    assertEquals(202, ok.statusCode(), ok::bodyAsString);
    assertEquals("succeeded", f.awaitRun(ok.bodyAsJsonObject().getString("id")).getString("status"));
  }

  /** The cases this test found, one by one, with the answer each must get now. */
  @Test
  void theCasesFuzzingFoundAreRefusedWithASpecificProblem() {
    long runsBefore = f.get("/api/v1/syncs", TOKEN).bodyAsJsonObject().getLong("total");
    // trim() used to strip the NUL: "mirror\u0000" ran a mirror sync, "animals\u0000" synced animals.
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"mode\":\"mirror\\u0000\"}"), 400, "unknown mode 'mirror\\u0000'");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"tables\":[\"animals\\u0000\"]}"), 400, "control character");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"exclude\":[\"animals\\t\"]}"), 400, "control character");
    // A multipart body was consumed as a form, and the empty JSON body left behind ran with the defaults.
    var multipart = await(f.http.post(f.port(), "127.0.0.1", "/api/v1/syncs").bearerTokenAuthentication(TOKEN)
        .putHeader("content-type", "multipart/form-data; boundary=x")
        .sendBuffer(Buffer.buffer("--x\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nrebuild\r\n--x--\r\n")));
    assertProblem(multipart, 400, "Content-Type: application/json");
    // Announced as JSON but empty (a Content-Length lost on the way): not a run with the defaults.
    assertProblem(f.post("/api/v1/syncs", TOKEN, ""), 400, "send {} for the defaults");
    // A query string that is not percent-encoding was a 500, and its message (the URI, token included) was logged.
    assertProblem(f.get("/api/v1/events?access_token=%zz", null), 400, "percent-encoding");
    assertProblem(f.get("/api/v1/events?run=%zz", TOKEN), 400, "percent-encoding");
    // Vert.x refused these itself, in plain text.
    assertProblem(f.get("/api/v1/events", TOKEN), 400, "WebSocket upgrades only");
    var tooLong = await(f.http.get(f.port(), "127.0.0.1", "/" + "x".repeat(5000)).send());
    assertProblem(tooLong, 414, "request line");
    assertEquals("close", tooLong.getHeader("Connection"), "the client is told the connection closes");
    // now - sent overflowed to Long.MIN_VALUE, whose absolute value is negative: the delivery passed as fresh.
    long now = System.currentTimeMillis() / 1000;
    for (FuzzProbes.Probe p : FuzzProbes.signedButStale(now)) {
      var req = f.http.post(f.port(), "127.0.0.1", p.uri());
      p.headers().forEach(h -> req.putHeader(h[0], h[1]));
      var r = await(req.sendBuffer(Buffer.buffer(p.body())));
      assertEquals(401, r.statusCode(), () -> p.headers().get(3)[1] + ": " + r.bodyAsString());
    }
    assertEquals(runsBefore, f.get("/api/v1/syncs", TOKEN).bodyAsJsonObject().getLong("total"), "none of them ran");
  }

  private static void assertProblem(io.vertx.ext.web.client.HttpResponse<Buffer> r, int status, String detail) {
    assertEquals(status, r.statusCode(), r::bodyAsString);
    assertTrue(r.getHeader("content-type").startsWith("application/problem+json"), r.getHeader("content-type"));
    assertTrue(r.bodyAsJsonObject().getString("detail").contains(detail), r::bodyAsString);
  }

  /** Writes to two streams. */
  private static final class Tee extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    Tee(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
    }
  }

  private static boolean isProblem(Answer a) {
    if (a.contentType == null || !a.contentType.startsWith("application/problem+json")) {
      return false;
    }
    if (a.method.equals("HEAD")) {
      return true; // no body to read
    }
    try {
      JsonObject problem = new JsonObject(Buffer.buffer(a.body));
      return problem.getInteger("status") == a.status && problem.getString("detail") != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A success whose body is not one of webroot's files, on a path that is not one of the server's own routes. */
  private boolean servesAFileOutsideWebroot(Answer a) {
    String text = new String(a.body, StandardCharsets.UTF_8);
    if (text.contains("<artifactId>ferry</artifactId>") || text.contains("root:x:0:0") || text.contains("package dev.ferry")
        || text.contains("[core]") || text.contains("# Ferry's configuration") || text.contains("Manifest-Version")) {
      return true;
    }
    if (a.status < 200 || a.status >= 300 || a.body.length == 0) {
      return false;
    }
    String path = a.uri.split("\\?", 2)[0];
    if (path.startsWith("/api/v1/") || path.equals("/health") || path.equals("/ready") || path.equals("/metrics")) {
      return text.contains("<html") || text.contains("function ");
    }
    return !isWebrootFile(a.body);
  }

  private static boolean isWebrootFile(byte[] body) {
    try (var files = Files.list(WEBROOT)) {
      for (Path p : files.toList()) {
        byte[] content = Files.readAllBytes(p);
        if (java.util.Arrays.equals(content, body) || new String(content, StandardCharsets.UTF_8)
            .contains(new String(body, StandardCharsets.UTF_8))) { // a range of it
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void check(List<String> failures, List<Answer> answers, java.util.function.Predicate<Answer> bad,
      String what) {
    List<Answer> found = answers.stream().filter(bad).toList();
    if (!found.isEmpty()) {
      failures.add(found.size() + " × " + what + ", e.g.:\n  "
          + found.stream().limit(15).map(Answer::describe).collect(Collectors.joining("\n  ")));
    }
  }

  /** Through a keep-alive client, at most {@link #IN_FLIGHT} at a time. */
  private List<Answer> sendAll(List<FuzzProbes.Probe> probes) throws InterruptedException {
    HttpClient client = f.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDecompressionSupported(true)
        .setMaxInitialLineLength(1 << 20), new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    Semaphore slots = new Semaphore(IN_FLIGHT);
    try {
      for (FuzzProbes.Probe p : probes) {
        slots.acquire();
        send(client, p).onComplete(ar -> {
          answers.add(ar.result());
          slots.release();
        });
      }
      assertTrue(slots.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS), "the watchdogs ended every request");
    } finally {
      await(client.close());
    }
    return new ArrayList<>(answers);
  }

  private Future<Answer> send(HttpClient client, FuzzProbes.Probe p) {
    Promise<Answer> answer = Promise.promise();
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(f.port()).setURI(p.uri())
        .setMethod(HttpMethod.valueOf(p.method())).setIdleTimeout(15_000);
    try {
      p.headers().forEach(h -> options.addHeader(h[0], h[1]));
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(new Answer(p.kind(), p.method(), p.uri(), summary(p), 0, null, new byte[0],
          "client refused to send it"));
    }
    client.request(options)
        .compose(req -> (p.body() == null ? req.send() : req.send(Buffer.buffer(p.body())))
            .compose(resp -> resp.body().map(body -> new Answer(p.kind(), p.method(), p.uri(), summary(p), resp.statusCode(),
                resp.getHeader("content-type"), body.getBytes(), null))))
        .onComplete(ar -> answer.tryComplete(ar.succeeded() ? ar.result() : new Answer(p.kind(), p.method(), p.uri(), summary(p), 0,
            null, new byte[0], clientError(ar.cause()))));
    // A request whose answer never comes is a finding, not a hang of the test.
    long watchdog = f.vertx.setTimer(20_000, id -> answer.tryComplete(new Answer(p.kind(), p.method(), p.uri(), summary(p),
        0, null, new byte[0], "no answer within 20 s")));
    return answer.future().onComplete(ar -> f.vertx.cancelTimer(watchdog));
  }

  private static String summary(FuzzProbes.Probe p) {
    String body = p.body() == null ? "" : new String(p.body(), StandardCharsets.UTF_8);
    return p.method() + " " + p.uri() + " " + p.headers().stream().map(h -> h[0] + "(" + h[1].length() + ")")
        .collect(Collectors.joining(",")) + " body(" + body.length() + "): " + (body.length() > 100 ? body.substring(0, 100) : body);
  }

  /** Header values the client's own validation rejects never reach the server: they are counted apart. */
  private static String clientError(Throwable err) {
    String m = String.valueOf(err.getMessage());
    return err instanceof IllegalArgumentException || m.contains("a header value contains a prohibited character")
        || m.contains("invalid") && m.contains("header") ? "client refused to send it" : err.getClass().getSimpleName() + ": " + m;
  }

  /** Byte for byte over plain sockets, eight at a time. */
  private List<Answer> sendRaw(List<FuzzProbes.RawProbe> probes) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    for (FuzzProbes.RawProbe p : probes) {
      pool.submit(() -> {
        List<RawHttp.Response> responses = RawHttp.exchange(f.port(), p.bytes(), !p.complete(), 5000);
        String request = new String(p.bytes(), StandardCharsets.ISO_8859_1);
        String method = request.split(" ", 2)[0];
        if (responses.isEmpty()) {
          answers.add(new Answer(p.kind(), method, p.path(), request, 0, null, new byte[0], "no HTTP/1 answer"));
        }
        for (RawHttp.Response r : responses) {
          answers.add(new Answer(p.kind(), method, p.path(), request, r.status(), r.header("content-type"), r.body(), null));
        }
      });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "raw requests done within 60 s");
    return new ArrayList<>(answers);
  }
}
