package dev.ferry.cli;

import java.io.PrintWriter;

/** Where a command writes: results to {@code out}, progress and diagnostics to {@code err} (picocli's streams). */
record Console(PrintWriter out, PrintWriter err) {}
