package dev.liaison.linking;

import java.util.ArrayList;
import java.util.List;

/**
 * An item's best match with a story: its cosine, and the section it matched (null: the whole
 * story); {@code twinOf} names the item whose match this is when it is a twin's.
 */
record Scored(String item, double cosine, String heading, String twinOf) {

    /** A similar score above this ranks as this (the score bands are measured up to it). */
    static final double SCORE_CAP = 0.5;

    Scored(String item, double cosine, String heading) {
        this(item, cosine, heading, null);
    }

    /** The score as ranked and shown: the cosine, capped, to two decimals. */
    double score() {
        return Math.round(Math.min(SCORE_CAP, cosine) * 100) / 100.0;
    }

    /** The same match for the item's twin (its spec or blueprint), at {@link Linker#TWIN_FACTOR} of the score. */
    Scored twin(String twinItem) {
        return new Scored(twinItem, cosine * Linker.TWIN_FACTOR, heading, item);
    }

    /** This match and its twins'. */
    List<Scored> withTwins(List<String> twins) {
        List<Scored> out = new ArrayList<>(1 + twins.size());
        out.add(this);
        for (String twin : twins) {
            out.add(twin(twin));
        }
        return out;
    }

    /**
     * The scoring rule, one for both sides: a unit's cosine counts when it reaches the unit's
     * threshold, and a story scores its best unit (the first of equals).
     */
    static Scored better(Scored best, String item, double cosine, String heading, double threshold) {
        if (cosine >= threshold && (best == null || cosine > best.cosine())) {
            return new Scored(item, cosine, heading);
        }
        return best;
    }
}
