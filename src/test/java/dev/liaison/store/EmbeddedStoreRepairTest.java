package dev.liaison.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoServerException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.liaison.item.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bson.Document;
import org.h2.mvstore.MVMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store torn the way an older Liaison's auto-commit could leave it (a document stored, its index
 * entry not): the stores still recognise the duplicate the embedded store then reports, and the
 * next start-up repairs the indexes.
 */
class EmbeddedStoreRepairTest {

    @TempDir Path data;

    /** Removes the index entries that point at {@code position}, as a commit between the two maps left them. */
    private static void tear(EmbeddedMongo embedded, String namespace, String index, Object position) {
        MVMap<Object, Object> map = embedded.mvStore().openMap(namespace + "._index_" + index);
        List<Object> keys = new ArrayList<>();
        map.forEach((k, v) -> {
            if (position.equals(v)) {
                keys.add(k);
            }
        });
        assertThat(keys).as("index entries of " + position).isNotEmpty();
        keys.forEach(map::remove);
        embedded.commit();
    }

    private static Event event(String id) {
        return new Event(id, Event.ITEM_NEW, Instant.parse("2026-01-01T00:00:00Z"), "list", "mail:" + id, Map.of());
    }

    @Test
    void aDocumentMissingFromTheIdIndexIsADuplicateUntilStartUpRebuildsTheIndex() throws Exception {
        try (EmbeddedMongo embedded = EmbeddedMongo.start(data);
                MongoClient client = MongoClients.create(embedded.connectionString())) {
            EventStore events = new EventStore(client.getDatabase("liaison").getCollection(Store.EVENTS));
            assertThat(events.append(List.of(event("e1"), event("e2"), event("e3")))).isEqualTo(3);
            tear(embedded, "liaison.events", "_id_", "e2");
            MongoCollection<Document> raw = client.getDatabase("liaison").getCollection(Store.EVENTS);
            assertThat(raw.find(new Document("_id", "e2")).first()).as("torn: not found by _id").isNull();

            // What every later poll hit: the store words the duplicate as a generic error, code -1.
            try {
                raw.insertOne(new Document("_id", "e2"));
                throw new AssertionError("the torn store accepted a second e2");
            } catch (MongoServerException e) {
                assertThat(e.getCode()).isEqualTo(-1);
                assertThat(e.getMessage()).contains("already existed in H2Collection");
                assertThat(DuplicateKeys.isDuplicate(e)).isTrue();
            }
            // The event store takes it as "already there" and still stores the rest of the batch.
            assertThat(events.append(List.of(event("e0"), event("e2"), event("e4")))).isEqualTo(2);
            assertThat(raw.find(new Document("_id", "e4")).first()).isNotNull();
        }

        try (EmbeddedMongo embedded = EmbeddedMongo.start(data);
                MongoClient client = MongoClients.create(embedded.connectionString())) {
            MongoCollection<Document> raw = client.getDatabase("liaison").getCollection(Store.EVENTS);
            for (String id : List.of("e0", "e1", "e2", "e3", "e4")) {
                assertThat(raw.find(new Document("_id", id)).first()).as(id + " by _id").isNotNull();
            }
            assertThat(raw.countDocuments()).isEqualTo(5);
            assertThat(embedded.mvStore().openMap("liaison.events._index__id_").sizeAsLong()).isEqualTo(5);
            EventStore events = new EventStore(raw);
            assertThat(events.append(List.of(event("e2"), event("e5")))).isEqualTo(1);
        }
    }

    @Test
    void twoDocumentsSharingAUniqueKeyAfterATearKeepOneAndTheOtherIsMovedToAFile() throws Exception {
        try (EmbeddedMongo embedded = EmbeddedMongo.start(data);
                MongoClient client = MongoClients.create(embedded.connectionString())) {
            MongoCollection<Document> links = client.getDatabase("liaison").getCollection(Store.LINKS);
            links.createIndex(Indexes.ascending("story", "item"), new IndexOptions().unique(true));
            links.insertOne(new Document("_id", "a").append("story", "s").append("item", "bug:1"));
            links.insertOne(new Document("_id", "other").append("story", "s").append("item", "bug:2"));
            tear(embedded, "liaison.links", "story_1_item_1", "a");
            // The missing entry lets a second link for the same (story, item) in.
            links.insertOne(new Document("_id", "b").append("story", "s").append("item", "bug:1"));
            assertThat(links.countDocuments(new Document("item", "bug:1"))).isEqualTo(2);
        }

        try (EmbeddedMongo embedded = EmbeddedMongo.start(data);
                MongoClient client = MongoClients.create(embedded.connectionString())) {
            MongoCollection<Document> links = client.getDatabase("liaison").getCollection(Store.LINKS);
            assertThat(links.find(new Document("item", "bug:1")).map(d -> d.getString("_id")).into(new ArrayList<>()))
                    .containsExactly("b");
            assertThat(links.find(new Document("_id", "other")).first()).isNotNull();
            List<Path> moved;
            try (Stream<Path> files = Files.list(data)) {
                moved = files.filter(p -> p.getFileName().toString().startsWith("repaired-liaison.links-")).toList();
            }
            assertThat(moved).hasSize(1);
            assertThat(Files.readString(moved.get(0))).contains("\"a\"").contains("bug:1");
            // The rebuilt unique index holds again.
            try {
                links.insertOne(new Document("_id", "c").append("story", "s").append("item", "bug:1"));
                throw new AssertionError("a duplicate (story, item) was accepted after the repair");
            } catch (MongoServerException e) {
                assertThat(DuplicateKeys.isDuplicate(e)).isTrue();
                assertThat(e.getCode()).isEqualTo(DuplicateKeys.DUPLICATE_KEY);
            }
        }
    }

    @Test
    void anUntornStoreIsLeftAsItIs() throws Exception {
        try (EmbeddedMongo embedded = EmbeddedMongo.start(data);
                MongoClient client = MongoClients.create(embedded.connectionString())) {
            client.getDatabase("liaison").getCollection("items").insertOne(new Document("_id", "x"));
        }
        try (EmbeddedMongo embedded = EmbeddedMongo.start(data)) {
            assertThat(EmbeddedStoreRepair.repair(embedded.mvStore(), data)).isEmpty();
        }
    }
}
