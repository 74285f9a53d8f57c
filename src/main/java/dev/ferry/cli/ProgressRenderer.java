package dev.ferry.cli;

import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.TableResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws the engine's events. On a terminal: a live bar per table being copied (rows, rows/s, ETA), redrawn in
 * place below the log lines. Elsewhere (CI, pipes, files): plain log lines, with table progress every few seconds.
 */
final class ProgressRenderer {
  private static final long LOG_PROGRESS_EVERY_MS = 5_000;

  private final PrintWriter out;
  private final boolean ansi;
  private final Map<String, ProgressEvent.TableProgress> bars = new LinkedHashMap<>();
  private final Map<String, Long> lastLogged = new LinkedHashMap<>();
  private int drawnLines;
  /** A dry run's tables are reported as what a real run would write. */
  private boolean dryRun;

  ProgressRenderer(PrintWriter out, boolean ansi) {
    this.out = out;
    this.ansi = ansi;
  }

  static boolean terminal() {
    String term = System.getenv("TERM");
    return System.console() != null && term != null && !term.equals("dumb");
  }

  synchronized void on(ProgressEvent event) {
    if (event instanceof ProgressEvent.RunStarted e) {
      dryRun = e.dryRun();
      line("ferry " + (e.dryRun() ? "dry run" : "sync") + " (" + e.mode() + "): " + e.source() + "  →  " + e.target());
    } else if (event instanceof ProgressEvent.PhaseStarted e) {
      line("▶ " + e.phase() + (e.description().isEmpty() ? "" : ": " + e.description()));
    } else if (event instanceof ProgressEvent.PhaseFinished e) {
      line(e.outcome().mark() + " " + e.phase() + " "
          + e.outcome() + " (" + e.durationMs() + " ms)");
      e.details().stream().limit(40).forEach(d -> line("    " + d));
    } else if (event instanceof ProgressEvent.TableStarted e) {
      line("  " + e.table() + ": " + e.path()
          + String.format(" (%s%,d source rows, %,d on target)", e.estimated() ? "about " : "", e.sourceRows(),
          e.targetRows()));
      bars.put(e.table(), new ProgressEvent.TableProgress(e.runId(), e.table(), 0, e.sourceRows(), 0, 0, List.of()));
      redraw();
    } else if (event instanceof ProgressEvent.TableProgress e) {
      progress(e);
    } else if (event instanceof ProgressEvent.TableFinished e) {
      bars.remove(e.result().table());
      line("  " + finished(e.result(), dryRun));
    } else if (event instanceof ProgressEvent.Warning e) {
      line("  ! " + (e.table() == null ? "" : e.table() + ": ") + e.message());
    } else if (event instanceof ProgressEvent.RunFinished) {
      bars.clear();
      redraw();
    }
  }

  private void progress(ProgressEvent.TableProgress e) {
    if (ansi) {
      bars.put(e.table(), e);
      redraw();
      return;
    }
    long now = System.currentTimeMillis();
    if (now - lastLogged.getOrDefault(e.table(), 0L) >= LOG_PROGRESS_EVERY_MS) {
      lastLogged.put(e.table(), now);
      line(String.format("  %s: %,d / %,d rows%s", e.table(), e.rowsDone(), e.rowsTotal(),
          e.rowsPerSecond() > 0 ? String.format(", %,.0f rows/s", e.rowsPerSecond()) : ""));
    }
  }

  static String finished(TableResult r, boolean dryRun) {
    String counts = dryRun
        ? String.format("would insert %,d, update %,d, delete %,d%s", r.inserted(), r.updated(), r.deleted(),
            r.linked() > 0 ? String.format(", set %,d links", r.linked()) : "")
        : String.format("%,d inserted, %,d updated, %,d deleted%s", r.inserted(), r.updated(), r.deleted(),
            r.linked() > 0 ? String.format(", %,d links set", r.linked()) : "");
    return switch (r.outcome()) {
      case SYNCED -> (dryRun ? "~ " : "✓ ") + r.table() + ": " + counts + " (" + r.durationMs() + " ms)";
      case UNCHANGED -> "= " + r.table() + ": unchanged (" + r.durationMs() + " ms)";
      case FAILED -> "✗ " + r.table() + ": failed after " + r.attempts() + " attempt(s): " + r.message();
      case REFUSED -> "⛔ " + r.table() + ": refused: " + r.message();
      case SKIPPED -> "- " + r.table() + ": skipped" + (r.message() == null ? "" : ": " + r.message());
    };
  }

  private void line(String text) {
    erase();
    out.println(text);
    redraw();
  }

  private void erase() {
    if (ansi && drawnLines > 0) {
      out.print("\033[" + drawnLines + "A\033[J");
      drawnLines = 0;
    }
  }

  private void redraw() {
    if (!ansi) {
      return;
    }
    erase();
    for (ProgressEvent.TableProgress p : bars.values()) {
      out.println(bar(p));
      drawnLines++;
    }
    out.flush();
  }

  static String bar(ProgressEvent.TableProgress p) {
    int width = 28;
    double fraction = p.rowsTotal() <= 0 ? 0 : Math.min(1, (double) p.rowsDone() / p.rowsTotal());
    int full = (int) Math.round(fraction * width);
    // A rate of 0 is not known yet (see TableCopier.publishProgress): no rate and no ETA rather than a guess.
    String rate = p.rowsPerSecond() > 0 ? String.format("%,.0f rows/s", p.rowsPerSecond()) : "";
    String eta = p.rowsPerSecond() > 0 && p.rowsTotal() > p.rowsDone()
        ? String.format("ETA %ds", (long) Math.ceil((p.rowsTotal() - p.rowsDone()) / p.rowsPerSecond())) : "";
    return String.format("  %-24.24s [%s%s] %3.0f%%  %,d/%,d  %s  %s", p.table(), "█".repeat(full),
        "░".repeat(width - full), fraction * 100, p.rowsDone(), p.rowsTotal(), rate, eta).stripTrailing();
  }
}
