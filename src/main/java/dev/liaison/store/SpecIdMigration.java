package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import dev.liaison.item.SpecIds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/**
 * Moves one source's spec items from the old ids ({@code spec:<project>/<release>/<name>}, one item
 * per release copy) to one item per spec ({@code spec:<project>/<name>}, {@link SpecIds}). Links
 * (and so the imported trackers, which are stored as links) are moved to the new id: where a story
 * had links to several copies, the strongest survives (a person's confirmation, then a rejection,
 * then a declared or mentioned link, then the most confident). The old items are removed and the
 * source's HTTP validators cleared, so the next crawl reads every page and stores the merged
 * items. Links move through {@link LinkStore#rekey}, the one way links change key. Events keep the ids they were written with (history). Batched: one query per
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
        LinkStore.Rekeyed links = new LinkStore.Rekeyed(0, 0);
        if (!old.isEmpty()) {
            Set<String> ids = new HashSet<>(old);
            old.forEach(id -> ids.add(SpecIds.canonical(id)));
            links = new LinkStore(store).rekey(Filters.in("item", ids), story -> story, SpecIds::canonical);
            items.deleteMany(Filters.in("_id", old));
        }
        store.collection(Store.HTTP_VALIDATORS).deleteMany(Filters.eq("source", source));
        return new Result(old.size(), links.moved(), links.dropped());
    }

}
