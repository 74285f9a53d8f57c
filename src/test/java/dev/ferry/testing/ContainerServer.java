package dev.ferry.testing;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** A PostgreSQL container shared by the whole test run, started only when a Docker engine answers. */
final class ContainerServer {
  private static PostgreSQLContainer container;

  private ContainerServer() {}

  static synchronized Optional<String> urlIfDockerAvailable() {
    if (container == null) {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return Optional.empty();
      }
      container = new PostgreSQLContainer("postgres:15-alpine");
      container.start();
    }
    return Optional.of("postgresql://" + container.getUsername() + ":" + container.getPassword() + "@"
        + container.getHost() + ":" + container.getMappedPort(5432) + "/" + container.getDatabaseName()
        + "?sslmode=disable");
  }
}
