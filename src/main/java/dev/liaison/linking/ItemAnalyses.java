package dev.liaison.linking;

import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a relink needs of every item, taken from the one analysis made while the indexes are
 * built: its term frequencies, its project and kind, the story names its text uses and its
 * references to stories, and the batches the items were read in. A relink then ranks every story
 * and links every item without reading or analysing an item again.
 *
 * <p>Term frequencies are kept compactly (about 4 bytes a term: a term id from one dictionary and
 * the count in one int) in the order the analysis' map iterated them; the map rebuilt from them
 * iterates in the same order, so the weights computed from it are the same to the last bit.
 */
final class ItemAnalyses {

    /** One item: packed terms ({@code id << 8 | count}; counts of 255 and more in {@code counts}). */
    private record Analysed(String id, String project, String kind, int[] packed, int[] counts, Set<String> phrases, List<Ref> storyRefs) {}

    private final TermCounts.Dictionary dictionary = new TermCounts.Dictionary();
    private final Map<String, Analysed> byId = new HashMap<>();
    private final List<List<String>> batches = new ArrayList<>();
    /** Strings seen often (projects, kinds): kept once. */
    private final Map<String, String> shared = new HashMap<>();

    int size() {
        return byId.size();
    }

    boolean contains(String id) {
        return byId.containsKey(id);
    }

    /** Starts a batch: the items added next were read together. */
    void startBatch() {
        batches.add(new ArrayList<>());
    }

    /** Adds an item's analysis: its terms ({@code tf}), the story names found in it and its references. */
    void add(Item item, Map<String, Integer> tf, Set<String> phrases, List<Ref> refs) {
        int[] packed = new int[tf.size()];
        int[] counts = null;
        int i = 0;
        for (Map.Entry<String, Integer> e : tf.entrySet()) {
            int count = e.getValue();
            packed[i] = dictionary.id(e.getKey()) << 8 | Math.min(count, 255);
            if (count >= 255) {
                if (counts == null) {
                    counts = new int[tf.size()];
                }
                counts[i] = count;
            }
            i++;
        }
        List<Ref> storyRefs = List.of();
        for (Ref r : refs) {
            if (Ref.STORY.equals(r.type())) {
                if (storyRefs.isEmpty()) {
                    storyRefs = new ArrayList<>();
                }
                storyRefs.add(r);
            }
        }
        if (byId.put(item.id(), new Analysed(item.id(), share(item.project()), share(item.kind()), packed, counts,
                phrases.isEmpty() ? Set.of() : phrases, storyRefs)) == null) {
            if (batches.isEmpty()) {
                startBatch();
            }
            batches.get(batches.size() - 1).add(item.id());
        }
    }

    private String share(String s) {
        return s == null ? null : shared.computeIfAbsent(s, k -> k);
    }

    /** The id kept for this one (one string per item however often it is named), or the id itself when unknown. */
    String canonical(String id) {
        Analysed a = byId.get(id);
        return a == null ? id : a.id();
    }

    /** The batches the items were read in, each in the order read. */
    List<List<String>> batches() {
        return batches;
    }

    /** The term frequencies of an item as its analysis had them (same map order), or null when unknown. */
    Map<String, Integer> tf(String id) {
        Analysed a = byId.get(id);
        if (a == null) {
            return null;
        }
        Map<String, Integer> tf = new HashMap<>();
        for (int i = 0; i < a.packed().length; i++) {
            int p = a.packed()[i];
            tf.put(dictionary.term(p >>> 8), a.counts() != null && a.counts()[i] >= 255 ? a.counts()[i] : p & 0xff);
        }
        return tf;
    }

    /** The item as the linker needs it again (id, kind, project: no text), or null when unknown. */
    Item item(String id) {
        Analysed a = byId.get(id);
        return a == null ? null : Item.builder(id, a.kind()).project(a.project()).build();
    }

    String project(String id) {
        return byId.get(id).project();
    }

    String kind(String id) {
        return byId.get(id).kind();
    }

    Set<String> phrases(String id) {
        return byId.get(id).phrases();
    }

    List<Ref> storyRefs(String id) {
        return byId.get(id).storyRefs();
    }

    void clear() {
        byId.clear();
        batches.clear();
        shared.clear();
    }
}
