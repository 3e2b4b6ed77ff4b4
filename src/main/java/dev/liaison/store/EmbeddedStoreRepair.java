package dev.liaison.store;

import de.bwaldvogel.mongo.bson.Document;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and repairs a torn embedded store before the backend opens it: a collection whose unique
 * index (the {@code _id} index included) does not hold one entry per document. A store written by
 * an older Liaison, whose auto-commit could land between a document and its index entries, can
 * be left that way by a crash; then a scan finds a document that an {@code _id} lookup does not,
 * and every insert of that id fails.
 *
 * <p>The check compares counts, which the MVStore keeps per map: it costs nothing at start-up and
 * catches every tear a single interrupted insert, update or delete leaves (each changes a
 * document and its index entries in the same direction). A torn collection's indexes are
 * emptied, and the backend rebuilds an empty unique index from the documents when it opens it.
 * If documents of a torn collection share the key of a unique index (possible when an insert
 * went through a missing index entry), the one the index pointed at (or the first) is kept and
 * the others are moved out to {@code repaired-<collection>-<time>.jsonl} in the data dir, so a
 * rebuilt index can hold, and nothing is dropped unseen.
 */
final class EmbeddedStoreRepair {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStoreRepair.class);

    /** mongo-java-server's map names: {@code databases.<db>.<collection>} holds the documents. */
    static final String DATA_PREFIX = "databases.";
    private static final String INDEXES_SUFFIX = ".system.indexes";

    /** A unique index sees a missing field and a null alike. */
    private static final Object MISSING = new Object();

    private EmbeddedStoreRepair() {}

    /** One index as the backend describes it in {@code system.indexes}. */
    record IndexDescription(String namespace, String name, List<String> fields, boolean sparse) {
        String mapName() {
            return namespace + "._index_" + name;
        }
    }

    /** The unique indexes whose entries do not match their collection's documents, by namespace. */
    static Map<String, List<String>> mismatches(MVStore store) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (var entry : uniqueIndexes(store).entrySet()) {
            String ns = entry.getKey();
            if (!store.hasMap(DATA_PREFIX + ns)) {
                continue;
            }
            long documents = store.openMap(DATA_PREFIX + ns).sizeAsLong();
            for (IndexDescription index : entry.getValue()) {
                if (index.sparse() || !store.hasMap(index.mapName())) {
                    continue;
                }
                long entries = store.openMap(index.mapName()).sizeAsLong();
                if (entries != documents) {
                    out.computeIfAbsent(ns, k -> new ArrayList<>())
                            .add(index.name() + " has " + entries + " entries for " + documents + " documents");
                }
            }
        }
        return out;
    }

    /** What was repaired, one line per collection; empty when nothing was torn. */
    static List<String> repair(MVStore store, Path dataDir) {
        Map<String, List<IndexDescription>> byNamespace = uniqueIndexes(store);
        Map<String, List<String>> torn = mismatches(store);
        List<String> repaired = new ArrayList<>();
        for (var entry : byNamespace.entrySet()) {
            String ns = entry.getKey();
            List<String> mismatches = torn.get(ns);
            if (mismatches == null) {
                continue;
            }
            MVMap<Object, Document> data = store.openMap(DATA_PREFIX + ns);
            Path movedTo = dataDir.resolve(repairFileName(ns));
            int movedOut = moveOutDuplicates(store, data, entry.getValue(), movedTo, ns);
            for (IndexDescription index : entry.getValue()) {
                if (store.hasMap(index.mapName())) {
                    store.openMap(index.mapName()).clear();
                }
            }
            String line = ns + ": " + String.join(", ", mismatches) + "; indexes rebuilt from the "
                    + data.sizeAsLong() + " documents"
                    + (movedOut > 0 ? ", " + movedOut + " document(s) with a duplicate unique key moved to "
                            + movedTo : "");
            LOG.warn("Embedded store was torn (a crash of an older Liaison?), repaired: {}", line);
            repaired.add(line);
        }
        if (!repaired.isEmpty()) {
            store.commit();
        }
        return repaired;
    }

    private static Map<String, List<IndexDescription>> uniqueIndexes(MVStore store) {
        Map<String, List<IndexDescription>> out = new LinkedHashMap<>();
        for (String mapName : store.getMapNames()) {
            if (!mapName.startsWith(DATA_PREFIX) || !mapName.endsWith(INDEXES_SUFFIX)) {
                continue;
            }
            MVMap<Object, Object> indexes = store.openMap(mapName);
            for (Object value : indexes.values()) {
                if (!(value instanceof Document d) || !(d.get("key") instanceof Document key)) {
                    continue;
                }
                boolean primary = key.keySet().equals(java.util.Set.of("_id"));
                boolean unique = primary || Boolean.TRUE.equals(d.get("unique"));
                if (!unique || d.get("ns") == null || d.get("name") == null) {
                    continue;
                }
                out.computeIfAbsent(d.get("ns").toString(), k -> new ArrayList<>())
                        .add(new IndexDescription(d.get("ns").toString(), d.get("name").toString(),
                                List.copyOf(key.keySet()), Boolean.TRUE.equals(d.get("sparse"))));
            }
        }
        return out;
    }

    /**
     * Moves out the documents that share a secondary unique key with another one (the {@code _id}
     * cannot repeat: it is the data map's key). Returns how many were moved.
     */
    private static int moveOutDuplicates(MVStore store, MVMap<Object, Document> data, List<IndexDescription> indexes,
            Path file, String ns) {
        List<Map.Entry<Object, Document>> moved = new ArrayList<>();
        for (IndexDescription index : indexes) {
            if (index.fields().equals(List.of("_id")) || index.sparse()) {
                continue;
            }
            Map<Object, Object> pointedAt = new HashMap<>();
            if (store.hasMap(index.mapName())) {
                MVMap<Object, Object> entries = store.openMap(index.mapName());
                for (Object position : entries.values()) {
                    pointedAt.put(position, Boolean.TRUE);
                }
            }
            Map<List<Object>, Object> keeper = new HashMap<>();
            List<Object> losers = new ArrayList<>();
            for (var e : data.entrySet()) {
                List<Object> key = new ArrayList<>();
                for (String field : index.fields()) {
                    key.add(valueAt(e.getValue(), field));
                }
                Object kept = keeper.get(key);
                if (kept == null) {
                    keeper.put(key, e.getKey());
                } else if (pointedAt.containsKey(e.getKey()) && !pointedAt.containsKey(kept)) {
                    losers.add(kept);
                    keeper.put(key, e.getKey());
                } else {
                    losers.add(e.getKey());
                }
            }
            for (Object position : losers) {
                Document d = data.remove(position);
                if (d != null) {
                    moved.add(Map.entry(position, d));
                }
            }
        }
        if (moved.isEmpty()) {
            return 0;
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (var e : moved) {
                w.write(e.getValue().toString());
                w.write('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the documents moved out of " + ns + " to " + file
                    + ": " + e.getMessage(), e);
        }
        return moved.size();
    }

    private static String repairFileName(String ns) {
        return "repaired-" + ns + "-" + Instant.now().toString().replace(':', '-').replaceAll("\\.\\d+", "") + ".jsonl";
    }

    private static Object valueAt(Document d, String dottedField) {
        Object current = d;
        for (String part : dottedField.split("\\.")) {
            if (!(current instanceof Document doc)) {
                return MISSING;
            }
            current = doc.get(part);
        }
        return Objects.requireNonNullElse(current, MISSING);
    }
}
