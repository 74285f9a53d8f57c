package dev.ferry.sync;

import dev.ferry.result.SampleKeys;
import dev.ferry.result.Strategy;

/** What a {@link TableSync} did: how, in words as the plan showed them and what it found, the rows, the evidence. */
record CopyOutcome(Strategy strategy, String path, Counts counts, Evidence evidence, SampleKeys samples) {
  CopyOutcome(Strategy strategy, String path, Counts counts, Evidence evidence) {
    this(strategy, path, counts, evidence, SampleKeys.NONE);
  }
}
