package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.liaison.release.ReleaseEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The release schedules read by {@code release-schedule} sources: one small document per week or
 * deadline in {@code release_schedule}, {@code _id} {@code <source>:<entry id>}, with a hash of
 * its content. Not items: a deadline is not a piece of work to link to stories, and reading them
 * all (a few hundred) must not scan the items collection. Storing a feed's entries costs one query
 * (the source's stored ids and hashes) and at most two writes (a bulk upsert of what is new or
 * changed, one delete of what the feed no longer holds), whatever the number of entries.
 */
public final class ReleaseScheduleStore {

    public static final String COLLECTION = "release_schedule";

    private final MongoCollection<Document> entries;

    public ReleaseScheduleStore(Store store) {
        this.entries = store.collection(COLLECTION);
    }

    /** What storing a feed did. */
    public record Result(int added, int changed, int removed, int unchanged) {
        public boolean wrote() {
            return added + changed + removed > 0;
        }
    }

    /** Makes the source's stored entries exactly these: new and changed ones written, vanished ones removed. */
    public Result replace(String source, List<ReleaseEntry> feed, Instant now) {
        Map<String, String> stored = new HashMap<>();
        for (Document d : entries.find(Filters.eq("source", source)).projection(Projections.include("hash"))) {
            stored.put(d.getString("_id"), d.getString("hash"));
        }
        Map<String, ReleaseEntry> byKey = new LinkedHashMap<>();
        for (ReleaseEntry e : feed) {
            byKey.put(source + ":" + e.id(), e);
        }
        List<WriteModel<Document>> writes = new ArrayList<>();
        int added = 0, changed = 0, unchanged = 0;
        for (Map.Entry<String, ReleaseEntry> e : byKey.entrySet()) {
            String hash = hash(e.getValue());
            String before = stored.get(e.getKey());
            if (hash.equals(before)) {
                unchanged++;
                continue;
            }
            if (before == null) {
                added++;
            } else {
                changed++;
            }
            writes.add(new ReplaceOneModel<>(Filters.eq("_id", e.getKey()), toDocument(e.getKey(), source, e.getValue(), hash, now),
                    new ReplaceOptions().upsert(true)));
        }
        if (!writes.isEmpty()) {
            entries.bulkWrite(writes);
        }
        List<String> gone = stored.keySet().stream().filter(k -> !byKey.containsKey(k)).toList();
        if (!gone.isEmpty()) {
            entries.deleteMany(Filters.in("_id", gone));
        }
        return new Result(added, changed, gone.size(), unchanged);
    }

    /** Every stored entry of every source (a few hundred at most). */
    public List<ReleaseEntry> all() {
        List<ReleaseEntry> out = new ArrayList<>();
        for (Document d : entries.find()) {
            out.add(fromDocument(d));
        }
        return out;
    }

    /** How many entries a source has stored. */
    public long count(String source) {
        return entries.countDocuments(Filters.eq("source", source));
    }

    private static Document toDocument(String key, String source, ReleaseEntry e, String hash, Instant now) {
        return new Document("_id", key).append("source", source).append("entry", e.id()).append("series", e.series())
                .append("type", e.type().name()).append("project", e.project()).append("title", e.title())
                .append("week", e.week()).append("start", e.start().toString()).append("end", e.end().toString())
                .append("description", e.description()).append("hash", hash).append("storedAt", Date.from(now));
    }

    private static ReleaseEntry fromDocument(Document d) {
        return new ReleaseEntry(d.getString("entry"), d.getString("series"), ReleaseEntry.Type.valueOf(d.getString("type")),
                d.getString("project"), d.getString("title"), d.getString("week"), LocalDate.parse(d.getString("start")),
                LocalDate.parse(d.getString("end")), d.getString("description"));
    }

    static String hash(ReleaseEntry e) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object f : new Object[] {e.id(), e.series(), e.type(), e.project(), e.title(), e.week(), e.start(), e.end(), e.description()}) {
                sha.update(String.valueOf(f).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0x1f);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
