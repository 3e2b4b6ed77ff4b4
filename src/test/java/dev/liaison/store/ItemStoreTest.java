package dev.liaison.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotent item storage on the embedded store, as the daemon uses it. */
class ItemStoreTest {

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

    static Item bug(String id, String title, String status) {
        return Item.builder(id, "bug").source("nova-bugs").project("nova").title(title)
                .status(status.equals("Fix Released") ? "fixed" : "open", status)
                .url("https://bugs.launchpad.net/nova/+bug/" + id.substring(4))
                .ref(new Ref(Ref.BLUEPRINT, "bp:nova/x", "see blueprint x"))
                .attribute("tags", List.of("db", "upgrade")).attribute("importance", Map.of("raw", "High"))
                .build();
    }

    @Test
    void listingGivesWholeItemsInIdOrderFilteredAndLimitedAndCountsPerSource() {
        List<Item> batch = new java.util.ArrayList<>();
        for (int i = 700; i > 0; i--) {
            batch.add(bug("bug:%04d".formatted(i), "Bug " + i, "New"));
        }
        batch.add(Item.builder("spec:nova/x", "spec").source("nova-specs").project("nova").title("X").build());
        store.items().upsert(batch);
        List<Item> first = store.items().list("bug", null, 600);
        assertThat(first).hasSize(600);
        assertThat(first.get(0)).isEqualTo(bug("bug:0001", "Bug 1", "New"));
        assertThat(first.get(599).id()).isEqualTo("bug:0600");
        assertThat(store.items().list(null, "nova-specs", 10)).extracting(Item::id).containsExactly("spec:nova/x");
        assertThat(store.items().countsBySource()).isEqualTo(Map.of("nova-bugs", 700L, "nova-specs", 1L));
        assertThat(store.items().count()).isEqualTo(701);
    }

    @Test
    void theSameItemStoredTwiceIsOneItemAndOneEvent() {
        UpsertResult first = store.items().upsert(List.of(bug("bug:1", "Title", "New")));
        UpsertResult second = store.items().upsert(List.of(bug("bug:1", "Title", "New")));
        assertThat(first.newItems()).isEqualTo(1);
        assertThat(second.newItems()).isZero();
        assertThat(second.unchanged()).isEqualTo(1);
        assertThat(store.items().count()).isEqualTo(1);
        assertThat(store.events().since(null, null, 100)).extracting(Event::type).containsExactly(Event.ITEM_NEW);
        Item stored = store.items().find("bug:1").orElseThrow();
        assertThat(stored).isEqualTo(bug("bug:1", "Title", "New"));
    }

    @Test
    void changedContentGivesOneMoreEventAndAStatusChangeSaysFromAndTo() {
        store.items().upsert(List.of(bug("bug:1", "Title", "New")));
        UpsertResult retitled = store.items().upsert(List.of(bug("bug:1", "Better title", "New")));
        assertThat(retitled.changed()).isEqualTo(1);
        assertThat(retitled.events()).extracting(Event::type).containsExactly(Event.ITEM_CHANGED);

        UpsertResult fixed = store.items().upsert(List.of(bug("bug:1", "Better title", "Fix Released")));
        assertThat(fixed.events()).extracting(Event::type).containsExactly(Event.ITEM_CHANGED, Event.ITEM_STATUS);
        Event status = store.events().since(null, Event.ITEM_STATUS, 10).get(0);
        assertThat(status.data()).containsEntry("from", "New").containsEntry("to", "Fix Released")
                .containsEntry("toNormalised", "fixed");
        // Replaying the same batch (a crash after the write, before the cursor moved) adds nothing.
        UpsertResult replay = store.items().upsert(List.of(bug("bug:1", "Better title", "Fix Released")));
        assertThat(replay.unchanged()).isEqualTo(1);
        assertThat(store.events().count()).isEqualTo(4);
        assertThat(store.items().count()).isEqualTo(1);
        assertThat(store.items().find("bug:1").orElseThrow().statusRaw()).isEqualTo("Fix Released");
    }

    @Test
    void aBatchMixesNewChangedAndUnchangedWithOneResultEach() {
        store.items().upsert(List.of(bug("bug:1", "A", "New"), bug("bug:2", "B", "New")));
        List<Item> batch = new ArrayList<>();
        batch.add(bug("bug:1", "A", "New"));
        batch.add(bug("bug:2", "B2", "New"));
        for (int i = 3; i < 1203; i++) {
            batch.add(bug("bug:" + i, "Bug " + i, "New"));
        }
        UpsertResult r = store.items().upsert(batch);
        assertThat(r.newItems()).isEqualTo(1200);
        assertThat(r.changed()).isEqualTo(1);
        assertThat(r.unchanged()).isEqualTo(1);
        assertThat(store.items().count()).isEqualTo(1202);
        assertThat(store.items().existingIds(List.of("bug:1", "bug:999", "bug:5000"))).containsExactlyInAnyOrder("bug:1", "bug:999");
        assertThat(store.items().countsBySource()).containsEntry("nova-bugs", 1202L);
    }

    @Test
    void twoThreadsStoringTheSameNewItemGiveOneItemAndOneEvent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String id = "bug:race" + round;
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<UpsertResult>> results = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    results.add(pool.submit(() -> {
                        barrier.await(5, TimeUnit.SECONDS);
                        return store.items().upsert(List.of(bug(id, "Race", "New")), Instant.parse("2026-11-24T12:00:00Z"));
                    }));
                }
                int created = 0;
                for (Future<UpsertResult> f : results) {
                    created += f.get(10, TimeUnit.SECONDS).newItems();
                }
                assertThat(created).as("exactly one writer created " + id).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.items().count()).isEqualTo(20);
        assertThat(store.events().count(Event.ITEM_NEW)).isEqualTo(20);
    }

    @Test
    void itemsAndStateSurviveClosingAndReopeningTheEmbeddedStore() throws Exception {
        store.items().upsert(List.of(bug("bug:7", "Kept", "New")));
        store.sourceState().saveCursor("nova-bugs", new org.bson.Document("watermark", "2026-11-24T00:00:00Z"));
        store.close();
        store = Store.open("", "liaison", data);
        assertThat(store.items().find("bug:7")).isPresent();
        assertThat(store.sourceState().cursor("nova-bugs").getString("watermark")).isEqualTo("2026-11-24T00:00:00Z");
    }

    @Test
    void aSecondProcessOnTheSameDataDirUsesTheRunningStore() throws Exception {
        store.items().upsert(List.of(bug("bug:8", "Shared", "New")));
        try (Store reader = Store.open("", "liaison", data)) {
            assertThat(reader.isEmbeddedOwner()).isFalse();
            assertThat(reader.items().find("bug:8")).isPresent();
        }
    }
}
