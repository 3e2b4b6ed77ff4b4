package dev.liaison.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.store.LinkStore;
import dev.liaison.store.Store;
import dev.liaison.store.StoryStore;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one way people decide links: what is written, and that later evidence does not erase who decided. */
class LinkReviewTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir Path data;
    Store store;
    LinkStore links;
    LinkReview review;

    @BeforeEach
    void open() throws Exception {
        store = Store.open("", "liaison", data);
        links = new LinkStore(store);
        review = new LinkReview(store, Clock.fixed(T0, ZoneOffset.UTC));
        new StoryStore(store).upsert(List.of(new Story("rolling-upgrades", "Rolling Upgrades", "Operators upgrade a cloud.",
                "proposed", List.of("nova"), List.of(), List.of("rollingupgrades"), List.of(), List.of(), null)), T0);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Link similar(String item, double score) {
        return new Link("rolling-upgrades", item, Link.SIMILAR, score, Link.SUGGESTED, "nova", "spec", null,
                List.of(new Evidence(Link.SIMILAR, "text similarity " + score, "story text", null)));
    }

    @Test
    void aConfirmedLinkThatGainsEvidenceKeepsWhoConfirmedItAndWhen() {
        links.propose(List.of(similar("spec:nova/online-schema-changes", 0.41)), T0);

        LinkReview.Decision d = review.confirm("rolling-upgrades", "spec:nova/online-schema-changes", "alice");
        assertThat(d.changed()).isTrue();
        assertThat(d.state()).isEqualTo(Link.CONFIRMED);

        // Later the linker finds the story's text names the spec: stronger kind, new evidence.
        LinkStore.Result r = links.propose(List.of(new Link("rolling-upgrades", "spec:nova/online-schema-changes", Link.MENTIONED,
                0.9, Link.SUGGESTED, "nova", "spec", null,
                List.of(new Evidence(Link.MENTIONED, "online-schema-changes", "story text", null)))), T0.plusSeconds(3600));
        assertThat(r.updated()).isEqualTo(1);

        Link after = links.find("rolling-upgrades", "spec:nova/online-schema-changes").orElseThrow();
        assertThat(after.state()).isEqualTo(Link.CONFIRMED);
        assertThat(after.how()).isEqualTo(Link.MENTIONED);
        assertThat(after.evidence()).extracting(Evidence::how).contains(Link.MENTIONED, Link.SIMILAR);
        assertThat(links.review("rolling-upgrades", "spec:nova/online-schema-changes"))
                .hasValue(new LinkStore.Review("alice", T0));
    }

    @Test
    void aLinkAddedByAPersonSaysWhoInItsEvidenceAndAnAliasNamesTheStory() {
        LinkReview.Decision d = review.add("rollingupgrades", "https://specs.openstack.org/openstack/nova-specs/specs/newton/approved/online-schema-changes.html", "bob");

        assertThat(d.story()).isEqualTo("rolling-upgrades");
        assertThat(d.how()).isEqualTo(Link.MANUAL);
        Link l = links.find("rolling-upgrades", d.item()).orElseThrow();
        assertThat(l.item()).startsWith("spec:nova/");
        assertThat(l.evidence()).extracting(Evidence::where).containsExactly("bob");
        assertThat(links.review("rolling-upgrades", d.item())).hasValue(new LinkStore.Review("bob", T0));
    }

    @Test
    void confirmingOrRejectingWhatDoesNotExistIsRefusedAndWritesNothing() {
        assertThatThrownBy(() -> review.confirm("no-such-story", "bug:1", "alice")).isInstanceOf(LinkReview.NotFound.class)
                .hasMessageContaining("no story 'no-such-story'");
        assertThatThrownBy(() -> review.reject("rolling-upgrades", "bug:1", "alice")).isInstanceOf(LinkReview.NotFound.class)
                .hasMessageContaining("no link");
        assertThatThrownBy(() -> review.add("rolling-upgrades", "https://example.org/nothing", "alice"))
                .isInstanceOf(LinkReview.Invalid.class);
        assertThat(links.count()).isZero();
        assertThat(store.events().count(Link.EVENT_NEW)).isZero();
    }

    @Test
    void forbiddingALinkNobodySuggestedKeepsTheMachineFromEverSuggestingIt() {
        review.forbid("rolling-upgrades", "bug:1521928", "carol");
        links.propose(List.of(similar("bug:1521928", 0.7)), T0.plusSeconds(60));

        Link l = links.find("rolling-upgrades", "bug:1521928").orElseThrow();
        assertThat(l.state()).isEqualTo(Link.REJECTED);
        assertThat(links.review("rolling-upgrades", "bug:1521928")).hasValue(new LinkStore.Review("carol", T0));
    }

    @Test
    void confirmDeclaredConfirmsOnlyTheSuggestedDeclaredLinks() {
        links.propose(List.of(new Link("rolling-upgrades", "bp:nova/online-schema-changes", Link.DECLARED, 1.0, Link.SUGGESTED,
                "nova", "blueprint", null, List.of(new Evidence(Link.DECLARED, "cited", "story:rolling-upgrades", null))),
                similar("spec:nova/other", 0.3)), T0);

        assertThat(review.confirmDeclared("rollingupgrades", "dave")).containsExactly("bp:nova/online-schema-changes");
        assertThat(links.find("rolling-upgrades", "spec:nova/other").orElseThrow().state()).isEqualTo(Link.SUGGESTED);
        assertThat(store.events().count(Link.EVENT_CONFIRMED)).isEqualTo(1);
    }
}
