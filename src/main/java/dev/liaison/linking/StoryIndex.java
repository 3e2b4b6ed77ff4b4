package dev.liaison.linking;

import dev.liaison.story.Story;
import dev.liaison.story.StoryParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The stories as text vectors: each story's whole text and each of its titled sections are units
 * compared with items on their own (a long story covers several pieces of work). Scores items
 * against every story through postings (term → units and weights: one pass over an item's terms,
 * never a scan of every story), or a story's units against a few candidate items exactly.
 */
final class StoryIndex {

    /** Titled sections of a story compared on their own (enough for the longest real stories). */
    static final int MAX_SECTIONS = 60;
    /**
     * A section is short and specific: its similar links need a higher cosine than the whole
     * story's ({@code similarMin}).
     */
    static final double SECTION_MIN = 0.2;
    /** Terms kept of a whole story's vector, and of a section's (their heaviest). */
    static final int STORY_TERMS = 300;
    static final int SECTION_TERMS = 40;

    /** What is compared with an item: a whole story (heading null), or one titled section of it. */
    record Unit(String story, String heading, TermCounts counts) {
        Map<String, Integer> tf() {
            return counts.toMap();
        }

        double threshold(double whole) {
            return heading == null ? whole : SECTION_MIN;
        }
    }

    private final TextVectors vectors;
    private final Map<String, Story> stories = new HashMap<>();
    private final Map<String, TermCounts> storyTerms = new HashMap<>();
    /** The terms of the stories' sections, each once (the sections hold their ids). */
    private final TermCounts.Dictionary terms = new TermCounts.Dictionary();
    /** Each story's titled sections, compared with items on their own. */
    private final Map<String, List<Unit>> storySections = new HashMap<>();

    private Postings[] postings;
    private Unit[] units = new Unit[0];
    private int postingsDocs;

    StoryIndex(TextVectors vectors) {
        this.vectors = vectors;
    }

    int size() {
        return stories.size();
    }

    boolean isEmpty() {
        return stories.isEmpty();
    }

    boolean contains(String slug) {
        return stories.containsKey(slug);
    }

    Story get(String slug) {
        return stories.get(slug);
    }

    Set<String> slugs() {
        return stories.keySet();
    }

    /**
     * A draft story (only its draft exists) gets no similar suggestions: its author is still
     * writing it, and the review queue is for stories people stand behind.
     */
    boolean draft(String slug) {
        Story s = stories.get(slug);
        return s != null && Story.DRAFT.equals(s.state());
    }

    /**
     * Indexes a story (new or changed; a new one counts in the document frequencies). False when
     * it was put before with this content: its terms and units stand.
     */
    boolean put(Story s) {
        if (s.equals(stories.get(s.id()))) {
            return false;
        }
        boolean known = stories.containsKey(s.id());
        if (known) {
            stories.remove(s.id());
            storySections.remove(s.id());
        }
        postings = null;
        stories.put(s.id(), s);
        String title = s.title() + "\n" + String.join("\n", s.aliases().stream().filter(a -> !StoryParser.isSlugAlias(a)).toList());
        String text = StoryText.forMatching(s.text());
        Map<String, Integer> tf = vectors.termsOfWhole(title, StoryText.withoutTemplateHeadings(text));
        storyTerms.put(s.id(), TermCounts.of(tf, terms));
        List<Unit> sections = new ArrayList<>();
        for (StorySections.Section section : StorySections.of(text, MAX_SECTIONS)) {
            String heading = StoryText.isTemplateHeading(section.heading()) ? "" : section.heading();
            sections.add(new Unit(s.id(), section.heading(), TermCounts.of(vectors.termsOfWhole(heading, section.body()), terms)));
        }
        storySections.put(s.id(), sections);
        if (!known) {
            vectors.count(tf);
        }
        return true;
    }

