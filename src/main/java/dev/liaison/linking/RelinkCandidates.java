package dev.liaison.linking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A relink's candidates for every story, found from the items' side: a relink scores every item
 * against every story unit anyway ({@link StoryIndex#bestByStory}, exact, no search), so each
 * story's candidates are the items that reach one of its units, without a Lucene search per unit
 * per story. The story side then scores these exactly, as it scores searched candidates.
 * <p>
 * Bounded: a story keeps its best {@code keep} items (by the score they can have on the story's
 * side, then the smaller id, as lists rank) and remembers the best that any item it let go, or
 * that item's twin, could score there ({@link #covers}). A story's list built from the kept ones
 * is the list built from all of them when its last entry ranks above that; else the caller
 * searches for the story as before.
 */
final class RelinkCandidates {

    /**
     * What the story side's cosine of a pair may differ from the item side's by (the item side
     * sums float weights in another order): candidates are taken this far below each threshold.
     */
    static final double SLACK = 1e-6;

    private final int keep;
    private final Function<String, List<String>> twinsOf;
    private final Map<String, Kept> byStory = new HashMap<>();

    /** One story's kept items (item → its item-side cosine) and the best rank anything let go could reach. */
    private static final class Kept {
        final Map<String, Double> cosines = new HashMap<>();
        /** The highest score an item let go (or its twin) may have on the story side, and that item; -1: none let go. */
        double goneScore = -1;
        String goneItem;
    }

    RelinkCandidates(int keep, Function<String, List<String>> twinsOf) {
        this.keep = Math.max(1, keep);
        this.twinsOf = twinsOf;
    }

    /** The highest score a cosine found as {@code cosine} on the item side may have on the story side. */
    static double mostScore(double cosine) {
        return new Scored("", cosine + SLACK, null).score();
    }

    /** Notes that an item reaches one of a story's units with this (item-side) cosine. */
    void add(String story, String item, double cosine) {
        Kept k = byStory.computeIfAbsent(story, s -> new Kept());
        k.cosines.merge(item, cosine, Math::max);
        if (k.cosines.size() >= 2 * keep) {
            prune(k);
        }
    }

    private void prune(Kept k) {
        List<Map.Entry<String, Double>> all = sorted(k);
        for (Map.Entry<String, Double> e : all.subList(keep, all.size())) {
            double cosine = e.getValue();
            gone(k, mostScore(cosine), e.getKey());
            for (String twin : twinsOf.apply(e.getKey())) {
                gone(k, mostScore(cosine * Linker.TWIN_FACTOR + SLACK), twin);
            }
            k.cosines.remove(e.getKey());
        }
    }

    private static void gone(Kept k, double score, String item) {
        if (k.goneItem == null || SimilarLists.ranksAbove(score, item, k.goneScore, k.goneItem)) {
            k.goneScore = score;
            k.goneItem = item;
        }
    }

    /** A story's kept items in rank order (the most they can score on the story side, then the smaller id). */
    private static List<Map.Entry<String, Double>> sorted(Kept k) {
        List<Map.Entry<String, Double>> all = new ArrayList<>(k.cosines.entrySet());
        all.sort((x, y) -> {
            double a = mostScore(x.getValue());
            double b = mostScore(y.getValue());
            return SimilarLists.ranksAbove(a, x.getKey(), b, y.getKey()) ? -1 : SimilarLists.ranksAbove(b, y.getKey(), a, x.getKey()) ? 1 : 0;
        });
        return all;
    }

    /** A story's candidates, best first (a new list). */
    List<String> of(String story) {
        Kept k = byStory.get(story);
        List<String> out = new ArrayList<>();
        if (k != null) {
            for (Map.Entry<String, Double> e : sorted(k)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /**
     * True when a list built from the kept candidates ({@code top}: best first, at most
     * {@code perStory}, each at least {@code shownMin}) is the list all of them would make: nothing
     * was let go, or everything let go ranks below its last entry (a full list), or scores below
     * {@code shownMin} (a list that is not full).
     */
    boolean covers(String story, List<Scored> top, int perStory, double shownMin) {
        Kept k = byStory.get(story);
        if (k == null || k.goneItem == null) {
            return true;
        }
        if (top.size() >= perStory) {
            Scored last = top.get(top.size() - 1);
            return SimilarLists.ranksAbove(last.score(), last.item(), k.goneScore, k.goneItem);
        }
        return k.goneScore < shownMin;
    }

    /** How many stories had items let go (for the log). */
    int pruned() {
        return (int) byStory.values().stream().filter(k -> k.goneItem != null).count();
    }
}
