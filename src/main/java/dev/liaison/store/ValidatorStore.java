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
        if (byUrl.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> writes = new ArrayList<>(byUrl.size());
        byUrl.forEach((url, e) -> {
            String id = source + " " + url;
            writes.add(new ReplaceOneModel<>(Filters.eq("_id", id), new Document("_id", id)
                    .append("source", source)
                    .append("url", url)
                    .append("etag", e.validators().etag())
                    .append("lastModified", e.validators().lastModified())
                    .append("bodyHash", e.bodyHash()), new ReplaceOptions().upsert(true)));
        });
        validators.bulkWrite(writes, new BulkWriteOptions().ordered(false));
    }
}