    /**
     * The TF-IDF vector of a story or a section as matched, on both sides alike: its heaviest
     * terms only (a story's tail of rare words, and a section's, weigh little and would cost
     * memory for every story held), made unit length again.
     */
    Map<String, Double> weights(Map<String, Integer> tf, boolean whole) {
        Map<String, Double> w = vectors.weights(tf);
        int keep = whole ? STORY_TERMS : SECTION_TERMS;
        if (w.size() <= keep) {
            return w;
        }
        List<Map.Entry<String, Double>> top = new ArrayList<>(w.entrySet());
        top.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> out = new HashMap<>(keep * 2);
        double norm = 0;
        for (Map.Entry<String, Double> e : top.subList(0, keep)) {
            out.put(e.getKey(), e.getValue());
            norm += e.getValue() * e.getValue();
        }
        double n = Math.sqrt(norm);
        out.replaceAll((k, v) -> v / n);
        return out;
    }

    /** A whole story's weights with the statistics of now (not cached: 10,000 stories' maps would fill the heap); null if unknown. */
    Map<String, Double> wholeWeights(String slug) {
        TermCounts tf = storyTerms.get(slug);
        return tf == null ? null : weights(tf.toMap(), true);
    }

    /** A story's titled sections. */
    List<Unit> sections(String slug) {
        return storySections.getOrDefault(slug, List.of());
    }

    /** A story's units weighed once with the statistics of now, to score candidate items exactly. */
    Weighed weighed(String slug) {
        List<Unit> sections = sections(slug);
        List<Map<String, Double>> sectionWeights = new ArrayList<>();
        for (Unit u : sections) {
            sectionWeights.add(weights(u.tf(), false));
        }
        return new Weighed(wholeWeights(slug), sections, sectionWeights);
    }

    /** A story's units with their weights. */
    record Weighed(Map<String, Double> whole, List<Unit> sections, List<Map<String, Double>> sectionWeights) {

        /** The item's best unit (exact cosines), or null when none reaches its threshold. */
        Scored best(String item, Map<String, Double> itemWeights, double similarMin) {
            Scored best = Scored.better(null, item, whole == null ? 0 : TextVectors.cosine(whole, itemWeights), null, similarMin);
            for (int i = 0; i < sections.size(); i++) {
                best = Scored.better(best, item, TextVectors.cosine(sectionWeights.get(i), itemWeights), sections.get(i).heading(), SECTION_MIN);
            }
            return best;
        }
    }

