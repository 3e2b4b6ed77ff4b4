package dev.liaison.linking;

import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One ranking per story: the similar suggestions each story holds (story → item → score), what
 * the store has as suggested {@code similar} links, then what the linker admitted. A story holds
 * at most {@code perStory}, each scoring at least the shown bar; an item enters a full list only
 * by beating the weakest, which then leaves (it is retracted). Whether the story or the items came
 * first, the list ends as the story's best ones.
 */
final class SimilarLists {

    /** How much a new item must beat a full list's weakest by to enter it from the item's side. */
    static final double ENTRY_MARGIN = 0.015;

    private final Map<String, Map<String, Double>> held = new HashMap<>();
    /** Suggested similar links displaced from a story's list since the caller last asked. */
    private final List<String> retracted = new ArrayList<>();
    /** Stories whose list an item entered since the caller last asked (item side, scored with the IDFs of that moment). */
    private final Set<String> touched = new TreeSet<>();
    /** The document count when every story's list was last ranked. */
    private int rankedAllAt;
    private int perStory = 10;
    /** The lowest similar score shown. */
    private double shownMin;

    void perStory(int n) {
        this.perStory = n;
    }

    void shownMin(double score) {
        this.shownMin = score;
    }

    double shownMin() {
        return shownMin;
    }

    /**
     * The lowest cosine that can still be shown: below it, the score (rounded to two decimals) is
     * under the bar, so the item side need not score it at all.
     */
    double shownCosine() {
        return Math.max(0, shownMin - 0.01);
    }

    /** The items a story holds now. */
    Set<String> heldBy(String story) {
        return held.getOrDefault(story, Map.of()).keySet();
    }

    /** The suggested similar links the store holds (state suggested, kind similar). */
    void setHeld(Collection<Link> similarSuggested) {
        held.clear();
        for (Link l : similarSuggested) {
            if (!Link.SUGGESTED.equals(l.state())) {
                continue;
            }
            for (Evidence e : l.evidence()) {
                if (Link.SIMILAR.equals(e.how())) {
                    // the score, not the confidence (a measured share per band: it ranks nothing)
                    double c = e.similarity() >= 0 ? e.similarity() : l.confidence();
                    held.computeIfAbsent(l.story(), k -> new HashMap<>()).merge(l.item(), c, Math::max);
                }
            }
        }
    }

    /** A person decided this pair: no longer one of the story's suggestions. */
    void drop(String story, String item) {
        Map<String, Double> h = held.get(story);
        if (h != null) {
            h.remove(item);
        }
    }

    /** The ids of suggested similar links that left their story's list: the caller removes them from the store. */
    List<String> takeRetracted() {
        List<String> out = new ArrayList<>();
        for (String id : new LinkedHashSet<>(retracted)) {
            int bar = id.indexOf('|');
            if (!held.getOrDefault(id.substring(0, bar), Map.of()).containsKey(id.substring(bar + 1))) {
                out.add(id); // not taken back into the list later in the same call
            }
        }
        retracted.clear();
        return out;
    }

    /** True when (c1, item1) ranks above (c2, item2): the higher score, then the smaller id. */
    static boolean ranksAbove(double c1, String item1, double c2, String item2) {
        return c1 > c2 || c1 == c2 && item1.compareTo(item2) < 0;
    }

    /**
     * Story side: the story's list becomes its best {@code perStory} of these matches (none for a
     * draft); what it held beyond them is retracted. Returns the list, best first.
     */
    List<Scored> rank(String story, Collection<Scored> matches, boolean draft) {
        List<Scored> top = best(matches, draft);
        Map<String, Double> before = held.getOrDefault(story, Map.of());
        Map<String, Double> now = new HashMap<>();
        for (Scored sc : top) {
            now.put(sc.item(), sc.score());
        }
        for (String item : before.keySet()) {
            if (!now.containsKey(item)) {
                retracted.add(Link.id(story, item));
            }
        }
        held.put(story, now);
        return top;
    }

    /** What {@link #rank} makes a story's list of these matches, without changing any list: best first. */
    List<Scored> best(Collection<Scored> matches, boolean draft) {
        if (draft) {
            return List.of();
        }
        List<Scored> scored = new ArrayList<>(matches);
        scored.removeIf(sc -> sc.score() < shownMin); // not good enough to show: fewer suggestions, or none
        scored.sort((x, y) -> ranksAbove(x.score(), x.item(), y.score(), y.item()) ? -1
                : ranksAbove(y.score(), y.item(), x.score(), x.item()) ? 1 : 0);
        return scored.subList(0, Math.min(perStory, scored.size()));
    }

    int perStory() {
        return perStory;
    }

    /** Item side: offers a match to a story's list (it must beat the weakest of a full list). True when it entered. */
    boolean offer(String story, Scored sc, boolean draft) {
        if (draft || sc.score() < shownMin) {
            return false;
        }
        Map<String, Double> h = held.computeIfAbsent(story, k -> new HashMap<>());
        double c = sc.score();
        Double before = h.get(sc.item());
        if (before != null && before > c) {
            return false; // it holds its place with a better score (its own, or its twin's)
        }
        if (before == null && h.size() >= perStory) {
            Map.Entry<String, Double> weakest = null;
            for (Map.Entry<String, Double> e : h.entrySet()) {
                if (weakest == null || ranksAbove(weakest.getValue(), weakest.getKey(), e.getValue(), e.getKey())) {
                    weakest = e;
                }
            }
            // By more than the rounding of a score: the same pair scored from the item's side and
            // from the story's (another order of sums, statistics a hundredth apart) must not
            // push each other out of the list in turn.
            if (c < weakest.getValue() + ENTRY_MARGIN) {
                return false;
            }
            h.remove(weakest.getKey());
            retracted.add(Link.id(story, weakest.getKey()));
        }
        h.put(sc.item(), c);
        touched.add(story);
        return true;
    }

    /**
     * The stories to rank again with the statistics of now: those an item entered since the last
     * call, or every story once the document count moved by a hundredth since all were last ranked
     * (an item that missed a list by a hair when it came may make it now, as it would had it come
     * after the others). Clears the touched set.
     */
    List<String> takeTouched(int docs, Collection<String> allStories) {
        if (TextVectors.stale(rankedAllAt, docs) || rankedAllAt > docs) {
            touched.addAll(allStories);
            rankedAllAt = docs;
        }
        List<String> out = new ArrayList<>(touched);
        touched.clear();
        return out;
    }
}
