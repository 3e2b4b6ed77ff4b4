package dev.liaison.digest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of a release-priority alert: the real newton priorities page changes on the
 * page-watch source, the change becomes a page.changed event, and the watcher's alert mail says
 * what changed (here written as .eml, no relay configured).
 */
class PriorityAlertEndToEndTest {

    @TempDir Path dir;

    static final Path HISTORY = Path.of("src/test/resources/fixtures/page-watch/history");

    @Test
    void aRealPriorityPageChangeReachesItsWatcherAsAnAlertMail() throws Exception {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true));
        server.start();
        try {
            LiaisonHome home = new LiaisonHome(dir).sources("""
                    sources:
                      - id: nova-priorities-newton
                        kind: page-watch
                        url: http://127.0.0.1:%d/priorities/newton-priorities.html
                        schedule: 1h
                        project: nova
                    """.formatted(server.port()));
            Files.writeString(home.config().resolve("subscribers.yaml"), """
                    subscribers:
                      - address: ptl@example.org
                        pages: [nova-priorities-newton]
                        digest: false
                    """);
            String before = Files.readString(HISTORY.resolve("2016-01-20_bfb9951592_newton-priorities.html"));
            String after = Files.readString(HISTORY.resolve("2016-05-03_31a6d20278_newton-priorities.html"));
            try (LiaisonRuntime runtime = home.open()) {
                runtime.mail().syncSubscribers();
                server.stubFor(get(urlEqualTo("/priorities/newton-priorities.html")).willReturn(aResponse()
                        .withHeader("Content-Type", "text/html; charset=utf-8").withBody(before)));
                runtime.pollService().poll("nova-priorities-newton");
                assertThat(runtime.mail().alerts().run()).as("the first fetch is the baseline").isZero();

                server.stubFor(get(urlEqualTo("/priorities/newton-priorities.html")).willReturn(aResponse()
                        .withHeader("Content-Type", "text/html; charset=utf-8").withBody(after)));
                runtime.pollService().poll("nova-priorities-newton");
                assertThat(runtime.mail().alerts().run()).isEqualTo(1);
                assertThat(runtime.mail().delivery(null).deliverDue()).isEqualTo(1);
            }
            List<Path> mails;
            try (Stream<Path> s = Files.list(home.data().resolve("outbox"))) {
                mails = s.toList();
            }
            assertThat(mails).hasSize(1);
            String eml = Files.readString(mails.get(0));
            assertThat(eml).contains("To: ptl@example.org").contains("Subject: Liaison alert: ").contains("changed")
                    .contains("multipart/alternative").contains("List-Unsubscribe:");
            assertThat(eml).contains("Section added").contains("The change as a diff of the page text");
        } finally {
            server.stop();
        }
    }
}
