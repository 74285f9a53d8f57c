package dev.ferry.result;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a phase ended: ok unless something in it failed or was refused, or it was skipped (a flag, a dry run). */
public enum PhaseOutcome {
  OK("ok", "✓"),
  SKIPPED("skipped", "-"),
  FAILED("failed", "✗"),
  REFUSED("refused", "✗");

  private final String wire;
  private final String mark;

  PhaseOutcome(String wire, String mark) {
    this.wire = wire;
    this.mark = mark;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** The terminal's mark for it. */
  public String mark() {
    return mark;
  }

  @Override
  public String toString() {
    return wire;
  }
}
