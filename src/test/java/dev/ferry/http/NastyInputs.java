package dev.ferry.http;

import java.util.List;

/** The fixed list of known-nasty inputs the fuzz test draws from: none of them names a real table, mode or run. */
final class NastyInputs {
  private NastyInputs() {}

  /** Strings that are never a valid mode or an existing table, as JSON strings or path and query parts. */
  static final List<String> STRINGS = List.of(
      "\"; DROP TABLE animals; --", "animals; DROP TABLE animals", "'; DELETE FROM organizations; --", "animals\"",
      "\"animals\"", "'animals'", "public.\"animals\"; --", "x' OR '1'='1", "animals\u0000", "\u0000", "ani\u0000mals",
      "organizations\u0000; DROP TABLE x", "тест", "表格", "🐕‍🦺", "\u202eslamina", "\uFEFFanimals", "\uD800", "a".repeat(201),
      "b".repeat(200), "..", "../../etc/passwd", "%00", "%s%s%n", "${jndi:ldap://127.0.0.1/x}", "<script>alert(1)</script>",
      "pg_catalog.pg_authid", "ferry.runs", "information_schema.tables", ".animals", "animals.", "public..animals",
      "a.b.c", "\\", "null", "true", "0", "-1", "1e400", "*", "%", "_", "animals\r\nX-Injected: 1", "$1", "?", "\t\u000b");

  /** JSON texts that are never a boolean. */
  static final List<String> NOT_BOOLEAN = List.of("1", "0", "-1", "1e400", "-1e400", "9223372036854775808",
      "9223372036854775807", "-9223372036854775809", "18446744073709551616", "1.5", "-0.0", "0x10", "NaN", "Infinity",
      "\"\"", "\"true\"", "\"false\"", "\"1\"", "[]", "{}", "[true]", "[null]", "{\"a\":1}", "\"\\u0000\"", "tru", "True");

  /** JSON texts that are never a list of table names (an empty list would be valid, so it is not here). */
  static final List<String> NOT_TABLE_LIST = List.of("1", "-1", "1e400", "9223372036854775808", "true", "false",
      "\"animals\"", "\"\"", "{}", "{\"animals\":true}", "[null]", "[1]", "[true]", "[[]]", "[{}]", "[\"\"]", "[\" \"]",
      "[\"" + "a".repeat(201) + "\"]", "[\"animals\",1]", "[\"animals\",null]", "[1e400]", "[\"animals\",[\"animals\"]]");

  /** JSON texts that are never a mode. */
  static final List<String> NOT_MODE = List.of("1", "0", "-1", "1e400", "9223372036854775808", "true", "false", "[]",
      "{}", "[\"incremental\"]", "{\"mode\":\"incremental\"}", "\"\"", "\" \"", "\"incremental;\"", "\"rebuild --force\"",
      "\"increment\"", "\"mirror\\u0000\"", "\"INCREMENTALX\"", "\"sideways\"", "\"\\\"; DROP TABLE x; --\"",
      "\"" + "m".repeat(5000) + "\"", "\"ïncremental\"");

  /** Field names that are not fields of a sync request (case and spelling variants of real ones included). */
  static final List<String> UNKNOWN_FIELDS = List.of("Mode", "MODE", "modes", "dryrun", "DryRun", "dry_run", "table",
      "Tables", "excludes", "confirm_destructive", "confirm", "force", "__proto__", "constructor", "prototype", "",
      " mode", "mode ", "mode\u0000", "target", "source", "id", "status", "$where", "tables[]", "x".repeat(3000), "🐕",
      "\"; DROP TABLE x; --");

  /** Paths that try to reach files outside webroot, or that are malformed. */
  static final List<String> TRAVERSALS = List.of(
      "/../pom.xml", "/../../pom.xml", "/%2e%2e/pom.xml", "/%2E%2E/pom.xml", "/%2e%2e/%2e%2e/etc/passwd", "/..%2fpom.xml",
      "/..%2f..%2fetc/passwd", "/..%2F..%2Fetc%2Fpasswd", "/%2e%2e%2fpom.xml", "/%252e%252e/pom.xml", "/..%5cpom.xml",
      "/..\\pom.xml", "/%c0%ae%c0%ae/pom.xml", "/%c0%afetc/passwd", "/.%2e/pom.xml", "/%2e./pom.xml", "/./../pom.xml",
      "//etc/passwd", "/etc/passwd", "/pom.xml", "/README.md", "/conf/ferry.yaml", "/.git/config", "/.git/HEAD",
      "/src/main/java/dev/ferry/http/ApiServer.java", "/webroot/index.html", "/webroot/../pom.xml",
      "/index.html/../../pom.xml", "/ferry.js/..%2f..%2fpom.xml", "/index.html%00", "/index.html%00.txt", "/%00",
      "/%00/../pom.xml", "/..%00/pom.xml", "/ferry/openapi.yaml", "/../ferry/openapi.yaml", "/..;/pom.xml",
      "/;/../pom.xml", "/%2e%2e;/pom.xml", "/~root", "/.%00./pom.xml", "/%u002e%u002e/pom.xml", "/....//....//pom.xml",
      "/..././pom.xml", "/file:///etc/passwd", "/C:/Windows/win.ini", "/%5c..%5c..%5cpom.xml", "/index.html?../../pom.xml",
      "/%ff", "/%", "/%%", "/%zz", "/%e2%80%ae", "/%F0%9F%90%95", "/ferry.css%20", "/ferry.css.", "/FERRY.CSS",
      "/index.html::$DATA", "/sql/control", "/META-INF/MANIFEST.MF", "/dev/ferry/http/ApiServer.class",
      "/ferry/openapi.yaml%00", "/webroot", "/ferry", "/%2e", "/.", "/..", "/...", "/.hidden", "/index.html/",
      "/index.html;jsessionid=1", "/%2fetc%2fpasswd", "/%252fetc%252fpasswd", "/index.html%2f..%2f..%2fpom.xml",
      "/api/v1/../../pom.xml", "/api/v1/%2e%2e/%2e%2e/pom.xml", "/api/v1/openapi.yaml/../../../pom.xml",
      "/health/../../pom.xml", "/proc/self/environ", "/%2e%2e/%2e%2e/proc/self/environ", "/../../../../../../etc/passwd");

  /** Query strings for the history: out of range, not numbers, injections. */
  static final List<String> PAGE_VALUES = List.of("", "0", "1", "100", "101", "-1", "1e400", "9223372036854775808",
      "2147483648", "2147483647", "999999999", "9999999999", "abc", "%00", "1;DROP%20TABLE%20ferry.runs", "1%20OR%201=1",
      "%zz", "%", "0x10", "+5", "%205", "%EF%BC%95", "1.5", "[]", "null", "-0", "00000000001", "1%00");
}
