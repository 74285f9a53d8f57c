# Build: Maven on JDK 17, tests skipped here (CI runs them against a real PostgreSQL and a real browser).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY sql sql
COPY conf conf
COPY webroot webroot
RUN mvn -B -q package -DskipTests

# Run: a JRE, a non-root user, configuration by environment:
#   FERRY_SOURCE_URL, FERRY_TARGET_URL, FERRY_API_TOKEN (required), FERRY_API_READ_TOKEN, FERRY_HTTP_PORT, …
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 ferry
WORKDIR /app
COPY --from=build /src/target/ferry.jar /app/ferry.jar
COPY conf /app/conf
USER ferry
ENV FERRY_HTTP_PORT=8080
EXPOSE 8080
# /health without curl: bash's /dev/tcp.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${FERRY_HTTP_PORT} && printf "GET /health HTTP/1.0\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
# exec form: the JVM is PID 1 and gets SIGTERM, so running syncs stop at a batch boundary before exit.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/ferry.jar"]
CMD ["serve"]
