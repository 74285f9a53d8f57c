package dev.ferry.sync;

import java.util.List;

/** What one step on a table took: the most attempts any of its parts needed, its time, its target transactions. */
record StepLog(int attempts, long millis, List<Long> xids) {}
