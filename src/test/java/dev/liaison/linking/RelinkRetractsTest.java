package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.app.LinkService;
import dev.liaison.item.Event;
import dev.liaison.item.EventData;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import dev.liaison.store.LinkStore;
import dev.liaison.store.StoryStore;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links an older version stored that today's rules no longer make (a title-phrase mention, now
 * abstaining; {@code bp:nova/proposes}, invented from "This blueprint proposes ...", and the
 * one-hop links that followed from it) are taken back by a relink of everything, each with a
 * {@code link.retracted} event; a person's links stay whatever they were made from.
 */
class RelinkRetractsTest {

    @TempDir Path dir;

    static final String SPEC_URL = "https://specs.openstack.org/openstack/nova-specs/specs/newton/approved/edge-site-sync.html";
    static final String STORY = "edge-sites";

    static Item spec(String name, String title, String text, Ref... refs) {
        return Item.builder("spec:nova/" + name, "spec").source("nova-specs").project("nova")
                .url("https://specs.openstack.org/openstack/nova-specs/specs/newton/approved/" + name + ".html")
                .title(title).text(text).refs(List.of(refs)).build();
    }

    static Link old(String item, String how, double confidence, String snippet, String via) {
        return new Link(STORY, item, how, confidence, Link.SUGGESTED, "nova", dev.liaison.item.ItemId.kindOf(item), null,
                List.of(new Evidence(how, snippet, item, via)));
    }

    @Test
    void aRelinkOfEverythingRetractsMachineLinksNoRuleMakesAndLeavesAPersonsLinks() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        String edgeText = "Edge sites synchronise images and flavors with the central cloud over slow links; operators of "
                + "hundreds of small edge sites need the edge compute nodes to keep running when the link to the central "
                + "cloud drops, and to catch up the image and flavor changes when it comes back.";
        Item synced = spec("edge-site-sync", "Edge site image and flavor synchronisation", edgeText);
        Item bug = Item.builder("bug:1600001", "bug").source("nova-bugs").project("nova").title("sync stalls")
                .text("Seen with " + SPEC_URL + " deployed.").build();
        Item unrelated = spec("libvirt-cpu-pinning", "Libvirt CPU pinning", "Pin guest vCPUs to host pCPUs for NUMA workloads.");
        Item confirmedPhrase = spec("edge-flavors", "Flavors at the edge", "Extra specs for flavors used by small sites.");
        Item manual = spec("cells-v2", "Cells v2", "Scale out the compute API with cells.");
        Item rejected = spec("vnc-proxy", "VNC proxy", "Console access through a proxy.");
        // Stored by an older version of a spec poller: "This blueprint proposes ..." read as a blueprint named "proposes".
        Item oldRef = spec("ironic-multitenant", "Ironic multi-tenant networking", "This blueprint proposes to isolate tenants.",
                new Ref(Ref.BLUEPRINT, "bp:nova/proposes", "blueprint proposes"));
        Story story = new Story(STORY, "Edge sites", "Operators run hundreds of small edge sites.\n\n" + edgeText
                + "\n\nSee " + SPEC_URL + " for the first step.", "proposed", List.of("nova"), List.of(), List.of(), List.of(), List.of(), null);

