package dev.ferry.embedded;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server programs built into Ferry's jar (zonky's binaries bundle for the platform the jar was built
 * on, see pom.xml), unpacked once into a cache folder named by the archive's hash.
 */
public final class PostgresBundle {
  private PostgresBundle() {}

  /** The bundle's resource name for this machine, e.g. {@code postgres-linux-x86_64.txz}. */
  static String resourceName() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String osPart = os.startsWith("mac") ? "darwin" : os.startsWith("windows") ? "windows" : "linux";
    String archPart = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "arm_64";
      default -> arch;
    };
    return "postgres-" + osPart + "-" + archPart + ".txz";
  }

  public static boolean available() {
    return PostgresBundle.class.getResource("/" + resourceName()) != null;
  }

  /**
   * The folder holding {@code bin/initdb}, {@code bin/pg_ctl} and {@code bin/postgres}, unpacked into
   * {@code cacheRoot} on first use. Concurrent callers each unpack into a folder of their own and the first rename
   * wins, so nobody sees a half-written folder.
   */
  public static Path unpacked(Path cacheRoot) throws IOException {
    byte[] archive = archiveBytes();
    Path home = cacheRoot.resolve("postgres-" + sha256(archive).substring(0, 16));
    if (Files.isExecutable(home.resolve("bin/postgres"))) {
      return home;
    }
    Files.createDirectories(cacheRoot);
    Path partial = Files.createTempDirectory(cacheRoot, "unpacking-");
    try {
      unpack(archive, partial);
      Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!Files.isExecutable(home.resolve("bin/postgres"))) {
        throw e;
      }
    } finally {
      Folders.deleteRecursively(partial);
    }
    return home;
  }

  /** {@code $XDG_CACHE_HOME/ferry}, else {@code ~/.cache/ferry}. */
  public static Path defaultCacheRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("ferry");
  }

  private static byte[] archiveBytes() throws IOException {
    String name = resourceName();
    try (InputStream in = PostgresBundle.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException("this build of Ferry has no PostgreSQL bundled for " + System.getProperty("os.name")
            + " " + System.getProperty("os.arch") + " (" + name + "); build it on this machine (./mvnw package), or"
            + " give a server with --server URL");
      }
      return in.readAllBytes();
    }
  }

  private static void unpack(byte[] archive, Path into) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(
        new ByteArrayInputStream(archive)))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        Path target = into.resolve(entry.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("the bundled PostgreSQL archive has an entry outside its folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        if (entry.isSymbolicLink()) {
          Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
          continue;
        }
        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
        setMode(target, entry.getMode());
      }
    }
  }

  private static void setMode(Path file, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ … OTHERS_EXECUTE, high bit first
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << (bits.length - 1 - i))) != 0) {
        perms.add(bits[i]);
      }
    }
    try {
      Files.setPosixFilePermissions(file, perms);
    } catch (UnsupportedOperationException notPosix) {
      file.toFile().setExecutable((mode & 0111) != 0);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
