package dev.ferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a database, for fault tests: it can delay every chunk it forwards, stall
 * the connections open now (they stay open but pass no more bytes, as a dead NAT or a frozen proxy would), or
 * cut them (close both sides at once, as a failover or a network drop would). New connections are unaffected.
 * Plain threads: this is test scaffolding, not part of the event-loop code.
 */
public final class FaultProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private volatile long delayMs;

  public FaultProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public long connectionsAccepted() {
    return accepted.get();
  }

  public void delay(long ms) {
    delayMs = ms;
  }

  /** Closes every connection open now; returns how many. */
  public int cut() {
    int n = 0;
    for (Link l : links) {
      l.close();
      n++;
    }
    return n;
  }

  /**
   * The connections that carried bytes in the last half second stop forwarding (both ways) but stay open, as one
   * stuck flow would; idle ones are left alone. Returns how many were stalled.
   */
  public int stall() {
    long recent = System.nanoTime() - 500_000_000L;
    int n = 0;
    for (Link l : links) {
      if (l.lastActivity > recent) {
        l.stalled = true;
        n++;
      }
    }
    return n;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        accepted.incrementAndGet();
        Link link = new Link(client, upstream);
        links.add(link);
        link.start();
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    cut();
  }

  private final class Link {
    private final Socket client;
    private final Socket upstream;
    volatile boolean stalled;
    volatile long lastActivity = System.nanoTime();

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start() {
      pump(client, upstream, "up");
      pump(upstream, client, "down");
    }

    private void pump(Socket from, Socket to, String direction) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          int n;
          while ((n = in.read(buf)) >= 0) {
            while (stalled) {
              Thread.sleep(50); // holds the bytes: the peer sees an open, silent connection
            }
            if (delayMs > 0) {
              Thread.sleep(delayMs);
            }
            out.write(buf, 0, n);
            out.flush();
            lastActivity = System.nanoTime();
          }
        } catch (IOException | InterruptedException e) {
          // the other side or cut() closed it
        } finally {
          close();
        }
      }, "fault-proxy-" + direction);
      t.setDaemon(true);
      t.start();
    }

    void close() {
      links.remove(this);
      try {
        client.close();
      } catch (IOException ignored) {
        // already closed
      }
      try {
        upstream.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }
}
