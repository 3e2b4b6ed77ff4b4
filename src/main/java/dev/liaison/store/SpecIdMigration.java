package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.WriteModel;
import dev.liaison.item.SpecIds;
import dev.liaison.story.Link;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * Moves one source's spec items from the old ids ({@code spec:<project>/<release>/<name>}, one item
 * per release copy) to one item per spec ({@code spec:<project>/<name>}, {@link SpecIds}). Links
 * (and so the imported trackers, which are stored as links) are moved to the new id: where a story
 * had links to several copies, the strongest survives (a person's confirmation, then a rejection,
 * then a declared or mentioned link, then the most confident). The old items are removed and the
 * source's HTTP validators cleared, so the next crawl reads every page and stores the merged
 * items. Events keep the ids they were written with (history). Batched: one query per
 * collection, bulk writes; idempotent (a crash half-way is finished by the next run).
 */
public final class SpecIdMigration {

    private SpecIdMigration() {}

    /** What a run moved. */
    public record Result(int oldItems, int linksMoved, int linksDropped) {}

    public static Result run(Store store, String source) {
        MongoCollection<Document> items = store.collection(Store.ITEMS);
        List<String> old = new ArrayList<>();
        for (Document d : items.find(Filters.eq("source", source)).projection(Projections.include("_id"))) {
            String id = d.getString("_id");
            if (id != null && id.startsWith("spec:") && SpecIds.isOld(id)) {
                old.add(id);
            }
        }
        int moved = 0;
        int dropped = 0;
        if (!old.isEmpty()) {
            Set<String> ids = new HashSet<>(old);
            old.forEach(id -> ids.add(SpecIds.canonical(id)));
            MongoCollection<Document> links = store.collection(Store.LINKS);
            Map<String, List<Document>> byNewId = new LinkedHashMap<>();
            for (Document d : links.find(Filters.in("item", ids))) {
                String now = Link.id(d.getString("story"), SpecIds.canonical(d.getString("item")));
                byNewId.computeIfAbsent(now, k -> new ArrayList<>()).add(d);
            }
            List<WriteModel<Document>> writes = new ArrayList<>();
            boolean strong = false;
            for (Map.Entry<String, List<Document>> e : byNewId.entrySet()) {
                Document best = null;
                for (Document d : e.getValue()) {
                    if (best == null || strength(d) > strength(best)) {
                        best = d;
                    }
                }
                if (e.getValue().size() == 1 && e.getKey().equals(best.getString("_id"))) {
                    continue; // already a link to the new id, alone
                }
                for (Document d : e.getValue()) {
                    writes.add(new DeleteOneModel<>(Filters.eq("_id", d.getString("_id"))));
                    if (d != best) {
                        dropped++;
                    }
                }
                Document moved1 = new Document(best);
                moved1.put("_id", e.getKey());
                moved1.put("item", SpecIds.canonical(best.getString("item")));
                writes.add(new InsertOneModel<>(moved1));
                moved++;
                strong |= strength(best) > 0;
            }
            if (!writes.isEmpty()) {
                links.bulkWrite(writes); // ordered: the deletes free the (story, item) slot before the insert
            }
            if (strong) {
                store.sourceState().increment(LinkStore.VERSION_SOURCE, LinkStore.VERSION_COUNTER);
            }
            items.deleteMany(Filters.in("_id", old));
        }
        store.collection(Store.HTTP_VALIDATORS).deleteMany(Filters.eq("source", source));
        return new Result(old.size(), moved, dropped);
    }

    private static int strength(Document link) {
        String state = link.getString("state");
        Number c = link.get("confidence", Number.class);
        double confidence = c == null ? 0 : Math.min(1, Math.max(0, c.doubleValue()));
        int rank = Link.CONFIRMED.equals(state) ? 3 : Link.REJECTED.equals(state) ? 2
                : Link.DECLARED.equals(link.getString("how")) || Link.MENTIONED.equals(link.getString("how"))
                        || Link.MANUAL.equals(link.getString("how")) ? 1 : 0;
        return rank * 1000 + (int) Math.round(confidence * 999);
    }
}
