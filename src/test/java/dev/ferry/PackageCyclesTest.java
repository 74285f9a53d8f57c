package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Data flows one way (docs/architecture.md): no package of Ferry's depends, through any chain, on itself. The
 * dependencies are the compiled classes' own, as the JDK's jdeps reads them from target/classes.
 */
class PackageCyclesTest {
  private static final Pattern EDGE = Pattern.compile("^\\s+dev\\.ferry\\.(\\w+)\\s+->\\s+dev\\.ferry\\.(\\w+)\\s",
      Pattern.MULTILINE);

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
        Path.of("target/classes").toString());
    assertEquals(0, rc, out::toString);
    Map<String, Set<String>> uses = new TreeMap<>();
    Matcher m = EDGE.matcher(out.toString());
    while (m.find()) {
      if (!m.group(1).equals(m.group(2))) {
        uses.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
      }
    }
    assertTrue(uses.size() > 10, () -> "jdeps found too few packages to be believed:\n" + out);
    List<List<String>> cycles = new ArrayList<>();
    for (String start : uses.keySet()) {
      cycleThrough(start, uses).ifPresent(cycles::add);
    }
    assertTrue(cycles.isEmpty(), () -> "package cycles: " + cycles + "\nall dependencies: " + uses);
    for (String leaf : List.of("result", "error", "progress")) {
      assertTrue(uses.getOrDefault(leaf, Set.of()).stream().noneMatch(p -> p.equals("sync") || p.equals("runs")),
          () -> leaf + " must not depend on the engine: " + uses.get(leaf));
    }
  }

  /** One owner per store: only the control package reads or writes the tables of the ferry schema. */
  @Test
  void onlyTheControlPackageTouchesTheControlSchema() throws IOException {
    Pattern table = Pattern.compile("\\b(?:FROM|INTO|UPDATE|JOIN|to_regclass\\(')\\s*ferry\\.(\\w+)",
        Pattern.CASE_INSENSITIVE);
    List<String> outside = new ArrayList<>();
    Path root = Path.of("src/main/java/dev/ferry");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = table.matcher(Files.readString(f));
        while (m.find()) {
          if (!root.relativize(f).startsWith("control")) {
            outside.add(root.relativize(f) + ": ferry." + m.group(1));
          }
        }
      }
    }
    assertTrue(outside.isEmpty(), () -> "control-schema SQL outside dev.ferry.control: " + outside);
  }

  /** A path start → … → start, if there is one (breadth first, so the shortest). */
  private static java.util.Optional<List<String>> cycleThrough(String start, Map<String, Set<String>> uses) {
    Map<String, String> cameFrom = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>(uses.getOrDefault(start, Set.of()));
    uses.getOrDefault(start, Set.of()).forEach(n -> cameFrom.put(n, start));
    while (!queue.isEmpty()) {
      String at = queue.poll();
      if (at.equals(start)) {
        List<String> path = new ArrayList<>(List.of(start));
        for (String p = cameFrom.get(start); !p.equals(start); p = cameFrom.get(p)) {
          path.add(0, p);
        }
        path.add(0, start);
        return java.util.Optional.of(path);
      }
      for (String next : uses.getOrDefault(at, Set.of())) {
        if (!cameFrom.containsKey(next)) {
          cameFrom.put(next, at);
          queue.add(next);
        }
      }
    }
    return java.util.Optional.empty();
  }
}
