package dev.ferry.db;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Sockets for the JDBC sessions that read from a large buffer: the driver reads through one of 8 KB, so a COPY's
 * stream cost a system call per 8 KB (a 400 MB table: 50,000 of them, a fifth of the client's copying CPU); here
 * it costs one per {@link #READ_AHEAD} at most. A read still returns as soon as any bytes arrive, so a short
 * answer waits for nothing. The driver creates it by name (its {@code socketFactory} property), hence public.
 */
public final class ReadAheadSocketFactory extends SocketFactory {
  static final int READ_AHEAD = 256 * 1024;

  /** The one the driver calls: it connects the socket itself, with its own timeout. */
  @Override
  public Socket createSocket() {
    return new ReadAheadSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
    Socket s = new ReadAheadSocket();
    if (local != null) {
      s.bind(local);
    }
    s.connect(remote);
    return s;
  }

  /** One buffered stream per socket: TLS layered on it later reads through the same one, so no byte is lost. */
  private static final class ReadAheadSocket extends Socket {
    private InputStream in;

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        in = new BufferedInputStream(super.getInputStream(), READ_AHEAD);
      }
      return in;
    }
  }
}
