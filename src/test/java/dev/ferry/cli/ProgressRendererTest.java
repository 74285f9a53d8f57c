package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.progress.ProgressEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A table's progress bar: its rate and ETA once a rate is known, neither before (a rate of 0). */
class ProgressRendererTest {
  private static ProgressEvent.TableProgress progress(long done, double rate) {
    return new ProgressEvent.TableProgress("run", "animals", done, 300_000, done, rate, List.of());
  }

  @Test
  void aBarShowsARateAndAnEtaOnlyOnceTheRateIsKnown() {
    assertEquals("  animals                  [░░░░░░░░░░░░░░░░░░░░░░░░░░░░]   0%  1,024/300,000",
        ProgressRenderer.bar(progress(1_024, 0)));
    assertEquals("  animals                  [██████████████░░░░░░░░░░░░░░]  50%  150,000/300,000  50,000 rows/s  ETA 3s",
        ProgressRenderer.bar(progress(150_000, 50_000)));
  }
}
