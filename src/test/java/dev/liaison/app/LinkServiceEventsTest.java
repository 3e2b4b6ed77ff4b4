package dev.liaison.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import dev.liaison.store.EventStore;
import dev.liaison.store.ItemStore;
import dev.liaison.store.LinkStore;
import dev.liaison.store.Store;
import dev.liaison.store.StoryStore;
import dev.liaison.testkit.LiaisonHome;
import dev.liaison.app.LiaisonRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linker follows the event log without losing an item, whatever order the writes land in. */
class LinkServiceEventsTest {

    @TempDir Path dir;

    private static final Story EDGE = new Story("edge-sites", "Edge sites", "Operators run many small sites far from the data centre.",
            "proposed", List.of("nova"), List.of(), List.of(), List.of(), List.of(), null);

    private static Item mailNaming(String id) {
        return Item.builder(id, "mail").source("product-wg").project("product-wg").title("Progress")
                .text("Progress on the work.\nUser-Story: edge-sites\n").build();
    }

    @Test
    void anItemWhoseEventsArriveBeforeItIsWrittenIsLinkedOnceItIsStored() throws Exception {
        try (LiaisonRuntime runtime = new LiaisonHome(dir).open(); LinkService service = new LinkService(runtime.store(), Clock.systemUTC())) {
            Store store = runtime.store();
            new StoryStore(store).upsert(List.of(EDGE), Instant.now());
            service.run();

            // A poller has appended the batch's events; its items are not written yet (a slow write).
            Item mail = mailNaming("mail:product-wg/2016-March/000123");
            ItemStore.Plan plan = store.items().plan(List.of(mail), Map.of(), Instant.now());
            plan.appendEvents();
            LinkService.Stats before = service.run();
            assertThat(before.items()).as("nothing to link yet").isZero();
            assertThat(service.links().find("edge-sites", mail.id())).isEmpty();
            assertThat(store.sourceState().cursor(LinkService.SOURCE_ID).getList("pending", Document.class))
                    .extracting(d -> d.getString("item")).containsExactly(mail.id());

            // The write lands; its event is already in the log (no new event will come).
            plan.writeItems();
            LinkService.Stats after = service.run();
            assertThat(after.items()).isEqualTo(1);
            Link link = service.links().find("edge-sites", mail.id()).orElseThrow();
            assertThat(link.how()).isEqualTo(Link.MENTIONED);
            assertThat(store.sourceState().cursor(LinkService.SOURCE_ID).getList("pending", Document.class)).isEmpty();

            long links = new LinkStore(store).count();
            long events = store.events().count();
            assertThat(service.run().items()).as("linked once: the next run has nothing to do").isZero();
            assertThat(new LinkStore(store).count()).isEqualTo(links);
            assertThat(store.events().count()).isEqualTo(events);
        }
    }

    @Test
    void aPendingItemSurvivesARestartOfTheLinker() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        Item mail = mailNaming("mail:product-wg/2016-March/000124");
        ItemStore.Plan plan;
        try (LiaisonRuntime runtime = home.open(); LinkService service = new LinkService(runtime.store(), Clock.systemUTC())) {
            new StoryStore(runtime.store()).upsert(List.of(EDGE), Instant.now());
            service.run();
            plan = runtime.store().items().plan(List.of(mail), Map.of(), Instant.now());
            plan.appendEvents();
            service.run();
        }
        try (LiaisonRuntime runtime = home.open(); LinkService service = new LinkService(runtime.store(), Clock.systemUTC())) {
            runtime.store().items().upsert(List.of(mail)); // its event exists: appending it again is a no-op
            service.run();
            assertThat(service.links().find("edge-sites", mail.id())).as("linked after the restart").isPresent();
        }
    }

    @Test
    void anEventAnotherWriterAppendsStampedJustBeforeTheCursorIsStillRead() throws Exception {
        try (LiaisonRuntime runtime = new LiaisonHome(dir).open(); LinkService service = new LinkService(runtime.store(), Clock.systemUTC())) {
            Store store = runtime.store();
            new StoryStore(store).upsert(List.of(EDGE), Instant.now());
            store.items().upsert(List.of(mailNaming("mail:product-wg/2016-March/000001")));
            service.run();
            Date cursor = store.sourceState().cursor(LinkService.SOURCE_ID).getDate("appended");
            assertThat(cursor).isNotNull();

            // Another process took its stamp a few seconds before the cursor but appended only now.
            Item late = mailNaming("mail:product-wg/2016-March/000002");
            var plan = store.items().plan(List.of(late), Map.of(), Instant.now());
            plan.appendEvents();
            plan.writeItems();
            store.collection(Store.EVENTS).updateOne(new Document("_id", Event.ITEM_NEW + ":" + late.id()),
                    new Document("$set", new Document(EventStore.STORED, new Date(cursor.getTime() - 5_000))));
            assertThat(store.events().appendedSince(cursor.toInstant(), List.of(Event.ITEM_NEW), 10))
                    .as("the event lies before the cursor").extracting(Event::itemId).doesNotContain(late.id());

            service.run();
            assertThat(service.links().find("edge-sites", late.id())).isPresent();
        }
    }
}
