package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.liaison.item.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;

/**
 * The versions of watched pages, in the {@code snapshots} collection ({@link Store#SNAPSHOTS}),
 * and the query a page view or the API needs: the latest snapshot of a page and its recent
 * {@code page.changed} events. A snapshot's id is {@code <source>#<version>}, so storing the same
 * version twice (a rerun after a crash, two instances) stores it once.
 */
public final class SnapshotStore {

    private final MongoCollection<Document> snapshots;
    private final MongoCollection<Document> events;

    public SnapshotStore(Store store) {
        this.snapshots = store.collection(Store.SNAPSHOTS);
        this.events = store.collection(Store.EVENTS);
    }

    /** The latest snapshot of a page-watch source and its recent changes, newest first. */
    public record PageHistory(Optional<PageSnapshot> latest, List<Event> recentChanges) {}

    /** The latest snapshot of a source (by its id in sources.yaml) and up to {@code changes} recent changes. */
    public PageHistory history(String source, int changes) {
        return new PageHistory(latest(source), recentChanges(source, changes));
    }

    public Optional<PageSnapshot> latest(String source) {
        List<PageSnapshot> r = recent(source, 1);
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    }

    /** The last {@code n} snapshots of a source, newest first, in one query. */
    public List<PageSnapshot> recent(String source, int n) {
        List<PageSnapshot> out = new ArrayList<>();
        for (Document d : snapshots.find(Filters.eq("source", source)).sort(Sorts.descending("version")).limit(Math.max(1, n))) {
            out.add(toSnapshot(d));
        }
        return out;
    }

    /** The {@code page.changed} events of a source, newest first. */
    public List<Event> recentChanges(String source, int limit) {
        List<Event> out = new ArrayList<>();
        for (Document d : events.find(Filters.and(Filters.eq("type", Event.PAGE_CHANGED), Filters.eq("source", source)))
                .sort(Sorts.descending("at", "_id")).limit(Math.max(1, limit))) {
            out.add(EventStore.toEvent(d));
        }
        return out;
    }

    public long count(String source) {
        return snapshots.countDocuments(Filters.eq("source", source));
    }

    /** Stores a snapshot; a snapshot with the same source and version already there is left as it is. */
    public void insert(PageSnapshot s) {
        Document d = new Document("_id", s.source() + "#" + s.version())
                .append("source", s.source())
                .append("version", s.version())
                .append("url", s.url())
                .append("title", s.title())
                .append("hash", s.hash())
                .append("fetchedAt", Date.from(s.fetchedAt()))
                .append("blocks", s.blocks());
        try {
            snapshots.insertOne(d);
        } catch (com.mongodb.MongoServerException e) {
            if (!dev.liaison.store.DuplicateKeys.isDuplicate(e)) {
                throw e;
            }
        }
    }

    /** Deletes the snapshots of a source older than the last {@code keep}. */
    public void prune(String source, long latestVersion, int keep) {
        long cut = latestVersion - keep;
        if (cut >= 1) {
            snapshots.deleteMany(Filters.and(Filters.eq("source", source), Filters.lte("version", cut)));
        }
    }

    @SuppressWarnings("unchecked")
    private static PageSnapshot toSnapshot(Document d) {
        Number version = d.get("version", Number.class);
        Date at = d.getDate("fetchedAt");
        List<Map<String, Object>> blocks = new ArrayList<>();
        Object raw = d.get("blocks");
        if (raw instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    blocks.add((Map<String, Object>) m);
                }
            }
        }
        return new PageSnapshot(d.getString("source"), version == null ? 0 : version.longValue(), d.getString("url"),
                d.getString("title"), d.getString("hash"), at == null ? Instant.EPOCH : at.toInstant(), blocks);
    }
}
