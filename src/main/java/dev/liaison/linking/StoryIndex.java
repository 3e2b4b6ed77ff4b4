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
    }

    private final TextVectors vectors;
    /** See {@link #PREFIX_SHARE}. */
    private final double prefixShare;
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
        this(vectors, PREFIX_SHARE);
    }

    /** With another share of the threshold left out of the postings (0: every term indexed, the plain full pass). */
    StoryIndex(TextVectors vectors, double prefixShare) {
        this.vectors = vectors;
        this.prefixShare = prefixShare;
    }

    int size() {
        return stories.size();
    }

    /** Counts the stories put with a new content: what was scored against the stories before it moved may no longer hold. */
    long changes() {
        return changes;
    }

    private long changes;

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
        changes++;
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
     * (story → match, in slug order), with the cosines a full pass over every unit would give.
     * <p>
     * Only units that can reach their threshold are scored exactly. Each unit leaves its most
     * common terms (those in the most units, the long postings) out of the postings, as many as
     * keep their share of the unit's norm under {@link #PREFIX_SHARE} of its threshold: through
     * those terms alone (Cauchy-Schwarz) no item can lift it to the threshold, so a unit that can
     * reach it shares an indexed term with the item and is found. A found unit whose sum over its
     * indexed terms, plus the most its left-out terms can add (their norm times the norm of the
     * item's terms as common as them), still falls short is dropped; the rest are summed exactly
     * over all their terms, in the item's term order (the same sum as a full pass makes).
     */
    Map<String, Scored> bestByStory(String item, Map<String, Double> itemWeights, double similarMin, double minCosine) {
        return bestByStory(item, itemWeights, similarMin, minCosine, 0);
    }

    /**
     * {@link #bestByStory(String, Map, double, double)} with every threshold lowered by
     * {@code slack} (a relink's candidates: what the story side's own sums, in another order and
     * precision, may still find reaching). Safe on several threads at once while no story changes.
     */
    Map<String, Scored> bestByStory(String item, Map<String, Double> itemWeights, double similarMin, double minCosine, double slack) {
        double wholeMin = Math.max(similarMin, minCosine) - slack;
        double sectionMin = Math.max(SECTION_MIN, minCosine) - slack;
        Postings[] p = postings(wholeMin, sectionMin);
        int size = itemWeights.size();
        Scratch sc = scratch.get();
        if (sc.xs.length < size) {
            sc.xs = new double[size];
            sc.termIds = new int[size];
            sc.byRank = new long[size];
            sc.ranks = new int[size];
            sc.belowSq = new double[size];
        }
        if (sc.acc.length < units.length) {
            sc.acc = new double[units.length];
            sc.hits = new int[units.length];
        }
        double[] xs = sc.xs;
        int[] termIds = sc.termIds;
        long[] byRank = sc.byRank;
        int[] ranks = sc.ranks;
        double[] belowSq = sc.belowSq;
        double[] acc = sc.acc;
        int[] hits = sc.hits;
        long[] matched = sc.matched;
        // the item's terms some unit holds, in the item's order (the order every sum is made in)
        int n = 0;
        for (Map.Entry<String, Double> e : itemWeights.entrySet()) {
            int id = terms.find(e.getKey());
            if (id >= 0 && id < p.length && termRank[id] != Integer.MAX_VALUE) {
                xs[n] = e.getValue();
                termIds[n] = id;
                byRank[n] = ((long) termRank[id] << 32) | n;
                n++;
            }
        }
        // the norm of the item's terms more common than a rank: belowSq[k] is the sum of squares of
        // the k + 1 most common (ranks[k] the rank of the (k + 1)th)
        Arrays.sort(byRank, 0, n);
        double sq = 0;
        for (int k = 0; k < n; k++) {
            double x = xs[(int) byRank[k]];
            sq += x * x;
            ranks[k] = (int) (byRank[k] >>> 32);
            belowSq[k] = sq;
        }
        // One pass over the postings of the item's terms: the partial sums of the units (without
        // their left-out terms). Then, in unit order, the touched units that can still reach their
        // threshold: the sum plus the most the left-out terms can add (their norm times that of
        // the item's terms as common as them; most units fall short of even their norm alone).
        for (int j = 0; j < n; j++) {
            Postings list = p[termIds[j]];
            if (list == null) {
                continue;
            }
            double x = xs[j];
            int[] us = list.unit;
            float[] ws = list.weight;
            for (int i = 0, s = list.size; i < s; i++) {
                acc[us[i]] += x * ws[i];
            }
        }
        double lowest = Math.min(wholeMin, sectionMin) - BOUND_SLACK;
        int close = 0;
        for (int u = 0; u < units.length; u++) {
            double a = acc[u];
            if (a == 0) { // every product is positive: 0 means not touched
                continue;
            }
            acc[u] = 0;
            double rest = prefixNorm[u];
            if (a + rest < lowest) {
                continue;
            }
            int k = Arrays.binarySearch(ranks, 0, n, firstIndexed[u]);
            int below = k >= 0 ? k : -k - 1; // the item's terms more common than the unit's first indexed one
            rest = below == 0 ? 0 : rest * Math.sqrt(belowSq[below - 1]);
            if (a + rest >= (whole[u] ? wholeMin : sectionMin) - BOUND_SLACK) {
                hits[close++] = u;
            }
        }
        if (sc.itemPos.length < terms.size()) {
            sc.itemPos = new int[terms.size()];
        }
        int[] itemPos = sc.itemPos;
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
            // the unit's own threshold and minCosine (the bound only dropped what cannot reach them)
            Scored now = Scored.better(before, item, cosine, unit.heading(), unit.heading() == null ? wholeMin : sectionMin);
            if (now != before) {
                best.put(unit.story(), now);
            }
        }
        for (int j = 0; j < n; j++) {
            itemPos[termIds[j]] = 0;
        }
        return best;
    }

    /**
     * The share of a unit's threshold its left-out common terms may reach (their norm): more
     * leaves shorter postings but more found units whose bound lets them through to an exact sum.
     */
    static final double PREFIX_SHARE = 0.7;
    /** What a bound may be off by (sums of the same products in another order, a square root). */
    private static final double BOUND_SLACK = 1e-9;
    /**
     * Scratch of {@link #bestByStory}, one per thread (items are scored on every core): partial
     * sums per unit (0 between calls), the units kept; the item's weights and term ids; its terms
     * by rank (rank, position), the ranks, the running sums of squares; 1 + the position of each
     * of the item's terms among its weights (0: not the item's).
     */
    private static final class Scratch {
        double[] acc = new double[0];
        int[] hits = new int[0];
        double[] xs = new double[0];
        int[] termIds = new int[0];
        long[] byRank = new long[0];
        int[] ranks = new int[0];
        double[] belowSq = new double[0];
        int[] itemPos = new int[0];
        final long[] matched = new long[STORY_TERMS];
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** The units holding one term as an indexed term, with the term's weight in each (unit TF-IDF vectors; 8 bytes an entry). */
    private static final class Postings {
        int[] unit = new int[4];
        float[] weight = new float[4];
        int size;

        void add(int u, float w) {
            if (size == unit.length) {
                unit = Arrays.copyOf(unit, size * 2);
                weight = Arrays.copyOf(weight, size * 2);
            }
            unit[size] = u;
            weight[size] = w;
            size++;
        }

        void trim() {
            unit = Arrays.copyOf(unit, size);
            weight = Arrays.copyOf(weight, size);
        }
    }

    /** Each unit's weights: term ids ascending, and their weights (all its terms, left-out ones too). */
    private int[][] unitTerms = new int[0][];
    private float[][] unitWeights = new float[0][];
    /**
     * Each term's rank, most common first (the most units hold it; {@link Integer#MAX_VALUE}: no
     * unit does); each unit's first indexed term's rank, and the norm of its terms before it.
     */
    private int[] termRank = new int[0];
    private int[] firstIndexed = new int[0];
    /** Whether each unit is a whole story (else a section). */
    private boolean[] whole = new boolean[0];
    private double[] prefixNorm = new double[0];
    /** The thresholds the left-out terms were chosen for (a call with lower ones builds again). */
    private double builtWhole;
    private double builtSection;

    /**
     * The postings of every unit's weights; rebuilt when a story changes, the IDFs moved (see
     * {@link TextVectors#stale}) or a call asks for lower thresholds than they were built for.
     * Weighs on term ids and arrays (the IDF of each term once), not maps: the same weights as
     * {@link #weights} (up to the order of one sum).
     */
    private synchronized Postings[] postings(double wholeMin, double sectionMin) {
        int docs = vectors.documents();
        if (postings == null || TextVectors.stale(postingsDocs, docs) || wholeMin < builtWhole || sectionMin < builtSection) {
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
                        p[term] = new Postings();
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
            leaveOutCommonTerms(p, arr, wholeMin, sectionMin);
            postings = p;
            units = arr;
            unitTerms = forwardTerms;
            unitWeights = forwardWeights;
            postingsDocs = docs;
            builtWhole = wholeMin;
            builtSection = sectionMin;
        }
        return postings;
    }

    /**
     * Takes out of the postings each unit's most common terms (the terms in rank order, most
     * units first), as long as their norm stays under {@link #PREFIX_SHARE} of the unit's
     * threshold; one pass over the postings, each list filtered in place.
     */
    private void leaveOutCommonTerms(Postings[] p, Unit[] arr, double wholeMin, double sectionMin) {
        Integer[] order = new Integer[p.length];
        int held = 0;
        for (int t = 0; t < p.length; t++) {
            if (p[t] != null) {
                order[held++] = t;
            }
        }
        Arrays.sort(order, 0, held, (a, b) -> p[a].size != p[b].size ? Integer.compare(p[b].size, p[a].size) : Integer.compare(a, b));
        int[] rank = new int[p.length];
        Arrays.fill(rank, Integer.MAX_VALUE);
        double[] limit = new double[arr.length];
        for (int u = 0; u < arr.length; u++) {
            double threshold = arr[u].heading() == null ? wholeMin : sectionMin;
            double most = prefixShare * threshold;
            limit[u] = threshold > 0 ? most * most : -1; // no threshold: every term indexed
        }
        double[] sq = new double[arr.length];
        int[] first = new int[arr.length];
        Arrays.fill(first, Integer.MAX_VALUE);
        for (int r = 0; r < held; r++) {
            int t = order[r];
            rank[t] = r;
            Postings list = p[t];
            int kept = 0;
            for (int i = 0; i < list.size; i++) {
                int u = list.unit[i];
                float w = list.weight[i];
                if (first[u] == Integer.MAX_VALUE) {
                    double s = sq[u] + (double) w * w;
                    if (s < limit[u]) {
                        sq[u] = s;
                        continue; // left out
                    }
                    first[u] = r;
                }
                list.unit[kept] = u;
                list.weight[kept] = w;
                kept++;
            }
            list.size = kept;
            if (kept == 0) {
                p[t] = null;
            } else {
                list.trim();
            }
        }
        double[] norm = new double[arr.length];
        for (int u = 0; u < arr.length; u++) {
            norm[u] = Math.sqrt(sq[u]);
        }
        termRank = rank;
        firstIndexed = first;
        whole = new boolean[arr.length];
        for (int u = 0; u < arr.length; u++) {
            whole[u] = arr[u].heading() == null;
        }
        prefixNorm = norm;
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
