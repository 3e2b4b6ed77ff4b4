package dev.liaison;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Item;
import dev.liaison.linking.NovaSpecFixtures;
import dev.liaison.story.Link;
import dev.liaison.store.LinkStore;
import dev.liaison.store.StoryStore;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The story, tracker and link commands, end to end on real stories, trackers and nova spec items. */
class StoryCommandsTest {

    static final Path TRACKERS = Path.of("src/test/resources/fixtures/linker/trackers");

    @TempDir Path dir;

    LiaisonHome homeWithSpecs() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        try (LiaisonRuntime runtime = home.open()) {
            List<Item> items = NovaSpecFixtures.items();
            runtime.store().items().upsert(items);
        }
        return home;
    }

    @Test
    void theLinkCommandLinksWhatWasStoredSinceTheLastRunAndNothingTheSecondTime() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        assertThat(home.cli("stories", "import", NovaSpecFixtures.STORIES.resolve("development-proposals").toString()).exitCode()).isZero();
        long declaredOnly;
        try (LiaisonRuntime runtime = home.open()) {
            runtime.store().items().upsert(NovaSpecFixtures.items()); // crawled after the import: nothing linked them yet
            declaredOnly = new LinkStore(runtime.store()).count();
            assertThat(new LinkStore(runtime.store()).forStory("categorized-configs")).extracting(Link::how).containsOnly(Link.DECLARED);
        }
        LiaisonHome.Run run = home.cli("link");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("link: \\d+ stories and \\d+ items linked: [1-9]\\d* new links");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(new LinkStore(runtime.store()).count()).isGreaterThan(declaredOnly);
            assertThat(new LinkStore(runtime.store()).forStory("categorized-configs")).extracting(Link::how).contains(Link.VIA);
        }
        LiaisonHome.Run again = home.cli("link");
        assertThat(again.out()).contains("0 new links, 0 changed, 0 events");
    }

    @Test
    void importsStoriesOnceAndLinksThemToTheItemsTheyCite() throws Exception {
        LiaisonHome home = homeWithSpecs();
        LiaisonHome.Run run = home.cli("stories", "import", NovaSpecFixtures.STORIES.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("112 file(s) read").contains("0 file(s) failed");
        try (LiaisonRuntime runtime = home.open()) {
            StoryStore stories = new StoryStore(runtime.store());
            assertThat(stories.find("rolling-upgrades").orElseThrow().state()).isEqualTo("tracked");
            assertThat(stories.find("capacity-management").orElseThrow().aliases())
                    .as("capacity_management.rst and capacity-management.rst are one story").isNotNull();
            assertThat(stories.count()).isLessThan(112);
        }
        LiaisonHome.Run again = home.cli("stories", "import", NovaSpecFixtures.STORIES.toString());
        assertThat(again.out()).contains(" 0 new, 0 changed,").contains("links: 0 new, 0 changed");
        long eventsBefore;
        try (LiaisonRuntime runtime = home.open()) {
            eventsBefore = runtime.store().events().count();
        }
        home.cli("stories", "import", NovaSpecFixtures.STORIES.toString());
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().events().count()).as("re-running on unchanged data creates no event").isEqualTo(eventsBefore);
        }

        LiaisonHome.Run links = home.cli("links", "categorized-configs");
        assertThat(links.exitCode()).as(links.err()).isZero();
        assertThat(links.out()).contains("categorized-configs  Categorized Configuration  [proposed]")
                .contains("    spec:nova/centralize-config-options  declared suggested 0.95  status implemented")
                .contains("Centralize Config Options")
                // a via link's confidence is the share of via links judged right (the calibration table)
                .contains("bp:nova/centralize-config-options  via suggested " + String.format(java.util.Locale.ROOT, "%.2f",
                        dev.liaison.linking.Calibration.standard().confidence("via", 0, dev.liaison.linking.Linker.VIA_CONFIDENCE)))
                .contains("(via spec:nova/centralize-config-options)");
    }

    @Test
    void importsEveryRealTrackerOrSaysWhyNot_thenExportsTheSameLinks() throws Exception {
        LiaisonHome home = homeWithSpecs();
        home.cli("stories", "import", NovaSpecFixtures.STORIES.toString());
        LiaisonHome.Run run = home.cli("trackers", "import", TRACKERS.toString());
        assertThat(run.exitCode()).as("two real files are broken: " + run.err()).isEqualTo(1);
        assertThat(run.out())
                .contains("OK categorized-configs@d6e8516ba5.json: story categorized-configs, 1 declared link(s)")
                .contains("OK sample-tracker@fe57619e9f.json: story rolling-upgrades")
                .contains("FAILED user-story-tracker@e69de29bb2.json: the file is empty")
                .contains("FAILED user-story-tracker@50addd07a5.json: not valid JSON")
                .contains("FAILED user-story-tracker@dd89839d43.json: names no story");
        try (LiaisonRuntime runtime = home.open()) {
            Link l = new LinkStore(runtime.store()).find("categorized-configs", "spec:nova/centralize-config-options").orElseThrow();
            assertThat(l.how()).isEqualTo(Link.DECLARED);
            assertThat(l.state()).isEqualTo(Link.CONFIRMED);
            assertThat(l.trackerStatus()).isEqualTo("complete");
            assertThat(runtime.store().events().count("link.confirmed")).isPositive();
        }

        Path out = dir.resolve("rolling-upgrades.json");
        LiaisonHome.Run export = home.cli("trackers", "export", "rolling-upgrades", "-o", out.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        JsonNode tracker = new ObjectMapper().readTree(out.toFile());
        assertThat(tracker.get("id").asText()).isEqualTo("rolling-upgrades");
        assertThat(tracker.at("/tasks_status/liaison/projects_status/nova/blueprints/service-version-number").asText())
                .as("the blueprint item's current status (Approved), not the tracker's").isEqualTo("pending");
        assertThat(tracker.at("/tasks_status/liaison/projects_status/keystone/blueprints/online-schema-migration").asText())
                .as("not polled: the tracker's status").isEqualTo("pending");
        assertThat(tracker.at("/tasks_status/liaison/projects_status/nova/specs")
                .get("https://specs.openstack.org/openstack/nova-specs/specs/liberty/implemented/service-version-number.html").asText())
                .as("the item's current status").isEqualTo("complete");

        List<String> before;
        try (LiaisonRuntime runtime = home.open()) {
            before = new LinkStore(runtime.store()).forStory("rolling-upgrades").stream()
                    .filter(l -> !l.how().equals(Link.SIMILAR)).map(Link::item).sorted().toList();
        }
        LiaisonHome fresh = new LiaisonHome(Files.createDirectories(dir.resolve("fresh")));
        LiaisonHome.Run back = fresh.cli("trackers", "import", out.toString());
        assertThat(back.exitCode()).as(back.out() + back.err()).isZero();
        try (LiaisonRuntime runtime = fresh.open()) {
            assertThat(new LinkStore(runtime.store()).forStory("rolling-upgrades")).extracting(Link::item)
                    .containsExactlyInAnyOrderElementsOf(before);
        }
    }

    @Test
    void confirmAndRejectStickAndTheListIsGroupedWithEvidence() throws Exception {
        LiaisonHome home = homeWithSpecs();
        home.cli("stories", "import", NovaSpecFixtures.STORIES.resolve("development-proposals/proposed").toString());
        LiaisonHome.Run reject = home.cli("links", "reject", "categorized-configs", "bp:nova/centralize-config-options");
        assertThat(reject.out()).contains("rejected");
        LiaisonHome.Run confirm = home.cli("links", "confirm", "categorized-configs", "spec:nova/centralize-config-options");
        assertThat(confirm.out()).contains("categorized-configs - spec:nova/centralize-config-options: confirmed");
        assertThat(home.cli("links", "confirm", "categorized-configs", "spec:nova/centralize-config-options").out())
                .contains("already confirmed");
        assertThat(home.cli("links", "confirm", "categorized-configs", "bug:1234567").out()).contains("confirmed");

        // A re-import (the story text changed) must neither resurrect the rejected link nor drop the confirmed one.
        Path changed = dir.resolve("stories/proposed/categorized-configs.rst");
        Files.createDirectories(changed.getParent());
        Files.writeString(changed, Files.readString(NovaSpecFixtures.STORIES.resolve("development-proposals/proposed/categorized-configs.rst"))
                .replace("Operators currently", "Operators today"));
        LiaisonHome.Run reimport = home.cli("stories", "import", changed.getParent().toString());
        assertThat(reimport.out()).as(reimport.err()).contains("1 changed");

        LiaisonHome.Run json = home.cli("links", "categorized-configs", "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.out());
        JsonNode bps = doc.at("/projects/nova/blueprint");
        assertThat(bps.findValuesAsText("item")).contains("bp:nova/centralize-config-options");
        for (JsonNode l : bps) {
            if (l.get("item").asText().equals("bp:nova/centralize-config-options")) {
                assertThat(l.get("state").asText()).isEqualTo("rejected");
            }
        }
        JsonNode spec = null;
        for (JsonNode l : doc.at("/projects/nova/spec")) {
            if (l.get("item").asText().equals("spec:nova/centralize-config-options")) {
                spec = l;
            }
        }
        assertThat(spec.get("item").asText()).isEqualTo("spec:nova/centralize-config-options");
        assertThat(spec.get("state").asText()).isEqualTo("confirmed");
        assertThat(spec.get("how").asText()).isEqualTo("declared");
        assertThat(spec.get("evidence").get(0).get("snippet").asText()).contains("centralize-config-options");
        assertThat(doc.at("/projects/(no project)/bug/0/how").asText()).isEqualTo("manual");

        assertThat(home.cli("links", "no-such-story").exitCode()).isEqualTo(2);
        assertThat(home.cli("stories", "import", dir.resolve("missing").toString()).err()).contains("does not exist");
    }

    @Test
    void theBestTenSimilarSuggestionsShownAreTheMostSimilarNotTheFirstByName() {
        // Twelve suggestions of one calibrated band (same confidence): the two hidden are the two least similar.
        List<Link> all = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            double score = 0.30 + 0.005 * ((i * 5) % 12);
            all.add(new Link("s", String.format("spec:nova/s%02d", i), Link.SIMILAR, 0.60, Link.SUGGESTED, "nova", "spec", null,
                    List.of(new dev.liaison.story.Evidence(Link.SIMILAR, String.format(java.util.Locale.ROOT, "text similarity %.3f", score), "index", null))));
        }
        all.add(new Link("s", "bp:nova/declared", Link.DECLARED, 1.0, Link.SUGGESTED, "nova", "blueprint", null, List.of()));
        List<Link> shown = StoryCommands.Links.shown(all);
        assertThat(shown).hasSize(11).extracting(Link::item).contains("bp:nova/declared");
        assertThat(all).filteredOn(l -> !shown.contains(l)).extracting(Link::similarity).containsExactlyInAnyOrder(0.30, 0.305);
    }
}
