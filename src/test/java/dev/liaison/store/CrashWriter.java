package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The child process of the crash test: writes batches to the embedded store the way Liaison's
 * pollers and linker do, and prints {@code ACK <batch>} once a batch's every write was
 * acknowledged. Per batch: the items through ItemStore (their events' insertMany, then the items'
 * insertMany or bulk replace), one link per item (random {@code _id}, unique on story and item,
 * as the linker inserts them), the HTTP validators as a bulk of upserts, and last the cursor, as a
 * poller moves it only after its batch is stored. It resumes from the cursor.
 *
 * <p>Arguments: data dir, batch size, batches to end at (-1: until killed).
 */
public final class CrashWriter {

    static final String CURSOR_ID = "crash-writer";

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int batchSize = Integer.parseInt(args[1]);
        int end = Integer.parseInt(args[2]);
        try (Store store = Store.open("", "liaison", data)) {
            MongoCollection<Document> state = store.collection(Store.SOURCE_STATE);
            MongoCollection<Document> links = store.collection(Store.LINKS);
            MongoCollection<Document> validators = store.collection(Store.HTTP_VALIDATORS);
            Document cursor = state.find(Filters.eq("_id", CURSOR_ID)).first();
            int next = cursor == null ? 0 : cursor.getInteger("next");
            System.out.println("RESUME " + next);
            System.out.flush();
            for (int k = next; end < 0 || k < end; k++) {
                List<Item> items = items(k, batchSize);
                store.items().upsert(items, Instant.now());
                List<Document> newLinks = new ArrayList<>();
                List<WriteModel<Document>> validatorWrites = new ArrayList<>();
                for (Item item : items) {
                    newLinks.add(new Document("_id", new ObjectId()).append("story", storyOf(item.id()))
                            .append("item", item.id()).append("how", "mentioned").append("state", "suggested"));
                    validatorWrites.add(new UpdateOneModel<>(Filters.eq("_id", item.url()),
                            Updates.combine(Updates.set("source", "crash"), Updates.set("etag", "\"" + item.id() + "\""),
                                    Updates.set("at", new Date())),
                            new UpdateOptions().upsert(true)));
                }
                DuplicateKeys.insertMany(links, newLinks);
                validators.bulkWrite(validatorWrites);
                state.updateOne(Filters.eq("_id", CURSOR_ID), Updates.set("next", k + 1), new UpdateOptions().upsert(true));
                System.out.println("ACK " + k);
                System.out.flush();
            }
        }
        System.out.println("DONE");
    }

    static String itemId(int batch, int i) {
        return "bug:" + (1_000_000 + batch * 1000 + i);
    }

    static String storyOf(String itemId) {
        return "story-" + (itemId.hashCode() & 7);
    }

    static List<Item> items(int batch, int size) {
        List<Item> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String id = itemId(batch, i);
            items.add(Item.builder(id, "bug").source("crash").project("nova")
                    .title("Bug " + id + ": scheduler fails after a restart")
                    .text(("Steps to reproduce for " + id + ": restart nova-compute while it writes. ").repeat(12))
                    .status("open", "New").url("https://bugs.launchpad.net/nova/+bug/" + id.substring(4))
                    .ref(new Ref(Ref.BLUEPRINT, "bp:nova/x", "see blueprint x")).build());
        }
        return items;
    }
}
