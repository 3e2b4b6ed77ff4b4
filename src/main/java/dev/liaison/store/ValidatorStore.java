package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.liaison.fetch.Validators;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * ETag and Last-Modified per fetched URL, per source, plus an optional hash of the body for
 * servers that send no validators. Save them only after what the body produced is stored: a
 * validator saved too early would turn a lost batch into a 304.
 */
public final class ValidatorStore {

    private final MongoCollection<Document> validators;

    ValidatorStore(MongoCollection<Document> validators) {
        this.validators = validators;
    }

    /** A stored validator set; {@code bodyHash} may be null. */
    public record Entry(Validators validators, String bodyHash) {}

    /** Everything stored for one source, by URL, in one query. */
    public Map<String, Entry> load(String source) {
        Map<String, Entry> out = new HashMap<>();
        for (Document d : validators.find(Filters.eq("source", source))) {
            out.put(d.getString("url"), new Entry(new Validators(d.getString("etag"), d.getString("lastModified")),
                    d.getString("bodyHash")));
        }
        return out;
    }

    public void save(String source, Map<String, Entry> byUrl) {
        save(source, byUrl, null);
    }

    /**
     * Saves validators, given what {@link #load} returned for the source earlier in the same poll
     * ({@code stored}; null when unknown). An entry equal to its stored one is not written again;
     * entries for URLs that had none are inserted (one insert, far cheaper on the embedded store
     * than an upsert each), the rest replaced. A URL inserted meanwhile by someone else is replaced.
     */
    public void save(String source, Map<String, Entry> byUrl, Map<String, Entry> stored) {
        if (byUrl.isEmpty()) {
            return;
        }
        List<Document> fresh = new ArrayList<>();
        Map<String, Entry> replace = new LinkedHashMap<>();
        byUrl.forEach((url, e) -> {
            if (stored == null) {
                replace.put(url, e);
            } else if (!stored.containsKey(url)) {
                fresh.add(document(source, url, e));
            } else if (!e.equals(stored.get(url))) {
                replace.put(url, e);
            }
        });
        if (!fresh.isEmpty()) {
            for (int i : DuplicateKeys.insertMany(validators, fresh)) {
                String url = fresh.get(i).getString("url");
                replace.put(url, byUrl.get(url));
            }
        }
        if (replace.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> writes = new ArrayList<>(replace.size());
        replace.forEach((url, e) -> {
            Document d = document(source, url, e);
            writes.add(new ReplaceOneModel<>(Filters.eq("_id", d.getString("_id")), d, new ReplaceOptions().upsert(true)));
        });
        validators.bulkWrite(writes, new BulkWriteOptions().ordered(false));
    }

    private static Document document(String source, String url, Entry e) {
        String id = source + " " + url;
        return new Document("_id", id)
                .append("source", source)
                .append("url", url)
                .append("etag", e.validators().etag())
                .append("lastModified", e.validators().lastModified())
                .append("bodyHash", e.bodyHash());
    }
}
