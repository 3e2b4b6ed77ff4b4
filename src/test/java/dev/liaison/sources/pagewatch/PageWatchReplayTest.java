package dev.liaison.sources.pagewatch;

import dev.liaison.store.PageSnapshot;
import dev.liaison.store.SnapshotStore;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.mongodb.client.model.Filters;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollService;
import dev.liaison.sources.PollStats;
import dev.liaison.store.Store;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kind end to end through the poll service, the shared fetcher and the store: the real
 * release-priority history served version by version, each version also re-rendered in another
 * theme, conditional requests, pages without validators, anti-flapping, broken pages and a crash
 * between the event and the snapshot.
 */
class PageWatchReplayTest {

    @TempDir Path dir;
    WireMockServer server;
    LiaisonRuntime runtime;
    int etags;

    @BeforeEach
    void start() throws Exception {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        StringBuilder sources = new StringBuilder("sources:\n");
        for (String id : List.of("kilo", "mitaka", "newton", "plain", "flappy", "steady", "fragile")) {
            sources.append("  - id: ").append(id).append("\n    kind: page-watch\n    url: http://127.0.0.1:")
                    .append(server.port()).append("/priorities/").append(id).append("-priorities.html\n    schedule: 1h\n    project: nova\n");
            if (id.equals("flappy")) {
                sources.append("    anti-flap-versions: 2\n");
            }
        }
        runtime = new LiaisonHome(dir).sources(sources.toString()).open();
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        server.stop();
    }

    private static String path(String id) {
        return "/priorities/" + id + "-priorities.html";
    }

