package dev.ferry.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * {@code ferry.migration_log}: every migrate, baseline, repair and undo Ferry ran on a database, with what it did.
 * JDBC, as Flyway's own work is: called on a worker thread.
 */
public final class MigrationLog {
  private MigrationLog() {}

  /** One line of the log; {@code version}, {@code description}, {@code script} and {@code detail} may be null. */
  public record Entry(String action, String version, String description, String script, String detail) {}

  public static void record(Connection c, Entry e) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO ferry.migration_log (action, version, description, script, detail) VALUES (?, ?, ?, ?, ?)")) {
      st.setString(1, e.action());
      st.setString(2, e.version());
      st.setString(3, e.description());
      st.setString(4, e.script());
      st.setString(5, e.detail());
      st.executeUpdate();
    }
  }
}
