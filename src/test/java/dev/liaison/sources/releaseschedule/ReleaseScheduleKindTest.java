package dev.liaison.sources.releaseschedule;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.release.ReleaseEntry;
import dev.liaison.store.ReleaseScheduleStore;
import dev.liaison.store.Store;
import dev.liaison.testkit.LiaisonHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.builder.NotifyBuilder;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kind as a user meets it: sources.yaml, the daemon's templated route, the command line, a feed served over loopback. */
class ReleaseScheduleKindTest {

    private static final String ICS = "/indri/schedule.ics";
    private static final String YAML = "/openstack/releases/raw/branch/master/doc/source/hibiscus/schedule.yaml";

    @TempDir Path dir;
    WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** The Indri feed with Indri-1 moved a week later and the Extra-AC freeze dropped. */
    static String changedIndri() {
        return ScheduleFixtures.text("indri-schedule.ics")
                .replace("SUMMARY:Indri R-18 (Indri-1 milestone)", "SUMMARY:Indri R-18")
                .replace("SUMMARY:Indri R-17\r\n", "SUMMARY:Indri R-17 (Indri-1 milestone)\r\n")
                .replace("SUMMARY:Indri R-7 (Extra-AC freeze)", "SUMMARY:Indri R-7");
    }

    private static Map<String, Document> stored(Store store) {
        Map<String, Document> out = new HashMap<>();
        store.collection(ReleaseScheduleStore.COLLECTION).find().forEach(d -> out.put(d.getString("_id"), d));
        return out;
    }

    @Test
    void theRouteStoresTheFeedAsksAgainConditionallyAndFollowsAChange() throws Exception {
        String changed = changedIndri();
        assertThat(changed).isNotEqualTo(ScheduleFixtures.text("indri-schedule.ics"));
        // First request: the whole feed; then 304s for its ETag until the test changes the feed; then
        // the changed feed; then 304s for that.
        server.stubFor(get(urlEqualTo(ICS)).inScenario("feed").whenScenarioStateIs(Scenario.STARTED)
                .withHeader("If-None-Match", absent()).willSetStateTo("served-a")
                .willReturn(aResponse().withHeader("Content-Type", "text/calendar").withHeader("ETag", "\"a\"")
                        .withBody(ScheduleFixtures.bytes("indri-schedule.ics"))));
        server.stubFor(get(urlEqualTo(ICS)).inScenario("feed").whenScenarioStateIs("served-a")
                .withHeader("If-None-Match", equalTo("\"a\"")).willReturn(aResponse().withStatus(304)));
        server.stubFor(get(urlEqualTo(ICS)).inScenario("feed").whenScenarioStateIs("changed")
                .willSetStateTo("served-b")
                .willReturn(aResponse().withHeader("Content-Type", "text/calendar").withHeader("ETag", "\"b\"")
                        .withBody(changed)));
        server.stubFor(get(urlEqualTo(ICS)).inScenario("feed").whenScenarioStateIs("served-b")
                .withHeader("If-None-Match", equalTo("\"b\"")).willReturn(aResponse().withStatus(304)));
        LiaisonHome home = new LiaisonHome(dir).sources("""
                sources:
                  - id: indri-schedule
                    kind: release-schedule
                    url: http://127.0.0.1:%d%s
                    schedule: 1s
                """.formatted(server.port(), ICS)).properties("liaison.poll.initial-delay=2s\n");

        try (LiaisonRuntime runtime = home.open(); Daemon daemon = new Daemon(runtime)) {
            daemon.start();
            // The first poll comes 2 s after the start (liaison.poll.initial-delay), then one a second.
            NotifyBuilder first = new NotifyBuilder(daemon.camelContext()).fromRoute("indri-schedule").whenDone(1).create();
            NotifyBuilder second = new NotifyBuilder(daemon.camelContext()).fromRoute("indri-schedule").whenDone(2).create();
            assertThat(daemon.camelContext().getRoute("indri-schedule")).as("route made from release-schedule-source").isNotNull();

            assertThat(first.matches(20, TimeUnit.SECONDS)).as("first poll").isTrue();
            Map<String, Document> afterFirst = stored(runtime.store());
            List<ReleaseEntry> all = new ReleaseScheduleStore(runtime.store()).all();
            assertThat(all.stream().filter(e -> e.type() == ReleaseEntry.Type.WEEK)).hasSize(25);
            Map<String, ReleaseEntry> byId = all.stream().collect(Collectors.toMap(ReleaseEntry::id, Function.identity()));
            assertThat(byId.get("indri/indri-1-milestone").week()).isEqualTo("R-18");
            assertThat(byId).containsKey("indri/extra-ac-freeze");
            assertThat(runtime.store().items().count()).as("schedule entries are not items").isZero();
            Document validatorsAfterFirst = runtime.store().collection(Store.HTTP_VALIDATORS).find().first();

            assertThat(second.matches(20, TimeUnit.SECONDS)).as("second poll").isTrue();
            List<LoggedRequest> requests = server.findAll(getRequestedFor(urlEqualTo(ICS)));
            assertThat(requests).hasSizeGreaterThanOrEqualTo(2);
            assertThat(requests.get(1).getHeader("If-None-Match")).isEqualTo("\"a\"");
            // Unchanged: one conditional request, nothing written.
            assertThat(stored(runtime.store())).isEqualTo(afterFirst);
            assertThat(runtime.store().collection(Store.HTTP_VALIDATORS).find().first()).isEqualTo(validatorsAfterFirst);

            assertThat(server.findAll(getRequestedFor(urlEqualTo(ICS))).stream().skip(1)
                    .allMatch(r -> "\"a\"".equals(r.getHeader("If-None-Match")))).as("every later poll is conditional").isTrue();
            assertThat(stored(runtime.store())).isEqualTo(afterFirst);

            server.setScenarioState("feed", "changed");
            // Two more polls: at least one whole poll after the change.
            NotifyBuilder afterChange = new NotifyBuilder(daemon.camelContext()).fromRoute("indri-schedule").whenDone(2).create();
            assertThat(afterChange.matches(20, TimeUnit.SECONDS)).as("polls after the change").isTrue();
            List<ReleaseEntry> now = new ReleaseScheduleStore(runtime.store()).all();
            Map<String, ReleaseEntry> nowById = new HashMap<>();
            for (ReleaseEntry e : now) {
                assertThat(nowById.put(e.id(), e)).as("no duplicate of " + e.id()).isNull();
            }
            assertThat(nowById.get("indri/indri-1-milestone").week()).isEqualTo("R-17");
            assertThat(nowById).doesNotContainKey("indri/extra-ac-freeze");
            assertThat(now).hasSize(afterFirst.size() - 1);
            // Only what changed was written: the other entries keep their first write.
            Map<String, Document> afterThird = stored(runtime.store());
            List<String> rewritten = new ArrayList<>();
            afterThird.forEach((id, d) -> {
                if (!d.get("storedAt").equals(afterFirst.get(id).get("storedAt"))) {
                    rewritten.add(id);
                }
            });
            assertThat(rewritten).containsExactly("indri-schedule:indri/indri-1-milestone");
            assertThat(runtime.store().sourceState().health("indri-schedule").orElseThrow().lastSuccess()).isNotNull();
        }
    }

