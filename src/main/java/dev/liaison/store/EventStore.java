package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.liaison.item.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The append-only event log. Event ids are deterministic, so appending an event that is already
 * there is a no-op (the duplicate key is the "seen" answer, in one round trip).
 */
public final class EventStore {

    private final MongoCollection<Document> events;

    EventStore(MongoCollection<Document> events) {
        this.events = events;
    }

    /** Appends events; returns how many were new. */
    public int append(List<Event> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        synchronized (APPEND_ORDER) {
            return appendInOrder(batch);
        }
    }

    /**
     * Appends in this process happen one at a time, each stamped when it starts: a reader that
     * follows {@link #STORED} never finds an event of this process stamped before one it has read.
     */
    private static final Object APPEND_ORDER = new Object();
    /** The last stamp given (stamps never go back, whatever the wall clock does). */
    private static long lastStamp;

    private int appendInOrder(List<Event> batch) {
        List<Document> docs = new ArrayList<>(batch.size());
        lastStamp = Math.max(lastStamp, System.currentTimeMillis());
        Date stored = new Date(lastStamp);
        for (Event e : batch) {
            docs.add(new Document("_id", e.id())
                    .append("type", e.type())
                    .append("at", Date.from(e.at()))
                    .append(STORED, stored)
                    .append("source", e.source())
                    .append("item", e.itemId())
                    .append("data", new Document(e.data())));
        }
        return docs.size() - DuplicateKeys.insertMany(events, docs).size();
    }

    /** Events at or after {@code since} (all when null), optionally of one type, oldest first. */
    public List<Event> since(Instant since, String type, int limit) {
        return read(atOrAfter(since, type), 0, limit);
    }

    private static Bson atOrAfter(Instant since, String type) {
        List<Bson> filters = new ArrayList<>();
        if (since != null) {
            filters.add(Filters.gte("at", Date.from(since)));
        }
        if (type != null) {
            filters.add(Filters.eq("type", type));
        }
        return filters.isEmpty() ? new Document() : Filters.and(filters);
    }

    private List<Event> read(Bson filter, int offset, int limit) {
        List<Event> out = new ArrayList<>();
        for (Document d : events.find(filter).sort(Sorts.ascending("at", "_id")).skip(offset).limit(limit)) {
            out.add(toEvent(d));
        }
        return out;
    }

    /** One page of the events at or after {@code since} (all when null), optionally of one type, oldest first, and how many there are. */
    public Store.Page<Event> page(Instant since, String type, int offset, int limit) {
        Bson filter = atOrAfter(since, type);
        return new Store.Page<>(events.countDocuments(filter), read(filter, offset, limit));
    }

    /**
     * When an event was appended (the appending process's wall clock), as opposed to {@code at},
     * when what it records happened. A reader that follows the log with a cursor follows this
     * field: a poll may append events whose {@code at} lies minutes in the past.
     */
    public static final String STORED = "stored";

    /**
     * Events of one type appended at or after {@code since} (all when null), in the order they
     * were appended, at most {@code limit}. Events written before this field existed count as
     * appended at their {@code at}.
     */
    public List<Event> appendedSince(Instant since, List<String> types, int limit) {
        List<Bson> filters = new ArrayList<>();
        if (since != null) {
            Date d = Date.from(since);
            filters.add(Filters.or(Filters.gte(STORED, d), Filters.and(Filters.exists(STORED, false), Filters.gte("at", d))));
        }
        if (types != null) {
            filters.add(Filters.in("type", types));
        }
        Bson filter = filters.isEmpty() ? new Document() : Filters.and(filters);
        List<Event> out = new ArrayList<>();
        for (Document d : events.find(filter).sort(Sorts.ascending(STORED, "_id")).limit(limit)) {
            out.add(toEvent(d));
        }
        return out;
    }

    /** The events of these types that happened in (from, until], in no particular order, read in batches. */
    public List<Event> between(java.util.Collection<String> types, Instant from, Instant until) {
        List<Event> out = new ArrayList<>();
        events.find(Filters.and(Filters.in("type", types), Filters.gt("at", Date.from(from)), Filters.lte("at", Date.from(until))))
                .batchSize(5000).forEach(d -> out.add(toEvent(d)));
        return out;
    }

    /** Calls {@code action} with every stored event (in no order), read in batches. */
    public void forEach(java.util.function.Consumer<Event> action) {
        events.find().batchSize(5000).forEach(d -> action.accept(toEvent(d)));
    }

    /** The collection's own count (see {@code ItemStore.count}: no counting query over every document). */
    public long count() {
        return events.estimatedDocumentCount();
    }

    public long count(String type) {
        return events.countDocuments(Filters.eq("type", type));
    }

    static Event toEvent(Document d) {
        Document data = d.get("data", Document.class);
        java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        if (data != null) {
            data.forEach((k, v) -> {
                if (v != null) {
                    map.put(k, v instanceof Date date ? date.toInstant().toString() : v);
                }
            });
        }
        Date stored = d.getDate(STORED);
        return new Event(d.getString("_id"), d.getString("type"), d.getDate("at").toInstant(),
                d.getString("source"), d.getString("item"), map, (stored != null ? stored : d.getDate("at")).toInstant());
    }
}
