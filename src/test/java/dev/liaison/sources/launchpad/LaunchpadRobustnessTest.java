package dev.liaison.sources.launchpad;

import dev.liaison.store.LaunchpadDetailQueue;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * launchpad-bugs against a misbehaving server: 5xx and timeouts mid-pagination (resume from the
 * stored page, nothing lost, nothing doubled), 429 with Retry-After, malformed and truncated
 * pages, entries with missing fields, and a next_collection_link to another host.
 */
class LaunchpadRobustnessTest {

    @TempDir Path dir;
    WireMockServer server;
    LiaisonHome home;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        home = new LiaisonHome(dir).properties("liaison.fetch.read-timeout=1s\nliaison.fetch.retries=1\n").sources("""
                sources:
                  - id: nova-bugs
                    kind: launchpad-bugs
                    url: http://127.0.0.1:%d/devel/nova
                    schedule: 30m
                    project: nova
                    page-size: 3
                    fetch-details: false
                """.formatted(server.port()));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    String base() {
        return "http://127.0.0.1:" + server.port() + "/devel";
    }

    /** A page of real-shaped bug task entries for these bug numbers. */
    String page(String next, long... bugs) throws Exception {
        JsonNode real = LaunchpadParsersTest.fixture("stackalytics-bug-task-entries.json").get("entries").get("BUG");
        List<JsonNode> entries = new ArrayList<>();
        for (long n : bugs) {
            ObjectNode e = real.deepCopy();
            e.put("bug_link", base() + "/bugs/" + n);
            e.put("self_link", base() + "/nova/+bug/" + n);
            e.put("bug_target_name", "nova");
            e.put("title", "Bug #" + n + " in OpenStack Compute (nova): \"Problem " + n + "\"");
            e.put("web_link", "https://bugs.launchpad.net/nova/+bug/" + n);
            entries.add(e);
        }
        ObjectNode p = (ObjectNode) FakeLaunchpad.JSON.readTree(LaunchpadParsersTest.page(entries.toArray(JsonNode[]::new)));
        if (next != null) {
            p.put("next_collection_link", next);
        }
        return FakeLaunchpad.JSON.writeValueAsString(p);
    }

    MappingBuilder firstPage() {
        return get(urlPathEqualTo("/devel/nova")).withQueryParam("ws.op", equalTo("searchTasks")).withQueryParam("ws.start", absent());
    }

    MappingBuilder secondPage() {
        return get(urlPathEqualTo("/devel/nova")).withQueryParam("ws.start", equalTo("3"));
    }

