package dev.ferry.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a plain socket, the request bytes exactly as given: for what an HTTP client refuses to
 * send (bad request lines, NUL bytes, conflicting lengths, raw ".." segments). Reads one response and stops.
 */
final class RawHttp {
  private RawHttp() {}

  /**
   * @param headers lower-case names, first value
   */
  record Response(int status, Map<String, String> headers, byte[] body, String note) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * Sends {@code request}, then (when {@code halfClose}) shuts the sending side so the server sees the end of it,
   * and reads every response until the server closes; once one has come, a pause of 300 ms also ends the reading
   * (a connection kept alive). An empty list means nothing parseable as HTTP/1 came back.
   */
  static List<Response> exchange(int port, byte[] request, boolean halfClose, int timeoutMs) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(timeoutMs);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
        if (halfClose) {
          socket.shutdownOutput();
        }
      } catch (IOException e) {
        // The server may close while we still write (an oversized request): what it answered is still readable.
      }
      return readAll(socket);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<Response> readAll(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    List<Response> responses = new ArrayList<>();
    int consumed = 0;
    byte[] buf = new byte[8192];
    boolean ended = false;
    while (!ended) {
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        n = -1;
      } catch (IOException e) {
        n = -1; // reset by the server
      }
      if (n < 0) {
        ended = true;
      } else {
        seen.write(buf, 0, n);
      }
      byte[] all = seen.toByteArray();
      while (consumed < all.length) {
        Parsed p = parse(all, consumed, ended);
        if (p == null) {
          break;
        }
        responses.add(p.response);
        consumed = p.end;
        socket.setSoTimeout(300);
      }
    }
    return responses;
  }

  /** Exactly one response from a stream kept open (keep-alive): reads no further than its end. */
  static Response readOne(InputStream in) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    while (true) {
      Parsed p = parse(seen.toByteArray(), 0, false);
      if (p != null) {
        return p.response;
      }
      int c = in.read();
      if (c < 0) {
        Parsed last = parse(seen.toByteArray(), 0, true);
        if (last == null) {
          throw new IOException("closed before a response: " + seen);
        }
        return last.response;
      }
      seen.write(c);
    }
  }

  private record Parsed(Response response, int end) {}

  /** The response starting at {@code from}, or null when more bytes are needed (or it is not HTTP/1). */
  private static Parsed parse(byte[] data, int from, boolean atEnd) {
    int headEnd = indexOf(data, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), from);
    if (headEnd < 0) {
      return null;
    }
    String head = new String(data, from, headEnd - from, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    if (!lines[0].matches("HTTP/\\d\\.\\d \\d{3}.*")) {
      return null; // also read: an answer in the version the request asked for (HTTP/9.9 501)
    }
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    int bodyStart = headEnd + 4;
    if (status < 200 || status == 204 || status == 304) {
      return new Parsed(new Response(status, headers, new byte[0], ""), bodyStart);
    }
    String length = headers.get("content-length");
    if (length != null) {
      int n = Integer.parseInt(length);
      if (data.length - bodyStart < n) {
        return atEnd ? new Parsed(new Response(status, headers, slice(data, bodyStart, data.length), "short body"), data.length) : null;
      }
      return new Parsed(new Response(status, headers, slice(data, bodyStart, bodyStart + n), ""), bodyStart + n);
    }
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      int[] end = new int[1];
      byte[] body = dechunk(data, bodyStart, end);
      if (body == null) {
        return atEnd ? new Parsed(new Response(status, headers, slice(data, bodyStart, data.length), "short chunked body"), data.length) : null;
      }
      return new Parsed(new Response(status, headers, body, ""), end[0]);
    }
    // No length: the body runs to the end of the connection.
    return atEnd ? new Parsed(new Response(status, headers, slice(data, bodyStart, data.length), ""), data.length) : null;
  }

  private static byte[] dechunk(byte[] data, int from, int[] end) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int pos = from;
    while (true) {
      int lineEnd = indexOf(data, new byte[] {'\r', '\n'}, pos);
      if (lineEnd < 0) {
        return null;
      }
      String size = new String(data, pos, lineEnd - pos, StandardCharsets.US_ASCII).split(";")[0].trim();
      int n = Integer.parseInt(size, 16);
      pos = lineEnd + 2;
      if (n == 0) {
        int trailerEnd = indexOf(data, new byte[] {'\r', '\n'}, pos);
        if (trailerEnd < 0) {
          return null;
        }
        end[0] = trailerEnd + 2;
        return body.toByteArray();
      }
      if (data.length < pos + n + 2) {
        return null;
      }
      body.write(data, pos, n);
      pos += n + 2;
    }
  }

  private static byte[] slice(byte[] data, int from, int to) {
    byte[] out = new byte[Math.max(0, to - from)];
    System.arraycopy(data, from, out, 0, out.length);
    return out;
  }

  static int indexOf(byte[] data, byte[] needle, int from) {
    outer:
    for (int i = from; i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
