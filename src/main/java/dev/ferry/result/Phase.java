package dev.ferry.result;

import com.fasterxml.jackson.annotation.JsonValue;

/** The phases of a run, in the order they run; the JSON names are what the events and the API have always said. */
public enum Phase {
  SCHEMA("schema"),
  COUNT("count"),
  BACKUP("backup"),
  INDEXES("indexes"),
  PARENTS("parents"),
  ID_MAP("id-map"),
  DEPENDENTS("dependents"),
  VALIDATION("validation");

  private final String wire;

  Phase(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @Override
  public String toString() {
    return wire;
  }
}
