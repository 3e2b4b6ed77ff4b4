package dev.liaison.sources.launchpad;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.liaison.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The persistent queue of detail requests of one Launchpad source, in the collection
 * {@code launchpad_details}: one document per item ({@code <source>|<item id>}), so the queue holds
 * at most one entry per bug or blueprint however often it changes, survives restarts, and is
 * written in one bulk request per collection page.
 */
final class DetailQueue {

    static final String COLLECTION = "launchpad_details";
    private static final int DUPLICATE_KEY = 11000;

    /** One pending detail request. */
    record Entry(String id, String item, String url, int attempts) {}

    private final MongoCollection<Document> queue;
    private final String source;

    DetailQueue(Store store, String source) {
        this.queue = store.collection(COLLECTION);
        this.source = source;
    }

    /**
     * Queues detail requests for items that were not stored before: one unordered insertMany (the
     * cheap write on every store); an entry already there (a rerun after a crash) is the same
     * request, so a duplicate key is "already queued".
     */
    void enqueueNew(Map<String, String> urlByItem, Instant now) {
        if (urlByItem.isEmpty()) {
            return;
        }
        List<Document> docs = new ArrayList<>(urlByItem.size());
        Date at = Date.from(now);
        urlByItem.forEach((item, url) -> docs.add(new Document("_id", source + "|" + item).append("source", source)
                .append("item", item).append("url", url).append("queued", at).append("attempts", 0)));
        try {
            queue.insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCode() != DUPLICATE_KEY) {
                    throw e;
                }
            }
        }
    }

    /** Queues (or re-queues, resetting its attempts) a detail request per item id; one bulk write. */
    void enqueue(Map<String, String> urlByItem, Instant now) {
        if (urlByItem.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> writes = new ArrayList<>(urlByItem.size());
        Date at = Date.from(now);
        urlByItem.forEach((item, url) -> {
            String id = source + "|" + item;
            writes.add(new ReplaceOneModel<>(Filters.eq("_id", id), new Document("_id", id).append("source", source)
                    .append("item", item).append("url", url).append("queued", at).append("attempts", 0),
                    new ReplaceOptions().upsert(true)));
        });
        queue.bulkWrite(writes, new BulkWriteOptions().ordered(false));
    }

    /** The oldest pending requests that have not failed {@code maxAttempts} times (one query). */
    List<Entry> next(int limit, int maxAttempts) {
        List<Entry> out = new ArrayList<>();
        for (Document d : queue.find(Filters.and(Filters.eq("source", source), Filters.lt("attempts", maxAttempts)))
                .sort(Sorts.ascending("queued", "_id")).limit(limit)) {
            Number attempts = d.get("attempts", Number.class);
            out.add(new Entry(d.getString("_id"), d.getString("item"), d.getString("url"), attempts == null ? 0 : attempts.intValue()));
        }
        return out;
    }

    void done(Collection<String> ids) {
        if (!ids.isEmpty()) {
            queue.deleteMany(Filters.in("_id", ids));
        }
    }

    void failed(Collection<String> ids, String error) {
        if (!ids.isEmpty()) {
            queue.updateMany(Filters.in("_id", ids), Updates.combine(Updates.inc("attempts", 1),
                    Updates.set("lastError", error)));
        }
    }

    long pending() {
        return queue.countDocuments(Filters.eq("source", source));
    }
}
