package dev.ferry.http;

import dev.ferry.config.ServerLimits;
import dev.ferry.runs.LiveRun;
import dev.ferry.runs.RunManager;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code /api/v1/events}: on connect a snapshot of the active runs, then every progress event as JSON text
 * frames, optionally only one run's ({@code ?run=<id>}, or send {@code {"subscribe": "<id>"}}; null for all).
 * Heartbeats (a ping frame and a heartbeat message) keep proxies from closing idle sockets. A client whose
 * write queue fills up is dropped rather than buffered without bound, and at most {@code api.limits.maxEventSockets}
 * sockets are open at once.
 */
final class EventsSocket {
  /**
   * How long a client dropped as too slow has to take its close frame before its connection is cut: the frame
   * waits behind everything queued for it, which a client that does not read never takes.
   */
  static final long SLOW_CLOSE_GRACE_MS = 2000;

  private final RunManager runs;
  private final int maxQueuedBytes;
  private final int maxSockets;
  /** Sockets receiving events. */
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  /** Every socket not yet closed, those being dropped included: what the server still holds memory for. */
  private final Set<Client> open = ConcurrentHashMap.newKeySet();
  /** Sockets open or being opened: reserved before the handshake, so simultaneous ones cannot pass the cap. */
  private final AtomicInteger sockets = new AtomicInteger();
  private final AtomicLong droppedAsSlow = new AtomicLong();
  private final MessageConsumer<String> listener;
  private final long heartbeatTimer;
  private final Vertx vertx;

  private static final class Client {
    final ServerWebSocket ws;
    /** The connection under the socket, or null if Vert.x's internals change (then only the close frame is sent). */
    final Channel channel;
    volatile String run;

    Client(ServerWebSocket ws, Channel channel, String run) {
      this.ws = ws;
      this.channel = channel;
      this.run = run;
    }
  }

  EventsSocket(Vertx vertx, RunManager runs, long heartbeatMs, ServerLimits limits) {
    this.vertx = vertx;
    this.runs = runs;
    this.maxQueuedBytes = limits.eventQueueBytes();
    this.maxSockets = limits.maxEventSockets();
    this.listener = vertx.eventBus().<String>localConsumer(RunManager.EVENTS, msg -> broadcast(msg.body()));
    this.heartbeatTimer = vertx.setPeriodic(heartbeatMs, id -> {
      String beat = new JsonObject().put("type", "heartbeat").put("at", System.currentTimeMillis()).encode();
      clients.forEach(c -> {
        c.ws.writePing(Buffer.buffer("ferry"));
        send(c, beat);
      });
    });
  }

  void handle(RoutingContext rc) {
    String run;
    try {
      List<String> runs = rc.queryParam("run");
      run = runs.isEmpty() ? null : runs.get(0);
    } catch (HttpException e) {
      Problems.send(rc, 400, "Bad Request", "the query string is not valid percent-encoding");
      return;
    }
    // Checked here so the answer is a problem: Vert.x would refuse these itself, in plain text.
    if (!isWebSocketUpgrade(rc.request())) {
      Problems.send(rc, 400, "Bad Request", "this address takes WebSocket upgrades only (Upgrade: websocket,"
          + " Connection: Upgrade, Sec-WebSocket-Key, Sec-WebSocket-Version: 13)");
      return;
    }
    if (sockets.incrementAndGet() > maxSockets) {
      sockets.decrementAndGet();
      rc.response().putHeader("Retry-After", "5");
      Problems.send(rc, 503, "Service Unavailable", "the server has " + maxSockets + " event sockets open, the most"
          + " it takes (api.limits.maxEventSockets); retry later");
      return;
    }
    Channel channel = rc.request().connection() instanceof ConnectionBase c ? c.channel() : null;
    rc.request().toWebSocket().onSuccess(ws -> {
      ws.setWriteQueueMaxSize(maxQueuedBytes);
      Client client = new Client(ws, channel, run);
      clients.add(client);
      open.add(client);
      ws.closeHandler(v -> {
        clients.remove(client);
        open.remove(client);
        sockets.decrementAndGet();
      });
      // Vert.x reports a message over api.limits.webSocketMessageBytes here and leaves the socket open, deaf to
      // what follows: close it, with 1009 as Netty's decoder means for a frame that is too big.
      ws.exceptionHandler(err -> {
        clients.remove(client);
        boolean tooBig = String.valueOf(err.getMessage()).contains("max message size")
            || err instanceof CorruptedWebSocketFrameException c && c.closeStatus().code() == 1009;
        ws.close(tooBig ? (short) 1009 : (short) 1011, tooBig ? "message too big" : "error");
      });
      ws.textMessageHandler(text -> subscribe(client, text));
      send(client, snapshot(run).encode());
    }).onFailure(err -> {
      sockets.decrementAndGet();
      Problems.send(rc, 400, "Bad Request", "the WebSocket handshake failed");
    });
  }

