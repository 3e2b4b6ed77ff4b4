package dev.liaison.linking;

import dev.liaison.item.ReferenceExtractor;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import dev.liaison.story.StoryParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * Links items and stories, incrementally and through indexes: a new or changed item is matched
 * against the stories through an inverted index of the stories' TF-IDF vectors (term → stories
 * and weights: the exact cosine with every story that shares a term, in one pass over the item's
 * terms, never a scan of every story), and a new or changed story against the items through a
 * Lucene index of items (candidates, then cosines). Kinds of link:
 * <ul>
 * <li>{@code declared}: the story's text names the item (spec, blueprint, bug, review, mail URL);
 * <li>{@code mentioned}: the item names the story (story URL, {@code User-Story: slug},
 *     "user story slug"), or one of the story's aliases or its title as a phrase;
 * <li>{@code via}: one hop in the item graph (a spec cites its blueprint, a blueprint's
 *     specification_url, a mail cites a bug) from an item strongly linked to the story;
 * <li>{@code similar}: TF-IDF cosine of the texts (terms from Lucene's English analyzer), always suggested.
 * </ul>
 * Pure Java and Lucene: no Camel, no MongoDB. The caller stores the proposed links and reports the
 * strong ones back with {@link #noteLinks}. Not thread-safe: one caller at a time.
 */
public final class Linker implements AutoCloseable {

    /** Loads items by id (the store, in one query). */
    public interface ItemLookup {
        List<Item> load(Collection<String> ids);
    }

    public static final double DECLARED_CONFIDENCE = 0.95;
    public static final double MENTIONED_REF_CONFIDENCE = 0.85;
    /** Fixed confidences, used for a kind the calibration table does not list (see {@link Calibration}). */
    public static final double MENTIONED_PHRASE_CONFIDENCE = 0.35;
    public static final double VIA_CONFIDENCE = 0.6;
    /** The relation of a review to the spec file it adds (sources/gerrit). */
    public static final String PROPOSES = "proposes";
    /** The highest confidence a similar link gets (its best band's measured share). */
    public static final double SIMILAR_MAX_CONFIDENCE = Calibration.standard().maxConfidence(Link.SIMILAR, 0.5);
    /** A similar score above this ranks as this (the score bands are measured up to it). */
    static final double SCORE_CAP = 0.5;
    /**
     * A similar suggestion is shown (proposed at all) only where links of its score band were
     * judged right at least this often: more likely right than wrong. Chosen on the labelled set
     * (bench/linker: leave-one-story-out, the score thresholds chosen on the other stories were
     * 0.29-0.31, the band this share starts at).
     */
    public static final double MIN_SHOWN_CONFIDENCE = 0.5;

    private final ItemLookup lookup;
    private final TextVectors vectors = new TextVectors();
    private double similarMin = 0.12;
    private int similarPerStory = 10;
    private Calibration calibration = Calibration.standard();
    /** The lowest similar score shown (from the calibration and {@link #MIN_SHOWN_CONFIDENCE}). */
    private double shownMin = calibration.minScore(Link.SIMILAR, MIN_SHOWN_CONFIDENCE);
    /** The measured confidence a link needs to be proposed at all (0: every link). */
    private double minShownConfidence = MIN_SHOWN_CONFIDENCE;

    private final Map<String, Story> stories = new HashMap<>();
    private final Map<String, TermCounts> storyTerms = new HashMap<>();
    /** The terms of the stories' sections, each once (the sections hold their ids). */
    private final TermCounts.Dictionary terms = new TermCounts.Dictionary();
    /** Each story's titled sections, compared with items on their own. */
    private final Map<String, List<Unit>> storySections = new HashMap<>();
    private final Map<String, Map<String, Ref>> declaredBy = new HashMap<>();
    private final Map<String, List<String>> storyDeclares = new HashMap<>();
    private final Map<String, Set<String>> phrases = new HashMap<>();
    private final Map<String, List<String>> storyPhrases = new HashMap<>();
    private int maxPhraseTokens = 1;

    private final Map<String, Set<String>> cites = new HashMap<>();
    private final Map<String, Set<String>> citedBy = new HashMap<>();
    /** The specs a review proposes (a change adding the spec file): review and spec are one piece of work. */
    private final Map<String, Set<String>> proposes = new HashMap<>();
    private final Map<String, String> itemProjects = new HashMap<>();
    /** The hash of the text each item was indexed with. */
    private final Map<String, Long> indexedBodies = new HashMap<>();

    /** Length and hash of a text: what decides whether it must be indexed again. */
    private static Long fingerprint(String body) {
        return ((long) body.length() << 32) | (body.hashCode() & 0xffffffffL);
    }

    private final Map<String, Map<String, Link>> strongByItem = new HashMap<>();
    private final Set<String> rejected = new HashSet<>();

    private final ByteBuffersDirectory itemDir = new ByteBuffersDirectory();
    private final IndexWriter itemWriter;
    private final SearcherManager itemSearch;

    public Linker(ItemLookup lookup) {
        this.lookup = lookup;
        try {
            itemWriter = new IndexWriter(itemDir, new IndexWriterConfig(vectors.analyzer()).setRAMBufferSizeMB(32));
            itemSearch = new SearcherManager(itemWriter, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tuning of similar links: minimum cosine of a whole story, and how many a story holds. */
    public Linker similar(double minCosine, int perStory) {
        this.similarMin = minCosine;
        this.similarPerStory = perStory;
        return this;
    }

    /**
     * What confidences mean, and how confident a similar suggestion must be to be shown (0: every
     * one of a story's best {@code perStory}).
     */
    public Linker calibration(Calibration c, double minShownConfidence) {
        this.calibration = c;
        this.shownMin = minShownConfidence <= 0 ? 0 : c.minScore(Link.SIMILAR, minShownConfidence);
        this.minShownConfidence = Math.max(0, minShownConfidence);
        return this;
    }

    private double viaConfidence() {
        return calibration.confidence(Link.VIA, 0, VIA_CONFIDENCE);
    }

    private double phraseConfidence() {
        return calibration.confidence("mentioned-phrase", 0, MENTIONED_PHRASE_CONFIDENCE);
    }

    /** Title-phrase mentions are proposed only when such links were judged right often enough (the same bar as similar ones). */
    private boolean phraseMentionsShown() {
        return phraseConfidence() >= minShownConfidence;
    }

    public int storyCount() {
        return stories.size();
    }

    public int itemCount() {
        return itemProjects.size();
    }

    // ---------------------------------------------------------------- indexing

    /** Indexes stories (new or changed) without linking them. */
    public void putStories(Collection<Story> batch) {
        for (Story s : batch) {
            putStory(s);
        }
    }

    private void putStory(Story s) {
        if (s.equals(stories.get(s.id()))) {
            return; // put before with this content: its terms, names and index entry stand
        }
        boolean known = stories.containsKey(s.id());
        removeStory(s.id());
        storyPostings = null;
        firstPhraseTokens = null;
        stories.put(s.id(), s);
        String title = s.title() + "\n" + String.join("\n", s.aliases().stream().filter(a -> !StoryParser.isSlugAlias(a)).toList());
        String text = StoryText.forMatching(s.text());
        Map<String, Integer> tf = vectors.termsOfWhole(title, StoryText.withoutTemplateHeadings(text));
        storyTerms.put(s.id(), TermCounts.of(tf, terms));
        List<Unit> units = new ArrayList<>();
        for (StorySections.Section section : StorySections.of(text, MAX_SECTIONS)) {
            String heading = StoryText.isTemplateHeading(section.heading()) ? "" : section.heading();
            units.add(new Unit(s.id(), section.heading(), TermCounts.of(vectors.termsOfWhole(heading, section.body()), terms)));
        }
        storySections.put(s.id(), units);
        storyWeights.remove(s.id());
        if (!known) {
            vectors.count(tf);
        }
        List<String> declared = new ArrayList<>();
        for (Ref r : ReferenceExtractor.extract(s.text(), s.mainProject())) {
            if (!Ref.STORY.equals(r.type())) {
                declaredBy.computeIfAbsent(r.target(), k -> new LinkedHashMap<>()).put(s.id(), r);
                declared.add(r.target());
            }
        }
        storyDeclares.put(s.id(), declared);
        List<String> keys = new ArrayList<>();
        List<String> names = new ArrayList<>(s.aliases().stream().filter(a -> !StoryParser.isSlugAlias(a)).toList());
        names.add(s.title());
        for (String name : names) {
            List<String> tokens = tokens(name);
            if (tokens.size() >= 2 || tokens.size() == 1 && s.aliases().contains(name) && tokens.get(0).length() >= 6) {
                String key = String.join(" ", tokens);
                phrases.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(s.id());
                keys.add(key);
                maxPhraseTokens = Math.max(maxPhraseTokens, Math.min(tokens.size(), 12));
            }
        }
        storyPhrases.put(s.id(), keys);
    }

    /**
     * A name too common among the items to count as naming the story ("rolling upgrades" appears
     * in the upgrade section of half the specs): found in more than {@link #GENERIC_ITEMS} items
     * or one in {@link #GENERIC_SHARE} of them. Judged against the items stored when a link is made
     * (so the answer does not depend on whether the story or the items came first).
     */
    private boolean generic(String key) {
        int n = itemProjects.size();
        GenericVerdict v = genericVerdicts.get(key);
        if (v != null && !stale(v.items(), n)) {
            return v.generic();
        }
        boolean g = genericNow(key);
        genericVerdicts.put(key, new GenericVerdict(n, g));
        return g;
    }

    private record GenericVerdict(int items, boolean generic) {}

    /** Phrases judged generic or not, and against how many items (judged again once the items grew by a twentieth). */
    private final Map<String, GenericVerdict> genericVerdicts = new HashMap<>();

    private boolean genericNow(String key) {
        freshItems();
        Query q = new QueryBuilder(vectors.analyzer()).createPhraseQuery("body", key);
        if (q == null) {
            return true;
        }
        try {
            IndexSearcher searcher = itemSearch.acquire();
            try {
                int n = searcher.count(q);
                return n > Math.max(GENERIC_ITEMS, itemProjects.size() / GENERIC_SHARE);
            } finally {
                itemSearch.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final int GENERIC_ITEMS = 10;
    public static final int GENERIC_SHARE = 200;

    private void removeStory(String id) {
        if (stories.remove(id) == null) {
            return;
        }
        storySections.remove(id);
        storyPostings = null;
        firstPhraseTokens = null;
        for (String target : storyDeclares.getOrDefault(id, List.of())) {
            Map<String, Ref> m = declaredBy.get(target);
            if (m != null) {
                m.remove(id);
            }
        }
        for (String key : storyPhrases.getOrDefault(id, List.of())) {
            Set<String> m = phrases.get(key);
            if (m != null) {
                m.remove(id);
            }
        }
    }

    /** Indexes items (new or changed) and their references without linking them. */
    public void putItems(Collection<Item> batch) {
        for (Item item : batch) {
            putItem(item, refsOf(item), vectors.analyze(item.title(), item.text()));
        }
    }

    private void putItem(Item item, List<Ref> refs, TextVectors.Analysis analysis) {
        boolean known = itemProjects.containsKey(item.id());
        itemProjects.put(item.id(), item.project() == null ? "" : item.project());
        Set<String> old = cites.remove(item.id());
        if (old != null) {
            for (String t : old) {
                Set<String> back = citedBy.get(t);
                if (back != null) {
                    back.remove(item.id());
                }
            }
        }
        proposes.remove(item.id());
        Set<String> targets = new LinkedHashSet<>();
        for (Ref r : refs) {
            if (!r.target().equals(item.id())) {
                targets.add(r.target());
                if (PROPOSES.equals(r.relation())) {
                    proposes.computeIfAbsent(item.id(), k -> new LinkedHashSet<>()).add(r.target());
                }
                citedBy.computeIfAbsent(r.target(), k -> new LinkedHashSet<>()).add(item.id());
            }
        }
        if (!targets.isEmpty()) {
            cites.put(item.id(), targets);
        }
        if (!known) {
            vectors.count(analysis.tf());
        }
        String text = item.text().length() > TextVectors.MAX_CHARS ? item.text().substring(0, TextVectors.MAX_CHARS) : item.text();
        String body = item.title() + "\n" + text;
        // An item indexed with the same text is not indexed again: re-indexing costs time, and
        // changes the index's statistics, so a re-run on unchanged data would rank differently.
        Long fingerprint = fingerprint(body);
        if (fingerprint.equals(indexedBodies.put(item.id(), fingerprint))) {
            return;
        }
        itemsDirty = true;
        Document doc = new Document();
        doc.add(new StringField("id", item.id(), Field.Store.YES));
        doc.add(new TextField("body", body, Field.Store.NO));
        try {
            itemWriter.updateDocument(new Term("id", item.id()), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The references of an item: those its poller found, plus story references and any in its attributes. */
    static List<Ref> refsOf(Item item) {
        Map<String, Ref> out = new LinkedHashMap<>();
        for (Ref r : item.refs()) {
            out.putIfAbsent(r.target(), r);
        }
        // The poller extracted the item's references; when it found none, look again (older items).
        List<Ref> found = item.refs().isEmpty()
                ? ReferenceExtractor.extract(item.title() + "\n" + item.text(), item.project())
                : ReferenceExtractor.extractStories(item.title() + "\n" + item.text());
        for (Ref r : found) {
            out.putIfAbsent(r.target(), r);
        }
        if (!item.attributes().isEmpty()) {
            for (Ref r : ReferenceExtractor.extract(String.valueOf(item.attributes()), item.project())) {
                out.putIfAbsent(r.target(), r);
            }
        }
        if (item.url() != null) {
            for (Ref r : ReferenceExtractor.extract(item.url(), item.project())) {
                out.remove(r.target());
            }
        }
        return new ArrayList<>(out.values());
    }

    /** Strong links (declared, mentioned, manual, confirmed) known to the store, and rejected pairs. */
    public void setLinks(Collection<Link> strong, Collection<String> rejectedIds) {
        strongByItem.clear();
        rejected.clear();
        rejected.addAll(rejectedIds);
        noteLinks(strong);
    }

    /** Tells the linker which links are now stored, so one-hop links follow from the strong ones. */
    public void noteLinks(Collection<Link> links) {
        for (Link l : links) {
            if (!Link.SUGGESTED.equals(l.state())) {
                Map<String, Double> h = held.get(l.story());
                if (h != null) {
                    h.remove(l.item()); // decided: no longer one of the story's suggestions
                }
            }
            if (Link.REJECTED.equals(l.state())) {
                rejected.add(l.id());
                Map<String, Link> m = strongByItem.get(l.item());
                if (m != null) {
                    m.remove(l.story());
                }
            } else if (l.strong()) {
                strongByItem.computeIfAbsent(l.item(), k -> new HashMap<>()).put(l.story(), l);
            }
        }
    }

    // ---------------------------------------------------------------- linking items

    /** Indexes these items and proposes their links to stories. */
    public List<Link> linkItems(Collection<Item> batch) {
        Map<String, List<Ref>> refs = new LinkedHashMap<>();
        Map<String, TextVectors.Analysis> analyses = new HashMap<>();
        for (Item item : batch) {
            List<Ref> r = refsOf(item);
            TextVectors.Analysis a = vectors.analyze(item.title(), item.text());
            refs.put(item.id(), r);
            analyses.put(item.id(), a);
            putItem(item, r, a);
        }
        List<Link> out = new ArrayList<>();
        for (Item item : batch) {
            linkItem(item, refs.get(item.id()), analyses.get(item.id()), out);
        }
        return withoutRejected(out);
    }

    private void linkItem(Item item, List<Ref> refs, TextVectors.Analysis analysis, List<Link> out) {
        String kind = kindOf(item.id(), item.kind());
        Map<String, Link> strong = new HashMap<>(strongByItem.getOrDefault(item.id(), Map.of()));
        for (Map.Entry<String, Ref> e : declaredBy.getOrDefault(item.id(), Map.of()).entrySet()) {
            Link l = link(e.getKey(), item.id(), Link.DECLARED, DECLARED_CONFIDENCE, item.project(), kind,
                    new Evidence(Link.DECLARED, e.getValue().evidence(), "story:" + e.getKey(), null));
            out.add(l);
            strong.putIfAbsent(l.story(), l);
        }
        for (Ref r : refs) {
            if (Ref.STORY.equals(r.type())) {
                String slug = r.target().substring("story:".length());
                if (stories.containsKey(slug)) {
                    Link l = link(slug, item.id(), Link.MENTIONED, MENTIONED_REF_CONFIDENCE, item.project(), kind,
                            new Evidence(Link.MENTIONED, r.evidence(), item.id(), null));
                    out.add(l);
                    strong.putIfAbsent(slug, l);
                }
            }
        }
        for (Map.Entry<String, String> e : phraseMentionsShown() ? phraseMatches(analysis.tokens()).entrySet() : Set.<Map.Entry<String, String>>of()) {
            if (generic(e.getKey())) {
                continue;
            }
            for (String slug : phrases.getOrDefault(e.getKey(), Set.of())) {
                // A mention by phrase is too weak to build one-hop links on.
                out.add(link(slug, item.id(), Link.MENTIONED, phraseConfidence(), item.project(), kind,
                        new Evidence(Link.MENTIONED, "names \"" + e.getValue() + "\"", item.id(), null)));
            }
        }
        Set<String> neighbours = neighbours(item.id());
        for (String n : neighbours) {
            for (Link via : strongByItem.getOrDefault(n, Map.of()).values()) {
                out.add(link(via.story(), item.id(), Link.VIA, viaConfidence(), item.project(), kind,
                        new Evidence(Link.VIA, hop(item.id(), n), item.id(), n)));
            }
            for (Link s : strong.values()) {
                out.add(link(s.story(), n, Link.VIA, viaConfidence(), emptyToNull(itemProjects.get(n)), kindOf(n, null),
                        new Evidence(Link.VIA, hop(n, item.id()), n, item.id())));
            }
        }
        similarStories(item, kind, analysis.tf(), out);
    }

    private String hop(String item, String through) {
        Set<String> c = cites.getOrDefault(item, Set.of());
        return c.contains(through) ? item + " cites " + through : through + " cites " + item;
    }

    private Set<String> neighbours(String id) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : cites.getOrDefault(id, Set.of())) {
            if (itemProjects.containsKey(t)) {
                out.add(t);
            }
        }
        out.addAll(citedBy.getOrDefault(id, Set.of()));
        out.remove(id);
        return out;
    }

    private void similarStories(Item item, String kind, Map<String, Integer> itemTf, List<Link> out) {
        if (stories.isEmpty()) {
            return;
        }
        // The exact cosine with every unit (a story, or one of its sections) that shares a term,
        // in one pass over the postings of the item's terms; a story scores its best unit.
        Map<String, Double> w = vectors.weights(itemTf);
        Map<String, Postings> postings = storyPostings();
        double[] cosine = new double[units.length];
        for (Map.Entry<String, Double> e : w.entrySet()) {
            Postings p = postings.get(e.getKey());
            if (p != null) {
                double x = e.getValue();
                for (int i = 0; i < p.size; i++) {
                    cosine[p.story[i]] += x * p.weight[i];
                }
            }
        }
        Map<String, Scored> best = new java.util.TreeMap<>();
        for (int i = 0; i < cosine.length; i++) {
            Unit u = units[i];
            if (cosine[i] >= u.threshold(similarMin)) {
                best.merge(u.story(), new Scored(item.id(), cosine[i], u.heading()), (x, y) -> y.cosine() > x.cosine() ? y : x);
            }
        }
        List<String> twins = best.isEmpty() ? List.of() : twinsOf(item.id()); // the same for every story
        for (Map.Entry<String, Scored> e : best.entrySet()) {
            if (decided(e.getKey(), e.getValue().item())) {
                continue; // nor its twins: the same rule as from the story's side
            }
            for (Scored sc : withTwins(e.getValue(), twins)) {
                boolean self = sc.twinOf() == null;
                offer(e.getKey(), sc, self ? item.project() : emptyToNull(itemProjects.get(sc.item())), self ? kind : kindOf(sc.item(), null), out);
            }
        }
    }

    /** Terms kept of a whole story's vector, and of a section's (their heaviest). */
    static final int STORY_TERMS = 300;
    static final int SECTION_TERMS = 40;

    /**
     * The TF-IDF vector of a story or a section as matched, on both sides alike: its heaviest
     * terms only (a story's tail of rare words, and a section's, weigh little and would cost
     * memory for every story held), made unit length again.
     */
    private Map<String, Double> unitWeights(Map<String, Integer> tf, boolean whole) {
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

    /** An item's best match with a story: its cosine, and the section it matched (null: the whole story). */
    private record Scored(String item, double cosine, String heading, String twinOf) {
        Scored(String item, double cosine, String heading) {
            this(item, cosine, heading, null);
        }

        /** The score as ranked and shown: the cosine, capped, to two decimals. */
        double score() {
            return Math.round(Math.min(SCORE_CAP, cosine) * 100) / 100.0;
        }

        /** The same match for the item's twin (its spec or blueprint), at {@link #TWIN_FACTOR} of the score. */
        Scored twin(String twinItem) {
            return new Scored(twinItem, cosine * TWIN_FACTOR, heading, item);
        }
    }

    /** An item's match and its twins' (a spec and the blueprint it cites are one piece of work). */
    private List<Scored> withTwins(Scored sc) {
        return withTwins(sc, sc.twinOf() == null ? twinsOf(sc.item()) : List.of());
    }

    private static List<Scored> withTwins(Scored sc, List<String> twins) {
        List<Scored> out = new ArrayList<>(1 + twins.size());
        out.add(sc);
        for (String twin : twins) {
            out.add(sc.twin(twin));
        }
        return out;
    }

    /** The items that are one piece of work with this one (its spec, its blueprint, or the review that proposed the spec). */
    private List<String> twinsOf(String item) {
        List<String> out = new ArrayList<>();
        for (String n : neighbours(item)) {
            if (specAndBlueprint(item, n) || proposes.getOrDefault(item, Set.of()).contains(n)
                    || proposes.getOrDefault(n, Set.of()).contains(item)) {
                out.add(n);
            }
        }
        return out;
    }

    /** What is compared with an item: a whole story, or one titled section of it. */
    private record Unit(String story, String heading, TermCounts counts) {
        Map<String, Integer> tf() {
            return counts.toMap();
        }

        double threshold(double whole) {
            return heading == null ? whole : SECTION_MIN;
        }
    }

    // ---------------------------------------------------------------- one ranking per story

    /**
     * The similar suggestions each story holds (story → item → confidence): what the store has
     * as suggested {@code similar} links, then what this linker admitted. A story holds at most
     * {@code similarPerStory}; an item enters a full list only by beating the weakest, which then
     * leaves (it is retracted). Whether the story or the items came first, the list ends as the
     * story's best ones.
     */
    private final Map<String, Map<String, Double>> held = new HashMap<>();
    /** Suggested similar links displaced from a story's list since the caller last asked. */
    private final List<String> retracted = new ArrayList<>();

    /** The suggested similar links the store holds (state suggested, kind similar). */
    public void setHeld(Collection<Link> similarSuggested) {
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

    /** The ids of suggested similar links that left their story's list: the caller removes them from the store. */
    public List<String> takeRetracted() {
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

    /** How much a new item must beat a full list's weakest by to enter it from the item's side. */
    static final double ENTRY_MARGIN = 0.015;

    /** True when (c1, item1) ranks above (c2, item2): the higher confidence, then the smaller id. */
    private static boolean ranksAbove(double c1, String item1, double c2, String item2) {
        return c1 > c2 || c1 == c2 && item1.compareTo(item2) < 0;
    }

    /** Offers an item to a story's list of similar suggestions (item side: it must beat the weakest). */
    private void offer(String story, Scored sc, String project, String kind, List<Link> out) {
        if (decided(story, sc.item()) || draft(story) || sc.score() < shownMin) {
            return;
        }
        Map<String, Double> h = held.computeIfAbsent(story, k -> new HashMap<>());
        double c = sc.score();
        Double before = h.get(sc.item());
        if (before != null && before > c) {
            return; // it holds its place with a better score (its own, or its twin's)
        }
        if (before == null && h.size() >= similarPerStory) {
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
                return;
            }
            h.remove(weakest.getKey());
            retracted.add(Link.id(story, weakest.getKey()));
        }
        h.put(sc.item(), c);
        touched.add(story);
        out.add(similarLink(story, sc, project, kind));
    }

    /** The document count when every story's list was last ranked. */
    private int rankedAllAt;

    /** Stories whose list an item entered since the caller last asked (item side, scored with the IDFs of that moment). */
    private final Set<String> touched = new java.util.TreeSet<>();

    /**
     * Ranks again, with the document frequencies of now, the similar suggestions of every story
     * whose list items entered since the last call: the items entered one by one, each scored when
     * it came, while a story linked after the crawl ranks them all at once. Returns the links.
     */
    public List<Link> rankTouched() {
        // Once the statistics moved (more than a hundredth more documents since every story was
        // last ranked), every story is ranked again: an item that missed a list by a hair when it
        // came may make it now, as it would had it come after the others.
        int docs = vectors.documents();
        if (stale(rankedAllAt, docs) || rankedAllAt > docs) {
            touched.addAll(stories.keySet());
            rankedAllAt = docs;
        }
        List<Story> list = new ArrayList<>();
        for (String slug : touched) {
            Story s = stories.get(slug);
            if (s != null) {
                list.add(s);
            }
        }
        touched.clear();
        return list.isEmpty() ? List.of() : linkStories(list);
    }

    /**
     * A draft story (only its draft exists) gets no similar suggestions: its author is still
     * writing it, and the review queue is for stories people stand behind. What it cites, what
     * cites it and one hop from those are still linked.
     */
    private boolean draft(String story) {
        Story s = stories.get(story);
        return s != null && Story.DRAFT.equals(s.state());
    }

    /** A person decided this pair (confirmed or rejected), or the story names the item: no similar suggestion. */
    private boolean decided(String story, String item) {
        if (rejected.contains(Link.id(story, item))) {
            return true;
        }
        Map<String, Link> strong = strongByItem.get(item);
        return strong != null && strong.containsKey(story);
    }

    /** The stories holding one term, with the term's weight in each (unit TF-IDF vectors; 8 bytes an entry). */
    private static final class Postings {
        int[] story = new int[4];
        float[] weight = new float[4];
        int size;

        void add(int s, float w) {
            if (size == story.length) {
                story = java.util.Arrays.copyOf(story, size * 2);
                weight = java.util.Arrays.copyOf(weight, size * 2);
            }
            story[size] = s;
            weight[size] = w;
            size++;
        }

        void trim() {
            story = java.util.Arrays.copyOf(story, size);
            weight = java.util.Arrays.copyOf(weight, size);
        }
    }

    private Map<String, Postings> storyPostings;
    private Unit[] units = new Unit[0];
    private int postingsDocs;

    /** The postings of every unit's weights; rebuilt when a story changes or the weights are recomputed. */
    private Map<String, Postings> storyPostings() {
        int docs = vectors.documents();
        if (storyPostings == null || stale(postingsDocs, docs)) {
            Map<String, Postings> p = new HashMap<>();
            List<Unit> all = new ArrayList<>();
            for (String slug : new java.util.TreeSet<>(stories.keySet())) {
                TermCounts tf = storyTerms.get(slug);
                if (tf != null) {
                    all.add(new Unit(slug, null, tf));
                }
                all.addAll(storySections.getOrDefault(slug, List.of()));
            }
            Unit[] arr = all.toArray(new Unit[0]);
            for (int i = 0; i < arr.length; i++) {
                // Not through the weights cache: holding every story's map would cost ~25 kB a story.
                for (Map.Entry<String, Double> e : unitWeights(arr[i].tf(), arr[i].heading() == null).entrySet()) {
                    p.computeIfAbsent(e.getKey(), k -> new Postings()).add(i, (float) (double) e.getValue());
                }
            }
            p.values().forEach(Postings::trim);
            storyPostings = p;
            units = arr;
            postingsDocs = docs;
        }
        return storyPostings;
    }

    /** A spec and a blueprint: one cites the other, so they are one piece of work. */
    private static boolean specAndBlueprint(String a, String b) {
        return a.startsWith("spec:") && b.startsWith("bp:") || a.startsWith("bp:") && b.startsWith("spec:");
    }

    /** A via link through a similar item keeps this share of the similar link's confidence. */
    public static final double TWIN_FACTOR = 0.8;

    /**
     * A similar suggestion. A spec and the blueprint it cites (or whose specification_url names
     * it) are one piece of work, also when the spec was proposed again for a later release and the
     * blueprint points at the first one: when one is similar to a story, the other is suggested
     * through it at {@link #TWIN_FACTOR} of its score, in the same ranking.
     */
    private Link similarLink(String story, Scored sc, String project, String kind) {
        double score = sc.score();
        double confidence = calibration.confidence(Link.SIMILAR, score, score);
        String section = sc.heading() == null ? "" : " with the story's section \"" + sc.heading() + "\"";
        Evidence e = sc.twinOf() == null
                ? new Evidence(Link.SIMILAR, "text similarity " + score + section, "index", null)
                : new Evidence(Link.SIMILAR, "text similarity " + score + ": " + hop(sc.item(), sc.twinOf()) + "; "
                        + sc.twinOf() + " is similar to the story" + section, sc.item(), sc.twinOf());
        return link(story, sc.item(), Link.SIMILAR, confidence, project, kind, e);
    }

    // ---------------------------------------------------------------- linking stories

    /** Indexes these stories and proposes their links to items. */
    public List<Link> linkStories(Collection<Story> all) {
        putStories(all);
        freshItems();
        List<Story> list = new ArrayList<>(all);
        List<Link> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += STORY_CHUNK) {
            out.addAll(linkStoryChunk(list.subList(i, Math.min(list.size(), i + STORY_CHUNK))));
        }
        return out;
    }

    /** Stories whose similar candidates are loaded together (bounds the memory of one load). */
    static final int STORY_CHUNK = 20;

    private List<Link> linkStoryChunk(List<Story> batch) {
        // The candidates of every story first (the index's best for the whole story and for each
        // section, and the items the story holds now), then one load of all of them.
        Map<String, Set<String>> candidates = new LinkedHashMap<>();
        Set<String> all = new LinkedHashSet<>();
        for (Story s : batch) {
            Set<String> c = new LinkedHashSet<>(held.getOrDefault(s.id(), Map.of()).keySet());
            if (!itemProjects.isEmpty()) {
                c.addAll(search(itemSearch, storyWeights(s.id()), STORY_CANDIDATES));
                for (Unit u : storySections.getOrDefault(s.id(), List.of())) {
                    c.addAll(search(itemSearch, unitWeights(u.tf(), false), SECTION_CANDIDATES));
                }
            }
            candidates.put(s.id(), c);
            all.addAll(c);
        }
        Map<String, Map<String, Double>> itemWeights = new HashMap<>();
        List<String> ids = new ArrayList<>(all);
        for (int i = 0; i < ids.size(); i += 1000) {
            for (Item item : lookup.load(ids.subList(i, Math.min(ids.size(), i + 1000)))) {
                itemWeights.put(item.id(), vectors.weights(vectors.analyze(item.title(), item.text()).tf()));
                itemMeta.put(item.id(), new String[] {item.project(), item.kind()});
            }
        }
        List<Link> out = new ArrayList<>();
        for (Story s : batch) {
            linkStory(s, candidates.getOrDefault(s.id(), Set.of()), itemWeights, out);
        }
        itemMeta.clear();
        return withoutRejected(out);
    }

    private final Map<String, String[]> itemMeta = new HashMap<>();

    /** Titled sections of a story compared on their own (enough for the longest real stories). */
    static final int MAX_SECTIONS = 60;
    /** Candidates the index gives for a whole story, and for each of its sections. */
    static final int STORY_CANDIDATES = 300;
    /** Terms of a story (its heaviest) in the query that finds its candidates. */
    static final int QUERY_TERMS = 80;
    static final int SECTION_CANDIDATES = 10;
    /**
     * A section is short and specific: its similar links need a higher cosine than the whole
     * story's ({@code similarMin}).
     */
    static final double SECTION_MIN = 0.2;

    /**
     * The story's similar suggestions: every candidate scored exactly against the whole story and
     * each titled section (a long story covers several pieces of work, "rolling upgrades":
     * multi-version interoperability, online schema migration, ...; its whole text is a blur of
     * them), the best unit counting; the best {@code similarPerStory} become the story's list,
     * and what it held beyond them is retracted.
     */
    private void rankSimilar(Story s, Set<String> candidates, Map<String, Map<String, Double>> itemWeights, List<Link> out) {
        TermCounts wholeTf = storyTerms.get(s.id());
        Map<String, Double> whole = wholeTf == null ? null : unitWeights(wholeTf.toMap(), true); // the statistics of now, not a cached copy
        List<Unit> sections = storySections.getOrDefault(s.id(), List.of());
        List<Map<String, Double>> sectionWeights = new ArrayList<>();
        for (Unit u : sections) {
            sectionWeights.add(unitWeights(u.tf(), false));
        }
        Map<String, Scored> bestByItem = new HashMap<>();
        for (String id : candidates) {
            Map<String, Double> iw = itemWeights.get(id);
            if (iw == null || decided(s.id(), id)) {
                continue;
            }
            Scored best = null;
            double c = whole == null ? 0 : TextVectors.cosine(whole, iw);
            if (c >= similarMin) {
                best = new Scored(id, c, null);
            }
            for (int i = 0; i < sections.size(); i++) {
                double sc = TextVectors.cosine(sectionWeights.get(i), iw);
                if (sc >= SECTION_MIN && (best == null || sc > best.cosine())) {
                    best = new Scored(id, sc, sections.get(i).heading());
                }
            }
            if (best != null) {
                for (Scored x : withTwins(best)) {
                    if (!decided(s.id(), x.item())) {
                        bestByItem.merge(x.item(), x, (a, b) -> b.cosine() > a.cosine() ? b : a);
                    }
                }
            }
        }
        List<Scored> scored = new ArrayList<>(bestByItem.values());
        scored.removeIf(sc -> sc.score() < shownMin); // not good enough to show: fewer suggestions, or none
        scored.sort((x, y) -> ranksAbove(x.score(), x.item(), y.score(), y.item()) ? -1
                : ranksAbove(y.score(), y.item(), x.score(), x.item()) ? 1 : 0);
        List<Scored> top = draft(s.id()) ? List.of() : scored.subList(0, Math.min(similarPerStory, scored.size()));
        Map<String, Double> before = held.getOrDefault(s.id(), Map.of());
        Map<String, Double> now = new HashMap<>();
        for (Scored sc : top) {
            now.put(sc.item(), sc.score());
        }
        for (String item : before.keySet()) {
            if (!now.containsKey(item)) {
                retracted.add(Link.id(s.id(), item));
            }
        }
        held.put(s.id(), now);
        for (Scored sc : top) {
            String[] meta = itemMeta.get(sc.item());
            String project = meta != null ? meta[0] : emptyToNull(itemProjects.get(sc.item()));
            out.add(similarLink(s.id(), sc, project, kindOf(sc.item(), meta == null ? null : meta[1])));
        }
    }

    private void linkStory(Story s, Set<String> candidates, Map<String, Map<String, Double>> itemWeights, List<Link> out) {
        Set<String> strongItems = new LinkedHashSet<>();
        for (Ref r : ReferenceExtractor.extract(s.text(), s.mainProject())) {
            if (Ref.STORY.equals(r.type())) {
                continue;
            }
            String project = itemProjects.containsKey(r.target()) ? emptyToNull(itemProjects.get(r.target())) : projectOf(r.target());
            out.add(link(s.id(), r.target(), Link.DECLARED, DECLARED_CONFIDENCE, project, kindOf(r.target(), null),
                    new Evidence(Link.DECLARED, r.evidence(), "story:" + s.id(), null)));
            strongItems.add(r.target());
        }
        for (String item : citedBy.getOrDefault("story:" + s.id(), Set.of())) {
            out.add(link(s.id(), item, Link.MENTIONED, MENTIONED_REF_CONFIDENCE, emptyToNull(itemProjects.get(item)),
                    kindOf(item, null), new Evidence(Link.MENTIONED, "cites the story " + s.id(), item, null)));
            strongItems.add(item);
        }
        for (String key : phraseMentionsShown() ? storyPhrases.getOrDefault(s.id(), List.of()) : List.<String>of()) {
            Query q = new QueryBuilder(vectors.analyzer()).createPhraseQuery("body", key);
            if (q == null || generic(key)) {
                continue;
            }
            for (String item : run(itemSearch, q, 200)) {
                // A mention by phrase is too weak to build one-hop links on (the same rule as for a new item).
                out.add(link(s.id(), item, Link.MENTIONED, phraseConfidence(), emptyToNull(itemProjects.get(item)),
                        kindOf(item, null), new Evidence(Link.MENTIONED, "names \"" + key + "\"", item, null)));
            }
        }
        for (Link l : strongByItem.values().stream().flatMap(m -> m.values().stream()).filter(l -> l.story().equals(s.id())).toList()) {
            strongItems.add(l.item());
        }
        for (String item : strongItems) {
            for (String n : neighbours(item)) {
                out.add(link(s.id(), n, Link.VIA, viaConfidence(), emptyToNull(itemProjects.get(n)), kindOf(n, null),
                        new Evidence(Link.VIA, hop(n, item), n, item)));
            }
        }
        rankSimilar(s, candidates, itemWeights, out);
    }

    // ---------------------------------------------------------------- helpers

    private List<Link> withoutRejected(List<Link> links) {
        if (rejected.isEmpty()) {
            return links;
        }
        return links.stream().filter(l -> !rejected.contains(l.id())).toList();
    }

    private static Link link(String story, String item, String how, double confidence, String project, String kind, Evidence e) {
        return new Link(story, item, how, confidence, Link.SUGGESTED, project, kind, null, List.of(e));
    }

    /** The project named in an item id (spec:nova/..., bp:nova/...), else null. */
    public static String projectOf(String id) {
        return dev.liaison.item.ItemId.projectOf(id);
    }

    /** The kind of item an id names, from its prefix: spec, blueprint, bug, review, mail (else the item's own kind). */
    public static String kindOf(String id, String kind) {
        return dev.liaison.item.ItemId.isItemId(id) || kind == null ? dev.liaison.item.ItemId.kindOf(id) : kind;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Analyzed tokens of a name, as the index sees them. */
    private List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = vectors.analyzer().tokenStream("body", s)) {
            CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(t.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private Set<String> firstPhraseTokens;

    /** The first token of every phrase (a position whose token is not one starts no phrase). */
    private Set<String> firstPhraseTokens() {
        if (firstPhraseTokens == null) {
            Set<String> out = new HashSet<>();
            phrases.forEach((key, slugs) -> {
                if (!slugs.isEmpty()) {
                    int space = key.indexOf(' ');
                    out.add(space < 0 ? key : key.substring(0, space));
                }
            });
            firstPhraseTokens = out;
        }
        return firstPhraseTokens;
    }

    /** Phrases (story titles, aliases) among an item's tokens. */
    private Map<String, String> phraseMatches(List<String> toks) {
        Map<String, String> found = new LinkedHashMap<>();
        if (phrases.isEmpty()) {
            return found;
        }
        Set<String> firsts = firstPhraseTokens();
        for (int i = 0; i < toks.size(); i++) {
            if (!firsts.contains(toks.get(i))) {
                continue;
            }
            StringBuilder key = new StringBuilder();
            for (int n = 1; n <= maxPhraseTokens && i + n <= toks.size(); n++) {
                if (n > 1) {
                    key.append(' ');
                }
                key.append(toks.get(i + n - 1));
                String k = key.toString();
                Set<String> m = phrases.get(k);
                if (m != null && !m.isEmpty()) {
                    found.putIfAbsent(k, k);
                }
            }
        }
        return found;
    }

    /** A story's TF-IDF weights, cached until the document count has grown by a twentieth. */
    private Map<String, Double> storyWeights(String slug) {
        int docs = vectors.documents();
        if (stale(weightsDocs, docs)) {
            storyWeights.clear();
            weightsDocs = docs;
        }
        TermCounts tf = storyTerms.get(slug);
        return tf == null ? null : unitWeights(tf.toMap(), true); // not cached: 10,000 stories' maps would fill the heap
    }

    /**
     * Weights computed when the document count was {@code then} are recomputed once it has grown
     * by a hundredth (the IDFs have moved enough to matter).
     */
    private static boolean stale(int then, int now) {
        return now > then + then / 100 + 5;
    }

    private final Map<String, Map<String, Double>> storyWeights = new HashMap<>();
    private int weightsDocs;
    private boolean itemsDirty;

    /** Makes the items indexed so far searchable (before a search of the item index). */
    private void freshItems() {
        if (itemsDirty) {
            refresh(itemSearch);
            itemsDirty = false;
        }
    }

    private List<String> search(SearcherManager manager, Map<String, Double> weights, int n) {
        if (weights.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<String, Double>> top = new ArrayList<>(weights.entrySet());
        top.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (Map.Entry<String, Double> e : top.subList(0, Math.min(QUERY_TERMS, top.size()))) {
            q.add(new BoostQuery(new TermQuery(new Term("body", e.getKey())), (float) (double) e.getValue()), BooleanClause.Occur.SHOULD);
        }
        return run(manager, q.build(), n);
    }

    private static List<String> run(SearcherManager manager, Query q, int n) {
        try {
            IndexSearcher searcher = manager.acquire();
            try {
                List<String> out = new ArrayList<>();
                var stored = searcher.storedFields();
                for (ScoreDoc sd : searcher.search(q, n).scoreDocs) {
                    out.add(stored.document(sd.doc).get("id"));
                }
                return out;
            } finally {
                manager.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void refresh(SearcherManager m) {
        try {
            m.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            itemSearch.close();
            itemWriter.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