    String secondLink() {
        return base() + "/nova?ws.op=searchTasks&ws.size=3&ws.start=3";
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    int requests(MappingBuilder m) {
        return server.countRequestsMatching(RequestPatternBuilder.like(m.build().getRequest()).build()).getCount();
    }

    void assertStored(int items, int newEvents) throws Exception {
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().countBySource("nova-bugs")).isEqualTo(items);
            assertThat(runtime.store().events().count(Event.ITEM_NEW)).isEqualTo(newEvents);
        }
    }

    void failsThenResumes(ResponseDefinitionBuilder failure, String expectedError) throws Exception {
        server.stubFor(firstPage().willReturn(json(page(secondLink(), 1001, 1002, 1003))));
        server.stubFor(secondPage().willReturn(failure));

        LiaisonHome.Run failed = home.cli("poll", "nova-bugs", "--once");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).contains(expectedError);
        // Bug 1003, the first page's last, could have more tasks on the failed page: it waits for them.
        assertStored(2, 2);
        LiaisonHome.Run status = home.cli("status");
        assertThat(status.out()).contains("last error:").contains(expectedError);

        int firstPageReads = requests(firstPage());
        server.stubFor(secondPage().willReturn(json(page(null, 1004, 1005))));
        LiaisonHome.Run resumed = home.cli("poll", "nova-bugs", "--once");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("items new=3 changed=0 unchanged=2 requests=2 ");
        assertThat(requests(firstPage())).as("the page where the waiting bug began is read once more").isEqualTo(firstPageReads + 1);
        assertStored(5, 5);

        // The next pass starts from the watermark; the same answer again doubles nothing.
        server.resetRequests();
        server.stubFor(firstPage().willReturn(json(page(null, 1001, 1002, 1003, 1004, 1005))));
        LiaisonHome.Run again = home.cli("poll", "nova-bugs", "--once");
        assertThat(again.out()).contains("items new=0 changed=0 unchanged=5");
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo("/devel/nova"))).get(0).queryParameter("modified_since").isPresent())
                .isTrue();
        assertStored(5, 5);
    }

    @Test
    void serverErrorMidPaginationResumesFromTheStoredPage() throws Exception {
        failsThenResumes(aResponse().withStatus(503), "HTTP 503");
    }

    @Test
    void timeoutMidPaginationResumesFromTheStoredPage() throws Exception {
        failsThenResumes(json("{\"entries\": []}").withFixedDelay(4000), "no answer within 1000 ms");
    }

    @Test
    void truncatedPageIsAClearErrorAndTheNextPollResumes() throws Exception {
        failsThenResumes(json("{\"total_size\": 5, \"entries\": [{\"bug_link\": \"http://x/bugs/1"), "not valid JSON");
    }

    @Test
    void tooManyRequestsIsRetriedAfterRetryAfter() throws Exception {
        server.stubFor(firstPage().willReturn(json(page(secondLink(), 1001, 1002, 1003))));
        server.stubFor(secondPage().inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("ok"));
        server.stubFor(secondPage().inScenario("busy").whenScenarioStateIs("ok").willReturn(json(page(null, 1004))));
        LiaisonHome.Run run = home.cli("poll", "nova-bugs", "--once");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=4 ").contains("requests=3 ");
        assertThat(requests(secondPage())).isEqualTo(2);
        assertStored(4, 4);
    }

    @Test
    void entriesWithMissingFieldsAreRecordedAndTheRestIsStored() throws Exception {
        ObjectNode p = (ObjectNode) FakeLaunchpad.JSON.readTree(page(null, 1001, 1002));
        ((com.fasterxml.jackson.databind.node.ArrayNode) p.get("entries")).insertObject(1).put("title", "no links at all");
        ((com.fasterxml.jackson.databind.node.ArrayNode) p.get("entries")).add("not an object");
        server.stubFor(firstPage().willReturn(json(FakeLaunchpad.JSON.writeValueAsString(p))));
        LiaisonHome.Run run = home.cli("poll", "nova-bugs", "--once");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=2 ").contains("errors=2 ");
        assertThat(run.err()).contains("bug task 2: bug task without a bug number").contains("bug task 4: entry is not a JSON object");
        assertStored(2, 2);
    }

    @Test
    void nextLinkToAnotherHostIsRefused() throws Exception {
        server.stubFor(firstPage().willReturn(json(page("http://evil.example.org/devel/nova?ws.op=searchTasks&ws.start=3", 1001, 1002, 1003))));
        LiaisonHome.Run run = home.cli("poll", "nova-bugs", "--once");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("refused collection link to another host: http://evil.example.org/");
        assertStored(2, 2);
        try (LiaisonRuntime runtime = home.open()) {
            Document pass = runtime.store().sourceState().cursor("nova-bugs").get("pass", Document.class);
            // The pass resumes on the first page, where bug 1003 (waiting for its next page) began;
            // the link to the other host is refused again from there, never followed.
            assertThat(pass.getString("next")).startsWith(base() + "/nova?").doesNotContain("ws.start");
            assertThat(runtime.store().sourceState().cursor("nova-bugs").get("watermark")).as("watermark not moved").isNull();
        }
    }

    @Test
    void failedDetailRequestsStayQueuedAndMissingBugsAreDropped() throws Exception {
        home.sources("""
                sources:
                  - id: nova-bugs
                    kind: launchpad-bugs
                    url: http://127.0.0.1:%d/devel/nova
                    schedule: 30m
                    project: nova
                    detail-rate: 60000
                """.formatted(server.port()));
        server.stubFor(firstPage().willReturn(json(page(null, 1001, 1002, 1003))));
        server.stubFor(get(urlPathEqualTo("/devel/bugs/1001")).willReturn(json(
                "{\"id\": 1001, \"description\": \"Closes-Bug: #999999\", \"tags\": [\"api\"]}")));
        server.stubFor(get(urlPathEqualTo("/devel/bugs/1002")).willReturn(aResponse().withStatus(404)));
        server.stubFor(get(urlPathEqualTo("/devel/bugs/1003")).willReturn(aResponse().withStatus(500)));

        LiaisonHome.Run run = home.cli("poll", "nova-bugs", "--once");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("poll nova-bugs background: items new=0 changed=1 ");
        assertThat(run.err()).containsOnlyOnce("background error: fetch " + base() + "/bugs/1002: http status - HTTP 404\n")
                .containsOnlyOnce("background error: fetch " + base() + "/bugs/1003: http status - HTTP 500 (after 2 attempts)");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().find("bug:1001").orElseThrow().refs()).extracting(r -> r.target())
                    .containsExactly("bug:999999");
            List<Document> queued = runtime.store().collection(LaunchpadDetailQueue.COLLECTION).find().into(new ArrayList<>());
            assertThat(queued).singleElement().satisfies(d -> {
                assertThat(d.getString("item")).isEqualTo("bug:1003");
                assertThat(d.getInteger("attempts")).isEqualTo(1);
                assertThat(d.getString("lastError")).contains("HTTP 500");
            });
        }
        // The detail failures reach status, /health (and /sources, which shows the same report) and the metrics.
        LiaisonHome.Run status = home.cli("status");
        assertThat(status.out()).contains("background: 2 error(s) in the run of ").contains("HTTP 404");
        try (LiaisonRuntime runtime = home.open()) {
            var report = new dev.liaison.web.HealthReport(runtime.store(), runtime.sources(), runtime.kinds(), 3).report();
            assertThat((List<?>) report.get("sources")).singleElement().satisfies(o -> {
                Map<?, ?> source = (Map<?, ?>) o;
                Map<?, ?> background = (Map<?, ?>) source.get("background");
                assertThat(background.get("errors")).isEqualTo(2L);
                assertThat(background.get("failed")).isEqualTo(false);
                assertThat(String.valueOf(background.get("lastErrorMessage"))).contains("/bugs/1002").contains("HTTP 404");
            });
            dev.liaison.sources.PollStats drained = new dev.liaison.sources.PollStats();
            drained.error("detail bug:1003", "malformed JSON");
            runtime.metrics().backgroundFinished("nova-bugs", "launchpad-bugs", true, drained);
            assertThat(runtime.metrics().scrape())
                    .contains("liaison_background_errors_total{kind=\"launchpad-bugs\",source=\"nova-bugs\"} 1.0")
                    .contains("liaison_background_runs_total{kind=\"launchpad-bugs\",outcome=\"ok\",source=\"nova-bugs\"} 1.0");
        }

        server.stubFor(get(urlPathEqualTo("/devel/bugs/1003")).willReturn(json("{\"id\": 1003, \"description\": \"now readable\"}")));
        LiaisonHome.Run again = home.cli("poll", "nova-bugs", "--once");
        assertThat(again.out()).contains("poll nova-bugs background: items new=0 changed=1 unchanged=0 requests=1 ");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().find("bug:1003").orElseThrow().text()).isEqualTo("now readable");
            assertThat(runtime.store().collection(LaunchpadDetailQueue.COLLECTION).countDocuments()).isZero();
        }
        assertThat(home.cli("status").out()).as("a clean background run clears the line").doesNotContain("background:");
    }
}
