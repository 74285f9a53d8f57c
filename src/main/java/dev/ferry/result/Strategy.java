package dev.ferry.result;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a table was copied, chosen per table from its key, its size on both sides and what earlier runs verified.
 * The result's {@code path} says the same in words, with the details (key, indexes, checkpoints, ranges).
 */
public enum Strategy {
  /** Keyed, target empty when counted: plain inserts, secondary indexes built after the load. */
  EMPTY_LOAD("empty-load"),
  /** Keyed: every source row streamed to the target, compared there and upserted if new or different. */
  UPSERT("upsert"),
  /** Keyed, big and mostly there: key-range hashes on both servers, only differing rows read and upserted. */
  DIFFERENTIAL("differential"),
  /** Same row count and content digest on both sides: nothing sent. */
  UNCHANGED("unchanged"),
  /** No key, target empty: plain inserts. */
  KEYLESS_LOAD("keyless-load"),
  /** No key, contents identical: nothing sent. */
  KEYLESS_UNCHANGED("keyless-unchanged"),
  /** No key, contents differ: the target's rows replaced (mirror or rebuild only). */
  KEYLESS_REPLACE("keyless-replace"),
  /** Every selected table emptied and reloaded in one transaction. */
  REBUILD("rebuild");

  private final String wire;

  Strategy(String wire) {
    this.wire = wire;
  }

  /** The name in JSON (events, API, history). */
  @JsonValue
  public String wire() {
    return wire;
  }
}
