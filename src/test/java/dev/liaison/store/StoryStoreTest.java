package dev.liaison.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoryStoreTest {

    @TempDir Path data;
    Store store;

    @BeforeEach
    void open() throws Exception {
        store = Store.open("", "liaison", data);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Story story(String id, String title, List<String> aliases) {
        return new Story(id, title, "Operators upgrade a cloud without downtime.", "proposed", List.of("nova"), List.of(), aliases,
                List.of(), List.of(), null);
    }

    private static Link link(String story, String item, String how, String state) {
        return new Link(story, item, how, 0.9, state, "nova", "spec", null, List.of(new Evidence(how, "cited", "story:" + story, null)));
    }

    @Test
    void aStoredStoryWhoseSlugBecomesAnAliasIsFoldedIntoTheOtherWithItsLinks() {
        StoryStore stories = new StoryStore(store);
        LinkStore links = new LinkStore(store);
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        stories.upsert(List.of(story("rollingupgrades", "Rolling Upgrades", List.of()), story("rolling-upgrades", "Rolling Upgrades", List.of())), now);
        links.propose(List.of(link("rollingupgrades", "spec:nova/a", Link.DECLARED, Link.SUGGESTED),
                link("rollingupgrades", "spec:nova/b", Link.DECLARED, Link.SUGGESTED),
                link("rolling-upgrades", "spec:nova/b", Link.DECLARED, Link.SUGGESTED)), now);
        links.confirm("rollingupgrades", "spec:nova/a", "test", now);

        // Imported again, the two files are recognised as one story.
        stories.upsert(List.of(story("rolling-upgrades", "Rolling Upgrades", List.of("rollingupgrades"))), now.plusSeconds(60));

        assertThat(stories.all()).extracting(Story::id).containsExactly("rolling-upgrades");
        assertThat(stories.find("rollingupgrades")).map(Story::id).hasValue("rolling-upgrades");
        assertThat(stories.resolve("rollingupgrades")).isEqualTo("rolling-upgrades");
        assertThat(stories.resolve("nothing-like-it")).isEqualTo("nothing-like-it");
        assertThat(links.forStory("rollingupgrades")).isEmpty();
        assertThat(links.forStory("rolling-upgrades")).extracting(Link::item).containsExactlyInAnyOrder("spec:nova/a", "spec:nova/b");
        assertThat(links.find("rolling-upgrades", "spec:nova/a").orElseThrow().state()).as("the person's decision moves with it")
                .isEqualTo(Link.CONFIRMED);
    }

    @Test
    void retractingASimilarSuggestionLeavesLinksOfOtherKindsAndDecidedOnes() {
        LinkStore links = new LinkStore(store);
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        Link similar = new Link("s", "spec:nova/a", Link.SIMILAR, 0.3, Link.SUGGESTED, "nova", "spec", null,
                List.of(new Evidence(Link.SIMILAR, "text similarity 0.3", "index", null)));
        Link via = new Link("s", "spec:nova/b", Link.VIA, 0.6, Link.SUGGESTED, "nova", "spec", null,
                List.of(new Evidence(Link.VIA, "b cites c", "spec:nova/b", "bp:nova/c")));
        Link both = new Link("s", "spec:nova/d", Link.VIA, 0.6, Link.SUGGESTED, "nova", "spec", null,
                List.of(new Evidence(Link.VIA, "d cites c", "spec:nova/d", "bp:nova/c"), new Evidence(Link.SIMILAR, "text similarity 0.2", "index", null)));
        Link decided = new Link("s", "spec:nova/e", Link.SIMILAR, 0.3, Link.CONFIRMED, "nova", "spec", null,
                List.of(new Evidence(Link.SIMILAR, "text similarity 0.3", "index", null)));
        links.propose(List.of(similar, via, both, decided), now);
        assertThat(links.similarSuggested()).extracting(Link::item).containsExactlyInAnyOrder("spec:nova/a", "spec:nova/d");

        int n = links.retractSimilar(List.of(similar.id(), via.id(), both.id(), decided.id()));

        assertThat(n).isEqualTo(2);
        assertThat(links.find("s", "spec:nova/a")).isEmpty();
        assertThat(links.find("s", "spec:nova/b")).hasValue(via);
        assertThat(links.find("s", "spec:nova/d").orElseThrow().evidence()).extracting(Evidence::how).containsExactly(Link.VIA);
        assertThat(links.find("s", "spec:nova/e").orElseThrow().state()).isEqualTo(Link.CONFIRMED);
    }

    @Test
    void whenAnAliasAndItsStoryBothLinkAnItemThePersonsDecisionWinsWhicheverSlugItWasMadeOn() {
        LinkStore links = new LinkStore(store);
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        links.propose(List.of(link("rolling-upgrades", "spec:nova/a", Link.SIMILAR, Link.SUGGESTED),
                link("rollingupgrades", "spec:nova/a", Link.SIMILAR, Link.SUGGESTED),
                link("rolling-upgrades", "spec:nova/z", Link.SIMILAR, Link.SUGGESTED),
                link("rollingupgrades", "spec:nova/z", Link.DECLARED, Link.SUGGESTED),
                link("rolling-upgrades", "spec:nova/r", Link.DECLARED, Link.SUGGESTED),
                link("rollingupgrades", "spec:nova/r", Link.SIMILAR, Link.SUGGESTED)), now);
        links.confirm("rollingupgrades", "spec:nova/a", "anne", now);
        links.reject("rollingupgrades", "spec:nova/r", "bob", now);

        links.moveStory("rollingupgrades", "rolling-upgrades");

        assertThat(links.forStory("rollingupgrades")).isEmpty();
        assertThat(links.forStory("rolling-upgrades")).extracting(Link::item)
                .containsExactlyInAnyOrder("spec:nova/a", "spec:nova/z", "spec:nova/r");
        assertThat(links.find("rolling-upgrades", "spec:nova/a").orElseThrow().state()).isEqualTo(Link.CONFIRMED);
        assertThat(links.review("rolling-upgrades", "spec:nova/a")).map(LinkStore.Review::by).hasValue("anne");
        assertThat(links.find("rolling-upgrades", "spec:nova/r").orElseThrow().state()).as("a rejection is never undone by a merge")
                .isEqualTo(Link.REJECTED);
        assertThat(links.review("rolling-upgrades", "spec:nova/r")).map(LinkStore.Review::by).hasValue("bob");
        assertThat(links.find("rolling-upgrades", "spec:nova/z").orElseThrow().how()).as("a declared link beats a similar one")
                .isEqualTo(Link.DECLARED);
        long before = links.count();
        assertThat(links.rekey(com.mongodb.client.model.Filters.eq("story", "rollingupgrades"), s -> "rolling-upgrades", i -> i))
                .isEqualTo(new LinkStore.Rekeyed(0, 0));
        assertThat(links.count()).isEqualTo(before);
    }
}
