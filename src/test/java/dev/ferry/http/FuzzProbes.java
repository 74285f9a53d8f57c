package dev.ferry.http;

import static dev.ferry.http.ServerFixture.HOOK_SECRET;
import static dev.ferry.http.ServerFixture.READ_TOKEN;
import static dev.ferry.http.ServerFixture.TOKEN;

import dev.ferry.notify.Hmac;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The fuzz test's requests: a fixed list of known-nasty cases plus ones drawn from a seeded {@link Random}, so every
 * run sends the same requests. No request here is both valid and authorised: any run they start is a server bug.
 */
final class FuzzProbes {
  /** One request for the HTTP client. {@code headers} are name/value pairs; {@code body} may be null. */
  record Probe(String kind, String method, String uri, List<String[]> headers, byte[] body) {}

  /** One request sent byte for byte over a socket; {@code complete} requests must be answered. */
  record RawProbe(String kind, String path, byte[] bytes, boolean complete) {}

  static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
      "PROPFIND", "FOO", "get");
  private static final String ANY_RUN = "3f1c2b4a-9d8e-4f70-a6b5-c4d3e2f1a0b9";
  static final List<String> ROUTES = List.of("/", "/index.html", "/ferry.js", "/ferry.css", "/health", "/ready",
      "/metrics", "/api/v1/openapi.yaml", "/api/v1/status", "/api/v1/syncs", "/api/v1/syncs/" + ANY_RUN,
      "/api/v1/syncs/" + ANY_RUN + "/cancel", "/api/v1/webhooks/deploy", "/api/v1/webhooks/nope", "/api/v1/events",
      "/api/v1/nope", "/api/v2/syncs", "/nope");
  private static final List<String> FIELDS = List.of("mode", "dryRun", "tables", "exclude", "skipValidation",
      "skipIndexes", "dropExtraIndexes", "confirmDestructive");
  private static final List<String> BOOLEANS = List.of("dryRun", "skipValidation", "skipIndexes", "dropExtraIndexes",
      "confirmDestructive");
  private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x", "application/xml", "", "json", "*/*", "application/jsonx",
      "application/json; charset=utf-16", "APPLICATION/JSON", "application/problem+json", "text/json",
      "application/json\u0000", "application/json;;;;", "a".repeat(3000));

  private final Random random;
  final List<Probe> probes = new ArrayList<>();
  final List<RawProbe> raw = new ArrayList<>();

  FuzzProbes(long seed) {
    this.random = new Random(seed);
    methodsOnEveryRoute();
    syncBodies(1400);
    authorizations(400);
    runIds(300);
    pages();
    staticPaths(160);
    webhooks(220);
    headers(200);
    rawRequests(150);
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private static List<String[]> bearer(String token) {
    List<String[]> h = new ArrayList<>();
    if (token != null) {
      h.add(new String[] {"Authorization", "Bearer " + token});
    }
    return h;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Every method on every route, with no token, the read token, the API token and a wrong one. */
  private void methodsOnEveryRoute() {
    List<String> tokens = java.util.Arrays.asList(null, READ_TOKEN, TOKEN, "wrong-token-0123456789abcdef");
    for (String route : ROUTES) {
      for (String method : METHODS) {
        for (String token : tokens) {
          // A POST /syncs body the API token could run is invalid here; everywhere else "{}" is a valid body that
          // no route may act on (PUT /syncs, POST /health…).
          String body = route.equals("/api/v1/syncs") && method.equals("POST") && TOKEN.equals(token) ? "{\"fuzz\":1}" : "{}";
          List<String[]> h = bearer(token);
          h.add(new String[] {"Content-Type", "application/json"});
          probes.add(new Probe("method-route", method, route, h, utf8(body)));
        }
      }
    }
  }

  /** POST /syncs bodies with the API token, each invalid by construction (see {@link #invalidBody()}). */
  private void syncBodies(int count) {
    for (int i = 0; i < count; i++) {
      String body = invalidBody();
      String kind = "sync-body";
      byte[] bytes = utf8(body);
      String type = "application/json";
      int shape = random.nextInt(20);
      if (shape == 0) {
        kind = "sync-truncated";
        bytes = utf8(body.substring(0, 1 + random.nextInt(body.length() - 1)));
      } else if (shape == 1) {
        kind = "sync-content-type";
        type = pick(CONTENT_TYPES);
      } else if (shape == 2) {
        kind = "sync-not-object";
        bytes = utf8(pick(List.of("null", "true", "1", "\"x\"", "[]", "[{}]", "1e400", "9223372036854775808", "-1",
            "[" + body + "]", "\"" + "s".repeat(60_000) + "\"")));
      } else if (shape == 3) {
        kind = "sync-deep";
        int depth = pick(List.of(100, 1000, 5000, 20_000, 30_000));
        bytes = utf8(random.nextBoolean() ? "{\"tables\":" + "[".repeat(depth) + "]".repeat(depth) + "}"
            : "{\"x\":".repeat(depth) + "1" + "}".repeat(depth));
      } else if (shape == 4) {
        kind = "sync-garbage";
        bytes = new byte[1 + random.nextInt(2000)];
        random.nextBytes(bytes);
        bytes[0] = '#'; // nothing that starts with '#' is JSON, so random bytes can never happen to be "{}"
      } else if (shape == 5) {
        kind = "sync-encoding";
        bytes = pick(List.of(
            concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(body)),
            body.getBytes(StandardCharsets.UTF_16),
            body.getBytes(StandardCharsets.UTF_16LE),
            concat(utf8(body), new byte[] {(byte) 0xC0, (byte) 0xFF}),
            utf8("/* comment */" + body),
            utf8(body + " trailing"),
            utf8(body.replace("\"", "'"))));
      } else if (shape == 6) {
        kind = "sync-oversized";
        bytes = utf8(body.substring(0, body.length() - 1) + ",\"pad\":\"" + "p".repeat(70_000) + "\"}");
      }
      List<String[]> h = bearer(TOKEN);
      if (type != null && !type.isEmpty()) {
        h.add(new String[] {"Content-Type", type});
      }
      probes.add(new Probe(kind, "POST", "/api/v1/syncs", h, bytes));
    }
  }

  /**
   * A JSON object that POST /syncs must refuse: a valid-looking base, then one to three mutations that each write
   * only invalid values (an unknown field, a wrong type, a bad mode or table entry, or a destructive mode without
   * confirmation), so the last mutation to touch any field leaves the body invalid.
   */
  String invalidBody() {
    java.util.LinkedHashMap<String, String> fields = new java.util.LinkedHashMap<>();
    if (random.nextBoolean()) {
      fields.put("mode", pick(List.of("\"incremental\"", "\"mirror\"", "\" Incremental \"", "null")));
    }
    for (String b : BOOLEANS) {
      if (random.nextInt(3) == 0) {
        fields.put(b, pick(List.of("true", "false", "null")));
      }
    }
    if (random.nextInt(4) == 0) {
      fields.put(pick(List.of("tables", "exclude")), "[]");
    }
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      switch (random.nextInt(5)) {
        case 0 -> fields.put(pick(NastyInputs.UNKNOWN_FIELDS), pick(List.of("1", "true", "null", "\"x\"", "{}", "[]")));
        case 1 -> {
          String field = pick(FIELDS);
          fields.put(field, switch (field) {
            case "mode" -> pick(NastyInputs.NOT_MODE);
            case "tables", "exclude" -> pick(NastyInputs.NOT_TABLE_LIST);
            default -> pick(NastyInputs.NOT_BOOLEAN);
          });
        }
        case 2 -> fields.put("mode", json(pick(NastyInputs.STRINGS)));
        case 3 -> {
          // Names that pass the request's own checks are looked up on the source: each costs a catalog read.
          List<String> names = new ArrayList<>();
          for (int n = 0; n < 1 + random.nextInt(3); n++) {
            names.add(json(pick(NastyInputs.STRINGS)));
          }
          fields.put(pick(List.of("tables", "exclude")), "[" + String.join(",", names) + "]");
        }
        default -> {
          fields.put("mode", pick(List.of("\"rebuild\"", "\"force\"", "\"REBUILD\"")));
          fields.remove("dryRun");
          fields.remove("confirmDestructive");
          if (random.nextBoolean()) {
            fields.put("confirmDestructive", "false");
          }
        }
      }
    }
    List<String> members = new ArrayList<>();
    fields.forEach((k, v) -> members.add(json(k) + ":" + v));
    if (random.nextInt(10) == 0 && !members.isEmpty()) {
      members.add(members.get(0)); // a duplicate key: the later one wins, and it is the same invalid value
    }
    Collections.shuffle(members, random);
    return "{" + String.join(random.nextBoolean() ? "," : " , ", members) + "}";
  }

  /** A JSON string literal; non-ASCII and control characters escaped, so lone surrogates survive. */
  static String json(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** Missing, garbled, wrong-scheme and almost-right tokens, and the read token on writes. */
  private void authorizations(int count) {
    List<String> headers = List.of("Basic " + java.util.Base64.getEncoder().encodeToString(("u:" + TOKEN).getBytes()),
        "Token " + TOKEN, "Bearer", "Bearer ", "Bearer " + TOKEN.substring(1), "Bearer " + TOKEN + "x",
        "Bearer " + TOKEN.toUpperCase(), "Bearer " + TOKEN.substring(0, 16), "Bearer " + "t".repeat(7000),
        "Bearer " + TOKEN.replace('0', 'O'), "Bearer\t" + TOKEN, "Bearer:" + TOKEN, TOKEN, "Bearer null",
        "Bearer " + READ_TOKEN + TOKEN, "Bearer " + TOKEN.substring(0, 10) + "\u00e9" + TOKEN.substring(11),
        "Bearer %00", "Bearer " + TOKEN.substring(0, TOKEN.length() - 1) + "\u0000", "Digest username=\"x\"",
        "Negotiate YIIB", "bearer", "Bearer Bearer " + TOKEN, "Bearer " + UUID.randomUUID());
    for (int i = 0; i < count; i++) {
      String route = pick(List.of("/api/v1/syncs", "/api/v1/syncs", "/api/v1/status", "/api/v1/syncs/" + ANY_RUN,
          "/api/v1/syncs/" + ANY_RUN + "/cancel", "/api/v1/events"));
      String method = route.endsWith("/cancel") || (route.equals("/api/v1/syncs") && random.nextBoolean()) ? "POST" : "GET";
      List<String[]> h = new ArrayList<>();
      String header = random.nextInt(8) == 0 ? null : pick(headers);
      if (header != null) {
        h.add(new String[] {"Authorization", header});
      }
      if (random.nextInt(6) == 0) {
        h = bearer(READ_TOKEN); // the read token on any of these: GETs pass, POSTs must be 403
      }
      h.add(new String[] {"Content-Type", "application/json"});
      // A body the API token would run: only the missing or wrong credentials stand between it and a run.
      String body = pick(List.of("{}", "{\"mode\":\"incremental\"}", "{\"dryRun\":true}",
          "{\"mode\":\"rebuild\",\"confirmDestructive\":true}"));
      probes.add(new Probe("auth", method, route, h, utf8(body)));
    }
  }

  /** Run ids that are not ids, in GET /syncs/{id} and POST /syncs/{id}/cancel. */
  private void runIds(int count) {
    List<String> ids = new ArrayList<>(List.of(ANY_RUN, ANY_RUN.toUpperCase(), "{" + ANY_RUN + "}",
        "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "1", "-1", "0", "1e400",
        "9223372036854775808", "null", "undefined", "%27%20OR%201%3D1%20--", "%00", ANY_RUN + "%00",
        ANY_RUN + "%3BDROP%20TABLE%20ferry.runs", "%F0%9F%90%95", "..", "%2e%2e", "..%2f..%2fpom.xml", "x".repeat(5000),
        ANY_RUN.replace("-", ""), ANY_RUN + "0", "g" + ANY_RUN.substring(1), "%zz", "%"));
    for (String s : NastyInputs.STRINGS) {
      ids.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }
    for (int i = 0; i < count; i++) {
      String id = random.nextInt(4) == 0 ? UUID.nameUUIDFromBytes(new byte[] {(byte) i}).toString() : pick(ids);
      boolean cancel = random.nextBoolean();
      probes.add(new Probe("run-id", cancel ? "POST" : "GET", "/api/v1/syncs/" + id + (cancel ? "/cancel" : ""),
          bearer(random.nextBoolean() ? TOKEN : READ_TOKEN), null));
    }
  }

  /** limit and offset out of range, not numbers, repeated; the events socket's query without an upgrade. */
  private void pages() {
    for (String limit : NastyInputs.PAGE_VALUES) {
      for (String offset : List.of("", "0", "-1", "abc", "9223372036854775808", "999999999", "%zz")) {
        probes.add(new Probe("page", "GET", "/api/v1/syncs?limit=" + limit + "&offset=" + offset, bearer(READ_TOKEN), null));
      }
      probes.add(new Probe("page", "GET", "/api/v1/syncs?limit=1&limit=" + limit, bearer(TOKEN), null));
      probes.add(new Probe("events-query", "GET", "/api/v1/events?run=" + limit + "&access_token=" + limit, List.of(), null));
      probes.add(new Probe("events-query", "GET", "/api/v1/events?access_token=" + TOKEN + "&run=" + limit, List.of(), null));
    }
  }

  /** Traversal and malformed paths (GET and HEAD), very long paths, and random path junk. */
  private void staticPaths(int randomCount) {
    for (String path : NastyInputs.TRAVERSALS) {
      probes.add(new Probe("static", "GET", path, List.of(), null));
      probes.add(new Probe("static", "HEAD", path, List.of(), null));
    }
    for (int n : List.of(1000, 4000, 5000, 10_000, 65_000)) {
      probes.add(new Probe("long-path", "GET", "/" + "a".repeat(n), List.of(), null));
      probes.add(new Probe("long-path", "GET", "/api/v1/syncs/" + "x".repeat(n), bearer(TOKEN), null));
    }
    probes.add(new Probe("long-path", "GET", "/" + "../".repeat(1000) + "etc/passwd", List.of(), null));
    probes.add(new Probe("long-path", "GET", "/" + "%2e%2e/".repeat(500) + "pom.xml", List.of(), null));
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789./%;~_-:@!$&'()*+,=";
    for (int i = 0; i < randomCount; i++) {
      StringBuilder path = new StringBuilder("/");
      for (int c = 0; c < 1 + random.nextInt(40); c++) {
        path.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      probes.add(new Probe("static-random", pick(List.of("GET", "HEAD", "GET")), path.toString(), List.of(), null));
    }
  }

  /**
   * Unsigned, wrongly signed and malformed webhook deliveries. A few are correctly signed but carry a timestamp that
   * must make them stale: their delivery ids are unique, so only the timestamp check can refuse them.
   */
  private void webhooks(int count) {
    List<String> names = List.of("deploy", "deploy", "nope", "DEPLOY", "deploy%00", "..%2fdeploy", "%2e%2e",
        "a".repeat(1000), "deploy%20", "deploy;x", "%F0%9F%90%95");
    for (int i = 0; i < count; i++) {
      String body = pick(List.of("{}", "{\"ref\":\"refs/heads/main\"}", "", "not json", "[]"));
      List<String[]> h = new ArrayList<>();
      h.add(new String[] {"Content-Type", "application/json"});
      String signature = switch (random.nextInt(8)) {
        case 0 -> null;
        case 1 -> "sha256=" + "0".repeat(64);
        case 2 -> "sha1=" + Hmac.sha256Hex(HOOK_SECRET, utf8(body));
        case 3 -> "sha256=" + "z".repeat(64);
        case 4 -> "sha256=" + "a".repeat(10_000);
        case 5 -> Hmac.header("another-secret-0123456789", utf8(body));
        case 6 -> "sha256=";
        default -> Hmac.header(HOOK_SECRET, utf8(body + " "));
      };
      if (signature != null) {
        h.add(new String[] {random.nextBoolean() ? "X-Ferry-Signature-256" : "X-Hub-Signature-256", signature});
      }
      if (random.nextBoolean()) {
        h.add(new String[] {"X-Ferry-Delivery", pick(List.of("d-" + i, "", " ", "x".repeat(300), "\"; DROP TABLE x; --"))});
      }
      if (random.nextBoolean()) {
        h.add(new String[] {"X-Ferry-Timestamp", pick(List.of("abc", "", "1e400", "-1", "0", "9223372036854775807",
            "-9223372036854775808", "99999999999999999999"))});
      }
      probes.add(new Probe("webhook", "POST", "/api/v1/webhooks/" + pick(names), h, utf8(body)));
    }
  }

  /**
   * Correctly signed deliveries whose X-Ferry-Timestamp is not a time: the webhook must refuse them all as stale or
   * malformed. Built at send time, as the extreme values are picked relative to the current second.
   */
  static List<Probe> signedButStale(long nowSeconds) {
    List<Probe> out = new ArrayList<>();
    List<String> stamps = new ArrayList<>(List.of("abc", "", "1e400", "-1", "0", "9223372036854775807",
        "-9223372036854775808", "99999999999999999999", Long.toString(nowSeconds - 400), Long.toString(nowSeconds + 400)));
    // now - sent overflows to Long.MIN_VALUE for these, whose absolute value is still negative.
    for (long skew = -2; skew <= 2; skew++) {
      stamps.add(Long.toString(nowSeconds + skew + Long.MIN_VALUE));
    }
    int n = 0;
    for (String stamp : stamps) {
      String body = "{\"ref\":\"refs/heads/main\",\"n\":" + n + "}";
      List<String[]> h = new ArrayList<>();
      h.add(new String[] {"Content-Type", "application/json"});
      h.add(new String[] {"X-Ferry-Signature-256", Hmac.header(HOOK_SECRET, utf8(body))});
      h.add(new String[] {"X-Ferry-Delivery", "fuzz-stale-" + nowSeconds + "-" + n++});
      h.add(new String[] {"X-Ferry-Timestamp", stamp});
      out.add(new Probe("webhook-stale", "POST", "/api/v1/webhooks/deploy", h, utf8(body)));
    }
    return out;
  }

  /** Odd headers on ordinary routes: ranges, dates, encodings, origins, huge cookies. */
  private void headers(int count) {
    List<String[]> odd = List.of(
        new String[] {"Range", "bytes=0-10"}, new String[] {"Range", "bytes=99999999999999999999-"},
        new String[] {"Range", "bytes=-1"}, new String[] {"Range", "bytes=10-5"}, new String[] {"Range", "bytes=a-b"},
        new String[] {"Range", "bytes=" + "0-0,".repeat(1000) + "0-0"}, new String[] {"Range", "lines=1-2"},
        new String[] {"Range", "bytes=-9223372036854775808"}, new String[] {"If-Modified-Since", "garbage"},
        new String[] {"If-Modified-Since", "Sat, 29 Feb 99999 25:61:61 GMT"}, new String[] {"If-None-Match", "*"},
        new String[] {"If-Range", "\"x\""}, new String[] {"Accept", "application/problem+json"},
        new String[] {"Accept-Encoding", "gzip, deflate, br, zstd"}, new String[] {"Accept-Encoding", "gzip;q=x, *;q=-1"},
        new String[] {"Accept-Charset", "utf-16"}, new String[] {"Origin", "http://evil.example"},
        new String[] {"X-Forwarded-For", "127.0.0.1, ::1, 999.999.999.999"}, new String[] {"Cookie", "c=" + "x".repeat(6000)},
        new String[] {"Host", "evil.example"}, new String[] {"Host", ""}, new String[] {"X-HTTP-Method-Override", "DELETE"},
        new String[] {"Content-Encoding", "gzip"}, new String[] {"Upgrade", "foo"}, new String[] {"TE", "trailers"},
        new String[] {"Sec-WebSocket-Version", "13"}, new String[] {"Max-Forwards", "-1"},
        new String[] {"X-" + "h".repeat(200), "1"});
    for (int i = 0; i < count; i++) {
      String route = pick(ROUTES);
      List<String[]> h = bearer(pick(java.util.Arrays.asList(null, READ_TOKEN, TOKEN)));
      for (int k = 0; k < 1 + random.nextInt(3); k++) {
        h.add(pick(odd));
      }
      String method = pick(List.of("GET", "GET", "HEAD", "POST"));
      // POSTs carry an invalid sync body, so a request that reaches POST /syncs with the API token is still refused.
      byte[] body = method.equals("POST") ? utf8("{\"fuzz\":" + i + "}") : null;
      if (body != null) {
        h.add(new String[] {"Content-Type", "application/json"});
      }
      probes.add(new Probe("headers", method, route, h, body));
    }
  }

  /**
   * What no HTTP client sends: broken request lines, NUL bytes, conflicting lengths, raw traversal, junk. Complete
   * requests end with "Connection: close" so the answer is read to the end of the stream; any body that could be
   * read as a valid sync request under some reading of its framing is made invalid too.
   */
  private void rawRequests(int randomCount) {
    String host = "Host: 127.0.0.1\r\n";
    String close = "Connection: close\r\n\r\n";
    String json = "Content-Type: application/json\r\n";
    String auth = "Authorization: Bearer " + TOKEN + "\r\n";
    String post = "POST /api/v1/syncs HTTP/1.1\r\n" + host + auth + json;
    String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    List<String> complete = new ArrayList<>(List.of(
        "GET /../pom.xml HTTP/1.1\r\n" + host + close,
        "GET /../../../../etc/passwd HTTP/1.1\r\n" + host + close,
        "GET ../pom.xml HTTP/1.1\r\n" + host + close,
        "GET pom.xml HTTP/1.1\r\n" + host + close,
        "GET /index.html\u0000 HTTP/1.1\r\n" + host + close,
        "GET /index.html\u0000../../pom.xml HTTP/1.1\r\n" + host + close,
        "GET /\u0000 HTTP/1.1\r\n" + host + close,
        "GET /..\\..\\pom.xml HTTP/1.1\r\n" + host + close,
        "GET /%2e%2e/%2e%2e/pom.xml HTTP/1.0\r\n\r\n",
        "GET http://127.0.0.1/../pom.xml HTTP/1.1\r\n" + host + close,
        "GET http://evil.example/index.html HTTP/1.1\r\n" + host + close,
        "GET //evil.example/../pom.xml HTTP/1.1\r\n" + host + close,
        "GET * HTTP/1.1\r\n" + host + close,
        "OPTIONS * HTTP/1.1\r\n" + host + close,
        "CONNECT 127.0.0.1:5432 HTTP/1.1\r\n" + host + close,
        "CONNECT /api/v1/syncs HTTP/1.1\r\n" + host + auth + close,
        "GET / HTTP/1.1\r\n" + close,
        "GET /\r\n\r\n",
        "GET\r\n\r\n",
        "GARBAGE\r\n\r\n",
        " GET / HTTP/1.1\r\n" + host + close,
        "GET  /  HTTP/1.1\r\n" + host + close,
        "GET / HTTP/1.1\r\nNoColonHere\r\n" + host + close,
        "GET / HTTP/1.1\r\n" + host + "X-Fold: a\r\n b\r\n" + close,
        "GET / HTTP/1.1\r\n" + host + "X-Nul: a\u0000b\r\n" + close,
        "GET / HTTP/1.1\r\n" + host + ": empty-name\r\n" + close,
        "GET / HTTP/1.1\r\n" + host + "X-Big: " + "b".repeat(10_000) + "\r\n" + close,
        "GET / HTTP/1.1\r\n" + host + "X-Many: 1\r\n".repeat(2000) + close,
        "GET /" + "l".repeat(5000) + " HTTP/1.1\r\n" + host + close,
        "GET /" + "l".repeat(100_000) + " HTTP/1.1\r\n" + host + close,
        // Framing that a lenient reader could take as an empty body, which the API token would run: none may run.
        post + "Content-Length: -1\r\n" + close,
        post + "Content-Length: abc\r\n" + close,
        post + "Content-Length: 99999999999999999999\r\n" + close + "{\"fuzz\":1}",
        post + "Content-Length: 2\r\nContent-Length: 12\r\n" + close + "{}{\"fuzz\":1}",
        post + "Content-Length: 1e3\r\n" + close + "{\"fuzz\":1}",
        post + "Content-Length: +10\r\n" + close + "{\"fuzz\":1}",
        post + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n" + close + "a\r\n{\"fuzz\":1}\r\n0\r\n\r\n",
        post + "Transfer-Encoding: gzip, chunked\r\n" + close + "a\r\n{\"fuzz\":1}\r\n0\r\n\r\n",
        post + "Transfer-Encoding: identity\r\nContent-Length: 10\r\n" + close + "{\"fuzz\":1}",
        post + "Content-Encoding: gzip\r\nContent-Length: 4\r\n" + close + "abcd",
        post + "Expect: 100-continue\r\nContent-Length: 10\r\n" + close + "{\"fuzz\":1}",
        post + "Expect: 999-nonsense\r\nContent-Length: 10\r\n" + close + "{\"fuzz\":1}",
        // Pipelined: the second request (a traversal) is answered too before the server closes.
        post + "Content-Length: 10\r\n\r\n{\"fuzz\":1}GET /../pom.xml HTTP/1.1\r\n" + host + close,
        "GET /health HTTP/1.1\r\n" + host + "\r\nGET /%2e%2e/pom.xml HTTP/1.1\r\n" + host + close,
        "POST /api/v1/syncs HTTP/1.0\r\n" + auth + json + "Content-Length: 10\r\n\r\n{\"fuzz\":1}",
        "GET /api/v1/events HTTP/1.1\r\n" + host + auth + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "GET /api/v1/events HTTP/1.1\r\n" + host + auth
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\nSec-WebSocket-Key: x\r\n\r\n",
        "GET /api/v1/events HTTP/1.1\r\n" + host + upgrade,
        "GET /api/v1/events?access_token=%zz HTTP/1.1\r\n" + host + upgrade,
        "GET /api/v1/events?access_token=" + READ_TOKEN.substring(3) + " HTTP/1.1\r\n" + host + upgrade,
        "POST /api/v1/events HTTP/1.1\r\n" + host + auth + "Content-Length: 0\r\n" + upgrade,
        "GET /health HTTP/1.1\r\n" + host + "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            + "HTTP2-Settings: !!!\r\n\r\n",
        "GET /api/v1/syncs HTTP/1.1\r\n" + host + "Authorization: Bearer " + TOKEN.substring(0, 10) + "\u0000"
            + TOKEN.substring(10) + "\r\n" + close,
        "GET /api/v1/syncs HTTP/1.1\r\n" + host + "Authorization: Bearer " + READ_TOKEN + "\r\nAuthorization: Bearer x\r\n"
            + "X-HTTP-Method-Override: POST\r\n" + close,
        "POST /api/v1/syncs HTTP/1.1\r\n" + host + "Authorization: Bearer " + READ_TOKEN + "\r\nAuthorization: Bearer "
            + TOKEN + "\r\n" + json + "Content-Length: 2\r\n" + close + "{}"));
    for (String r : complete) {
      raw.add(new RawProbe("raw-fixed", pathOf(r), r.getBytes(StandardCharsets.ISO_8859_1), true));
    }
    raw.add(new RawProbe("raw-unicode", "/🐕", utf8("GET /🐕/\u00e9 HTTP/1.1\r\n" + host + close), true));
    raw.add(new RawProbe("raw-bytes", "/", concat(utf8("GET /"), new byte[] {(byte) 0xC0, (byte) 0xAE, (byte) 0xFF, ' '},
        utf8("HTTP/1.1\r\n" + host + close)), true));
    // Broken chunk framing: the stream cannot be followed any further, so the server closes the connection, with or
    // without an answer.
    for (String chunks : List.of("zz\r\n{\"fuzz\":1}\r\n0\r\n\r\n", "FFFFFFFFFFFFFFFF\r\n{\"fuzz\":1}\r\n0\r\n\r\n",
        "1;ext=" + "e".repeat(9000) + "\r\n{\r\n0\r\n\r\n")) {
      raw.add(new RawProbe("raw-framing", "/api/v1/syncs",
          (post + "Transfer-Encoding: chunked\r\n" + close + chunks).getBytes(StandardCharsets.ISO_8859_1), false));
    }
    // Not HTTP/1.0 or 1.1: Vert.x answers these itself, before any handler of Ferry's runs (501 in the version
    // asked for), so they are outside what Ferry answers; they are counted apart.
    for (String version : List.of("HTTP/9.9", "HTTP/0.9", "HTTP/2.0", "HTTP/1.2")) {
      raw.add(new RawProbe("raw-not-http1", "/", utf8("GET / " + version + "\r\n" + host + close), false));
    }
    // The server's HTTP/2 preface handling: not HTTP/1, so no status line is expected.
    raw.add(new RawProbe("raw-not-http1", "*", utf8("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\u0000".repeat(64)), false));
    // Cut off mid-request: the server sees the end of the stream and may close without an answer.
    List<String> incomplete = List.of("GET / HTTP/1.1\r\n" + host, "GET /health HTTP/1.1\r\nHost: 127.0",
        post + "Content-Length: 100\r\n\r\n{\"mode\":", post + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"mo",
        "G", "");
    for (String r : incomplete) {
      raw.add(new RawProbe("raw-incomplete", "/", r.getBytes(StandardCharsets.ISO_8859_1), false));
    }
    // Random damage to well-framed requests: flipped bytes anywhere in them. The damage may leave one incomplete (a
    // longer Content-Length), so they are not held to "must be answered". The POST carries the read token: damage
    // that drops both Content-Type and Content-Length would leave a valid empty-bodied request, which the API
    // token may run.
    List<byte[]> bases = List.of(
        ("POST /api/v1/syncs HTTP/1.1\r\n" + host + "Authorization: Bearer " + READ_TOKEN + "\r\n" + json
            + "Content-Length: 2\r\n" + close + "{}").getBytes(StandardCharsets.ISO_8859_1),
        ("GET /api/v1/syncs?limit=5&offset=0 HTTP/1.1\r\n" + host + auth + close).getBytes(StandardCharsets.ISO_8859_1),
        ("GET /index.html HTTP/1.1\r\n" + host + "Range: bytes=0-99\r\n" + close).getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < randomCount; i++) {
      byte[] damaged = bases.get(i % bases.size()).clone();
      for (int k = 0; k < 1 + random.nextInt(4); k++) {
        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      }
      raw.add(new RawProbe("raw-damaged", i % bases.size() == 2 ? "/index.html" : "/api/v1/syncs", damaged, false));
    }
  }

  private static String pathOf(String request) {
    String[] parts = request.split(" ", 3);
    return parts.length > 1 ? parts[1] : "/";
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
