package dev.liaison.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review queue through the API, on a fixture of its own: filters, paging, unfetched items, the bulk confirm. */
class ReviewQueueApiTest {

    @TempDir static Path dir;
    static WebFixture web;

    @BeforeAll
    static void start() throws Exception {
        web = new WebFixture(dir);
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void theReviewQueueIsFilteredByStoryProjectKindAndHowAndPaged() throws Exception {
        // A story of its own, so the other tests' decisions do not change what this one counts.
        java.time.Instant now = storeStory("queue-story", "Queue story");
        new dev.liaison.store.LinkStore(web.runtime.store()).propose(java.util.List.of(
                link("queue-story", "bug:1521928", dev.liaison.story.Link.MENTIONED, 0.3, "nova", "bug"),
                link("queue-story", "spec:nova/online-schema-changes", dev.liaison.story.Link.VIA, 0.6, "nova", "spec"),
                link("queue-story", "mail:product-wg/2015-August/000123", dev.liaison.story.Link.MENTIONED, 0.5, "product-wg", "mail"),
                link("queue-story", "bug:7777777", dev.liaison.story.Link.MENTIONED, 0.2, null, "bug"),
                link("queue-story", "bp:nova/named-in-text", dev.liaison.story.Link.DECLARED, 1.0, "nova", "blueprint")), now);
        JsonNode mine = json(web.get("/api/links/suggested?story=queue-story"));
        assertThat(mine.get("items").findValuesAsText("story")).containsOnly("queue-story");
        assertThat(mine.get("items").get(0).get("item").asText()).as("best first").isEqualTo("bp:nova/named-in-text");
        assertThat(json(web.get("/api/links/suggested?story=queue-story&kind=bug")).get("total").asInt()).isEqualTo(2);
        assertThat(json(web.get("/api/links/suggested?story=queue-story&how=via")).get("items").get(0).get("item").asText())
                .isEqualTo("spec:nova/online-schema-changes");
        assertThat(json(web.get("/api/links/suggested?story=queue-story&project=product-wg")).get("total").asInt()).isEqualTo(1);
        JsonNode second = json(web.get("/api/links/suggested?story=queue-story&limit=2&offset=2"));
        assertThat(second.get("total").asInt()).isEqualTo(5);
        assertThat(second.get("items")).hasSize(2);
        JsonNode unfetched = json(web.get("/api/links/suggested?story=queue-story&limit=1&offset=4")).get("items").get(0);
        assertThat(unfetched.get("item").asText()).isEqualTo("bug:7777777");
        assertThat(unfetched.get("fetched").asBoolean()).isFalse();
        assertThat(unfetched.get("url").asText()).isEqualTo("https://bugs.launchpad.net/bugs/7777777");
        JsonNode spec = json(web.get("/api/links/suggested?story=queue-story&how=via")).get("items").get(0);
        assertThat(spec.get("fetched").asBoolean()).isTrue();
        assertThat(spec.get("project").asText()).isEqualTo("nova");

        HttpResponse<String> bulk = web.send("POST", "/api/links/confirm-declared", "{\"story\":\"queue-story\"}", WebFixture.TOKEN);
        assertThat(web.send("POST", "/api/links/confirm-declared", "{\"story\":\"queue-story\"}", null).statusCode()).isEqualTo(401);
        assertThat(web.send("POST", "/api/links/confirm-declared", "{\"story\":\"nope\"}", WebFixture.TOKEN).statusCode()).isEqualTo(404);
        assertThat(bulk.statusCode()).as(bulk.body()).isEqualTo(200);
        assertThat(json(bulk).get("confirmed")).extracting(JsonNode::asText).containsExactly("bp:nova/named-in-text");
        assertThat(new dev.liaison.store.LinkStore(web.runtime.store()).find("queue-story", "bp:nova/named-in-text").orElseThrow().state())
                .isEqualTo("confirmed");
    }

    @Test
    void withinOneConfidenceBandTheMoreSimilarTextComesFirst() throws Exception {
        // Every similar link of one calibrated band has the same confidence; its stated score, not its id, orders it.
        java.time.Instant now = storeStory("band-story", "Band story");
        new dev.liaison.store.LinkStore(web.runtime.store()).propose(java.util.List.of(
                similar("band-story", "spec:nova/aaa-weakest", 0.31),
                similar("band-story", "spec:nova/bbb-strongest", 0.38),
                similar("band-story", "spec:nova/ccc-middle", 0.35),
                link("band-story", "bp:nova/zzz-via", dev.liaison.story.Link.VIA, 0.78, "nova", "blueprint")), now);
        JsonNode queue = json(web.get("/api/links/suggested?story=band-story"));
        assertThat(queue.get("items").findValuesAsText("item")).containsExactly(
                "bp:nova/zzz-via", "spec:nova/bbb-strongest", "spec:nova/ccc-middle", "spec:nova/aaa-weakest");
    }

    /** Stores a proposed nova story of this test's own; returns the time it was stored at. */
    static java.time.Instant storeStory(String slug, String title) {
        java.time.Instant now = java.time.Instant.now();
        new dev.liaison.store.StoryStore(web.runtime.store()).upsert(java.util.List.of(new dev.liaison.story.Story(slug, title, "text",
                "proposed", java.util.List.of("nova"), java.util.List.of(), java.util.List.of(), java.util.List.of(),
                java.util.List.of(), "fixture")), now);
        return now;
    }

    static dev.liaison.story.Link similar(String story, String item, double score) {
        return new dev.liaison.story.Link(story, item, dev.liaison.story.Link.SIMILAR, 0.60, dev.liaison.story.Link.SUGGESTED, "nova",
                "spec", null, java.util.List.of(new dev.liaison.story.Evidence(dev.liaison.story.Link.SIMILAR,
                        "text similarity " + score + " (whole story)", "index", null)));
    }

    static dev.liaison.story.Link link(String story, String item, String how, double confidence, String project, String kind) {
        return new dev.liaison.story.Link(story, item, how, confidence, dev.liaison.story.Link.SUGGESTED, project, kind, null,
                java.util.List.of(new dev.liaison.story.Evidence(how, "why", "text", null)));
    }

    /** The queue answer once it counts {@code expected} rows (the pages' link cache is a few seconds old at most). */
    JsonNode awaitJson(String path, int expected) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode j = json(web.get(path));
        while (j.get("total").asInt() != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            j = json(web.get(path));
        }
        assertThat(j.get("total").asInt()).isEqualTo(expected);
        return j;
    }

}
