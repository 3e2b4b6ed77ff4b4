package dev.liaison.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.liaison.testkit.LiaisonHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon end to end: routes from disk, a templated source route, health, restart keeps data. */
class DaemonTest {

    @TempDir Path dir;
    WireMockServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(get(urlEqualTo("/feed")).willReturn(aResponse().withHeader("ETag", "\"v1\"")
                .withBody("a|First, see bug #1521928|open\nb|Second|fixed\n")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void runsTemplatedSourceRoutesServesHealthAndKeepsDataAcrossRestart() throws Exception {
        LiaisonHome home = new LiaisonHome(dir).sources("""
                sources:
                  - id: feed
                    kind: test-lines
                    url: http://127.0.0.1:%d/feed
                    schedule: 1h
                    project: nova
                  - id: later
                    kind: test-lines
                    url: http://127.0.0.1:%d/pipermail/x/
                    schedule: 1h
                    enabled: false
                """.formatted(server.port(), server.port()));
        try (LiaisonRuntime runtime = home.open(); Daemon daemon = new Daemon(runtime)) {
            daemon.start();
            assertThat(daemon.camelContext().getRoute("feed")).as("route made from the test-lines template").isNotNull();
            assertThat(daemon.camelContext().getRoute("health")).isNotNull();
            NotifyBuilder polled = new NotifyBuilder(daemon.camelContext()).fromRoute("feed").whenDone(1).create();
            assertThat(polled.matches(10, TimeUnit.SECONDS)).as("first scheduled poll ran").isTrue();
            assertThat(runtime.store().items().count()).isEqualTo(2);

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + home.httpPort() + "/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(health.body());
            assertThat(body.get("status").asText()).isEqualTo("UP");
            assertThat(body.get("store").get("status").asText()).isEqualTo("UP");
            assertThat(body.get("sources").get(0).get("id").asText()).isEqualTo("feed");
            assertThat(body.get("sources").get(0).get("status").asText()).isEqualTo("UP");
            assertThat(body.get("sources").get(1).get("status").asText()).isEqualTo("DISABLED");
            assertThat(daemon.camelContext().getRoute("later")).as("a disabled source has no route").isNull();
        }
        // Restart: items and source state are still there.
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().count()).isEqualTo(2);
            assertThat(runtime.store().items().find("line:a").orElseThrow().refs()).extracting(r -> r.target())
                    .containsExactly("bug:1521928");
            assertThat(runtime.store().sourceState().health("feed").orElseThrow().lastSuccess()).isNotNull();
        }
    }
}
