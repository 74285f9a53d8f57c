package dev.ferry.config;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A libpq-style connection URL ({@code postgresql://user:pass@host:port/db?sslmode=require}).
 * The password is kept out of {@link #toString()}: every place that prints a URL prints {@link #redacted()}.
 */
public final class DatabaseUrl {
  private static final Set<String> KNOWN_PARAMS =
      Set.of("sslmode", "sslrootcert", "connect_timeout", "application_name");

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final SslMode sslMode;
  private final String sslRootCert;
  private final Integer connectTimeoutSeconds;

  private DatabaseUrl(String host, int port, String database, String user, String password, SslMode sslMode,
      String sslRootCert, Integer connectTimeoutSeconds) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.sslMode = sslMode;
    this.sslRootCert = sslRootCert;
    this.connectTimeoutSeconds = connectTimeoutSeconds;
  }

  /** Parses {@code url}; {@code key} names where it came from, for the error message. */
  public static DatabaseUrl parse(String url, String key) {
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

  /**
   * Removes anything that looks like a password from text that may quote a URL: {@code user:password@} (with or
   * without a scheme before it), {@code password=} parameters (JDBC and keyword/value styles) and JSON
   * {@code "password": "…"} members.
   */
  public static String scrub(String text) {
    return text == null ? null : text
        .replaceAll("(?i)(password=)[^&;\\s'\"]*", "$1***")
        .replaceAll("(?i)(\"password\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*", "$1***")
        .replaceAll("(://[^:/@\\s]*):[^@\\s]*@", "$1:***@")
        // Without a scheme; a '/' is not taken as part of the password so that a URL hidden above stays whole.
        .replaceAll("((?:^|[\\s'\"(=])[^:/@\\s'\"]*):[^@\\s/]*@", "$1:***@");
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

  /**
   * Options for the reactive client, with libpq's sslmode meaning: prefer/require encrypt without checking the
   * certificate (unless a root certificate is given, as libpq does), verify-ca checks the chain, verify-full the
   * chain and the host name.
   */
  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user)
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
    if (password != null) {
      options.setPassword(password);
    }
    options.setSslMode(switch (sslMode) {
      case DISABLE -> io.vertx.pgclient.SslMode.DISABLE;
      case ALLOW -> io.vertx.pgclient.SslMode.ALLOW;
      case PREFER -> io.vertx.pgclient.SslMode.PREFER;
      case REQUIRE -> sslRootCert != null ? io.vertx.pgclient.SslMode.VERIFY_CA : io.vertx.pgclient.SslMode.REQUIRE;
      case VERIFY_CA -> io.vertx.pgclient.SslMode.VERIFY_CA;
      case VERIFY_FULL -> io.vertx.pgclient.SslMode.VERIFY_FULL;
    });
    ClientSSLOptions ssl = new ClientSSLOptions();
    if (sslRootCert != null) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(sslRootCert));
    } else {
      ssl.setTrustAll(true);
    }
    if (sslMode == SslMode.VERIFY_FULL) {
      ssl.setHostnameVerificationAlgorithm("HTTPS");
    } else {
      ssl.setHostnameVerificationAlgorithm("");
    }
    options.setSslOptions(ssl);
    // Both sides render values identically, so text comparison of a column means equality of its value.
    Map<String, String> props = new LinkedHashMap<>(PgConnectOptions.DEFAULT_PROPERTIES);
    props.put("application_name", "ferry");
    props.put("DateStyle", "ISO");
    props.put("TimeZone", "UTC");
    props.put("IntervalStyle", "postgres");
    props.put("extra_float_digits", "3");
    props.put("bytea_output", "hex");
    options.setProperties(props);
    return options;
  }

  /** The same URL with another database name (the demo and tests create databases next to a server URL). */
  public DatabaseUrl withDatabase(String otherDatabase) {
    return new DatabaseUrl(host, port, otherDatabase, user, password, sslMode, sslRootCert, connectTimeoutSeconds);
  }

  public String host() { return host; }
  public int port() { return port; }
  public String database() { return database; }
  public String user() { return user; }
  public SslMode sslMode() { return sslMode; }
  /** The CA certificate file that server certificates are checked against, or null. */
  public String sslRootCert() { return sslRootCert; }
  public Integer connectTimeoutSeconds() { return connectTimeoutSeconds; }

  /** A URL for psql-style tools; carries the password, so never print it. */
  public String toLibpqUrl() {
    StringBuilder sb = new StringBuilder("postgresql://");
    sb.append(encode(user));
    if (password != null) {
      sb.append(':').append(encode(password));
    }
    sb.append('@').append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port)
        .append('/').append(encode(database)).append("?sslmode=").append(sslMode.libpqName());
    if (sslRootCert != null) {
      sb.append("&sslrootcert=").append(encode(sslRootCert));
    }
    return sb.toString();
  }

  /**
   * The same database for the PostgreSQL JDBC driver (Flyway uses it); user and password go separately
   * ({@link #jdbcProperties()}) so that the URL itself carries no secret.
   */
  public String jdbcUrl() {
    StringBuilder sb = new StringBuilder("jdbc:postgresql://")
        .append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append('/').append(encode(database))
        .append("?sslmode=").append(jdbcSslMode().libpqName()).append("&ApplicationName=ferry");
    if (sslRootCert != null) {
      sb.append("&sslrootcert=").append(encode(sslRootCert));
    } else if (sslMode == SslMode.REQUIRE || sslMode == SslMode.PREFER) {
      sb.append("&sslfactory=org.postgresql.ssl.NonValidatingFactory");
    }
    if (connectTimeoutSeconds != null) {
      sb.append("&connectTimeout=").append(connectTimeoutSeconds);
    }
    return sb.toString();
  }

  /**
   * libpq (and {@link #connectOptions()}) check the CA under sslmode=require when a root certificate is given;
   * pgjdbc would not, so it is asked for verify-ca.
   */
  private SslMode jdbcSslMode() {
    return sslMode == SslMode.REQUIRE && sslRootCert != null ? SslMode.VERIFY_CA : sslMode;
  }

  public java.util.Properties jdbcProperties() {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The URL with the password replaced by {@code ***}: the only form that is ever printed or logged. */
  public String redacted() {
    return "postgresql://" + user + (password != null ? ":***" : "") + "@"
        + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database
        + "?sslmode=" + sslMode.libpqName();
  }

  @Override
  public String toString() {
    return redacted();
  }

  /** Replaces this URL's password wherever it occurs in {@code text}, raw or percent-encoded. */
  public String scrubPassword(String text) {
    if (text == null || password == null || password.isEmpty()) {
      return text;
    }
    return text.replace(password, "***").replace(encode(password), "***");
  }
}
