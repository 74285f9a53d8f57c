package dev.ferry.config;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A libpq-style connection URL ({@code postgresql://user:pass@host:port/db?sslmode=require}).
 * The password is kept out of {@link #toString()}: every place that prints a URL prints {@link #redacted()}.
 */
public final class DatabaseUrl {
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final SslMode sslMode;
  private final String sslRootCert;
  private final Integer connectTimeoutSeconds;

  DatabaseUrl(String host, int port, String database, String user, String password, SslMode sslMode,
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

  /** Parses {@code url}; {@code key} names where it came from, for the error message (see {@link DatabaseUrlParser}). */
  public static DatabaseUrl parse(String url, String key) {
    return DatabaseUrlParser.parse(url, key);
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

  /**
   * Options for the reactive client, with libpq's sslmode meaning: prefer/require encrypt without checking the
   * certificate (unless a root certificate is given, as libpq does), verify-ca checks the chain, verify-full the
   * chain and the host name.
   */
  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user)
        .setCachePreparedStatements(true)
        // A statement over the cache's limit (2,048 characters by default: a 17-column upsert is 3,400) runs unnamed,
        // and the client waits for each to end before sending the next, which left the target idle between batches.
        .setPreparedStatementCacheSqlLimit(1 << 16)
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

  /** The same database: host, port and name (the user and options may differ). */
  public boolean sameDatabase(DatabaseUrl other) {
    return other != null && java.util.Objects.equals(host, other.host) && port == other.port
        && java.util.Objects.equals(database, other.database);
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
