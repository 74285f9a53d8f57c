package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.SignalDisposition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher (src/main/dist/ferry) as a terminal drives it: Ctrl-C sends SIGINT to the whole foreground process
 * group, here a session of its own. On the first run after a build (no class-data archive yet) the JVM runs as a
 * background job of the launcher's shell, and must still get the signal, run its shutdown hooks (where Ferry
 * cancels its run) and exit; a run killed outright must not leave its half-written archive behind for good.
 */
class LauncherSignalsTest {

  /** Stands in for Ferry: says when it is ready, and what its shutdown hook saw. */
  public static final class Sleeper {
    public static void main(String[] args) throws InterruptedException {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
      System.out.println("ready");
      System.out.flush();
      Thread.sleep(120_000);
    }
  }

  @Test
  void ctrlCReachesTheJvmOnTheFirstRunAndKilledRunsLeaveNoArchiveBehind(@TempDir Path dir) throws Exception {
    Assumptions.assumeFalse(SignalDisposition.interruptIgnored(), "the tests were started with SIGINT ignored (in the"
        + " background of a script), which every process they start inherits; run them in the foreground");
    Path launcher = dir.resolve("ferry");
    Files.copy(Path.of("src/main/dist/ferry"), launcher);
    assertTrue(launcher.toFile().setExecutable(true));
    writeJar(dir.resolve("ferry.jar"));

    Process first = start(launcher);
    BufferedReader firstOut = awaitReady(first);
    signalGroup(first, "INT");
    assertTrue(first.waitFor(30, TimeUnit.SECONDS), "Ctrl-C did not stop the first run");
    String out = firstOut.lines().collect(java.util.stream.Collectors.joining("\n"));
    assertTrue(out.contains("shutdown hook ran"), out);
    assertEquals(130, first.exitValue(), out);
    assertEquals(0, archives(dir, true), "no archive kept from a run a signal ended");

    // A run killed while its JVM wrote the archive leaves the part it wrote; the next launcher removes it.
    Path stale = dir.resolve("ferry-sync.jsa.4194303"); // above any pid the kernel hands out by default
    Files.write(stale, new byte[1024]);
    Process next = start(launcher);
    awaitReady(next);
    assertTrue(Files.notExists(stale), "the dead launcher's partial archive is removed");
    signalGroup(next, "KILL");
    assertTrue(next.waitFor(30, TimeUnit.SECONDS));
  }

  private static Process start(Path launcher) throws IOException {
    // setsid: a session and process group of its own, as a terminal's foreground job has.
    return new ProcessBuilder("setsid", launcher.toString(), "sync").redirectErrorStream(true).start();
  }

  private static BufferedReader awaitReady(Process p) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("ready", in.readLine());
    return in;
  }

  /** As the terminal does: the signal to every process of the group (setsid made the launcher its leader). */
  private static void signalGroup(Process p, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + p.pid()).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal);
  }

  private static long archives(Path dir, boolean includeFinal) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith("ferry-sync.jsa.") || (includeFinal && n.equals("ferry-sync.jsa"))).count();
    }
  }

  private static void writeJar(Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Sleeper.class.getName());
    String entry = Sleeper.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
         InputStream clazz = LauncherSignalsTest.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      clazz.transferTo(out);
      out.closeEntry();
    }
  }
}
