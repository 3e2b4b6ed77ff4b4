package dev.liaison.sources.gerrit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.liaison.sources.gerrit.GerritFixtures.body;
import static dev.liaison.sources.gerrit.GerritFixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gerrit kind end to end (command line and the daemon's route) against a loopback Gerrit
 * (WireMock) answering with changes shaped like the real fixtures: incremental polls, a list that
 * moves while it is paged, {@code _more_changes} on the last page, 429 and 503, broken pages,
 * pages too large for the fetcher and huge commit messages.
 */
class GerritPollTest {

    static final String ID = "nova-specs-reviews";
    static final String[] SPECS = {"", "cells-v2-routing", "numa-live-migration", "vendordata-reboot",
            "placement-claims", "ironic-multitenant"};

    @TempDir Path dir;
    WireMockServer server;
    LiaisonHome home;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        home = home("");
    }

    LiaisonHome home(String properties) {
        return new LiaisonHome(dir).properties("liaison.fetch.retries=1\n" + properties).sources("""
                sources:
                  - id: %s
                    kind: gerrit
                    url: http://127.0.0.1:%d/
                    schedule: 30m
                    project: nova
                    query: project:openstack/nova-specs
                    page-size: 3
                """.formatted(ID, server.port()));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** Change {@code k} (1..5) of the test: number 500000+k, a nova-specs change adding SPECS[k]. */
    static ObjectNode c(int k, String status, String updated) {
        return variant(500_000 + k, SPECS[k], status, updated);
    }

    /** Serves {@code body} for the page at {@code S=skip} (and page size n, when given). */
    void page(int skip, String body) {
        page(get(urlPathEqualTo("/changes/")).withQueryParam("S", equalTo(String.valueOf(skip))), body);
    }

    void page(MappingBuilder m, String body) {
        server.stubFor(m.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(body)));
    }

    List<LoggedRequest> requests() {
        return server.findAll(getRequestedFor(urlPathEqualTo("/changes/")));
    }

    static String q(LoggedRequest r) {
        return r.queryParameter("q").firstValue();
    }

    Document cursor(LiaisonRuntime runtime) {
        return runtime.store().sourceState().cursor(ID);
    }

    @Test
    void incrementalPollsReadOnlyWhatChangedAndMakeOneEventPerChange() throws Exception {
        // First poll: five changes; a sixth change updated while the list is paged pushes c3 onto the second page too.
        page(0, body(List.of(c(5, "NEW", "2026-11-01 10:05:00.000000000"), c(4, "NEW", "2026-11-01 10:04:00.000000000"),
                c(3, "NEW", "2026-11-01 10:03:00.000000000")), true));
        page(3, body(List.of(c(3, "NEW", "2026-11-01 10:03:00.000000000"), c(2, "NEW", "2026-11-01 10:02:00.000000000"),
                c(1, "NEW", "2026-11-01 10:01:00.000000000")), false));
        LiaisonHome.Run first = home.cli("poll", ID, "--once");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("items new=5 changed=0 unchanged=0 requests=2 ").contains("errors=0 events=5 ");
        assertThat(requests()).hasSize(2);
        assertThat(requests()).allSatisfy(r -> {
            assertThat(q(r)).isEqualTo("project:openstack/nova-specs"); // no watermark yet: everything
            assertThat(r.queryParameter("o").values()).containsExactly("CURRENT_REVISION", "CURRENT_FILES", "CURRENT_COMMIT", "DETAILED_ACCOUNTS");
            assertThat(r.queryParameter("n").firstValue()).isEqualTo("3");
        });
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().countBySource(ID)).isEqualTo(5);
            assertThat(runtime.store().events().since(null, Event.ITEM_NEW, 100)).hasSize(5);
            assertThat(cursor(runtime).getDate("watermark").toInstant()).isEqualTo(Instant.parse("2026-11-01T10:05:00Z"));
            assertThat(cursor(runtime).get("pass")).isNull();
            Item i = runtime.store().items().find("review:500001").orElseThrow();
            assertThat(i.title()).isEqualTo("Spec: cells v2 routing");
            assertThat(i.refs()).extracting(Ref::target).contains("spec:nova/cells-v2-routing", "bp:nova/cells-v2-routing");
        }

        // Five reviews change (two are merged): one query and one more page, five changed items, two status moves.
        server.resetAll();
        page(0, body(List.of(c(5, "NEW", "2026-11-02 09:05:00.000000000"), c(4, "MERGED", "2026-11-02 09:04:00.000000000"),
                c(3, "NEW", "2026-11-02 09:03:00.000000000")), true));
        page(3, body(List.of(c(2, "MERGED", "2026-11-02 09:02:00.000000000"), c(1, "NEW", "2026-11-02 09:01:00.000000000")), false));
        LiaisonHome.Run second = home.cli("poll", ID, "--once");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("items new=0 changed=5 unchanged=0 requests=2 ");
        assertThat(requests()).hasSize(2);
        assertThat(q(requests().get(0))).isEqualTo("project:openstack/nova-specs after:\"2026-11-01 09:55:00.000\"");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().events().since(null, Event.ITEM_NEW, 100)).hasSize(5);
            assertThat(runtime.store().events().since(null, Event.ITEM_CHANGED, 100)).hasSize(5);
            List<Event> moves = runtime.store().events().since(null, Event.ITEM_STATUS, 100);
            assertThat(moves).extracting(Event::itemId).containsExactlyInAnyOrder("review:500004", "review:500002");
            assertThat(moves.get(0).data()).containsEntry("from", "NEW").containsEntry("to", "MERGED")
                    .containsEntry("fromNormalised", "in-progress").containsEntry("toNormalised", "merged");
            assertThat(cursor(runtime).getDate("watermark").toInstant()).isEqualTo(Instant.parse("2026-11-02T09:05:00Z"));
        }

        // Nothing new: the overlap brings back the newest change, unchanged. One request, no event.
        server.resetAll();
        page(0, body(List.of(c(5, "NEW", "2026-11-02 09:05:00.000000000")), false));
        long events;
        try (LiaisonRuntime runtime = home.open()) {
            events = runtime.store().events().count();
        }
        LiaisonHome.Run third = home.cli("poll", ID, "--once");
        assertThat(third.out()).contains("items new=0 changed=0 unchanged=1 requests=1 ").contains("events=0 ");
        assertThat(requests()).hasSize(1);
        assertThat(q(requests().get(0))).endsWith("after:\"2026-11-02 08:55:00.000\"");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().events().count()).isEqualTo(events);
        }
    }

    @Test
    void moreChangesOnTheLastPageEndsThePassAtTheEmptyPage() throws Exception {
        page(0, body(List.of(c(3, "NEW", "2026-11-01 10:03:00.000000000"), c(2, "NEW", "2026-11-01 10:02:00.000000000"),
                c(1, "NEW", "2026-11-01 10:01:00.000000000")), true));
        page(3, ")]}'\n[]\n");
        LiaisonHome.Run run = home.cli("poll", ID, "--once");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=3 ").contains("requests=2 ").contains("errors=0 ");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(cursor(runtime).getDate("watermark").toInstant()).isEqualTo(Instant.parse("2026-11-01T10:03:00Z"));
        }
    }

    @Test
    void a503MidPassIsRetriedThenRecorded_andTheNextPollResumesWithoutMovingTheWatermarkEarly() throws Exception {
        page(0, body(List.of(c(5, "NEW", "2026-11-01 10:05:00.000000000"), c(4, "NEW", "2026-11-01 10:04:00.000000000"),
                c(3, "NEW", "2026-11-01 10:03:00.000000000")), true));
        server.stubFor(get(urlPathEqualTo("/changes/")).withQueryParam("S", equalTo("3"))
                .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
        LiaisonHome.Run failed = home.cli("poll", ID, "--once");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).contains("items new=3 ").contains("FAILED");
        assertThat(failed.err()).contains("503");
        assertThat(requests()).hasSize(3); // page 1, page 2 and its one retry
        try (LiaisonRuntime runtime = home.open()) {
            Document cursor = cursor(runtime);
            assertThat(cursor.getDate("watermark")).as("no watermark before the pass is read to its end").isNull();
            assertThat(cursor.get("pass", Document.class).getDate("oldest").toInstant()).isEqualTo(Instant.parse("2026-11-01T10:03:00Z"));
            assertThat(runtime.store().sourceState().health(ID).orElseThrow().lastErrorMessage()).contains("503");
        }

        // Gerrit is back: the pass goes on below the oldest change it stored, then the watermark moves.
        server.resetAll();
        page(0, body(List.of(c(3, "NEW", "2026-11-01 10:03:00.000000000"), c(2, "NEW", "2026-11-01 10:02:00.000000000"),
                c(1, "NEW", "2026-11-01 10:01:00.000000000")), false));
        LiaisonHome.Run resumed = home.cli("poll", ID, "--once");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("items new=2 changed=0 unchanged=1 requests=1 ");
        assertThat(q(requests().get(0))).isEqualTo("project:openstack/nova-specs before:\"2026-11-01 10:03:00.000\"");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(cursor(runtime).getDate("watermark").toInstant()).isEqualTo(Instant.parse("2026-11-01T10:05:00Z"));
            assertThat(cursor(runtime).get("pass")).isNull();
            assertThat(runtime.store().events().count(Event.ITEM_NEW)).isEqualTo(5);
        }
    }

    @Test
    void aFirstPassLongerThanMaxPagesContinuesAtTheNextPoll() throws Exception {
        home.sources("""
                sources:
                  - id: %s
                    kind: gerrit
                    url: http://127.0.0.1:%d/
                    schedule: 30m
                    query: project:openstack/nova-specs
                    page-size: 3
                    max-pages: 1
                """.formatted(ID, server.port()));
        page(0, body(List.of(c(5, "NEW", "2026-11-01 10:05:00.000000000"), c(4, "NEW", "2026-11-01 10:04:00.000000000"),
                c(3, "NEW", "2026-11-01 10:03:00.000000000")), true));
        LiaisonHome.Run first = home.cli("poll", ID, "--once");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("items new=3 ").contains("requests=1 ").contains("errors=0 ");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(cursor(runtime).getDate("watermark")).isNull();
            assertThat(cursor(runtime).get("pass", Document.class).getDate("newest").toInstant()).isEqualTo(Instant.parse("2026-11-01T10:05:00Z"));
        }
        server.resetAll();
        page(0, body(List.of(c(3, "NEW", "2026-11-01 10:03:00.000000000"), c(2, "NEW", "2026-11-01 10:02:00.000000000"),
                c(1, "NEW", "2026-11-01 10:01:00.000000000")), false));
        LiaisonHome.Run second = home.cli("poll", ID, "--once");
        assertThat(second.out()).contains("items new=2 changed=0 unchanged=1 requests=1 ");
        assertThat(q(requests().get(0))).isEqualTo("project:openstack/nova-specs before:\"2026-11-01 10:03:00.000\"");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(cursor(runtime).getDate("watermark").toInstant()).isEqualTo(Instant.parse("2026-11-01T10:05:00Z"));
            assertThat(cursor(runtime).get("pass")).isNull();
        }
    }

    @Test
    void a429IsRetriedAndThePollSucceeds() throws Exception {
        server.stubFor(get(urlPathEqualTo("/changes/")).inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")).willSetStateTo("ok"));
        page(get(urlPathEqualTo("/changes/")).inScenario("limit").whenScenarioStateIs("ok"),
                body(List.of(c(1, "NEW", "2026-11-01 10:01:00.000000000")), false));
        LiaisonHome.Run run = home.cli("poll", ID, "--once");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=1 ").contains("requests=2 ");
        assertThat(requests()).hasSize(2);
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(cursor(runtime).getDate("watermark")).isNotNull();
        }
    }

    @Test
    void aBrokenPageEndsThePollWithAClearErrorAndKeepsWhatWasStored() throws Exception {
        page(0, body(List.of(c(5, "NEW", "2026-11-01 10:05:00.000000000"), c(4, "NEW", "2026-11-01 10:04:00.000000000"),
                c(3, "NEW", "2026-11-01 10:03:00.000000000")), true));
        String second = body(List.of(c(2, "NEW", "2026-11-01 10:02:00.000000000"), c(1, "NEW", "2026-11-01 10:01:00.000000000")), false);
        page(3, second.substring(0, second.length() - 200)); // the connection dropped mid-list
        LiaisonHome.Run run = home.cli("poll", ID, "--once");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("changes page at S=3: truncated JSON");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().countBySource(ID)).isEqualTo(3);
            assertThat(cursor(runtime).getDate("watermark")).isNull();
        }
    }

    @Test
    void anAnswerWithoutTheXssiLineIsReadAllTheSame() throws Exception {
        page(0, body(List.of(c(2, "NEW", "2026-11-01 10:02:00.000000000"), c(1, "MERGED", "2026-11-01 10:01:00.000000000")), false)
                .substring(")]}'\n".length()));
        LiaisonHome.Run run = home.cli("poll", ID, "--once");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=2 ").contains("errors=0 ");
    }

    @Test
    void hugeCommitMessagesAreCutWithAClearError_andAPageTooLargeForTheFetcherIsReadInSmallerPages() throws Exception {
        home = home("liaison.fetch.max-body=2MB\n");
        ObjectNode huge1 = c(2, "NEW", "2026-11-01 10:02:00.000000000");
        ObjectNode huge2 = c(1, "NEW", "2026-11-01 10:01:00.000000000");
        String message = "Spec\n\n" + "A very long line of text. ".repeat(60_000) + "\nCloses-Bug: #1777777\n";
        for (ObjectNode h : List.of(huge1, huge2)) {
            ObjectNode commit = (ObjectNode) h.get("revisions").elements().next().get("commit");
            commit.put("message", message);
        }
        ObjectNode small = c(3, "NEW", "2026-11-01 10:03:00.000000000");
        // Three changes at once are over 2 MB; one at a time each fits.
        page(get(urlPathEqualTo("/changes/")).withQueryParam("n", equalTo("3")), body(List.of(small, huge1, huge2), false));
        page(get(urlPathEqualTo("/changes/")).withQueryParam("n", equalTo("1")).withQueryParam("S", equalTo("0")), body(List.of(small), true));
        page(get(urlPathEqualTo("/changes/")).withQueryParam("n", equalTo("1")).withQueryParam("S", equalTo("1")), body(List.of(huge1), true));
        page(get(urlPathEqualTo("/changes/")).withQueryParam("n", equalTo("1")).withQueryParam("S", equalTo("2")), body(List.of(huge2), false));
        LiaisonHome.Run run = home.cli("poll", ID, "--once");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=3 ");
        assertThat(run.err()).contains("review:500002: commit message of " + message.length() + " characters cut to 65536")
                .contains("too large");
        assertThat(requests()).extracting(r -> r.queryParameter("n").firstValue()).containsExactly("3", "1", "1", "1");
        try (LiaisonRuntime runtime = home.open()) {
            Item i = runtime.store().items().find("review:500001").orElseThrow();
            assertThat(i.text()).hasSizeLessThan(70_000).contains("cut to 65536");
            assertThat(i.refs()).extracting(Ref::target).contains("bug:1777777");
            assertThat(cursor(runtime).getDate("watermark").toInstant()).isEqualTo(Instant.parse("2026-11-01T10:03:00Z"));
        }
    }

    @Test
    void theDaemonPollsThroughTheGerritRoute() throws Exception {
        page(0, body(List.of(c(2, "NEW", "2026-11-01 10:02:00.000000000"), c(1, "MERGED", "2026-11-01 10:01:00.000000000")), false));
        LiaisonHome slow = home("liaison.poll.initial-delay=1500ms\n");
        try (LiaisonRuntime runtime = slow.open(); Daemon daemon = new Daemon(runtime)) {
            daemon.start();
            NotifyBuilder done = new NotifyBuilder(daemon.camelContext()).fromRoute(ID).whenDone(1).create();
            assertThat(done.matches(20, TimeUnit.SECONDS)).isTrue();
            assertThat(runtime.store().items().countBySource(ID)).isEqualTo(2);
            assertThat(runtime.store().items().find("review:500001").orElseThrow().statusRaw()).isEqualTo("MERGED");
            Date watermark = runtime.store().sourceState().cursor(ID).getDate("watermark");
            assertThat(watermark.toInstant()).isEqualTo(Instant.parse("2026-11-01T10:02:00Z"));
        }
    }
}
