package dev.ferry.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes a libpq-style URL apart in named steps (scheme, authority, credentials, host and port, parameters), each
 * failing with a {@link ConfigException} that says what is wrong without repeating the URL, which may hold a password.
 */
final class DatabaseUrlParser {
  private static final Set<String> KNOWN_PARAMS =
      Set.of("sslmode", "sslrootcert", "connect_timeout", "application_name");

  private DatabaseUrlParser() {}

  static DatabaseUrl parse(String url, String key) {
    if (url == null || url.isBlank()) {
      throw new ConfigException(key, "no database URL given");
    }
    String rest = afterScheme(url, key);
    checkAuthority(rest, key);
    // postgresql://[userinfo@]host[:port][/database][?params], taken apart from the right.
    int q = rest.indexOf('?');
    String query = q >= 0 ? rest.substring(q + 1) : "";
    rest = q >= 0 ? rest.substring(0, q) : rest;
    int slash = rest.indexOf('/');
    String path = slash >= 0 ? rest.substring(slash + 1) : "";
    rest = slash >= 0 ? rest.substring(0, slash) : rest;
    int at = rest.lastIndexOf('@');
    String[] credentials = credentials(at >= 0 ? rest.substring(0, at) : null, key);
    HostPort hostPort = hostPort(at >= 0 ? rest.substring(at + 1) : rest, key);
    Map<String, String> params = params(query, key);
    SslMode ssl = SslMode.parse(params.getOrDefault("sslmode", "prefer"), key);
    String rootCert = rootCert(ssl, params.get("sslrootcert"), key);
    Integer timeout = params.containsKey("connect_timeout")
        ? parseInt(params.get("connect_timeout"), key, "connect_timeout") : null;
    // libpq's defaults: the OS user, and a database named after the user.
    String user = credentials[0] == null || credentials[0].isEmpty() ? System.getProperty("user.name") : credentials[0];
    String database = path.isEmpty() ? user : decode(path, key, "database name");
    return new DatabaseUrl(hostPort.host(), hostPort.port(), database, user, credentials[1], ssl, rootCert, timeout);
  }

  private record HostPort(String host, int port) {}

  private static String afterScheme(String url, String key) {
    for (String scheme : List.of("postgresql://", "postgres://")) {
      if (url.startsWith(scheme)) {
        return url.substring(scheme.length());
      }
    }
    throw new ConfigException(key, "a database URL must start with postgresql:// or postgres:// (got "
        + schemeOf(url) + ")" + (url.startsWith("jdbc:") ? ": drop the jdbc: prefix and write the user and password"
        + " before the host (postgresql://user:password@host:5432/db)" : ""));
  }

  /**
   * A '/' or '?' in the password ends the host part early; what follows would be misread (and echoed) as a port or
   * a parameter. Nothing of it is repeated in the error.
   */
  private static void checkAuthority(String rest, String key) {
    int authorityEnd = firstOf(rest, "/?");
    if (authorityEnd >= 0 && rest.lastIndexOf('@', authorityEnd) < 0 && rest.indexOf('@', authorityEnd) >= 0) {
      throw new ConfigException(key, "the database URL has an '@' after its host part: percent-encode special"
          + " characters in the user name and password (/ as %2F, ? as %3F, @ as %40, : as %3A, # as %23)");
    }
  }

  /** {user, password} from {@code user[:password]}, decoded; both null without user info. */
  private static String[] credentials(String userInfo, String key) {
    if (userInfo == null) {
      return new String[2];
    }
    int colon = userInfo.indexOf(':');
    return new String[] {decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, key, "user"),
        colon >= 0 ? decode(userInfo.substring(colon + 1), key, "password") : null};
  }

  /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; an empty host is localhost. */
  private static HostPort hostPort(String text, String key) {
    String host = text;
    int port = 5432;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw new ConfigException(key, "unclosed '[' in the host of the database URL");
      }
      String after = host.substring(close + 1);
      host = host.substring(1, close);
      if (after.startsWith(":")) {
        port = parsePort(after.substring(1), key);
      }
    } else {
      int colon = host.lastIndexOf(':');
      if (colon >= 0) {
        port = parsePort(host.substring(colon + 1), key);
        host = host.substring(0, colon);
      }
    }
    return new HostPort(host.isEmpty() ? "localhost" : host, port);
  }

  private static Map<String, String> params(String query, String key) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq >= 0 ? pair.substring(0, eq) : pair;
      String value = eq >= 0 ? decode(pair.substring(eq + 1), key, name) : "";
      if (!KNOWN_PARAMS.contains(name)) {
        throw new ConfigException(key, "unsupported URL parameter '" + name + "' (supported: " + KNOWN_PARAMS + ")");
      }
      params.put(name, value);
    }
    return params;
  }

  /** The CA file to verify against: the URL's, else ~/.postgresql/root.crt where verification needs one. */
  private static String rootCert(SslMode ssl, String given, String key) {
    String rootCert = given;
    if ((ssl == SslMode.VERIFY_CA || ssl == SslMode.VERIFY_FULL) && rootCert == null) {
      Path home = Path.of(System.getProperty("user.home"), ".postgresql", "root.crt");
      if (!Files.isReadable(home)) {
        throw new ConfigException(key, "sslmode=" + ssl.libpqName()
            + " needs a CA certificate: add sslrootcert=/path/to/ca.pem to the URL (or provide " + home + ")");
      }
      rootCert = home.toString();
    }
    if (rootCert != null && !Files.isReadable(Path.of(rootCert))) {
      throw new ConfigException(key, "sslrootcert file '" + rootCert + "' cannot be read");
    }
    return rootCert;
  }

  /** Only the scheme of a URL that is not one Ferry reads: anything after it may hold a password. */
  private static String schemeOf(String url) {
    int sep = url.indexOf("://");
    return sep > 0 && url.substring(0, sep).matches("[A-Za-z][A-Za-z0-9+.:-]*") ? "'" + url.substring(0, sep) + "://…'"
        : "no scheme";
  }

  private static int firstOf(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String decode(String s, String key, String what) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "bad percent-encoding in the " + what + " of the database URL");
    }
  }

  private static int parsePort(String s, String key) {
    int port = parseInt(s, key, "port");
    if (port < 1 || port > 65535) {
      throw new ConfigException(key, "port " + port + " is out of range");
    }
    return port;
  }

  private static int parseInt(String s, String key, String what) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, what + " '" + s + "' is not a number");
    }
  }
}
