package dev.ferry.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How a server joins others as one cluster ({@code api.cluster:}; used by {@code ferry serve --cluster}): the
 * address and port this node listens on for the others, and the members it looks for over TCP/IP (no multicast).
 *
 * @param name    the cluster's name: nodes with another name never join it
 * @param host    the address this node binds and gives the others
 * @param port    its cluster port (not the HTTP port)
 * @param members {@code host:port} of the nodes to join (this one may be listed too)
 */
public record ClusterSettings(String name, String host, int port, List<String> members) {
  private static final Set<String> KNOWN = Set.of("name", "host", "port", "members");

  /** One node on 127.0.0.1:5701 that looks for nobody else: a cluster of one until others list it. */
  static final ClusterSettings DEFAULT = new ClusterSettings("ferry", "127.0.0.1", 5701, List.of());

  static ClusterSettings fromJson(Object value) {
    if (value == null) {
      return DEFAULT;
    }
    if (!(value instanceof JsonObject c)) {
      throw new ConfigException("api.cluster", "must be a mapping such as {host: 10.0.0.5, port: 5701,"
          + " members: [10.0.0.5:5701, 10.0.0.6:5701]}");
    }
    for (String field : c.fieldNames()) {
      if (!KNOWN.contains(field)) {
        throw new ConfigException("api.cluster." + field, "unknown setting (known: host, members, name, port)");
      }
    }
    String name = c.getValue("name") == null ? DEFAULT.name() : c.getValue("name").toString();
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new ConfigException("api.cluster.name", "may use letters, digits, '.', '-' and '_' only");
    }
    String host = c.getValue("host") == null ? DEFAULT.host() : c.getValue("host").toString().trim();
    if (!host.matches("[A-Za-z0-9.:-]{1,253}")) {
      throw new ConfigException("api.cluster.host", "must be a host name or IP address (got '" + host + "')");
    }
    int port = port(c.getValue("port"), "api.cluster.port", DEFAULT.port());
    List<String> members = new ArrayList<>();
    Object list = c.getValue("members");
    if (list != null) {
      if (!(list instanceof JsonArray a)) {
        throw new ConfigException("api.cluster.members", "must be a list of host:port, e.g. [10.0.0.5:5701]");
      }
      for (int i = 0; i < a.size(); i++) {
        String m = String.valueOf(a.getValue(i)).trim();
        int colon = m.lastIndexOf(':');
        if (colon <= 0 || !m.substring(0, colon).matches("[A-Za-z0-9.-]{1,253}")) {
          throw new ConfigException("api.cluster.members[" + i + "]", "must be host:port (got '" + m + "')");
        }
        port(m.substring(colon + 1), "api.cluster.members[" + i + "]", 0);
        members.add(m);
      }
    }
    return new ClusterSettings(name, host, port, List.copyOf(members));
  }

  private static int port(Object value, String key, int fallback) {
    if (value == null) {
      return fallback;
    }
    String s = value.toString().trim();
    if (!s.matches("\\d{1,5}") || Integer.parseInt(s) < 1 || Integer.parseInt(s) > 65535) {
      throw new ConfigException(key, "must be a port number between 1 and 65535 (got '" + value + "')");
    }
    return Integer.parseInt(s);
  }
}
