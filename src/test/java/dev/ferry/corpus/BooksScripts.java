package dev.ferry.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * SchemaCrawler's "books" test database for PostgreSQL, read from {@code us.fatehi:schemacrawler-testdb} on the
 * test classpath: {@code postgresql.scripts.txt} lists the pieces in order, each line {@code <mode>,<resource>} where
 * mode {@code #} skips the file, {@code ;} runs it as it is and {@code @} runs each statement ended by a line
 * {@code @} on its own. Pieces that would touch the whole cluster rather than one database (a role, grants to it)
 * are left out, and any other statement of that kind fails the load, so a test leaves nothing behind on the server.
 */
final class BooksScripts {
  /** Scripts that create a login role (02_users_C) or grant to it (70_grants_A). */
  private static final Set<String> CLUSTER_WIDE = Set.of("/db/books/02_users_C.sql", "/db/books/70_grants_A.sql");
  private static final Pattern CLUSTER_STATEMENT = Pattern.compile(
      "(?im)^\\s*(CREATE|ALTER|DROP)\\s+(USER|ROLE|GROUP|DATABASE|TABLESPACE)\\b|^\\s*GRANT\\b");
  /** Every piece runs in its own session: the schema the first script puts on the search path, for all. */
  private static final String SESSION = "SET client_min_messages TO warning;\nSET search_path TO books, public;\n";

  /** One piece to run in one round trip, and the file it came from. */
  record Piece(String resource, String sql) {}

  private BooksScripts() {}

  static List<Piece> postgresql() {
    List<Piece> out = new ArrayList<>();
    for (String line : read("/postgresql.scripts.txt").split("\r?\n")) {
      line = line.trim();
      if (line.isEmpty()) {
        continue;
      }
      char mode = line.charAt(0);
      String resource = line.substring(line.indexOf(',') + 1).trim();
      if (mode == '#' || CLUSTER_WIDE.contains(resource)) {
        continue;
      }
      String text = read(resource);
      List<String> statements = switch (mode) {
        case ';' -> List.of(text);
        case '@' -> List.of(text.split("(?m)^\\s*@\\s*$"));
        default -> throw new IllegalStateException("unknown mode '" + mode + "' in postgresql.scripts.txt: " + line);
      };
      for (String sql : statements) {
        if (sql.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("--"))) {
          continue;
        }
        if (CLUSTER_STATEMENT.matcher(sql).find()) {
          throw new IllegalStateException(resource + " would change the whole cluster, not one database:\n" + sql);
        }
        out.add(new Piece(resource, SESSION + sql));
      }
    }
    return out;
  }

  private static String read(String resource) {
    try (InputStream in = BooksScripts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath: the test dependency"
            + " us.fatehi:schemacrawler-testdb provides it");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