    @Test
    void pollOnceReadsProjectDeadlinesFromScheduleYamlAndSaysWhatItDid() throws Exception {
        // Served as Latin-1 though declared UTF-8: read, and said.
        byte[] latin1 = ScheduleFixtures.text("hibiscus-schedule.yaml").replace("---", "--- # calendrier \u00e9t\u00e9")
                .getBytes(StandardCharsets.ISO_8859_1);
        server.stubFor(get(urlEqualTo(YAML)).willReturn(aResponse().withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("ETag", "\"y\"").withBody(latin1)));
        server.stubFor(get(urlEqualTo(YAML)).withHeader("If-None-Match", equalTo("\"y\"")).atPriority(1)
                .willReturn(aResponse().withStatus(304)));
        LiaisonHome home = new LiaisonHome(dir).sources("""
                sources:
                  - id: hibiscus-deadlines
                    kind: release-schedule
                    url: http://127.0.0.1:%d%s
                    schedule: 1d
                """.formatted(server.port(), YAML));

        LiaisonHome.Run first = home.cli("poll", "hibiscus-deadlines", "--once");
        LiaisonHome.Run second = home.cli("poll", "hibiscus-deadlines", "--once");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("requests=1", "errors=1");
        assertThat(second.out()).contains("requests=1", "not-modified=1", "new=0 changed=0");
        try (LiaisonRuntime runtime = home.open()) {
            Map<String, ReleaseEntry> byId = new ReleaseScheduleStore(runtime.store()).all().stream()
                    .collect(Collectors.toMap(ReleaseEntry::id, Function.identity()));
            assertThat(byId.get("hibiscus/nova-spec-freeze").project()).isEqualTo("nova");
            assertThat(byId.get("hibiscus/R-16").start()).hasToString("2026-06-08");
        }
    }

    @Test
    void aFeedThatLostMostOfItsEntriesIsRefusedAndTheScheduleKept() throws Exception {
        String full = ScheduleFixtures.text("indri-schedule.ics");
        int cut = full.indexOf("BEGIN:VEVENT", full.indexOf("UID:Indri-R-20"));
        String shrunk = full.substring(0, cut) + "END:VCALENDAR\r\n";
        server.stubFor(get(urlEqualTo(ICS)).inScenario("feed").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("short")
                .willReturn(aResponse().withBody(full)));
        server.stubFor(get(urlEqualTo(ICS)).inScenario("feed").whenScenarioStateIs("short").willReturn(aResponse().withBody(shrunk)));
        LiaisonHome home = new LiaisonHome(dir).sources("""
                sources:
                  - id: indri-schedule
                    kind: release-schedule
                    url: http://127.0.0.1:%d%s
                    schedule: 1d
                """.formatted(server.port(), ICS));

        assertThat(home.cli("poll", "indri-schedule", "--once").exitCode()).isZero();
        LiaisonHome.Run second = home.cli("poll", "indri-schedule", "--once");

        assertThat(second.exitCode()).isNotZero();
        assertThat(second.out() + second.err()).contains("probably truncated");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(new ReleaseScheduleStore(runtime.store()).all().stream().filter(e -> e.type() == ReleaseEntry.Type.WEEK))
                    .hasSize(25);
        }
    }

    @Test
    void theUrlMustBeAFeedTheKindReads() {
        LiaisonHome.Run bad = new LiaisonHome(dir).sources("""
                sources:
                  - id: indri-schedule
                    kind: release-schedule
                    url: https://releases.openstack.org/indri/schedule.html
                    schedule: 6h
                """).cli("check-config");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("indri-schedule", "url", ".ics");
    }
}
