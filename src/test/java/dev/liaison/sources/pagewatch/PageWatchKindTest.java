package dev.liaison.sources.pagewatch;

import dev.liaison.store.PageSnapshot;
import dev.liaison.store.SnapshotStore;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kind as a user meets it: sources.yaml, the command line, the daemon's templated route. */
class PageWatchKindTest {

    @TempDir Path dir;
    WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(get(urlEqualTo("/priorities/mitaka-priorities.html")).willReturn(aResponse()
                .withHeader("Content-Type", "text/html; charset=utf-8").withHeader("ETag", "\"m3\"")
                .withBody(PageFixtures.read("history/2016-02-11_5e5b627aee_mitaka-priorities.html"))));
        server.stubFor(get(urlEqualTo("/priorities/mitaka-priorities.html")).withHeader("If-None-Match", equalTo("\"m3\""))
                .atPriority(1).willReturn(aResponse().withStatus(304)));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private LiaisonHome home(String options) {
        return new LiaisonHome(dir).sources("""
                sources:
                  - id: mitaka
                    kind: page-watch
                    url: http://127.0.0.1:%d/priorities/mitaka-priorities.html
                    schedule: 1h
                    project: nova
                %s""".formatted(server.port(), options));
    }

    @Test
    void pollOnceTakesTheBaselineQuietlyAndReportsIt() throws Exception {
        LiaisonHome home = home("");

        LiaisonHome.Run first = home.cli("poll", "mitaka", "--once");
        LiaisonHome.Run second = home.cli("poll", "mitaka", "--once");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("poll mitaka:", "requests=1", "not-modified=0", "errors=0", "events=0");
        assertThat(second.out()).contains("requests=1", "not-modified=1", "events=0");
        try (LiaisonRuntime runtime = home.open()) {
            PageSnapshot baseline = new SnapshotStore(runtime.store()).latest("mitaka").orElseThrow();
            assertThat(baseline.version()).isEqualTo(1);
            assertThat(baseline.title()).isEqualTo("Mitaka Project Priorities");
            assertThat(baseline.blocks()).isNotEmpty();
            assertThat(runtime.store().items().count()).as("a watched page is not an item").isZero();
        }
    }

    @Test
    void badOptionsAreRejectedWhenTheConfigurationIsChecked() {
        LiaisonHome.Run badCss = home("    selector: \"div[[\"\n").cli("check-config");
        assertThat(badCss.exitCode()).isNotZero();
        assertThat(badCss.err()).contains("mitaka", "selector", "a CSS selector");

        LiaisonHome.Run badFlap = home("    anti-flap-versions: 99\n").cli("check-config");
        assertThat(badFlap.exitCode()).isNotZero();
        assertThat(badFlap.err()).contains("anti-flap-versions", "from 0 to 50");

        LiaisonHome.Run tooFewKept = home("    anti-flap-versions: 5\n    keep-snapshots: 3\n").cli("check-config");
        assertThat(tooFewKept.exitCode()).isNotZero();
        assertThat(tooFewKept.err()).contains("keep-snapshots", "must be larger than anti-flap-versions");

        LiaisonHome.Run good = home("    selector: \"div.body table\"\n    anti-flap-versions: 3\n").cli("check-config");
        assertThat(good.exitCode()).as(good.err()).isZero();
    }

    @Test
    void theDaemonRunsTheSourceFromThePageWatchRouteTemplate() throws Exception {
        LiaisonHome home = home("");
        try (LiaisonRuntime runtime = home.open(); Daemon daemon = new Daemon(runtime)) {
            daemon.start();
            assertThat(daemon.camelContext().getRoute("mitaka")).as("route made from page-watch-source").isNotNull();
            NotifyBuilder polled = new NotifyBuilder(daemon.camelContext()).fromRoute("mitaka").whenDone(1).create();
            assertThat(polled.matches(20, TimeUnit.SECONDS)).as("first scheduled poll ran").isTrue();
            assertThat(new SnapshotStore(runtime.store()).count("mitaka")).isEqualTo(1);
            assertThat(runtime.store().sourceState().health("mitaka").orElseThrow().lastSuccess()).isNotNull();
        }
    }
}
