package dev.ferry.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/** Publishes and decodes progress events on the event bus address {@link #ADDRESS}, as Jackson-written JSON. */
public final class ProgressBus {
  public static final String ADDRESS = "ferry.progress";
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Vertx vertx;
  private final String address;

  public ProgressBus(Vertx vertx) {
    this(vertx, ADDRESS);
  }

  /** Publishes on {@code address} instead: a table copied for another node's run sends its progress there. */
  public ProgressBus(Vertx vertx, String address) {
    this.vertx = vertx;
    this.address = address;
  }

  public void publish(ProgressEvent event) {
    vertx.eventBus().publish(address, toJson(event));
  }

  /**
   * Listens to every run's events on this node (a cluster's nodes each see their own runs: a local consumer, so its
   * metrics and sockets never count another node's rows); unregister the returned consumer when done.
   */
  public MessageConsumer<String> listen(Consumer<ProgressEvent> listener) {
    return vertx.eventBus().<String>localConsumer(ADDRESS, msg -> listener.accept(fromJson(msg.body())));
  }

  /**
   * Builds Jackson's serializers and deserializers for events on a worker thread now. Jackson builds them on first use,
   * and a fresh process's first event (the run's start) then held the event loop ~40 ms, and its listener's decoding
   * as long, before the run's first query; begun before the run history opens, they are ready by then.
   */
  public static void prepare(Vertx vertx) {
    vertx.executeBlocking(() -> List.of(new ProgressEvent.RunStarted("", "", false, "", ""),
        new ProgressEvent.TableStarted("", "", 0, true, 0, "")).stream().map(e -> fromJson(toJson(e))).toList(), false);
  }

  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  public static ProgressEvent fromJson(String json) {
    try {
      return JSON.readValue(json, ProgressEvent.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a progress event: " + e.getOriginalMessage(), e);
    }
  }

  public static JsonObject toJsonObject(Object value) {
    return new JsonObject(toJson(value));
  }
}
