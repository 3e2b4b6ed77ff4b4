package dev.liaison.story;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A story linked to an item: how ({@link #DECLARED}, {@link #MENTIONED}, {@link #VIA},
 * {@link #SIMILAR}, {@link #MANUAL}), confidence 0..1, state ({@link #SUGGESTED},
 * {@link #CONFIRMED}, {@link #REJECTED}), the evidence for it, the item's project and kind, and
 * the status a tracker gave it (none / pending / in-progress / complete) when a tracker declared it.
 */
public record Link(String story, String item, String how, double confidence, String state, String project,
                   String itemKind, String trackerStatus, List<Evidence> evidence) {

    public static final String DECLARED = "declared";
    public static final String MENTIONED = "mentioned";
    public static final String VIA = "via";
    public static final String SIMILAR = "similar";
    public static final String MANUAL = "manual";

    public static final String SUGGESTED = "suggested";
    public static final String CONFIRMED = "confirmed";
    public static final String REJECTED = "rejected";

    public static final String EVENT_NEW = "link.new";
    public static final String EVENT_CONFIRMED = "link.confirmed";
    /** A machine-made link no rule makes any more was removed (a relink of everything). */
    public static final String EVENT_RETRACTED = "link.retracted";

    public static final Set<String> KINDS = Set.of(DECLARED, MENTIONED, VIA, SIMILAR, MANUAL);

    public Link {
        Objects.requireNonNull(story, "story");
        Objects.requireNonNull(item, "item");
        if (!KINDS.contains(how)) {
            throw new IllegalArgumentException("unknown link kind: " + how);
        }
        if (!Set.of(SUGGESTED, CONFIRMED, REJECTED).contains(state)) {
            throw new IllegalArgumentException("unknown link state: " + state);
        }
        if (confidence < 0 || confidence > 1 || Double.isNaN(confidence)) {
            throw new IllegalArgumentException("confidence must be 0..1: " + confidence);
        }
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    /**
     * Best first, the one order every list of links is shown in: the highest confidence, then the
     * higher text similarity its evidence states (every link of one calibrated band has the same
     * confidence, so this orders a band by its score), then by id.
     */
    public static final Comparator<Link> BEST_FIRST = bestFirst(Link::similarity);

    /**
     * Sorts {@code list} {@link #BEST_FIRST} by the link of each element, reading each link's stated
     * similarity once (it is parsed from the evidence text) rather than at every comparison: the
     * review queue sorts every suggestion on each request.
     */
    public static <T> void sortBestFirst(List<T> list, java.util.function.Function<T, Link> linkOf) {
        java.util.IdentityHashMap<Link, Double> similarity = new java.util.IdentityHashMap<>(list.size() * 2);
        for (T t : list) {
            Link l = linkOf.apply(t);
            similarity.put(l, l.similarity());
        }
        list.sort(Comparator.comparing(linkOf, bestFirst(similarity::get)));
    }

    private static Comparator<Link> bestFirst(java.util.function.ToDoubleFunction<Link> similarity) {
        return Comparator.comparingDouble(Link::confidence).reversed()
                .thenComparing(Comparator.comparingDouble(similarity).reversed())
                .thenComparing((Link l) -> l.id());
    }

    /** The highest text similarity this link's evidence states; -1 when none states one. */
    public double similarity() {
        double best = -1;
        for (Evidence e : evidence) {
            best = Math.max(best, e.similarity());
        }
        return best;
    }

    /** The stable id of the link (also its document id). */
    public static String id(String story, String item) {
        return story + "|" + item;
    }

    public String id() {
        return id(story, item);
    }

    /** Strength order: manual and declared first, then mentioned, via, similar. */
    public static int strength(String how) {
        return switch (how) {
            case MANUAL, DECLARED -> 4;
            case MENTIONED -> 3;
            case VIA -> 2;
            default -> 1;
        };
    }

    /**
     * A link other links may be derived from (one hop): confirmed, declared, manual, or mentioned
     * by reference (a mention by phrase alone is too weak to build on).
     */
    public boolean strong() {
        return !REJECTED.equals(state) && (CONFIRMED.equals(state) || strength(how) >= 4 || MENTIONED.equals(how) && confidence >= 0.8);
    }
}
