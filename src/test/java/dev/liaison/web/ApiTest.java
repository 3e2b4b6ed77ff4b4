package dev.liaison.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.liaison.store.Store;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of the REST API, with good and bad input, against a running daemon. */
class ApiTest {

    @TempDir static Path dir;
    static WebFixture web;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        web = new WebFixture(dir);
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return JSON.readTree(r.body());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void storiesAreListedWithFiltersPaginationAndLinkCounts() throws Exception {
        JsonNode all = json(web.get("/api/stories"));
        assertThat(all.get("total").asInt()).isEqualTo(2);
        JsonNode rolling = all.get("items").get(1);
        assertThat(rolling.get("id").asText()).isEqualTo("rolling-upgrades");
        assertThat(rolling.get("links").get("confirmed").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(rolling.get("links").get("suggested").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(json(web.get("/api/stories?project=cinder")).get("total").asInt()).isEqualTo(1);
        assertThat(json(web.get("/api/stories?organisation=acme%20cloud")).get("total").asInt()).isEqualTo(2);
        assertThat(json(web.get("/api/stories?organisation=Example%20Telco")).get("total").asInt()).isEqualTo(1);
        assertThat(json(web.get("/api/stories?state=parked")).get("total").asInt()).isZero();
        JsonNode page = json(web.get("/api/stories?limit=1&offset=1"));
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("total").asInt()).isEqualTo(2);
        HttpResponse<String> bad = web.get("/api/stories?limit=100000");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("error").asText()).contains("'limit' must be a whole number from 0 to 500");
    }

    @Test
    void oneStoryHasItsLinksGroupedByProjectAndKindWithEvidenceAndItsGaps() throws Exception {
        JsonNode story = json(web.get("/api/stories/rolling-upgrades"));
        assertThat(story.get("title").asText()).isEqualTo("Rolling upgrades");
        JsonNode bp = story.get("links").get("nova").get("blueprint").get(0);
        assertThat(bp.get("item").asText()).isEqualTo("bp:nova/online-schema-changes");
        assertThat(bp.get("status").asText()).isEqualTo("Implemented");
        assertThat(bp.get("how").asText()).isEqualTo("declared");
        assertThat(bp.get("evidence").get(0).get("snippet").asText()).isEqualTo("tracker lists it");
        assertThat(story.get("links").get("product-wg").get("mail")).hasSize(1);
        assertThat(story.get("gaps")).extracting(JsonNode::asText).containsExactly("cinder", "neutron");
        HttpResponse<String> missing = web.get("/api/stories/no-such-story");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("error").asText()).isEqualTo("no story 'no-such-story'");

