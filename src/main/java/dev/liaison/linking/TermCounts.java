package dev.liaison.linking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Term frequencies kept compactly: term ids from a shared dictionary and their counts in two
 * arrays (about 8 bytes a term, against some 60 for a map entry with its own string). Ten
 * thousand stories with a dozen sections each fit in a few tens of megabytes.
 */
final class TermCounts {

    /** Every term once, with its id. */
    static final class Dictionary {
        private final Map<String, Integer> ids = new HashMap<>();
        private final List<String> terms = new ArrayList<>();

        int id(String term) {
            Integer id = ids.get(term);
            if (id == null) {
                id = terms.size();
                ids.put(term, id);
                terms.add(term);
            }
            return id;
        }

        /** The id of a term, or -1 when no story has it. */
        int find(String term) {
            Integer id = ids.get(term);
            return id == null ? -1 : id;
        }

        String term(int id) {
            return terms.get(id);
        }

        int size() {
            return terms.size();
        }
    }

    private final Dictionary dictionary;
    private final int[] ids;
    private final int[] counts;

    private TermCounts(Dictionary dictionary, int[] ids, int[] counts) {
        this.dictionary = dictionary;
        this.ids = ids;
        this.counts = counts;
    }

    static TermCounts of(Map<String, Integer> tf, Dictionary dictionary) {
        int[] ids = new int[tf.size()];
        int[] counts = new int[tf.size()];
        int i = 0;
        for (Map.Entry<String, Integer> e : tf.entrySet()) {
            ids[i] = dictionary.id(e.getKey());
            counts[i++] = e.getValue();
        }
        return new TermCounts(dictionary, ids, counts);
    }

    int size() {
        return ids.length;
    }

    /** The term id of entry {@code i}. */
    int termId(int i) {
        return ids[i];
    }

    /** The count of entry {@code i}. */
    int count(int i) {
        return counts[i];
    }

    /** The frequencies as a map (a short-lived copy, to weigh them). */
    Map<String, Integer> toMap() {
        Map<String, Integer> out = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            out.put(dictionary.term(ids[i]), counts[i]);
        }
        return out;
    }
}
