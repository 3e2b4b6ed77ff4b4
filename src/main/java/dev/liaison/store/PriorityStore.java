package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/** The stories each organisation ranks first, as set through the API (collection {@code priorities}, one document per organisation). */
public final class PriorityStore {

    private final MongoCollection<Document> priorities;

    public PriorityStore(Store store) {
        this.priorities = store.collection(Store.PRIORITIES);
    }

    /** Every organisation's ranked story ids, as last set. */
    public Map<String, List<String>> all() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        priorities.find().forEach(d -> out.put(d.getString("_id"), d.getList("stories", String.class, List.of())));
        return out;
    }

    /** Replaces an organisation's ranking, with who set it and when. */
    public void set(String organisation, List<String> storyIds, String by, Instant at) {
        priorities.replaceOne(Filters.eq("_id", organisation), new Document("_id", organisation)
                .append("stories", storyIds).append("updatedBy", by).append("updatedAt", Date.from(at)), new ReplaceOptions().upsert(true));
    }
}
