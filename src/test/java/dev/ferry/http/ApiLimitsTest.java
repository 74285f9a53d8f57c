package dev.ferry.http;

import static dev.ferry.http.ServerFixture.TOKEN;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.ServerLimits;
import dev.ferry.runs.RunManager;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one client may make the server hold (api.limits): request bodies, WebSocket frames and messages, open
 * connections and event sockets, and events queued for a client that does not read them. Each limit is hit for
 * real, and the server must keep serving everyone else.
 */
class ApiLimitsTest {
  private static final int MAX_CONNECTIONS = 8;
  private static final int MAX_EVENT_SOCKETS = 3;
  private static final ServerLimits DEFAULTS = ServerLimits.DEFAULTS;
  private ServerFixture f;

  @BeforeEach
  void start() {
    f = new ServerFixture(new JsonObject().put("limits", new JsonObject()
        .put("maxConnections", MAX_CONNECTIONS).put("maxEventSockets", MAX_EVENT_SOCKETS)));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIs413() {
    int limit = DEFAULTS.maxBodyBytes();
    assertEquals(64 * 1024, limit, "the documented default");
    HttpResponse<Buffer> atLimit = f.post("/api/v1/syncs", TOKEN, padded("{\"mode\":\"sideways\"}", limit));
    assertEquals(400, atLimit.statusCode(), atLimit::bodyAsString);
    assertTrue(atLimit.bodyAsJsonObject().getString("detail").contains("unknown mode 'sideways'"), "the body was read whole");

    HttpResponse<Buffer> over = f.post("/api/v1/syncs", TOKEN, padded("{\"mode\":\"sideways\"}", limit + 1));
    assertEquals(413, over.statusCode(), over::bodyAsString);
    assertEquals("application/problem+json", over.getHeader("content-type"));
    assertTrue(over.bodyAsJsonObject().getString("detail").contains("limited to 65536 bytes (api.limits.maxBodyBytes)"));

    // Without a Content-Length (chunked) the limit holds as the bytes arrive; webhooks share it.
    List<byte[]> chunks = List.of(new byte[limit / 2], new byte[limit / 2 + 1]);
    String chunked = "POST /api/v1/syncs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + chunks.stream().map(c -> Integer.toHexString(c.length) + "\r\n" + " ".repeat(c.length) + "\r\n")
            .reduce("", String::concat) + "0\r\n\r\n";
    assertEquals(413, RawHttp.exchange(f.port(), chunked.getBytes(StandardCharsets.US_ASCII), false, 5000).get(0).status());
    assertEquals(413, f.post("/api/v1/webhooks/deploy", null, padded("{}", limit + 1)).statusCode());
    assertEquals(0L, f.get("/api/v1/syncs", TOKEN).bodyAsJsonObject().getLong("total"), "nothing ran");
  }

  /** {@code json} with spaces before its closing brace, to exactly {@code size} bytes. */
  private static String padded(String json, int size) {
    return json.substring(0, json.length() - 1) + " ".repeat(size - json.length()) + "}";
  }

  @Test
  void aWebSocketFrameOrMessageOverTheLimitClosesThatSocketOnly() {
    int frameLimit = DEFAULTS.webSocketFrameBytes();
    int messageLimit = DEFAULTS.webSocketMessageBytes();
    // A client that would send frames of any size, so the server's limit is what is tested.
    WebSocketClient big = f.vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 22));
    ServerFixture.Events bystander = f.events(null);
    bystander.await(m -> m.getString("type").equals("snapshot"));

    // A frame of exactly the limit is read (and answered: it is not a subscribe message).
    Socket atLimit = socket(big);
    List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    atLimit.ws.textMessageHandler(answers::add);
    await(atLimit.ws.writeFrame(WebSocketFrame.textFrame("x".repeat(frameLimit), true)));
    waitFor(() -> answers.stream().anyMatch(a -> a.contains("\"error\"")), "an answer to the frame at the limit");
    assertTrue(!atLimit.ws.isClosed(), "still open");

    // One byte more in a single frame: the server closes the socket, 1009 (message too big).
    Socket overFrame = socket(big);
    overFrame.ws.writeFrame(WebSocketFrame.textFrame("x".repeat(frameLimit + 1), true));
    short frameClose = overFrame.closedWith();
    assertEquals((short) 1009, frameClose, "closed for the frame");

    // Frames under the limit that add up to more than the message limit: closed too.
    Socket overMessage = socket(big);
    int frames = messageLimit / frameLimit + 1;
    for (int i = 0; i < frames; i++) {
      String part = "y".repeat(frameLimit);
      overMessage.ws.writeFrame(i == 0 ? WebSocketFrame.textFrame(part, false)
          : WebSocketFrame.continuationFrame(Buffer.buffer(part), i == frames - 1));
    }
    short messageClose = overMessage.closedWith();
    assertEquals((short) 1009, messageClose, "closed for the message of " + frames * frameLimit + " bytes");
    System.out.printf("ApiLimitsTest: a %,d-byte frame was answered; a %,d-byte frame closed the socket (%d), %d frames"
        + " making a %,d-byte message closed it (%d)%n", frameLimit, frameLimit + 1, frameClose, frames,
        frames * frameLimit, messageClose);

