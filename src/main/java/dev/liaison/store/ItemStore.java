package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.WriteModel;
import dev.liaison.item.Event;
import dev.liaison.item.EventData;
import dev.liaison.item.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Items, stored idempotently by stable id with a content hash. Storing a batch costs one query
 * (which of these ids exist, with their hashes) and at most three bulk writes (events, new items,
 * changed items), whatever the batch size. Events are written before the items they describe and
 * have deterministic ids, so a crash between the two writes loses no event and doubles none: the
 * retried batch finds the item still new or changed, and the event already there.
 */
public final class ItemStore {

    /** Batches larger than this are split; keeps the $in query and the bulk writes reasonable. */
    public static final int MAX_BATCH = 500;

    private final MongoCollection<Document> items;
    private final EventStore events;

    ItemStore(MongoCollection<Document> items, EventStore events) {
        this.items = items;
        this.events = events;
    }

    public UpsertResult upsert(List<Item> batch) {
        return upsert(batch, Instant.now());
    }

    /** Stores a batch; returns counts and the events it appended. */
    public UpsertResult upsert(List<Item> batch, Instant now) {
        if (batch.isEmpty()) {
            return UpsertResult.EMPTY;
        }
        if (batch.size() > MAX_BATCH) {
            int n = 0, c = 0, u = 0;
            List<Event> all = new ArrayList<>();
            for (int i = 0; i < batch.size(); i += MAX_BATCH) {
                UpsertResult r = upsert(batch.subList(i, Math.min(batch.size(), i + MAX_BATCH)), now);
                n += r.newItems(); c += r.changed(); u += r.unchanged();
                all.addAll(r.events());
            }
            return new UpsertResult(n, c, u, all);
        }
        Map<String, Document> existing = new HashMap<>();
        for (Document d : items.find(Filters.in("_id", batch.stream().map(Item::id).distinct().toList()))
                .projection(Projections.include("hash", "status", "statusRaw", "firstSeen", "release"))) {
            existing.put(d.getString("_id"), d);
        }
        return write(batch, existing, now);
    }

    /**
     * Plans the storing of a batch whose stored versions the caller has just read (under a lock
     * that keeps other writers of these ids out): {@code stored} holds every stored document among
     * the batch's ids, at least with the fields hash, status, statusRaw, firstSeen and release.
     * Saves the query {@link #upsert(List, Instant)} makes, and lets the caller append the events
     * ({@link Plan#appendEvents()}) and write the items ({@link Plan#writeItems()}) at different
     * times, on different threads, as long as the events come first.
     */
    public Plan plan(List<Item> batch, Map<String, StoredItem> stored, Instant now) {
        Map<String, Document> docs = new HashMap<>();
        stored.forEach((id, s) -> docs.put(id, s.document));
        return new Plan(batch, docs, now);
    }

    /** A stored item as read, with the content hash it was stored with (what {@link #plan} compares with). */
    public static final class StoredItem {
        private final Item item;
        private final String hash;
        private final Document document;

        private StoredItem(Document d) {
            this.item = ItemDocuments.toItem(d);
            this.hash = d.getString("hash");
            this.document = d;
        }

        public Item item() {
            return item;
        }

        public String hash() {
            return hash;
        }
    }

    /** The stored items with these ids, with their hashes, by id (one query). */
    public Map<String, StoredItem> stored(java.util.Collection<String> ids) {
        Map<String, StoredItem> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        for (Document d : items.find(Filters.in("_id", ids))) {
            out.put(d.getString("_id"), new StoredItem(d));
        }
        return out;
    }

    private UpsertResult write(List<Item> batch, Map<String, Document> existing, Instant now) {
        Plan plan = new Plan(batch, existing, now);
        plan.appendEvents();
        return plan.writeItems();
    }

    /** The writes that store one batch: its events, then its new and changed items. */
    public final class Plan {
        private final List<Document> inserts = new ArrayList<>();
        private final List<WriteModel<Document>> replaces = new ArrayList<>();
        private final List<Event> newEvents = new ArrayList<>();
        private int unchanged;
        private boolean eventsAppended;

        private Plan(List<Item> batch, Map<String, Document> existing, Instant now) {
            // The last version of an id in the batch wins.
            Map<String, Item> byId = new LinkedHashMap<>();
            for (Item item : batch) {
                byId.put(item.id(), item);
            }
            Date at = Date.from(now);
            for (Item item : byId.values()) {
                String hash = item.contentHash();
                Document before = existing.get(item.id());
                if (before == null) {
                    inserts.add(ItemDocuments.toDocument(item, hash).append("lastChanged", at).append("firstSeen", at));
                    newEvents.add(newEvent(item, hash, now));
                } else if (!hash.equals(before.getString("hash"))) {
                    Document doc = ItemDocuments.toDocument(item, hash).append("lastChanged", at)
                            .append("firstSeen", before.get("firstSeen", at));
                    // By _id alone: the embedded store answers any other filter with a scan of the
                    // collection (about 230 ms per item at 20,000 items, against 1 ms by _id). Two
                    // writers changing the same item at once: the last write wins, and each change
                    // has its own event.
                    replaces.add(new ReplaceOneModel<>(Filters.eq("_id", item.id()), doc));
                    newEvents.add(changedEvent(item, hash, before, now));
                    statusEvent(item, hash, before, now).ifPresent(newEvents::add);
                } else {
                    unchanged++;
                }
            }
        }

