package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * The persistent queue of detail requests of one Launchpad source, in the collection
 * {@code launchpad_details}. It holds two shapes of document:
 * <ul>
 * <li>one per collection page of new items ({@code <source>|page|<first item id>}, with an
 * {@code entries} array of item and URL): a backfill of 20,000 bugs queues 267 documents, not
 * 20,000, so queueing costs one small insert per page and the drain reads few documents;</li>
 * <li>one per item ({@code <source>|<item id>}) for a changed item and for a request that failed,
 * so such an item is queued at most once however often it changes, with its own attempts and last
 * error.</li>
 * </ul>
 * Both survive restarts. A request is removed only after its result is stored.
 */
public final class LaunchpadDetailQueue {

    public static final String COLLECTION = Store.LAUNCHPAD_DETAILS;

    /**
     * One pending detail request: the queue document it is in ({@code page} when that document
     * holds a page of requests), the item, its URL and how often it has failed.
     */
    public record Entry(String doc, boolean page, String item, String url, int attempts) {}

    private final MongoCollection<Document> queue;
    private final String source;

    public LaunchpadDetailQueue(Store store, String source) {
        this.queue = store.collection(COLLECTION);
        this.source = source;
    }

    private String itemDocId(String item) {
        return source + "|" + item;
    }

    /**
     * Queues the detail requests of a page's new items as one document. Its id is derived from
     * the first item, so the same page queued again (a rerun after a crash between queueing and
     * storing the items) is the same document: a duplicate key means "already queued".
     */
    public void enqueueNew(Map<String, String> urlByItem, Instant now) {
        if (urlByItem.isEmpty()) {
            return;
        }
        List<Document> entries = new ArrayList<>(urlByItem.size());
        urlByItem.forEach((item, url) -> entries.add(new Document("item", item).append("url", url)));
        String first = urlByItem.keySet().iterator().next();
        Document doc = new Document("_id", source + "|page|" + first).append("source", source)
                .append("entries", entries).append("queued", Date.from(now)).append("attempts", 0);
        try {
            queue.insertOne(doc);
        } catch (com.mongodb.MongoServerException e) {
            if (!dev.liaison.store.DuplicateKeys.isDuplicate(e)) {
                throw e;
            }
        }
    }

    /** Queues (or re-queues, resetting its attempts) a detail request per item id; one bulk write. */
    public void enqueue(Map<String, String> urlByItem, Instant now) {
        if (urlByItem.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> writes = new ArrayList<>(urlByItem.size());
        Date at = Date.from(now);
        urlByItem.forEach((item, url) -> writes.add(itemDoc(item, url, at, 0, null)));
        queue.bulkWrite(writes, new BulkWriteOptions().ordered(false));
    }

    private WriteModel<Document> itemDoc(String item, String url, Date queued, int attempts, String lastError) {
        String id = itemDocId(item);
        Document doc = new Document("_id", id).append("source", source).append("item", item).append("url", url)
                .append("queued", queued).append("attempts", attempts);
        if (lastError != null) {
            doc.append("lastError", lastError);
        }
        return new ReplaceOneModel<>(Filters.eq("_id", id), doc, new ReplaceOptions().upsert(true));
    }

    /**
     * The oldest pending requests that have not failed {@code maxAttempts} times, at most
     * {@code limit}, each item once (one query).
     */
    public List<Entry> next(int limit, int maxAttempts) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Document d : queue.find(Filters.and(Filters.eq("source", source), Filters.lt("attempts", maxAttempts)))
                .sort(Sorts.ascending("queued", "_id")).limit(limit)) {
            Number attempts = d.get("attempts", Number.class);
            int tries = attempts == null ? 0 : attempts.intValue();
            List<Document> entries = d.getList("entries", Document.class);
            if (entries == null) {
                out.putIfAbsent(d.getString("item"), new Entry(d.getString("_id"), false, d.getString("item"), d.getString("url"), tries));
            } else {
                for (Document e : entries) {
                    out.putIfAbsent(e.getString("item"), new Entry(d.getString("_id"), true, e.getString("item"), e.getString("url"), tries));
                }
            }
            if (out.size() >= limit) {
                break;
            }
        }
        return new ArrayList<>(out.values()).subList(0, Math.min(limit, out.size()));
    }

    /** Removes these requests (their results are stored), and any other request for the same items. */
    public void done(Collection<Entry> done) {
        if (done.isEmpty()) {
            return;
        }
        Set<String> items = new LinkedHashSet<>();
        Set<String> pages = new LinkedHashSet<>();
        for (Entry e : done) {
            items.add(e.item());
            if (e.page()) {
                pages.add(e.doc());
            }
        }
        queue.deleteMany(Filters.in("_id", items.stream().map(this::itemDocId).toList()));
        pull(pages, items);
    }

    /**
     * Counts a failed attempt. A request from a page document becomes a document of its own (so
     * it carries its attempts and error) before it leaves the page document.
     */
    public void failed(Collection<Entry> failed, String error) {
        if (failed.isEmpty()) {
            return;
        }
        List<String> single = new ArrayList<>();
        List<WriteModel<Document>> moved = new ArrayList<>();
        Set<String> pages = new LinkedHashSet<>();
        Set<String> items = new LinkedHashSet<>();
        Date now = new Date();
        for (Entry e : failed) {
            if (e.page()) {
                moved.add(itemDoc(e.item(), e.url(), now, e.attempts() + 1, error));
                pages.add(e.doc());
                items.add(e.item());
            } else {
                single.add(e.doc());
            }
        }
        if (!single.isEmpty()) {
            queue.updateMany(Filters.in("_id", single), Updates.combine(Updates.inc("attempts", 1),
                    Updates.set("lastError", error)));
        }
        if (!moved.isEmpty()) {
            queue.bulkWrite(moved, new BulkWriteOptions().ordered(false));
            pull(pages, items);
        }
    }

    /** Takes these items out of these page documents, and drops page documents left empty. */
    private void pull(Set<String> pages, Set<String> items) {
        if (pages.isEmpty()) {
            return;
        }
        queue.updateMany(Filters.in("_id", pages), Updates.pull("entries", Filters.in("item", items)));
        queue.deleteMany(Filters.and(Filters.in("_id", pages), Filters.size("entries", 0)));
    }

    /** How many requests are queued (one query). */
    public long pending() {
        long n = 0;
        for (Document d : queue.find(Filters.eq("source", source)).projection(Projections.include("entries.item"))) {
            List<?> entries = d.getList("entries", Object.class);
            n += entries == null ? 1 : entries.size();
        }
        return n;
    }
}
