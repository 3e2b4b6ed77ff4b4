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

    private Map<String, Postings> postings;
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
     * An item's best unit in every story that has one reaching its threshold (story → match, in
     * slug order): the cosine with every unit sharing a term, in one pass over the postings of the
     * item's terms.
     */
    Map<String, Scored> bestByStory(String item, Map<String, Double> itemWeights, double similarMin) {
        Map<String, Postings> p = postings();
        double[] cosine = new double[units.length];
        for (Map.Entry<String, Double> e : itemWeights.entrySet()) {
            Postings list = p.get(e.getKey());
            if (list != null) {
                double x = e.getValue();
                for (int i = 0; i < list.size; i++) {
                    cosine[list.unit[i]] += x * list.weight[i];
                }
            }
        }
        Map<String, Scored> best = new TreeMap<>();
        for (int i = 0; i < cosine.length; i++) {
            Unit u = units[i];
            Scored before = best.get(u.story());
            Scored now = Scored.better(before, item, cosine[i], u.heading(), u.threshold(similarMin));
            if (now != before) {
                best.put(u.story(), now);
            }
        }
        return best;
    }

    /** The units holding one term, with the term's weight in each (unit TF-IDF vectors; 8 bytes an entry). */
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

    /** The postings of every unit's weights; rebuilt when a story changes or the IDFs moved (see {@link TextVectors#stale}). */
    private Map<String, Postings> postings() {
        int docs = vectors.documents();
        if (postings == null || TextVectors.stale(postingsDocs, docs)) {
            Map<String, Postings> p = new HashMap<>();
            List<Unit> all = new ArrayList<>();
            for (String slug : new TreeSet<>(stories.keySet())) {
                TermCounts tf = storyTerms.get(slug);
                if (tf != null) {
                    all.add(new Unit(slug, null, tf));
                }
                all.addAll(storySections.getOrDefault(slug, List.of()));
            }
            Unit[] arr = all.toArray(new Unit[0]);
            for (int i = 0; i < arr.length; i++) {
                for (Map.Entry<String, Double> e : weights(arr[i].tf(), arr[i].heading() == null).entrySet()) {
                    p.computeIfAbsent(e.getKey(), k -> new Postings()).add(i, (float) (double) e.getValue());
                }
            }
            p.values().forEach(Postings::trim);
            postings = p;
            units = arr;
            postingsDocs = docs;
        }
        return postings;
    }
}