        try (LiaisonRuntime runtime = home.open(); LinkService service = new LinkService(runtime.store(), Clock.systemUTC())) {
            runtime.store().items().upsert(List.of(synced, bug, unrelated, confirmedPhrase, manual, rejected, oldRef));
            new StoryStore(runtime.store()).upsert(List.of(story), Instant.now());
            LinkStore links = service.links();
            // What an older version stored.
            Instant then = Instant.parse("2026-11-01T00:00:00Z");
            links.propose(List.of(
                    old(unrelated.id(), Link.MENTIONED, 0.35, "names \"edge site\"", null),
                    old(confirmedPhrase.id(), Link.MENTIONED, 0.35, "names \"edge site\"", null),
                    new Link(STORY, "bp:nova/proposes", Link.DECLARED, 0.95, Link.SUGGESTED, "nova", "blueprint", null,
                            List.of(new Evidence(Link.DECLARED, "blueprint proposes", "story:" + STORY, null))),
                    old(oldRef.id(), Link.VIA, 0.6, oldRef.id() + " cites bp:nova/proposes", "bp:nova/proposes"),
                    old(synced.id(), Link.MENTIONED, 0.35, "names \"edge site\"", null)), then);
            assertThat(links.confirm(STORY, confirmedPhrase.id(), "cli:ann", then)).isTrue();
            assertThat(links.confirm(STORY, manual.id(), "cli:ann", then)).isTrue();
            assertThat(links.reject(STORY, rejected.id(), "cli:ann", then)).isTrue();

            LinkService.Stats stats = service.relinkAll();

            Map<String, Link> now = links.forStory(STORY).stream().collect(Collectors.toMap(Link::item, l -> l));
            assertThat(now).doesNotContainKeys(unrelated.id(), "bp:nova/proposes", oldRef.id());
            assertThat(now.get(synced.id()).how()).as("declared by the story's URL today").isEqualTo(Link.DECLARED);
            assertThat(now.get(synced.id()).evidence()).noneMatch(e -> e.snippet().startsWith("names"));
            assertThat(now.get(bug.id()).how()).isEqualTo(Link.VIA);
            assertThat(now.get(confirmedPhrase.id()).state()).isEqualTo(Link.CONFIRMED);
            assertThat(now.get(manual.id())).extracting(Link::how, Link::state).containsExactly(Link.MANUAL, Link.CONFIRMED);
            assertThat(now.get(rejected.id()).state()).isEqualTo(Link.REJECTED);

            List<Event> retracted = runtime.store().events().since(null, Link.EVENT_RETRACTED, 100);
            assertThat(retracted).extracting(Event::itemId).containsExactlyInAnyOrder(unrelated.id(), "bp:nova/proposes", oldRef.id());
            assertThat(retracted).allSatisfy(e -> {
                EventData.LinkChange data = (EventData.LinkChange) EventData.of(e);
                assertThat(data.story()).isEqualTo(STORY);
                assertThat(data.evidence()).startsWith("no rule makes this link any more");
            });
            assertThat(retracted.stream().filter(e -> e.itemId().equals("bp:nova/proposes")).map(e -> ((EventData.LinkChange) EventData.of(e)).how()))
                    .containsExactly(Link.DECLARED);
            assertThat(stats.events()).isGreaterThanOrEqualTo(3);

            // Nothing changed since: no link, no event.
            long events = runtime.store().events().count();
            long count = links.count();
            LinkService.Stats again = service.relinkAll();
            assertThat(again.created() + again.updated() + again.events()).isZero();
            assertThat(runtime.store().events().count()).isEqualTo(events);
            assertThat(links.count()).isEqualTo(count);
        }
        LiaisonHome.Run cli = home.cli("events", "--type", Link.EVENT_RETRACTED);
        assertThat(cli.exitCode()).isZero();
        assertThat(cli.out()).contains("link.retracted").contains("bp:nova/proposes");
    }

    @Test
    void aLinkTheRulesNowMakeOnlyAsAWeakerKindBecomesThatKind() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        String text = "Operators of hundreds of small edge sites need the edge compute nodes to keep running when the link "
                + "to the central cloud drops, and to catch up image and flavor changes when it comes back.";
        Item twin = spec("edge-autonomy", "Edge site autonomy", text);
        Story story = new Story(STORY, "Edge site autonomy", text + "\n\nMore small sites every month.", "proposed", List.of("nova"),
                List.of(), List.of(), List.of(), List.of(), null);
        try (LiaisonRuntime runtime = home.open(); LinkService service = new LinkService(runtime.store(), Clock.systemUTC())) {
            runtime.store().items().upsert(List.of(twin, spec("libvirt-cpu-pinning", "Libvirt CPU pinning", "Pin guest vCPUs."),
                    spec("vnc-proxy", "VNC proxy", "Console access through a proxy.")));
            new StoryStore(runtime.store()).upsert(List.of(story), Instant.now());
            service.relinkAll();
            Link similar = service.links().find(STORY, twin.id()).orElseThrow();
            assertThat(similar.how()).isEqualTo(Link.SIMILAR);
            // An older version also called it a phrase mention, which then led the link.
            service.links().propose(List.of(old(twin.id(), Link.MENTIONED, 0.7, "names \"edge site autonomy\"", null)), Instant.now());
            assertThat(service.links().find(STORY, twin.id()).orElseThrow().how()).isEqualTo(Link.MENTIONED);

            service.relinkAll();

            Link now = service.links().find(STORY, twin.id()).orElseThrow();
            assertThat(now.how()).isEqualTo(Link.SIMILAR);
            assertThat(now.confidence()).isEqualTo(similar.confidence());
            assertThat(now.evidence()).isNotEmpty().allSatisfy(e -> assertThat(e.how()).isEqualTo(Link.SIMILAR));
            assertThat(runtime.store().events().since(null, Link.EVENT_RETRACTED, 10)).as("the link is still there").isEmpty();
        }
    }
}
