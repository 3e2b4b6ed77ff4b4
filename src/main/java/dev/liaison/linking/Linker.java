package dev.liaison.linking;

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
    public static final double MENTIONED_PHRASE_CONFIDENCE = 0.7;
    public static final double VIA_CONFIDENCE = 0.6;
    /** A similar link's confidence never reaches a via link's. */
    public static final double SIMILAR_MAX_CONFIDENCE = 0.5;

    private final ItemLookup lookup;
    private final TextVectors vectors = new TextVectors();
    private double similarMin = 0.12;
    private int similarPerItem = 2;
    private int similarPerStory = 10;

    private final Map<String, Story> stories = new HashMap<>();
    private final Map<String, Map<String, Integer>> storyTerms = new HashMap<>();
    private final Map<String, Map<String, Ref>> declaredBy = new HashMap<>();
    private final Map<String, List<String>> storyDeclares = new HashMap<>();
    private final Map<String, Set<String>> phrases = new HashMap<>();
    private final Map<String, List<String>> storyPhrases = new HashMap<>();
    private int maxPhraseTokens = 1;

    private final Map<String, Set<String>> cites = new HashMap<>();
    private final Map<String, Set<String>> citedBy = new HashMap<>();
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

    /** Tuning of similar links: minimum cosine, and how many per item and per story. */
    public Linker similar(double minCosine, int perItem, int perStory) {
        this.similarMin = minCosine;
        this.similarPerItem = perItem;
        this.similarPerStory = perStory;
        return this;
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
        Map<String, Integer> tf = vectors.terms(s.title() + "\n" + String.join("\n", s.aliases()), s.text());
        storyTerms.put(s.id(), tf);
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
                if (generic(key)) {
                    continue;
                }
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
     * or one in {@link #GENERIC_SHARE} of them. Judged against the items indexed when the story is put.
     */
    private boolean generic(String key) {
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
        Set<String> targets = new LinkedHashSet<>();
        for (Ref r : refs) {
            if (!r.target().equals(item.id())) {
                targets.add(r.target());
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
        for (Map.Entry<String, String> e : phraseMatches(analysis.tokens()).entrySet()) {
            for (String slug : phrases.getOrDefault(e.getKey(), Set.of())) {
                // A mention by phrase is too weak to build one-hop links on.
                out.add(link(slug, item.id(), Link.MENTIONED, MENTIONED_PHRASE_CONFIDENCE, item.project(), kind,
                        new Evidence(Link.MENTIONED, "names \"" + e.getValue() + "\"", item.id(), null)));
            }
        }
        Set<String> neighbours = neighbours(item.id());
        for (String n : neighbours) {
            for (Link via : strongByItem.getOrDefault(n, Map.of()).values()) {
                out.add(link(via.story(), item.id(), Link.VIA, VIA_CONFIDENCE, item.project(), kind,
                        new Evidence(Link.VIA, hop(item.id(), n), item.id(), n)));
            }
            for (Link s : strong.values()) {
                out.add(link(s.story(), n, Link.VIA, VIA_CONFIDENCE, emptyToNull(itemProjects.get(n)), kindOf(n, null),
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
        // The exact cosine with every story that shares a term, in one pass over the postings of
        // the item's terms (no candidate search, no per-story vector lookups).
        Map<String, Double> w = vectors.weights(itemTf);
        Map<String, Postings> postings = storyPostings();
        double[] cosine = new double[postingSlugs.length];
        for (Map.Entry<String, Double> e : w.entrySet()) {
            Postings p = postings.get(e.getKey());
            if (p != null) {
                double x = e.getValue();
                for (int i = 0; i < p.size; i++) {
                    cosine[p.story[i]] += x * p.weight[i];
                }
            }
        }
        List<Map.Entry<String, Double>> scored = new ArrayList<>();
        for (int i = 0; i < cosine.length; i++) {
            if (cosine[i] >= similarMin) {
                scored.add(Map.entry(postingSlugs[i], cosine[i]));
            }
        }
        scored.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Double> e : scored.subList(0, Math.min(similarPerItem, scored.size()))) {
            out.add(similarLink(e.getKey(), item.id(), item.project(), kind, e.getValue()));
            twinLinks(e.getKey(), item.id(), e.getValue(), out);
        }
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
    private String[] postingSlugs = new String[0];
    private int postingsDocs;

    /** The postings of every story's weights; rebuilt when a story changes or the weights are recomputed. */
    private Map<String, Postings> storyPostings() {
        int docs = vectors.documents();
        if (storyPostings == null || stale(postingsDocs, docs)) {
            Map<String, Postings> p = new HashMap<>();
            String[] slugs = stories.keySet().toArray(new String[0]);
            for (int i = 0; i < slugs.length; i++) {
                // Not through the weights cache: holding every story's map would cost ~25 kB a story.
                Map<String, Integer> tf = storyTerms.get(slugs[i]);
                if (tf != null) {
                    for (Map.Entry<String, Double> e : vectors.weights(tf).entrySet()) {
                        p.computeIfAbsent(e.getKey(), k -> new Postings()).add(i, (float) (double) e.getValue());
                    }
                }
            }
            p.values().forEach(Postings::trim);
            storyPostings = p;
            postingSlugs = slugs;
            postingsDocs = docs;
        }
        return storyPostings;
    }

    /**
     * A spec and the blueprint it cites (or whose specification_url names it) are one piece of
     * work, also when the spec was proposed again for a later release and the blueprint points at
     * the first one. When one is similar to a story, the other gets a {@code via} link through it,
     * at a lower confidence than the similar one.
     */
    private void twinLinks(String story, String item, double cosine, List<Link> out) {
        for (String twin : neighbours(item)) {
            if (specAndBlueprint(item, twin)) {
                double confidence = Math.round(Math.min(SIMILAR_MAX_CONFIDENCE, cosine) * TWIN_FACTOR * 100) / 100.0;
                out.add(link(story, twin, Link.VIA, confidence, emptyToNull(itemProjects.get(twin)), kindOf(twin, null),
                        new Evidence(Link.VIA, hop(twin, item) + "; " + item + " is similar to the story",
                                twin, item)));
            }
        }
    }

    /** A spec and a blueprint: one cites the other, so they are one piece of work. */
    private static boolean specAndBlueprint(String a, String b) {
        return a.startsWith("spec:") && b.startsWith("bp:") || a.startsWith("bp:") && b.startsWith("spec:");
    }

    /** A via link through a similar item keeps this share of the similar link's confidence. */
    public static final double TWIN_FACTOR = 0.8;

    private Link similarLink(String story, String item, String project, String kind, double cosine) {
        double confidence = Math.round(Math.min(SIMILAR_MAX_CONFIDENCE, cosine) * 100) / 100.0;
        return link(story, item, Link.SIMILAR, confidence, project, kind,
                new Evidence(Link.SIMILAR, "text similarity " + confidence, "index", null));
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
        // The candidates of every story first, then one load of all of them (not one per story).
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        Map<String, List<SectionMatch>> sectionCandidates = new HashMap<>();
        Set<String> all = new LinkedHashSet<>();
        if (!itemProjects.isEmpty()) {
            for (Story s : batch) {
                List<String> c = search(itemSearch, storyWeights(s.id()), 50);
                candidates.put(s.id(), c);
                all.addAll(c);
                List<SectionMatch> sections = new ArrayList<>();
                for (StorySections.Section section : StorySections.of(s.text(), MAX_SECTIONS)) {
                    Map<String, Double> w = vectors.weights(vectors.terms(section.heading(), section.body()));
                    List<String> sc = search(itemSearch, w, SECTION_CANDIDATES);
                    sections.add(new SectionMatch(section.heading(), w, sc));
                    all.addAll(sc);
                }
                sectionCandidates.put(s.id(), sections);
            }
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
            linkStory(s, candidates.getOrDefault(s.id(), List.of()), itemWeights, out);
            for (SectionMatch section : sectionCandidates.getOrDefault(s.id(), List.of())) {
                linkSection(s, section, itemWeights, out);
            }
        }
        itemMeta.clear();
        return withoutRejected(out);
    }

    private final Map<String, String[]> itemMeta = new HashMap<>();

    /** Sections of a story compared on their own, at most this many a story. */
    static final int MAX_SECTIONS = 12;
    /** Candidates searched per section, and suggestions kept per section. */
    static final int SECTION_CANDIDATES = 10;
    static final int SECTION_SUGGESTIONS = 2;
    /**
     * A section is short and specific: its similar links need a higher cosine than the whole
     * story's ({@code similarMin}).
     */
    static final double SECTION_MIN = 0.25;

    private record SectionMatch(String heading, Map<String, Double> weights, List<String> candidates) {}

    /**
     * A long story covers several pieces of work ("rolling upgrades": multi-version
     * interoperability, online schema migration, …); its whole text is a blur of them. Each
     * titled section is compared with the items on its own, and its best matches are suggested
     * with the section named in the evidence.
     */
    private void linkSection(Story s, SectionMatch section, Map<String, Map<String, Double>> itemWeights, List<Link> out) {
        List<Map.Entry<String, Double>> scored = new ArrayList<>();
        for (String id : section.candidates()) {
            Map<String, Double> iw = itemWeights.get(id);
            if (iw != null) {
                double c = TextVectors.cosine(section.weights(), iw);
                if (c >= SECTION_MIN) {
                    scored.add(Map.entry(id, c));
                }
            }
        }
        scored.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Double> e : scored.subList(0, Math.min(SECTION_SUGGESTIONS, scored.size()))) {
            String[] meta = itemMeta.getOrDefault(e.getKey(), new String[2]);
            double confidence = Math.round(Math.min(SIMILAR_MAX_CONFIDENCE, e.getValue()) * 100) / 100.0;
            out.add(link(s.id(), e.getKey(), Link.SIMILAR, confidence, meta[0], kindOf(e.getKey(), meta[1]),
                    new Evidence(Link.SIMILAR, "text similarity " + confidence + " with the story's section \"" + section.heading() + "\"",
                            "index", null)));
            twinLinks(s.id(), e.getKey(), e.getValue(), out);
        }
    }

    private void linkStory(Story s, List<String> candidates, Map<String, Map<String, Double>> itemWeights, List<Link> out) {
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
        for (String key : storyPhrases.getOrDefault(s.id(), List.of())) {
            Query q = new QueryBuilder(vectors.analyzer()).createPhraseQuery("body", key);
            if (q == null) {
                continue;
            }
            for (String item : run(itemSearch, q, 200)) {
                out.add(link(s.id(), item, Link.MENTIONED, MENTIONED_PHRASE_CONFIDENCE, emptyToNull(itemProjects.get(item)),
                        kindOf(item, null), new Evidence(Link.MENTIONED, "names \"" + key + "\"", item, null)));
                strongItems.add(item);
            }
        }
        for (Link l : strongByItem.values().stream().flatMap(m -> m.values().stream()).filter(l -> l.story().equals(s.id())).toList()) {
            strongItems.add(l.item());
        }
        for (String item : strongItems) {
            for (String n : neighbours(item)) {
                out.add(link(s.id(), n, Link.VIA, VIA_CONFIDENCE, emptyToNull(itemProjects.get(n)), kindOf(n, null),
                        new Evidence(Link.VIA, hop(n, item), n, item)));
            }
        }
        Map<String, Double> w = storyWeights(s.id());
        List<Map.Entry<String, Double>> scored = new ArrayList<>();
        for (String id : candidates) {
            Map<String, Double> iw = itemWeights.get(id);
            if (iw != null) {
                double c = TextVectors.cosine(w, iw);
                if (c >= similarMin) {
                    scored.add(Map.entry(id, c));
                }
            }
        }
        scored.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Double> e : scored.subList(0, Math.min(similarPerStory, scored.size()))) {
            String[] meta = itemMeta.getOrDefault(e.getKey(), new String[2]);
            out.add(similarLink(s.id(), e.getKey(), meta[0], kindOf(e.getKey(), meta[1]), e.getValue()));
            twinLinks(s.id(), e.getKey(), e.getValue(), out);
        }
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
        int colon = id.indexOf(':');
        int slash = id.indexOf('/');
        if ((id.startsWith("spec:") || id.startsWith("bp:")) && slash > colon) {
            return id.substring(colon + 1, slash);
        }
        return null;
    }

    /** The kind of item an id names, from its prefix: spec, blueprint, bug, review, mail (else the item's own kind). */
    public static String kindOf(String id, String kind) {
        int colon = id.indexOf(':');
        String prefix = colon > 0 ? id.substring(0, colon) : "";
        return switch (prefix) {
            case "spec", "bug", "review", "mail" -> prefix;
            case "bp" -> "blueprint";
            case "thread" -> "mail";
            default -> kind != null ? kind : colon > 0 ? prefix : null;
        };
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
        Map<String, Integer> tf = storyTerms.get(slug);
        return tf == null ? null : storyWeights.computeIfAbsent(slug, k -> vectors.weights(tf));
    }

    /**
     * Weights computed when the document count was {@code then} are recomputed once it has grown
     * by a twentieth (the IDFs have moved enough to matter).
     */
    private static boolean stale(int then, int now) {
        return now > then + then / 20 + 10;
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
        for (Map.Entry<String, Double> e : top.subList(0, Math.min(30, top.size()))) {
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