    assertEquals(200, f.get("/health", null).statusCode(), "the server is fine");
    assertTrue(!bystander.socket.isClosed(), "other sockets are untouched");
    f.vertx.eventBus().publish(RunManager.EVENTS, new JsonObject().put("type", "test-ping").encode());
    bystander.await(m -> m.getString("type").equals("test-ping"));
    await(big.close());
  }

  /** A WebSocket on /api/v1/events that records how it was closed. */
  private record Socket(WebSocket ws, CompletableFuture<Short> closed) {
    short closedWith() {
      try {
        return closed.get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the server did not close the socket within 10 s", e);
      }
    }
  }

  private Socket socket(WebSocketClient client) {
    CompletableFuture<Short> closed = new CompletableFuture<>();
    WebSocket ws = await(client.connect(eventsUri()).andThen(ar -> {
      if (ar.succeeded()) {
        ar.result().closeHandler(v -> closed.complete(ar.result().closeStatusCode()));
      }
    }));
    return new Socket(ws, closed);
  }

  private WebSocketConnectOptions eventsUri() {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(f.port()).setURI("/api/v1/events?access_token=" + TOKEN);
  }

  @Test
  void connectionsOverTheCapAreRefusedWith503AndAdmittedAgainOnceOthersClose() throws IOException {
    ConnectionLimit limit = f.server.connections();
    waitFor(() -> limit.open() == 0, "the fixture's own connections closed");
    List<java.net.Socket> admitted = new ArrayList<>();
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      java.net.Socket s = keepAlive();
      assertEquals(200, health(s).status(), "connection " + (i + 1) + " of " + MAX_CONNECTIONS + " is served");
      admitted.add(s);
    }
    assertEquals(MAX_CONNECTIONS, limit.open());

    int extra = 5;
    for (int i = 0; i < extra; i++) {
      try (java.net.Socket s = keepAlive()) {
        RawHttp.Response refused = health(s);
        assertEquals(503, refused.status());
        assertEquals("application/problem+json", refused.header("content-type"));
        assertTrue(refused.bodyText().contains("api.limits.maxConnections"), refused.bodyText());
        assertEquals("close", refused.header("connection"));
        assertEquals(-1, s.getInputStream().read(), "and the connection is closed");
      }
    }
    // A refused client that sends nothing is closed after a short grace, not held open.
    try (java.net.Socket silent = keepAlive()) {
      long t0 = System.nanoTime();
      silent.setSoTimeout(10_000);
      assertEquals(-1, silent.getInputStream().read());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < ConnectionLimit.REFUSED_GRACE_MS + 3000, "closed after " + ms + " ms");
    }
    assertEquals(extra + 1, limit.refusedTotal());
    assertEquals(200, health(admitted.get(0)).status(), "the admitted connections are still served");

    for (int i = 0; i < 3; i++) {
      admitted.remove(0).close();
    }
    waitFor(() -> limit.open() == MAX_CONNECTIONS - 3, "the server saw three connections close");
    for (int i = 0; i < 3; i++) {
      java.net.Socket s = keepAlive();
      assertEquals(200, health(s).status(), "a new connection is served once others closed");
      admitted.add(s);
    }
    for (java.net.Socket s : admitted) {
      s.close();
    }
    waitFor(() -> limit.open() == 0, "every connection released");
    assertEquals(200, f.get("/health", null).statusCode());
    System.out.printf("ApiLimitsTest: %d connections admitted, %d refused with 503 (%d more sent nothing and was"
        + " closed), then served again after 3 closed%n", MAX_CONNECTIONS, extra, 1);
  }

  private java.net.Socket keepAlive() throws IOException {
    java.net.Socket s = new java.net.Socket();
    s.connect(new InetSocketAddress("127.0.0.1", f.port()));
    s.setSoTimeout(5000);
    return s;
  }

  /** One keep-alive GET /health on an open socket; reads exactly its response. */
  private static RawHttp.Response health(java.net.Socket s) throws IOException {
    s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return RawHttp.readOne(s.getInputStream());
  }

  @Test
  void eventSocketsOverTheirCapAreRefusedWith503() {
    List<ServerFixture.Events> open = new ArrayList<>();
    for (int i = 0; i < MAX_EVENT_SOCKETS; i++) {
      open.add(f.events(null));
    }
    UpgradeRejectedException refused = assertThrows(UpgradeRejectedException.class, () -> f.events(null));
    assertEquals(503, refused.getStatus());
    assertTrue(refused.getBody().toString().contains("api.limits.maxEventSockets"), refused.getBody().toString());
    await(open.get(0).socket.close());
    waitFor(() -> f.server.events().openSockets() == MAX_EVENT_SOCKETS - 1, "the server saw the socket close");
    ServerFixture.Events again = f.events(null);
    again.await(m -> m.getString("type").equals("snapshot"));
  }

  @Test
  void aClientThatNeverReadsIsCutOffWithItsQueueBoundedWhileANormalOneGetsEveryEvent() throws Exception {
    int queueLimit = DEFAULTS.eventQueueBytes();
    EventsSocket events = f.server.events();
    ServerFixture.Events normal = f.events(null);
    normal.await(m -> m.getString("type").equals("snapshot"));
    java.net.Socket slow = unreadSocket();
    waitFor(() -> events.openSockets() == 2, "both sockets open");

    // 4,000 events of 8 KB, 32 MB in all, published the way the run manager relays them; in batches the normal
    // client keeps up with, so only the slow one falls behind.
    int eventBytes = 8 * 1024;
    int count = 4000;
    int batch = 50;
    String pad = "p".repeat(eventBytes);
    long peakQueued = 0;
    long droppedAtEvent = -1;
    long droppedAt = 0;
    long cutAt = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i += batch) {
      for (int k = i; k < i + batch; k++) {
        f.vertx.eventBus().publish(RunManager.EVENTS,
            new JsonObject().put("type", "test-filler").put("seq", k).put("pad", pad).encode());
      }
      int expected = i + batch;
      waitFor(() -> fillers(normal) >= expected, "the normal client got " + expected + " events");
      peakQueued = Math.max(peakQueued, events.queuedBytes());
      if (droppedAt == 0 && events.droppedAsSlow() == 1) {
        droppedAtEvent = expected;
        droppedAt = System.nanoTime();
      }
      if (droppedAt != 0 && cutAt == 0 && events.openSockets() == 1) {
        cutAt = System.nanoTime();
      }
    }
    long publishMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(droppedAt != 0, "the slow client was dropped while the events went out");
    waitFor(() -> events.openSockets() == 1, "the slow client's connection closed by the server");
    long cutMs = ((cutAt == 0 ? System.nanoTime() : cutAt) - droppedAt) / 1_000_000;
    long queuedAfter = events.queuedBytes();

    // The slow client, reading at last, finds what the network held for it and then the end of the stream.
    long received = drain(slow);
    List<Long> seqs = normal.messages.stream().filter(m -> "test-filler".equals(m.getString("type")))
        .map(m -> m.getLong("seq")).toList();
    System.out.printf("ApiLimitsTest: published %d events (%d MB) in %d ms; the slow client was dropped by event %d,"
            + " its connection cut %d ms after that; peak queued in the server %,d bytes (limit %,d), %,d after;"
            + " it had received %,d bytes; the normal client got %d of %d%n", count, (long) count * eventBytes >> 20,
        publishMs, droppedAtEvent, cutMs, peakQueued, queueLimit, queuedAfter, received, seqs.size(), count);

    assertTrue(peakQueued <= queueLimit + 2L * eventBytes, "the server's queue stayed bounded: " + peakQueued);
    assertTrue(queuedAfter <= 2L * eventBytes, "and was released: " + queuedAfter);
    assertTrue(received < (long) count * eventBytes / 4, "the slow client got a fraction, not everything: " + received);
    assertEquals(count, seqs.size(), "the normal client got every event");
    for (int i = 0; i < count; i++) {
      assertEquals(i, seqs.get(i), "in order");
    }
    assertTrue(!normal.socket.isClosed());
    assertEquals(200, f.get("/health", null).statusCode());
  }

  private static long fillers(ServerFixture.Events events) {
    return events.messages.stream().filter(m -> "test-filler".equals(m.getString("type"))).count();
  }

  /** A WebSocket handshake by hand on a socket with a small receive buffer, which is then never read. */
  private java.net.Socket unreadSocket() throws IOException {
    java.net.Socket s = new java.net.Socket();
    s.setReceiveBufferSize(4096); // before connecting, so the window it advertises stays small
    s.connect(new InetSocketAddress("127.0.0.1", f.port()));
    s.setSoTimeout(5000);
    s.getOutputStream().write(("GET /api/v1/events?access_token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new AssertionError("no handshake answer: " + head);
      }
      head.append((char) c);
    }
    assertTrue(head.toString().startsWith("HTTP/1.1 101"), head::toString);
    return s;
  }

  /** Reads until the server's end of the stream (or a reset); fails if it stays open for 10 s. */
  private static long drain(java.net.Socket s) throws IOException {
    s.setSoTimeout(10_000);
    long total = 0;
    byte[] buf = new byte[65536];
    try (s) {
      while (true) {
        int n = s.getInputStream().read(buf);
        if (n < 0) {
          return total;
        }
        total += n;
      }
    } catch (SocketException e) {
      return total; // reset: the server cut it
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server left the slow client's connection open after " + total + " bytes", e);
    }
  }

  private static void waitFor(BooleanSupplier condition, String what) {
    for (int i = 0; i < 300; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      ServerFixture.sleep(50);
    }
    throw new AssertionError("not within 15 s: " + what);
  }
}
