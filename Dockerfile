# Build: Maven on JDK 17, tests skipped here (CI runs them against a real PostgreSQL).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY sql sql
COPY conf conf
RUN mvn -B -q package -DskipTests

# Run: a JRE, a non-root user, configuration by environment (FERRY_SOURCE_URL, FERRY_TARGET_URL, …).
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 ferry
WORKDIR /app
COPY --from=build /src/target/ferry.jar /app/ferry.jar
COPY conf /app/conf
USER ferry
ENTRYPOINT ["java", "-jar", "/app/ferry.jar"]
CMD ["--help"]