        /** Appends the batch's events (idempotent: their ids are deterministic). */
        public void appendEvents() {
            events.append(newEvents);
            eventsAppended = true;
        }

        /** Writes the new and changed items, after {@link #appendEvents()}; returns what storing did. */
        public UpsertResult writeItems() {
            if (!eventsAppended) {
                throw new IllegalStateException("the events of a batch are appended before its items are written");
            }
            int inserted = inserts.size();
            int same = unchanged;
            Set<String> raced = new HashSet<>();
            if (!inserts.isEmpty()) {
                // Another writer stored the same id first: it is one item, and its event is one
                // event (same deterministic id). Count it as unchanged here.
                for (int i : DuplicateKeys.insertMany(items, inserts)) {
                    raced.add(inserts.get(i).getString("_id"));
                }
                inserted -= raced.size();
                same += raced.size();
            }
            if (!replaces.isEmpty()) {
                items.bulkWrite(replaces, new BulkWriteOptions().ordered(false));
            }
            List<Event> appended = newEvents;
            if (!raced.isEmpty()) {
                appended = newEvents.stream().filter(ev -> !(Event.ITEM_NEW.equals(ev.type()) && raced.contains(ev.itemId()))).toList();
            }
            return new UpsertResult(inserted, replaces.size(), same, appended);
        }
    }

    private static Event newEvent(Item item, String hash, Instant now) {
        return new Event(Event.ITEM_NEW + ":" + item.id(), Event.ITEM_NEW, now, item.source(), item.id(),
                new EventData.ItemNew(item.kind(), item.title(), item.status(), item.url()).toMap());
    }

    private static Event changedEvent(Item item, String hash, Document before, Instant now) {
        return new Event(Event.ITEM_CHANGED + ":" + item.id() + ":" + hash, Event.ITEM_CHANGED, now, item.source(), item.id(),
                new EventData.ItemChanged(item.kind(), item.title(), hash, before.getString("hash")).toMap());
    }

    private static Optional<Event> statusEvent(Item item, String hash, Document before, Instant now) {
        String oldStatus = Objects.toString(before.getString("statusRaw"), Objects.toString(before.getString("status"), ""));
        String newStatus = Objects.toString(item.statusRaw(), Objects.toString(item.status(), ""));
        String oldRelease = Objects.toString(before.getString("release"), "");
        String newRelease = Objects.toString(item.release(), "");
        if (oldStatus.equals(newStatus) && oldRelease.equals(newRelease)) {
            return Optional.empty();
        }
        boolean releaseMoved = !oldRelease.equals(newRelease);
        EventData.ItemStatus data = new EventData.ItemStatus(item.kind(), item.title(), oldStatus, newStatus,
                releaseMoved ? oldRelease : null, releaseMoved ? newRelease : null, before.getString("status"), item.status());
        return Optional.of(new Event(Event.ITEM_STATUS + ":" + item.id() + ":" + hash, Event.ITEM_STATUS, now,
                item.source(), item.id(), data.toMap()));
    }

    /** The ids among these that are stored (one query). */
    public Set<String> existingIds(java.util.Collection<String> ids) {
        Set<String> out = new HashSet<>();
        if (ids.isEmpty()) {
            return out;
        }
        for (Document d : items.find(Filters.in("_id", ids)).projection(Projections.include("_id"))) {
            out.add(d.getString("_id"));
        }
        return out;
    }

    /** The ids of one source's items (only the ids are read). */
    public Set<String> idsOfSource(String source) {
        Set<String> out = new java.util.HashSet<>();
        for (Document d : items.find(Filters.eq("source", source)).projection(Projections.include("_id")).batchSize(5_000)) {
            out.add(d.getString("_id"));
        }
        return out;
    }

    /** The stored items among these ids, by id (one {@code $in} query per {@link #MAX_BATCH} ids). */
    public Map<String, Item> findAll(java.util.Collection<String> ids) {
        Map<String, Item> out = new HashMap<>();
        byIds(new java.util.LinkedHashSet<>(ids)).forEach(i -> out.put(i.id(), i));
        return out;
    }

