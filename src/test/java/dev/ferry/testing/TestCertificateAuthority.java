package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A certificate authority that exists for one test run, made with openssl: its certificate is what a client puts in
 * sslrootcert, and it signs server certificates for the names a test chooses. EC P-256 keys, because they are
 * generated in milliseconds.
 */
public final class TestCertificateAuthority {
  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final Path certificate;
  private final Path key;

  /** A server's certificate and private key, as PEM files. */
  public record ServerCertificate(Path certificate, Path key) {}

  private TestCertificateAuthority(Path dir, Path certificate, Path key) {
    this.dir = dir;
    this.certificate = certificate;
    this.key = key;
  }

  /** Whether openssl can be run here (the fixtures skip, rather than fail, without it). */
  public static boolean opensslAvailable() {
    return ExternalCommand.works(List.of("openssl", "version"));
  }

  /** A new self-signed CA whose files live in {@code dir} (created if needed). */
  public static TestCertificateAuthority create(Path dir, String commonName) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path cert = dir.resolve("ca.crt");
    Path key = dir.resolve("ca.key");
    openssl(dir, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-set_serial", serial(),
        "-subj", "/CN=" + commonName,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return new TestCertificateAuthority(dir, cert, key);
  }

  /** The CA certificate (PEM): what a client trusts. */
  public Path certificate() {
    return certificate;
  }

  /**
   * A server certificate signed by this CA whose subjectAltName lists exactly {@code dnsNames} (no IP addresses,
   * so that a client checking the host name accepts those names and nothing else). The key file is mode 0600, as
   * PostgreSQL demands.
   */
  public ServerCertificate issueServerCertificate(String fileStem, String... dnsNames) {
    Path cert = dir.resolve(fileStem + ".crt");
    Path key = dir.resolve(fileStem + ".key");
    Path request = dir.resolve(fileStem + ".csr");
    Path extensions = dir.resolve(fileStem + ".ext");
    List<String> san = new ArrayList<>();
    for (String name : dnsNames) {
      san.add("DNS:" + name);
    }
    try {
      // The common name is deliberately not a host name: clients must decide by the subjectAltName alone.
      openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=ferry-throwaway-server");
      Files.writeString(extensions, "subjectAltName=" + String.join(",", san) + "\n"
          + "basicConstraints=CA:FALSE\n"
          + "keyUsage=critical,digitalSignature,keyEncipherment\n"
          + "extendedKeyUsage=serverAuth\n");
      openssl(dir, "x509", "-req", "-in", request.toString(), "-CA", certificate.toString(), "-CAkey", this.key.toString(),
          "-set_serial", serial(), "-days", "2", "-extfile", extensions.toString(), "-out", cert.toString());
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      Files.delete(request);
      Files.delete(extensions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ServerCertificate(cert, key);
  }

  private static String serial() {
    byte[] bytes = new byte[8];
    new SecureRandom().nextBytes(bytes);
    bytes[0] &= 0x7f; // a positive serial number
    return "0x" + HexFormat.of().formatHex(bytes);
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    ExternalCommand.run(dir, OPENSSL_TIMEOUT, command);
  }
}
