package dev.liaison.linking;

import dev.liaison.app.LinkService;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.story.Link;
import dev.liaison.store.LinkStore;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The link pipeline route in the running daemon: new items are linked after the pollers stored them. */
class LinkPipelineTest {

    @TempDir Path dir;

    @Test
    void theLinkRouteLinksNewItemsFromTheirEventsOnceAndMovesItsCursor() throws Exception {
        LiaisonHome home = new LiaisonHome(dir).properties("liaison.link.interval=100ms\n");
        try (LiaisonRuntime runtime = home.open()) {
            runtime.store().items().upsert(NovaSpecFixtures.items());
        }
        assertThat(home.cli("stories", "import", NovaSpecFixtures.STORIES.resolve("development-proposals").toString()).exitCode()).isZero();

        try (LiaisonRuntime runtime = home.open(); Daemon daemon = new Daemon(runtime)) {
            daemon.start();
            assertThat(daemon.camelContext().getRoute("link")).isNotNull();
            NotifyBuilder firstRuns = new NotifyBuilder(daemon.camelContext()).fromRoute("link").whenDone(2).create();
            assertThat(firstRuns.matches(60, TimeUnit.SECONDS)).as("the linker ran").isTrue();

            // A poller stores a mail that names a story, and a bug that cites a spec the story declares.
            Item mail = Item.builder("mail:product-wg/2016-March/000123", "mail").source("product-wg").project("product-wg")
                    .title("Config docs").text("Progress on the categorized configs work.\nUser-Story: categorized-configs\n").build();
            Item bug = Item.builder("bug:1555555", "bug").source("nova-bugs").project("nova").title("option help text is wrong")
                    .text("The spec https://specs.openstack.org/openstack/nova-specs/specs/mitaka/implemented/centralize-config-options.html says otherwise")
                    .build();
            runtime.store().items().upsert(List.of(mail, bug));
            NotifyBuilder after = new NotifyBuilder(daemon.camelContext()).fromRoute("link").whenDone(2).create();
            assertThat(after.matches(60, TimeUnit.SECONDS)).isTrue();

            LinkStore links = new LinkStore(runtime.store());
            Link mentioned = links.find("categorized-configs", mail.id()).orElseThrow();
            assertThat(mentioned.how()).isEqualTo(Link.MENTIONED);
            assertThat(mentioned.evidence().get(0).snippet()).contains("User-Story: categorized-configs");
            Link via = links.find("categorized-configs", bug.id()).orElseThrow();
            assertThat(via.how()).isEqualTo(Link.VIA);
            assertThat(via.evidence()).anySatisfy(e -> assertThat(e.via()).isEqualTo("spec:nova/centralize-config-options"));
            List<Event> newLinks = runtime.store().events().since(null, Link.EVENT_NEW, 10_000);
            assertThat(newLinks).extracting(Event::id).contains("link.new:categorized-configs|" + mail.id(),
                    "link.new:categorized-configs|" + bug.id());
            assertThat(runtime.store().sourceState().cursor(LinkService.SOURCE_ID).getDate("appended")).isNotNull();

            long events = runtime.store().events().count();
            long linkCount = links.count();
            NotifyBuilder idle = new NotifyBuilder(daemon.camelContext()).fromRoute("link").whenDone(3).create();
            assertThat(idle.matches(60, TimeUnit.SECONDS)).isTrue();
            assertThat(runtime.store().events().count()).as("nothing changed: no event").isEqualTo(events);
            assertThat(links.count()).isEqualTo(linkCount);
            assertThat(runtime.store().sourceState().health(LinkService.SOURCE_ID).orElseThrow().lastSuccess()).isNotNull();
        }
    }

    @Test
    void relinkingUnchangedDataCreatesNoLinkAndNoEventInTheSameProcessOrAfterARestart() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        try (LiaisonRuntime runtime = home.open()) {
            runtime.store().items().upsert(NovaSpecFixtures.items());
        }
        assertThat(home.cli("stories", "import", NovaSpecFixtures.STORIES.resolve("development-proposals").toString()).exitCode()).isZero();
        try (LiaisonRuntime runtime = home.open(); LinkService service = new LinkService(runtime.store(), java.time.Clock.systemUTC())) {
            LinkService.Stats first = service.relinkAll();
            assertThat(first.created()).as("the first relink links something").isPositive();
            long events = runtime.store().events().count();
            long links = new LinkStore(runtime.store()).count();
            LinkService.Stats again = service.relinkAll();
            assertThat(again.created()).isZero();
            assertThat(again.events()).isZero();
            assertThat(runtime.store().events().count()).isEqualTo(events);
            assertThat(new LinkStore(runtime.store()).count()).isEqualTo(links);
        }
        try (LiaisonRuntime runtime = home.open(); LinkService service = new LinkService(runtime.store(), java.time.Clock.systemUTC())) {
            long events = runtime.store().events().count();
            LinkService.Stats restarted = service.relinkAll();
            assertThat(restarted.created()).as("a new process finds the same links").isZero();
            assertThat(runtime.store().events().count()).isEqualTo(events);
        }
    }

    @Test
    void aLinkAPersonConfirmsInAnotherProcessLeadsTheNextRunToItsNeighbours() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        Item spec = NovaSpecFixtures.items().stream().filter(i -> i.kind().equals("spec")).findFirst().orElseThrow();
        try (LiaisonRuntime runtime = home.open(); LinkService service = new LinkService(runtime.store(), java.time.Clock.systemUTC())) {
            runtime.store().items().upsert(List.of(spec));
            new dev.liaison.store.StoryStore(runtime.store()).upsert(List.of(new dev.liaison.story.Story("edge-sites",
                    "Edge sites", "Operators run many small sites far from the data centre.", "proposed", List.of("nova"),
                    List.of(), List.of(), List.of(), List.of(), null)), java.time.Instant.now());
            service.run();
            long version = service.links().strongVersion();

            // Another process (the CLI, the API of another instance) confirms a link.
            LinkStore elsewhere = new LinkStore(runtime.store());
            assertThat(elsewhere.confirm("edge-sites", spec.id(), "test", java.time.Instant.now())).isTrue();
            assertThat(elsewhere.strongVersion()).isGreaterThan(version);

            // A mail that cites the spec arrives: one hop from the confirmed link.
            Item mail = Item.builder("mail:openstack-dev/2016-May/000042", "mail").source("openstack-dev").project("nova")
                    .title("Question about the spec").text("About " + spec.url() + " and how it behaves.").build();
            runtime.store().items().upsert(List.of(mail));
            service.run();
            Link via = service.links().find("edge-sites", mail.id()).orElseThrow();
            assertThat(via.how()).isEqualTo(Link.VIA);
            assertThat(via.evidence()).anySatisfy(e -> assertThat(e.via()).isEqualTo(spec.id()));

            // Nothing else changed: the next run reads no link again (the version stands).
            long now = service.links().strongVersion();
            service.run();
            assertThat(service.links().strongVersion()).isEqualTo(now);
        }
    }
}
