package dev.ferry.db;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.SslMode;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.postgresql.util.PSQLException;

/**
 * Turns a failure to use a database, from the reactive client or from JDBC (Flyway), into one line that says what
 * is wrong with which database and how to fix it, without the password. TLS failures get their own words: the
 * drivers' are a handshake error or a PKIX stack of class names.
 */
public final class ConnectionErrors {
  /** JSSE's words (reactive client) and pgjdbc's for a certificate that does not name the host connected to. */
  private static final Pattern HOST_NOT_NAMED = Pattern.compile(
      "No subject alternative (DNS )?names? matching|No name matching|could not be verified by hostnameverifier",
      Pattern.CASE_INSENSITIVE);
  /** The server answered the SSLRequest with 'N': the reactive client's and pgjdbc's words. */
  private static final Pattern SERVER_WITHOUT_TLS = Pattern.compile(
      "does not handle SSL connection|does not support SSL", Pattern.CASE_INSENSITIVE);
  private static final Pattern PKIX = Pattern.compile("unable to find valid certification path|PKIX path",
      Pattern.CASE_INSENSITIVE);

  private ConnectionErrors() {}

  /** A server's error: its SQLSTATE and its message (without the FATAL: prefix). */
  private record ServerError(String sqlState, String message) {}

  /**
   * @param what          which database, e.g. "target database"
   * @param lastRejection why the reactive client's trust manager last refused the server's certificate, if it did
   *                      (the client itself only says the handshake failed)
   */
  public static String describe(String what, DatabaseUrl url, Throwable err, Optional<? extends Throwable> lastRejection) {
    String where = what + " " + url.redacted();
    List<Throwable> chain = chain(err);
    if (chain.isEmpty()) {
      return "cannot use the " + where;
    }
    if (chain.stream().anyMatch(ConnectionErrors::isTlsHandshakeFailure)) {
      lastRejection.ifPresent(r -> chain.addAll(chain(r)));
    }
    Optional<String> tls = tlsProblem(where, url, chain);
    if (tls.isPresent()) {
      return tls.get();
    }
    Optional<ServerError> server = serverError(chain);
    if (server.isPresent()) {
      ServerError pg = server.get();
      return switch (pg.sqlState()) {
        case SqlState.INVALID_PASSWORD, SqlState.INVALID_AUTHORIZATION -> "authentication failed for user '" + url.user() + "' on the " + where
            + " (check the user and password in the URL; server: " + scrub(pg.message(), url) + ")";
        case SqlState.INVALID_CATALOG_NAME -> "database '" + url.database() + "' does not exist on the " + where;
        case SqlState.TOO_MANY_CONNECTIONS -> "the " + where + " has too many connections (" + pg.message() + ")";
        case SqlState.CANNOT_CONNECT_NOW -> "the " + where + " is starting up or shutting down";
        default -> "the " + where + " said: " + scrub(pg.message(), url) + " (SQLSTATE " + pg.sqlState() + ")";
      };
    }
    Throwable root = chain.get(chain.size() - 1);
    // The reactive client's resolver puts its own cause (NXDOMAIN) under the UnknownHostException.
    if (chain.stream().anyMatch(t -> t instanceof UnknownHostException)) {
      return "cannot connect to the " + where + ": host '" + url.host() + "' not found (check the host name in the URL)";
    }
    if (root instanceof ConnectException) {
      return "cannot connect to the " + where + ": " + scrub(root.getMessage(), url)
          + " (is the server running and reachable?)";
    }
    if (root.getClass().getName().contains("Timeout")) {
      return "timed out connecting to the " + where;
    }
    return "cannot use the " + where + ": " + scrub(String.valueOf(root.getMessage()), url);
  }

  private static Optional<String> tlsProblem(String where, DatabaseUrl url, List<Throwable> chain) {
    String sslmode = "sslmode=" + url.sslMode().libpqName();
    Optional<Throwable> hostNotNamed = find(chain, t -> t.getMessage() != null && HOST_NOT_NAMED.matcher(t.getMessage()).find());
    if (hostNotNamed.isPresent()) {
      return Optional.of("TLS: the certificate of the " + where + " does not name the host '" + url.host() + "', and "
          + sslmode + " checks that it does: connect by a host name the certificate lists, or use sslmode=verify-ca"
          + " to check only that a trusted CA signed it");
    }
    if (find(chain, t -> t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException
        || t instanceof CertPathValidatorException v && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
        || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)).isPresent()) {
      return Optional.of("TLS: the certificate of the " + where + " has expired or is not valid yet (check the"
          + " server's certificate, and this machine's clock)");
    }
    if (find(chain, t -> t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
        || t.getMessage() != null && PKIX.matcher(t.getMessage()).find()).isPresent()) {
      return Optional.of("TLS: the certificate of the " + where + " is not signed by the CA in sslrootcert ("
          + url.sslRootCert() + "), so it cannot be trusted: set sslrootcert to the CA that issued the server's"
          + " certificate");
    }
    if (find(chain, t -> t.getMessage() != null && SERVER_WITHOUT_TLS.matcher(t.getMessage()).find()).isPresent()) {
      return Optional.of("TLS: the " + where + " does not offer TLS, and " + sslmode + " insists on it: enable ssl on"
          + " the server, or lower sslmode if an unencrypted connection is acceptable");
    }
    Optional<ServerError> server = serverError(chain);
    if (server.isPresent() && server.get().sqlState().equals(SqlState.INVALID_AUTHORIZATION) && server.get().message().endsWith("no encryption")
        && !usesTls(url.sslMode())) {
      return Optional.of("TLS: the " + where + " accepts only TLS connections, and " + sslmode + " does not use TLS:"
          + " use sslmode=verify-full with sslrootcert=<the server's CA>, or at least sslmode=require (the server"
          + " said: " + scrub(server.get().message(), url) + ")");
    }
    Optional<Throwable> handshake = find(chain, ConnectionErrors::isTlsHandshakeFailure);
    if (handshake.isPresent()) {
      Throwable deepest = chain.stream().filter(t -> t instanceof SSLException).reduce((a, b) -> b).orElse(handshake.get());
      return Optional.of("TLS: the handshake with the " + where + " failed: " + scrub(deepest.getMessage(), url));
    }
    return Optional.empty();
  }

  /** Whether a connection with this sslmode is encrypted whenever the server allows it. */
  private static boolean usesTls(SslMode mode) {
    return mode == SslMode.REQUIRE || mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL;
  }

  /** The reactive client's handshake failure carries no cause; JSSE's and pgjdbc's are SSLExceptions. */
  private static boolean isTlsHandshakeFailure(Throwable t) {
    return t instanceof SSLException || "SSL handshake failed".equals(t.getMessage());
  }

  private static Optional<ServerError> serverError(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t instanceof PgException pg && pg.getSqlState() != null) {
        return Optional.of(new ServerError(pg.getSqlState(), String.valueOf(pg.getErrorMessage())));
      }
      if (t instanceof PSQLException sql && sql.getServerErrorMessage() != null && sql.getSQLState() != null) {
        return Optional.of(new ServerError(sql.getSQLState(), String.valueOf(sql.getServerErrorMessage().getMessage())));
      }
    }
    return Optional.empty();
  }

  private static Optional<Throwable> find(List<Throwable> chain, java.util.function.Predicate<Throwable> test) {
    return chain.stream().filter(test).findFirst();
  }

  private static List<Throwable> chain(Throwable err) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = err; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static String scrub(String text, DatabaseUrl url) {
    return Secrets.of(url).scrub(text);
  }
}