        JsonNode tracker = json(web.get("/api/stories/rolling-upgrades/tracker"));
        assertThat(tracker.toString()).contains("online-schema-changes");
    }

    @Test
    void writesNeedTheApiToken() throws Exception {
        String body = "{\"story\":\"rolling-upgrades\",\"item\":\"bug:1521928\"}";
        HttpResponse<String> none = web.send("POST", "/api/links/confirm", body, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).get("error").asText()).contains("needs an API token");
        assertThat(web.send("POST", "/api/links/confirm", body, "wrong-token").statusCode()).isEqualTo(403);
        assertThat(web.send("GET", "/api/subscribers", null, null).statusCode()).isEqualTo(401);
        assertThat(web.send("PUT", "/api/priorities/ACME", "[]", "nope").statusCode()).isEqualTo(403);
    }

    @Test
    void confirmRejectAndAddLinksAreRecordedWithWhoAndWhen() throws Exception {
        HttpResponse<String> confirmed = web.send("POST", "/api/links/confirm",
                "{\"story\":\"rolling-upgrades\",\"item\":\"spec:nova/online-schema-changes\"}", WebFixture.TOKEN);
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        assertThat(json(confirmed).get("state").asText()).isEqualTo("confirmed");
        Document link = web.runtime.store().collection(Store.LINKS).find(new Document("_id",
                "rolling-upgrades|spec:nova/online-schema-changes")).first();
        assertThat(link.getString("state")).isEqualTo("confirmed");
        assertThat(link.getString("reviewedBy")).isEqualTo("api");
        assertThat(link.getDate("reviewedAt")).isNotNull();
        assertThat(web.runtime.store().events().count("link.confirmed")).isGreaterThanOrEqualTo(1);

        HttpResponse<String> rejected = web.send("POST", "/api/links/reject",
                "{\"story\":\"evil-story\",\"item\":\"bug:1521928\"}", WebFixture.TOKEN);
        assertThat(rejected.statusCode()).isEqualTo(200);
        JsonNode queue = json(web.get("/api/links/suggested"));
        assertThat(queue.get("items").findValuesAsText("story")).doesNotContain("evil-story");
        assertThat(queue.get("items").get(0).get("confidence").asDouble())
                .isGreaterThanOrEqualTo(queue.get("items").get(queue.get("items").size() - 1).get("confidence").asDouble());

        HttpResponse<String> added = web.send("POST", "/api/links",
                "{\"story\":\"rolling-upgrades\",\"url\":\"https://review.opendev.org/c/openstack/nova/+/876543\"}", WebFixture.TOKEN);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(json(added).get("item").asText()).isEqualTo("review:876543");
        assertThat(json(web.get("/api/stories/rolling-upgrades")).toString()).contains("review:876543");

        assertThat(web.send("POST", "/api/links", "{\"story\":\"rolling-upgrades\",\"url\":\"https://example.org/x\"}", WebFixture.TOKEN)
                .statusCode()).isEqualTo(400);
        assertThat(web.send("POST", "/api/links/confirm", "{not json", WebFixture.TOKEN).statusCode()).isEqualTo(400);
        assertThat(web.send("POST", "/api/links/confirm", "{\"story\":\"rolling-upgrades\"}", WebFixture.TOKEN).statusCode()).isEqualTo(400);
        assertThat(web.send("POST", "/api/links/confirm", "{\"story\":\"nope\",\"item\":\"bug:1\"}", WebFixture.TOKEN).statusCode()).isEqualTo(404);
        assertThat(web.send("POST", "/api/links/confirm", "{\"story\":\"rolling-upgrades\",\"item\":\"bug:1\"}", WebFixture.TOKEN).statusCode())
                .isEqualTo(404);
    }

    @Test
    void itemsAreSearchableAndOneItemShowsItsStories() throws Exception {
        JsonNode specs = json(web.get("/api/items?kind=spec&q=schema"));
        assertThat(specs.get("total").asInt()).isEqualTo(1);
        assertThat(json(web.get("/api/items?project=nova&kind=spec")).get("total").asInt()).isEqualTo(1);
        assertThat(json(web.get("/api/items?project=product-wg")).get("total").asInt()).isEqualTo(1);
        assertThat(json(web.get("/api/items?q=" + enc(".*"))).get("total").asInt()).as("q is text, not a pattern").isZero();
        JsonNode bug = json(web.get("/api/items/" + enc("bug:1521928")));
        assertThat(bug.get("title").asText()).isEqualTo("Upgrade fails <b>bold</b>");
        assertThat(bug.get("stories").findValuesAsText("story")).contains("rolling-upgrades");
        assertThat(web.get("/api/items/" + enc("bug:999")).statusCode()).isEqualTo(404);
        JsonNode spec = json(web.get("/api/items/" + enc("spec:nova/online-schema-changes")));
        assertThat(spec.get("kind").asText()).isEqualTo("spec");
    }

    @Test
    void aNewOrChangedItemShowsInTheListsWithinSeconds() throws Exception {
        assertThat(json(web.get("/api/items?q=Brand%20new")).get("total").asInt()).isZero();
        web.runtime.store().items().upsert(java.util.List.of(dev.liaison.item.Item.builder("bug:2000001", "bug").project("nova")
                .title("Brand new bug").status("open", "New").build()));
        JsonNode found = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            found = json(web.get("/api/items?q=Brand%20new"));
            if (found.get("total").asInt() == 1) {
                break;
            }
            Thread.onSpinWait();
        }
        assertThat(found.get("total").asInt()).isEqualTo(1);
        assertThat(found.get("items").get(0).get("status").asText()).isEqualTo("open");
        web.runtime.store().items().upsert(java.util.List.of(dev.liaison.item.Item.builder("bug:2000001", "bug").project("nova")
                .title("Brand new bug").status("fixed", "Fix Released").build()));
        deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !"fixed".equals(found.get("items").get(0).get("status").asText())) {
            found = json(web.get("/api/items?q=Brand%20new"));
        }
        assertThat(found.get("items").get(0).get("statusRaw").asText()).isEqualTo("Fix Released");
        assertThat(json(web.get("/api/events?type=item.status")).get("items").findValuesAsText("item")).contains("bug:2000001");
    }

    @Test
    void eventsAndSourcesAreReadable() throws Exception {
        JsonNode events = json(web.get("/api/events?type=item.new&limit=2"));
        assertThat(events.get("total").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(events.get("items")).hasSize(2);
        assertThat(json(web.get("/api/events?since=2999-01-01T00:00:00Z")).get("total").asInt()).isZero();
        assertThat(web.get("/api/events?since=yesterday").statusCode()).isEqualTo(400);
        assertThat(json(web.get("/api/sources")).get("total").asInt()).isZero();
        assertThat(web.get("/api/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void subscribersAreManagedWithTheApiTokenOrTheirOwnToken() throws Exception {
        String body = "{\"address\":\"pm@example.org\",\"timezone\":\"Europe/Paris\",\"hour\":9,\"stories\":[\"rolling-upgrades\"]}";
        HttpResponse<String> created = web.send("POST", "/api/subscribers", body, WebFixture.TOKEN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String token = json(created).get("token").asText();
        assertThat(token).hasSizeGreaterThan(20);
        assertThat(web.send("POST", "/api/subscribers", body, WebFixture.TOKEN).statusCode()).isEqualTo(409);
        assertThat(web.send("POST", "/api/subscribers", "{\"address\":\"x@example.org\",\"timezone\":\"Mars/Base\"}", WebFixture.TOKEN)
                .statusCode()).isEqualTo(400);
        assertThat(web.send("POST", "/api/subscribers", "{\"address\":\"y@example.org\",\"stories\":[\"nope\"]}", WebFixture.TOKEN)
                .body()).contains("unknown story 'nope'");
        assertThat(json(web.send("GET", "/api/subscribers", null, WebFixture.TOKEN)).get("total").asInt()).isEqualTo(1);
        assertThat(json(web.send("GET", "/api/subscribers/pm@example.org", null, WebFixture.TOKEN)).has("token"))
                .as("the token is shown once, at creation").isFalse();

        JsonNode mine = json(web.get("/api/subscription/" + token));
        assertThat(mine.get("timezone").asText()).isEqualTo("Europe/Paris");
        HttpResponse<String> changed = web.send("PUT", "/api/subscription/" + token, "{\"hour\":7,\"timezone\":\"UTC\",\"projects\":[\"nova\"]}", null);
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(json(changed).get("hour").asInt()).isEqualTo(7);
        assertThat(json(changed).get("stories")).as("a partial PUT changes only what it names")
                .extracting(JsonNode::asText).containsExactly("rolling-upgrades");
        assertThat(json(changed).get("origin").asText()).isEqualTo("person");
        HttpResponse<String> onlyName = web.send("PUT", "/api/subscription/" + token, "{\"name\":\"PM\"}", null);
        assertThat(json(onlyName).get("hour").asInt()).isEqualTo(7);
        assertThat(json(onlyName).get("timezone").asText()).isEqualTo("UTC");
        assertThat(json(onlyName).get("projects")).extracting(JsonNode::asText).containsExactly("nova");
        assertThat(web.send("PUT", "/api/subscription/" + token, "{\"address\":\"other@example.org\"}", null).statusCode())
                .isEqualTo(400);
        HttpResponse<String> page = web.get("/subscription/" + token);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("value=\"UTC\"").contains("value=\"7\"");
        assertThat(web.get("/api/subscription/not-a-token-at-all-0000").statusCode()).isEqualTo(404);
        assertThat(web.send("DELETE", "/api/subscription/" + token, null, null).statusCode()).isEqualTo(204);
        assertThat(json(web.get("/api/subscription/" + token)).get("digest").asBoolean()).isFalse();

        assertThat(web.send("PUT", "/api/subscribers/pm@example.org", "{\"hour\":5}", WebFixture.TOKEN).statusCode()).isEqualTo(200);
        assertThat(web.send("DELETE", "/api/subscribers/pm@example.org", null, WebFixture.TOKEN).statusCode()).isEqualTo(204);
        assertThat(web.send("DELETE", "/api/subscribers/pm@example.org", null, WebFixture.TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void organisationPrioritiesAreReadAndSetAndAggregated() throws Exception {
        JsonNode before = json(web.get("/api/priorities"));
        assertThat(before.get("organisations").get("ACME Cloud")).extracting(JsonNode::asText).containsExactly("rolling-upgrades", "evil-story");
        assertThat(before.get("aggregate").get(0).get("story").asText()).isEqualTo("rolling-upgrades");
        HttpResponse<String> set = web.send("PUT", "/api/priorities/Example%20Telco", "[\"evil-story\",\"rolling-upgrades\"]", WebFixture.TOKEN);
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        JsonNode after = json(web.get("/api/priorities"));
        assertThat(after.get("organisations").get("Example Telco")).extracting(JsonNode::asText).containsExactly("evil-story", "rolling-upgrades");
        assertThat(web.send("PUT", "/api/priorities/X", "[\"nope\"]", WebFixture.TOKEN).statusCode()).isEqualTo(400);
        assertThat(web.send("PUT", "/api/priorities/X", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]", WebFixture.TOKEN).statusCode()).isEqualTo(400);
    }

    @Test
    void tooLargeBodiesAreRefused() throws Exception {
        String huge = "{\"story\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertThat(web.send("POST", "/api/links/confirm", huge, WebFixture.TOKEN).statusCode()).isEqualTo(413);
    }

    @Test
    void theOpenApiDescriptionListsTheEndpoints() throws Exception {
        JsonNode api = JSON.readTree(web.get("/api/openapi.json").body());
        assertThat(api.get("openapi").asText()).startsWith("3.");
        assertThat(api.get("paths").has("/api/stories/{id}")).isTrue();
        assertThat(api.get("paths").get("/api/links/confirm").has("post")).isTrue();
    }
}
