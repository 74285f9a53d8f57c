package dev.ferry.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers a test starts: free when chosen, distinct, and below the kernel's ephemeral range. A port
 * taken with {@code new ServerSocket(0)} is an ephemeral one, which any socket the test's processes open meanwhile
 * (a connection's local end, an event bus listening on port 0) may take before the server binds it.
 */
public final class FreePorts {
  private static final int LOWEST = 15000;

  private FreePorts() {
  }

  /** One port free on {@code addresses} (every address when none is given). */
  public static int take(InetAddress... addresses) throws IOException {
    return take(1, addresses).get(0);
  }

  /** {@code count} distinct ports, each free on {@code addresses} (every address when none is given). */
  public static List<Integer> take(int count, InetAddress... addresses) throws IOException {
    int below = ephemeralLow();
    Set<Integer> ports = new LinkedHashSet<>();
    for (int tries = 0; ports.size() < count; tries++) {
      if (tries == 1000) {
        throw new IllegalStateException("found no " + count + " free ports in " + LOWEST + ".." + below);
      }
      int candidate = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (!ports.contains(candidate) && bindable(candidate, addresses)) {
        ports.add(candidate);
      }
    }
    return List.copyOf(ports);
  }

  /** Whether a server could listen on {@code port} (0: any) on each of {@code addresses} now. */
  static boolean bindable(int port, InetAddress... addresses) {
    for (InetAddress address : addresses.length == 0 ? new InetAddress[] {null} : addresses) {
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(address, port));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** The first port the kernel hands out on its own (32768 on Linux unless changed). */
  private static int ephemeralLow() {
    try {
      // Read by lines: Files.readString trusts the size procfs reports, and reads one byte of it.
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
      return Math.max(LOWEST + 1000, Integer.parseInt(range.trim().split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return 32768;
    }
  }
}