    /** Serves a page with an ETag, answering 304 to a request that sends it back. */
    private void serve(String id, String html) {
        String etag = "\"v" + (++etags) + "\"";
        server.removeStubsByMetadata(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.page", equalTo(id)));
        server.stubFor(get(urlEqualTo(path(id))).withMetadata(Map.of("page", id))
                .willReturn(aResponse().withHeader("Content-Type", "text/html; charset=utf-8").withHeader("ETag", etag).withBody(html)));
        server.stubFor(get(urlEqualTo(path(id))).withHeader("If-None-Match", equalTo(etag)).atPriority(1)
                .withMetadata(Map.of("page", id)).willReturn(aResponse().withStatus(304).withHeader("ETag", etag)));
    }

    /** Serves a page with no validators at all. */
    private void servePlain(String id, int status, String html) {
        server.removeStubsByMetadata(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.page", equalTo(id)));
        server.stubFor(get(urlEqualTo(path(id))).withMetadata(Map.of("page", id))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/html").withBody(html)));
    }

    private PollStats poll(String id) {
        return runtime.pollService().poll(id, PollRequest.incremental());
    }

    private SnapshotStore snapshots() {
        return new SnapshotStore(runtime.store());
    }

    private List<Event> changes(String id) {
        List<Event> newestFirst = snapshots().recentChanges(id, 100);
        List<Event> out = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Event e, String key) {
        return (List<Map<String, Object>>) e.data().get(key);
    }

    @Test
    void replayOfTheRealHistoryGivesOneEventPerRealChangeAndNoneForAnotherTheme() throws Exception {
        Map<String, Integer> expected = Map.of("kilo", 1, "mitaka", 2, "newton", 1);
        for (String release : List.of("kilo", "mitaka", "newton")) {
            List<PageFixtures.Version> versions = PageFixtures.history(release);
            for (int i = 0; i < versions.size(); i++) {
                String html = versions.get(i).html();
                serve(release, html);
                PollStats first = poll(release);
                assertThat(first.events()).as("%s version %d: %s", release, i + 1, i == 0 ? "the baseline" : "a real change")
                        .isEqualTo(i == 0 ? 0 : 1);
                assertThat(first.errors()).isZero();

                PollStats again = poll(release);
                assertThat(again.notModified()).as("unchanged page: conditional request").isEqualTo(1);
                assertThat(again.events()).isZero();

                serve(release, PageFixtures.inDocsTheme(html, "2026-11-2" + i + " 13:55"));
                PollStats retheme = poll(release);
                assertThat(retheme.notModified()).isZero();
                assertThat(retheme.events()).as("%s version %d in another theme", release, i + 1).isZero();
            }
            assertThat(changes(release)).hasSize(expected.get(release));
            assertThat(snapshots().count(release)).isEqualTo(versions.size());
            PageSnapshot latest = snapshots().latest(release).orElseThrow();
            assertThat(latest.version()).isEqualTo(versions.size());
            assertThat(latest.hash()).isEqualTo(PageFixtures.extract(versions.get(versions.size() - 1).html()).hash());
        }

        Event kilo = changes("kilo").get(0);
        assertThat(kilo.id()).isEqualTo("page.changed:kilo:" + kilo.data().get("hash") + ":2");
        assertThat(kilo.type()).isEqualTo(Event.PAGE_CHANGED);
        assertThat(kilo.source()).isEqualTo("kilo");
        assertThat(kilo.data()).containsEntry("title", "Kilo Project Priorities")
                .containsEntry("url", "http://127.0.0.1:" + server.port() + path("kilo"));
        assertThat(list(kilo, "tableRowsAdded")).extracting(r -> r.get("row")).contains("Cells V2", "No downtime DB upgrades");
        assertThat(list(kilo, "sectionsAdded")).extracting(s -> s.get("section")).contains("Cells v2", "Functional testing");
        assertThat(kilo.data().get("unifiedDiff").toString()).contains("+| Objects | Dan Smith |");

        List<Event> mitaka = changes("mitaka");
        assertThat(list(mitaka.get(0), "tableRowsAdded")).extracting(r -> r.get("row")).contains("Live Migrate", "OS VIF Lib");
        assertThat(list(mitaka.get(1), "tableRowsChanged")).singleElement().satisfies(r -> {
            assertThat(r.get("row")).isEqualTo("Scheduler");
            assertThat(r.get("linksAdded")).isEqualTo(List.of("https://launchpad.net/~sylvain-bauza"));
        });
        assertThat(mitaka.get(1).data().get("summary")).isEqualTo("1 table row changed (Scheduler); 1 link added");
        assertThat(mitaka.get(1).data().get("previousHash")).isEqualTo(mitaka.get(0).data().get("hash"));

        Event newton = changes("newton").get(0);
        assertThat(list(newton, "sectionsAdded")).isNotEmpty();
        assertThat(list(newton, "tableRowsAdded")).isNotEmpty();

        SnapshotStore.PageHistory history = snapshots().history("mitaka", 1);
        assertThat(history.latest().orElseThrow().title()).isEqualTo("Mitaka Project Priorities");
        assertThat(Snapshots.lines(history.latest().orElseThrow())).contains("| Scheduler | Sylvain Bauza, Jay Pipes |  "
                + "<https://launchpad.net/~sylvain-bauza https://launchpad.net/~jaypipes>");
        assertThat(history.recentChanges()).extracting(Event::id).containsExactly(mitaka.get(1).id());
    }

    @Test
    void aPageWithoutValidatorsIsComparedByTheHashOfItsContent() throws Exception {
        List<PageFixtures.Version> mitaka = PageFixtures.history("mitaka");
        servePlain("plain", 200, mitaka.get(1).html());
        assertThat(poll("plain").events()).isZero();
        PollStats same = poll("plain");
        assertThat(same.requests()).isEqualTo(1);
        assertThat(same.notModified()).isZero();
        assertThat(same.events()).isZero();
        servePlain("plain", 200, PageFixtures.inDocsTheme(mitaka.get(1).html(), "tomorrow"));
        assertThat(poll("plain").events()).isZero();
        servePlain("plain", 200, mitaka.get(2).html());
        assertThat(poll("plain").events()).isEqualTo(1);

        assertThat(snapshots().count("plain")).isEqualTo(2);
        assertThat(runtime.store().validators().load("plain").values()).singleElement()
                .satisfies(v -> assertThat(v.bodyHash()).isEqualTo(PageFixtures.extract(mitaka.get(2).html()).hash()));
    }

    @Test
    void antiFlappingIgnoresAReturnToARecentVersionOnlyWhenAsked() {
        List<PageFixtures.Version> mitaka = PageFixtures.history("mitaka");
        String a = mitaka.get(1).html();
        String b = mitaka.get(2).html();
        for (String html : List.of(a, b, a, b)) {
            serve("flappy", html);
            poll("flappy");
            serve("steady", html);
            poll("steady");
        }

        assertThat(changes("flappy")).as("anti-flap-versions: 2").hasSize(1);
        assertThat(changes("steady")).as("no anti-flapping: every change is an event, each with its own id")
                .hasSize(3).extracting(Event::id).doesNotHaveDuplicates();
        assertThat(snapshots().latest("flappy").orElseThrow().version()).isEqualTo(4);
    }

    @Test
    void aBrokenPageIsARecordedErrorAndTheLastGoodVersionStays() throws Exception {
        List<PageFixtures.Version> mitaka = PageFixtures.history("mitaka");
        servePlain("fragile", 200, mitaka.get(1).html());
        poll("fragile");

        String good = mitaka.get(1).html();
        servePlain("fragile", 200, good.substring(0, good.length() / 3));
        PollStats truncated = poll("fragile");
        assertThat(truncated.errors()).isEqualTo(1);
        assertThat(truncated.errorMessages()).singleElement().asString().contains("truncated", "the last good version is kept");
        assertThat(truncated.events()).isZero();
        assertThat(runtime.store().sourceState().health("fragile").orElseThrow().lastErrorMessage()).contains("truncated");

        servePlain("fragile", 500, "oops");
        assertThatThrownBy(() -> poll("fragile")).isInstanceOf(PollService.PollFailedException.class).hasMessageContaining("HTTP 500");
        assertThat(runtime.store().sourceState().health("fragile").orElseThrow().consecutiveFailures()).isEqualTo(1);

        servePlain("fragile", 200, mitaka.get(2).html());
        PollStats back = poll("fragile");
        assertThat(back.events()).as("the change is measured against the last good version").isEqualTo(1);
        assertThat(list(changes("fragile").get(0), "tableRowsChanged")).extracting(r -> r.get("row")).containsExactly("Scheduler");
        assertThat(snapshots().count("fragile")).isEqualTo(2);
    }

    @Test
    void aCrashBetweenTheEventAndTheSnapshotRepeatsNothingAndLosesNothing() {
        List<PageFixtures.Version> kilo = PageFixtures.history("kilo");
        serve("kilo", kilo.get(0).html());
        poll("kilo");
        serve("kilo", kilo.get(1).html());
        assertThat(poll("kilo").events()).isEqualTo(1);
        // As if the process died right after appending the event: no snapshot 2, no validators.
        runtime.store().collection(Store.SNAPSHOTS).deleteMany(Filters.eq("version", 2L));
        runtime.store().collection(Store.HTTP_VALIDATORS).deleteMany(Filters.eq("source", "kilo"));

        PollStats rerun = poll("kilo");

        assertThat(rerun.notModified()).isZero();
        assertThat(runtime.store().events().count(Event.PAGE_CHANGED)).as("same event id, stored once").isEqualTo(1);
        assertThat(snapshots().latest("kilo").orElseThrow().version()).isEqualTo(2);
        assertThat(poll("kilo").notModified()).isEqualTo(1);
        server.verify(4, getRequestedFor(urlEqualTo(path("kilo"))));
    }
}