    /**
     * An item's best unit in every story that has one reaching its threshold and {@code minCosine}
     * (story → match, in slug order). The cosines are those of one pass over the postings of the
     * item's terms, computed only for the units that can reach their threshold (max-score
     * pruning): the terms are ordered by the most they can add to any unit (the item's weight
     * times the postings' largest); the lightest ones, which together cannot lift a unit to the
     * lowest threshold, find no units; a unit found through the others whose partial sum plus
     * what the light terms could add still falls short is dropped, and each remaining unit's
     * cosine is summed exactly (its own weights, in the item's term order: the same sum as a
     * full pass would make).
     */
    Map<String, Scored> bestByStory(String item, Map<String, Double> itemWeights, double similarMin, double minCosine) {
        Postings[] p = postings();
        int n = 0;
        Postings[] lists = new Postings[itemWeights.size()];
        double[] xs = new double[itemWeights.size()];
        int[] termIds = new int[itemWeights.size()];
        for (Map.Entry<String, Double> e : itemWeights.entrySet()) {
            int id = terms.find(e.getKey());
            Postings list = id < 0 || id >= p.length ? null : p[id];
            if (list != null) {
                lists[n] = list;
                xs[n] = e.getValue();
                termIds[n] = list.term;
                n++;
            }
        }
        double wholeMin = Math.max(similarMin, minCosine);
        double sectionMin = Math.max(SECTION_MIN, minCosine);
        // The light terms: the longest run, lightest first, whose bounds sum below half the lowest
        // threshold ({@link #LIGHT_SHARE}; more would leave too many units to sum exactly: those found with a
        // partial sum just above zero).
        double lowest = Math.min(wholeMin, sectionMin) * LIGHT_SHARE;
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        double[] bound = new double[n];
        for (int j = 0; j < n; j++) {
            bound[j] = xs[j] * lists[j].max;
        }
        Arrays.sort(order, (a, b) -> Double.compare(bound[a], bound[b]));
        double light = 0;
        int firstHeavy = 0;
        while (firstHeavy < n && light + bound[order[firstHeavy]] < lowest) {
            light += bound[order[firstHeavy]];
            firstHeavy++;
        }
        if (acc.length < units.length) {
            acc = new double[units.length];
            seen = new int[units.length];
        }
        epoch++;
        int found = 0;
        for (int k = firstHeavy; k < n; k++) {
            int j = order[k];
            Postings list = lists[j];
            double x = xs[j];
            for (int i = 0; i < list.size; i++) {
                int u = list.unit[i];
                if (seen[u] != epoch) {
                    seen[u] = epoch;
                    acc[u] = 0;
                    if (found == hits.length) {
                        hits = Arrays.copyOf(hits, found * 2);
                    }
                    hits[found++] = u;
                }
                acc[u] += x * list.weight[i];
            }
        }
        int close = 0;
        for (int h = 0; h < found; h++) {
            int u = hits[h];
            double threshold = units[u].heading() == null ? wholeMin : sectionMin;
            if (acc[u] + light >= threshold - BOUND_SLACK) { // else it cannot reach it, whatever the light terms add
                hits[close++] = u;
            }
        }
        Arrays.sort(hits, 0, close); // in unit order: of a story's equal units, the first counts
        if (itemPos.length < terms.size()) {
            itemPos = new int[terms.size()];
        }
        for (int j = 0; j < n; j++) {
            itemPos[termIds[j]] = j + 1;
        }
        Map<String, Scored> best = new TreeMap<>();
        for (int h = 0; h < close; h++) {
            int u = hits[h];
            Unit unit = units[u];
            // the unit's terms the item has, summed in the item's term order (as a full pass would)
            int[] ids = unitTerms[u];
            float[] ws = unitWeights[u];
            int m = 0;
            for (int a = 0; a < ids.length; a++) {
                int j = itemPos[ids[a]];
                if (j > 0) {
                    matched[m++] = ((long) (j - 1) << 32) | a;
                }
            }
            Arrays.sort(matched, 0, m);
            double cosine = 0;
            for (int b = 0; b < m; b++) {
                cosine += xs[(int) (matched[b] >>> 32)] * ws[(int) matched[b]];
            }
            Scored before = best.get(unit.story());
            Scored now = Scored.better(before, item, cosine, unit.heading(), unit.threshold(similarMin));
            if (now != before) {
                best.put(unit.story(), now);
            }
        }
        for (int j = 0; j < n; j++) {
            itemPos[termIds[j]] = 0;
        }
        return best;
    }

    /** The share of the lowest threshold the light terms may add together (see {@link #bestByStory}). */
    static final double LIGHT_SHARE = 0.5;
    /** What a bound may be off by (sums of the same products in another order). */
    private static final double BOUND_SLACK = 1e-9;
    /** Scratch of {@link #bestByStory}: partial sums per unit, the pass that last touched each, the units touched. */
    private double[] acc = new double[0];
    private int[] seen = new int[0];
    private int epoch;
    private int[] hits = new int[1024];
    /** Scratch: 1 + the position of each of the item's terms among its weights (0: not the item's). */
    private int[] itemPos = new int[0];
    private long[] matched = new long[STORY_TERMS];

    /** The units holding one term, with the term's weight in each (unit TF-IDF vectors; 8 bytes an entry). */
    private static final class Postings {
        final int term;
        int[] unit = new int[4];
        float[] weight = new float[4];
        int size;
        /** The largest weight in the list. */
        float max;

        Postings(int term) {
            this.term = term;
        }

        void add(int u, float w) {
            if (size == unit.length) {
                unit = Arrays.copyOf(unit, size * 2);
                weight = Arrays.copyOf(weight, size * 2);
            }
            unit[size] = u;
            weight[size] = w;
            max = Math.max(max, w);
            size++;
        }

        void trim() {
            unit = Arrays.copyOf(unit, size);
            weight = Arrays.copyOf(weight, size);
        }
    }

    /** Each unit's weights as in the postings: term ids ascending, and their weights. */
    private int[][] unitTerms = new int[0][];
    private float[][] unitWeights = new float[0][];

