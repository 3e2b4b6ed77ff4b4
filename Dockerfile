# Liaison: multi-stage build. Stage 1 builds target/liaison.jar with Maven; stage 2 runs it on a
# JRE 17 as a non-root user, with its data under /data and its configuration and routes baked in
# (mount /app/config to change them). A real MongoDB is given with LIAISON_MONGO_URI.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -DskipTests package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app liaison \
 && mkdir -p /app /data && chown liaison /data
WORKDIR /app
COPY --from=build /src/target/liaison.jar /app/liaison.jar
COPY config /app/config
COPY routes /app/routes
ENV LIAISON_CONFIG=/app/config \
    LIAISON_DATA=/data \
    LIAISON_ROUTES=/app/routes \
    LIAISON_HTTP_HOST=0.0.0.0 \
    JAVA_OPTS="-Xmx512m"
USER liaison
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/liaison.jar \"$@\"", "liaison"]
CMD ["run"]
