package dev.ferry.http;

import dev.ferry.runs.LiveRun;
import dev.ferry.runs.RunManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /api/v1/events}: on connect a snapshot of the active runs, then every progress event as JSON text
 * frames, optionally only one run's ({@code ?run=<id>}, or send {@code {"subscribe": "<id>"}}; null for all).
 * Heartbeats (a ping frame and a heartbeat message) keep proxies from closing idle sockets. A client whose
 * write queue fills up is dropped rather than buffered without bound.
 */
final class EventsSocket {
  /** Bytes queued for one client before it counts as too slow. */
  static final int MAX_QUEUED_BYTES = 1024 * 1024;

  private final RunManager runs;
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final MessageConsumer<String> listener;
  private final long heartbeatTimer;
  private final Vertx vertx;

  private static final class Client {
    final ServerWebSocket ws;
    volatile String run;

    Client(ServerWebSocket ws, String run) {
      this.ws = ws;
      this.run = run;
    }
  }

  EventsSocket(Vertx vertx, RunManager runs, long heartbeatMs) {
    this.vertx = vertx;
    this.runs = runs;
    this.listener = vertx.eventBus().<String>consumer(RunManager.EVENTS, msg -> broadcast(msg.body()));
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
    rc.request().toWebSocket().onSuccess(ws -> {
      ws.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
      Client client = new Client(ws, run);
      clients.add(client);
      ws.closeHandler(v -> clients.remove(client));
      ws.exceptionHandler(err -> clients.remove(client));
      ws.textMessageHandler(text -> subscribe(client, text));
      send(client, snapshot(run).encode());
    }).onFailure(err -> Problems.send(rc, 400, "Bad Request", "this address takes WebSocket upgrades only"));
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
    runs.active().stream().filter(r -> run == null || run.equals(r.id())).map(LiveRun::snapshot).forEach(active::add);
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
      clients.remove(c);
      c.ws.close((short) 1008, "too slow: events were not read in time");
      return;
    }
    c.ws.writeTextMessage(text);
  }

  Future<Void> close() {
    vertx.cancelTimer(heartbeatTimer);
    clients.forEach(c -> c.ws.close((short) 1001, "server stopping"));
    return listener.unregister();
  }
}