    /**
     * The postings of every unit's weights; rebuilt when a story changes or the IDFs moved (see
     * {@link TextVectors#stale}). Weighs on term ids and arrays (the IDF of each term once), not
     * maps: the same weights as {@link #weights} (up to the order of one sum), a rebuild of
     * 10,000 stories' 160,000 units in about a second instead of ten.
     */
    private Postings[] postings() {
        int docs = vectors.documents();
        if (postings == null || TextVectors.stale(postingsDocs, docs)) {
            // the old ones go first: holding both would double the peak (10,000 stories: ~150 MB)
            postings = null;
            unitTerms = new int[0][];
            unitWeights = new float[0][];
            List<Unit> all = new ArrayList<>();
            for (String slug : new TreeSet<>(stories.keySet())) {
                TermCounts tf = storyTerms.get(slug);
                if (tf != null) {
                    all.add(new Unit(slug, null, tf));
                }
                all.addAll(storySections.getOrDefault(slug, List.of()));
            }
            Unit[] arr = all.toArray(new Unit[0]);
            double[] idf = new double[terms.size()];
            for (int t = 0; t < idf.length; t++) {
                idf[t] = vectors.idf(terms.term(t));
            }
            Postings[] p = new Postings[idf.length];
            int[][] forwardTerms = new int[arr.length][];
            float[][] forwardWeights = new float[arr.length][];
            for (int i = 0; i < arr.length; i++) {
                TermCounts tc = arr[i].counts();
                int[] ids = new int[tc.size()];
                double[] w = new double[tc.size()];
                int k = weigh(tc, arr[i].heading() == null ? STORY_TERMS : SECTION_TERMS, idf, ids, w);
                long[] packed = new long[k];
                for (int j = 0; j < k; j++) {
                    float weight = (float) w[j];
                    int term = ids[j];
                    if (p[term] == null) {
                        p[term] = new Postings(term);
                    }
                    p[term].add(i, weight);
                    packed[j] = ((long) term << 32) | (Float.floatToRawIntBits(weight) & 0xffffffffL);
                }
                Arrays.sort(packed);
                forwardTerms[i] = new int[k];
                forwardWeights[i] = new float[k];
                for (int j = 0; j < k; j++) {
                    forwardTerms[i][j] = (int) (packed[j] >>> 32);
                    forwardWeights[i][j] = Float.intBitsToFloat((int) packed[j]);
                }
            }
            for (Postings list : p) {
                if (list != null) {
                    list.trim();
                }
            }
            postings = p;
            units = arr;
            unitTerms = forwardTerms;
            unitWeights = forwardWeights;
            postingsDocs = docs;
        }
        return postings;
    }

    /**
     * {@link #weights} on ids: writes the unit's kept terms and weights into {@code ids} and
     * {@code w}, returns how many. Unit length; only the {@code keep} heaviest (ties: the smaller
     * term), made unit length again.
     */
    private int weigh(TermCounts tc, int keep, double[] idf, int[] ids, double[] w) {
        int n = tc.size();
        double norm = 0;
        for (int j = 0; j < n; j++) {
            ids[j] = tc.termId(j);
            double v = (1 + Math.log(tc.count(j))) * idf[ids[j]];
            w[j] = v;
            norm += v * v;
        }
        if (norm > 0) {
            double root = Math.sqrt(norm);
            for (int j = 0; j < n; j++) {
                w[j] = w[j] / root;
            }
        }
        if (n <= keep) {
            return n;
        }
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> w[a] != w[b] ? Double.compare(w[b], w[a]) : terms.term(ids[a]).compareTo(terms.term(ids[b])));
        int[] keptIds = new int[keep];
        double[] kept = new double[keep];
        double norm2 = 0;
        for (int j = 0; j < keep; j++) {
            keptIds[j] = ids[order[j]];
            kept[j] = w[order[j]];
            norm2 += kept[j] * kept[j];
        }
        double root = Math.sqrt(norm2);
        for (int j = 0; j < keep; j++) {
            ids[j] = keptIds[j];
            w[j] = kept[j] / root;
        }
        return keep;
    }
}