  private static boolean isWebSocketUpgrade(HttpServerRequest request) {
    String connection = request.getHeader("Connection");
    return "websocket".equalsIgnoreCase(request.getHeader("Upgrade"))
        && connection != null && connection.toLowerCase().contains("upgrade")
        && request.getHeader("Sec-WebSocket-Key") != null
        && "13".equals(request.getHeader("Sec-WebSocket-Version"));
  }

  private JsonObject snapshot(String run) {
    JsonArray active = new JsonArray();
    runs.followed().stream().filter(r -> run == null || run.equals(r.id())).map(LiveRun::snapshot).forEach(active::add);
    return new JsonObject().put("type", "snapshot").put("runs", active);
  }

  private void subscribe(Client client, String text) {
    try {
      JsonObject msg = new JsonObject(text);
      if (!msg.containsKey("subscribe") || !(msg.getValue("subscribe") == null || msg.getValue("subscribe") instanceof String)) {
        throw new DecodeException("expected {\"subscribe\": \"<run id>\"} or {\"subscribe\": null}");
      }
      client.run = msg.getString("subscribe");
      send(client, snapshot(client.run).encode());
    } catch (DecodeException | ClassCastException e) {
      send(client, new JsonObject().put("type", "error")
          .put("detail", "expected {\"subscribe\": \"<run id>\"} or {\"subscribe\": null}").encode());
    }
  }

  private void broadcast(String event) {
    if (clients.isEmpty()) {
      return;
    }
    String runId = new JsonObject(event).getString("runId");
    clients.forEach(c -> {
      if (c.run == null || c.run.equals(runId)) {
        send(c, event);
      }
    });
  }

  private void send(Client c, String text) {
    if (c.ws.isClosed()) {
      clients.remove(c);
      return;
    }
    if (c.ws.writeQueueFull()) {
      drop(c);
      return;
    }
    c.ws.writeTextMessage(text);
  }

  /** Stops sending to a client that does not keep up, and cuts its connection if it does not take the close. */
  private void drop(Client c) {
    if (!clients.remove(c)) {
      return;
    }
    droppedAsSlow.incrementAndGet();
    c.ws.close((short) 1008, "too slow: events were not read in time");
    vertx.setTimer(SLOW_CLOSE_GRACE_MS, id -> {
      if (open.contains(c) && c.channel != null) {
        cut(c.channel);
      }
    });
  }

  /**
   * Closes the TCP connection under the WebSocket without the closing handshake, which is stuck behind the queued
   * events: that releases them. Vert.x's own close would wait for the close frame to be written first, so the close
   * starts at the head of the Netty pipeline, below Vert.x's handler.
   */
  private static void cut(Channel channel) {
    var first = channel.pipeline().firstContext();
    if (first != null) {
      first.close();
    } else {
      channel.close();
    }
  }

  /** Bytes queued in the server for event sockets and not yet taken by the network (what a slow client costs). */
  long queuedBytes() {
    long total = 0;
    for (Client c : open) {
      ChannelOutboundBuffer buffer = c.channel == null ? null : c.channel.unsafe().outboundBuffer();
      total += buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
    return total;
  }

  /** Sockets the server still holds, those being dropped included. */
  int openSockets() {
    return open.size();
  }

  /** Clients dropped for not reading their events in time, since the server started. */
  long droppedAsSlow() {
    return droppedAsSlow.get();
  }

  Future<Void> close() {
    vertx.cancelTimer(heartbeatTimer);
    clients.forEach(c -> c.ws.close((short) 1001, "server stopping"));
    return listener.unregister();
  }
}