    /**
     * One page of the stored items, by id, optionally of one kind and/or project and/or whose title
     * contains a text (any case), and how many there are.
     */
    public Store.Page<Item> page(String kind, String project, String titleContains, int offset, int limit) {
        List<Bson> filters = new ArrayList<>();
        if (kind != null) {
            filters.add(Filters.eq("kind", kind));
        }
        if (project != null) {
            filters.add(Filters.eq("project", project));
        }
        if (titleContains != null) {
            filters.add(Filters.regex("title", java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(titleContains),
                    java.util.regex.Pattern.CASE_INSENSITIVE)));
        }
        Bson filter = filters.isEmpty() ? new Document() : Filters.and(filters);
        List<Item> rows = new ArrayList<>();
        items.find(filter).sort(Sorts.ascending("_id")).skip(offset).limit(limit).forEach(d -> rows.add(ItemDocuments.toItem(d)));
        return new Store.Page<>(items.countDocuments(filter), rows);
    }

    /** What lists show of an item: its id, kind, source, project, title, status (normalised and raw), release and URL. */
    public record Summary(String id, String kind, String source, String project, String title, String status,
                          String statusRaw, String release, String url) {}

    private static final Bson SUMMARY_FIELDS = Projections.include("kind", "source", "project", "title", "status", "statusRaw",
            "release", "url");

    private static Summary summary(Document d) {
        return new Summary(d.getString("_id"), d.getString("kind"), d.getString("source"), d.getString("project"),
                d.getString("title"), d.getString("status"), d.getString("statusRaw"), d.getString("release"), d.getString("url"));
    }

    /** Calls {@code action} with the summary of every stored item, read in batches without the items' text. */
    public void forEachSummary(java.util.function.Consumer<Summary> action) {
        items.find().projection(SUMMARY_FIELDS).batchSize(5000).forEach(d -> action.accept(summary(d)));
    }

    /** The summaries of the stored items among these ids (one {@code $in} query per {@link #MAX_BATCH} ids). */
    public List<Summary> summaries(java.util.Collection<String> ids) {
        List<Summary> out = new ArrayList<>();
        List<String> all = new ArrayList<>(ids);
        for (int i = 0; i < all.size(); i += MAX_BATCH) {
            items.find(Filters.in("_id", all.subList(i, Math.min(all.size(), i + MAX_BATCH)))).projection(SUMMARY_FIELDS)
                    .forEach(d -> out.add(summary(d)));
        }
        return out;
    }

    /** Where a stored mail sits: its item id, its Message-ID and its thread. */
    public record MailPlace(String id, String messageId, String thread) {}

    /** The stored mails of a source with one of these Message-IDs (one query; only id, Message-ID and thread are read). */
    public List<MailPlace> mailsByMessageId(String source, java.util.Collection<String> messageIds) {
        List<MailPlace> out = new ArrayList<>();
        if (messageIds.isEmpty()) {
            return out;
        }
        for (Document d : items.find(Filters.and(Filters.eq("source", source), Filters.in("attrs.messageId", messageIds)))
                .projection(Projections.include("_id", "attrs.messageId", "attrs.thread"))) {
            Document a = d.get("attrs", Document.class);
            if (a != null) {
                out.add(new MailPlace(d.getString("_id"), a.getString("messageId"), a.getString("thread")));
            }
        }
        return out;
    }

    /** A stored mail's place in its thread, found by the key of its subject. */
    public record MailBySubject(String id, String subjectKey, String thread) {}

    /**
     * The stored mails of a source whose subject key is one of these, oldest first (one query;
     * only id, subject key and thread are read): where a thread that started earlier is found.
     */
    public List<MailBySubject> mailsBySubjectKey(String source, java.util.Collection<String> subjectKeys) {
        List<MailBySubject> out = new ArrayList<>();
        if (subjectKeys.isEmpty()) {
            return out;
        }
        for (Document d : items.find(Filters.and(Filters.eq("source", source), Filters.in("attrs.subjectKey", subjectKeys)))
                .projection(Projections.include("_id", "attrs.subjectKey", "attrs.thread", "created"))
                .sort(Sorts.ascending("created"))) {
            Document a = d.get("attrs", Document.class);
            if (a != null) {
                out.add(new MailBySubject(d.getString("_id"), a.getString("subjectKey"), a.getString("thread")));
            }
        }
        return out;
    }

    /** Items of a kind whose attribute has this value (e.g. the mails of one thread), at most {@code limit}. */
    public List<Item> withAttribute(String kind, String attribute, Object value, int limit) {
        List<Item> out = new ArrayList<>();
        for (Document d : items.find(Filters.and(Filters.eq("kind", kind), Filters.eq("attrs." + attribute, value))).limit(limit)) {
            out.add(ItemDocuments.toItem(d));
        }
        return out;
    }

    /** Every item of a kind from one source, oldest first. */
    public List<Item> ofSourceOldestFirst(String kind, String source) {
        List<Item> out = new ArrayList<>();
        for (Document d : items.find(Filters.and(Filters.eq("kind", kind), Filters.eq("source", source))).sort(Sorts.ascending("created"))) {
            out.add(ItemDocuments.toItem(d));
        }
        return out;
    }

    /**
     * The stored items among these ids, in the order the store returns them (one {@code $in}
     * query per {@link #MAX_BATCH} ids; the content hash is not read).
     */
    public List<Item> byIds(java.util.Collection<String> ids) {
        List<Item> out = new ArrayList<>();
        List<String> all = new ArrayList<>(ids);
        for (int i = 0; i < all.size(); i += MAX_BATCH) {
            for (Document d : items.find(Filters.in("_id", all.subList(i, Math.min(all.size(), i + MAX_BATCH))))
                    .projection(Projections.exclude("hash"))) {
                out.add(ItemDocuments.toItem(d));
            }
        }
        return out;
    }

    /**
     * Every stored item, {@code batch} at a time, in bounded memory: the ids first (one query that
     * returns only them), then the items by id. A plain scan of the collection would make the
     * embedded store gather every whole document of the answer in memory before the first one is
     * sent (100,000 items did not fit a 1 GB heap). The next batch is read on another thread
     * while {@code action} handles this one (the same batches, in the same order).
     */
    public void forEachBatch(int batch, java.util.function.Consumer<List<Item>> action) {
        List<String> ids = new ArrayList<>();
        for (Document d : items.find().projection(Projections.include("_id")).batchSize(5_000)) {
            ids.add(d.getString("_id"));
        }
        if (ids.size() <= batch) {
            List<Item> some = byIds(ids);
            if (!some.isEmpty()) {
                action.accept(some);
            }
            return;
        }
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "items-read-ahead");
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.concurrent.Future<List<Item>> next = reader.submit(() -> byIds(ids.subList(0, batch)));
            for (int i = 0; i < ids.size(); i += batch) {
                List<Item> some = next.get();
                int from = i + batch;
                next = from < ids.size() ? reader.submit(() -> byIds(ids.subList(from, Math.min(ids.size(), from + batch)))) : null;
                if (!some.isEmpty()) {
                    action.accept(some);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading items", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            reader.shutdownNow();
        }
    }

    /** The item of an id; an old spec id (release in it) finds the one item that spec now is. */
    public Optional<Item> find(String id) {
        Document d = items.find(Filters.eq("_id", id)).first();
        if (d == null && dev.liaison.item.SpecIds.isOld(id)) {
            d = items.find(Filters.eq("_id", dev.liaison.item.SpecIds.canonical(id))).first();
        }
        return Optional.ofNullable(d).map(ItemDocuments::toItem);
    }

    /** Stored items, optionally of one kind and/or source, by id. */
    public List<Item> list(String kind, String source, int limit) {
        List<Bson> filters = new ArrayList<>();
        if (kind != null) {
            filters.add(Filters.eq("kind", kind));
        }
        if (source != null) {
            filters.add(Filters.eq("source", source));
        }
        Bson filter = filters.isEmpty() ? new Document() : Filters.and(filters);
        // The ids first, then the items by id: sorting whole documents would make the embedded
        // store gather every matching one in memory first.
        List<String> ids = new ArrayList<>();
        for (Document d : items.find(filter).projection(Projections.include("_id")).sort(Sorts.ascending("_id")).limit(limit)) {
            ids.add(d.getString("_id"));
        }
        Map<String, Item> byId = new HashMap<>();
        for (int i = 0; i < ids.size(); i += MAX_BATCH) {
            for (Document d : items.find(Filters.in("_id", ids.subList(i, Math.min(ids.size(), i + MAX_BATCH))))) {
                byId.put(d.getString("_id"), ItemDocuments.toItem(d));
            }
        }
        List<Item> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            Item item = byId.get(id);
            if (item != null) {
                out.add(item);
            }
        }
        return out;
    }

    /**
     * How many items are stored: the collection's own count (exact on the embedded store, from
     * the collection's metadata on MongoDB), not a counting query: on the embedded store
     * {@code countDocuments} gathers every document in memory first.
     */
    public long count() {
        return items.estimatedDocumentCount();
    }

    public long countBySource(String source) {
        return items.countDocuments(Filters.eq("source", source));
    }

    /**
     * Item counts per source. Reads only each item's source field: an aggregation would make the
     * embedded store gather every whole document in memory first (100,000 items did not fit in
     * 1 GB).
     */
    public Map<String, Long> countsBySource() {
        Map<String, Long> out = new HashMap<>();
        for (Document d : items.find().projection(Projections.fields(Projections.include("source"), Projections.excludeId()))
                .batchSize(5_000)) {
            out.merge(String.valueOf(d.get("source")), 1L, Long::sum);
        }
        return out;
    }
}
