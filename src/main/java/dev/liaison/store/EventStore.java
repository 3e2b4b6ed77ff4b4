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
        List<Document> docs = new ArrayList<>(batch.size());
        for (Event e : batch) {
            docs.add(new Document("_id", e.id())
                    .append("type", e.type())
                    .append("at", Date.from(e.at()))
                    .append("source", e.source())
                    .append("item", e.itemId())
                    .append("data", new Document(e.data())));
        }
        return docs.size() - DuplicateKeys.insertMany(events, docs).size();
    }

    /** Events at or after {@code since} (all when null), optionally of one type, oldest first. */
    public List<Event> since(Instant since, String type, int limit) {
        List<Bson> filters = new ArrayList<>();
        if (since != null) {
            filters.add(Filters.gte("at", Date.from(since)));
        }
        if (type != null) {
            filters.add(Filters.eq("type", type));
        }
        Bson filter = filters.isEmpty() ? new Document() : Filters.and(filters);
        List<Event> out = new ArrayList<>();
        for (Document d : events.find(filter).sort(Sorts.ascending("at", "_id")).limit(limit)) {
            out.add(toEvent(d));
        }
        return out;
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
        return new Event(d.getString("_id"), d.getString("type"), d.getDate("at").toInstant(),
                d.getString("source"), d.getString("item"), map);
    }
}
