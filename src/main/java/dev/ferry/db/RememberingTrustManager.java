package dev.ferry.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks server certificates exactly as the trust manager it wraps does (chain and, for verify-full, host name),
 * and remembers why it last rejected one: the reactive PostgreSQL client reports every failed TLS handshake as
 * just "SSL handshake failed", which tells a user nothing about what to fix.
 */
final class RememberingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final AtomicReference<CertificateException> lastRejection = new AtomicReference<>();

  private RememberingTrustManager(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  /**
   * Puts a remembering trust manager in place of the one {@code options} would check certificates with; empty
   * when they check none (no TLS, or encryption without verification).
   */
  static Optional<RememberingTrustManager> install(Vertx vertx, PgConnectOptions options) {
    ClientSSLOptions ssl = options.getSslOptions();
    if (ssl == null || ssl.isTrustAll() || ssl.getTrustOptions() == null) {
      return Optional.empty();
    }
    try {
      for (TrustManager tm : ssl.getTrustOptions().getTrustManagerFactory(vertx).getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          RememberingTrustManager remembering = new RememberingTrustManager(x509);
          ssl.setTrustOptions(TrustOptions.wrap(remembering));
          return Optional.of(remembering);
        }
      }
    } catch (Exception unreadable) {
      // Left as configured: connecting reports the unreadable root certificate itself.
    }
    return Optional.empty();
  }

  /** Why the last certificate was rejected; empty if the last one checked was accepted. */
  Optional<CertificateException> lastRejection() {
    return Optional.ofNullable(lastRejection.get());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    remember(() -> delegate.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    remember(() -> delegate.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    remember(() -> delegate.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  private interface Check {
    void run() throws CertificateException;
  }

  private void remember(Check check) throws CertificateException {
    try {
      check.run();
      lastRejection.set(null);
    } catch (CertificateException e) {
      lastRejection.set(e);
      throw e;
    }
  }
}
