package dev.liaison.linking;

import dev.liaison.item.Item;
import dev.liaison.item.ItemId;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Links items and stories, incrementally and through indexes: a new or changed item is matched
 * against the stories through an inverted index of the stories' TF-IDF vectors, and a new or
 * changed story against the items through a Lucene index of items (candidates, then exact
 * cosines). Kinds of link:
 * <ul>
 * <li>{@code declared}, {@code mentioned}, {@code via}: what texts name ({@link ReferenceLinks});
 * <li>{@code similar}: TF-IDF cosine of the texts, the best unit of a story (whole or a titled
 *     section), one ranking per story ({@link SimilarLists}), a spec and its blueprint carried
 *     along as twins.
 * </ul>
 * This class is the façade: it owns the pieces ({@link StoryIndex}, {@link StoryNames},
 * {@link ItemIndex}, {@link ItemGraph}, {@link Decisions}, {@link SimilarLists},
 * {@link ReferenceLinks}) and runs a batch through them. Pure Java and Lucene: no Camel, no
 * MongoDB. The caller stores the proposed links and reports the strong ones back with
 * {@link #noteLinks}. Not thread-safe: one caller at a time.
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
    static final double SCORE_CAP = Scored.SCORE_CAP;
    /**
     * A similar suggestion is shown (proposed at all) only where links of its score band were
     * judged right at least this often: more likely right than wrong. Chosen on the labelled set
     * (bench/linker: leave-one-story-out, the score thresholds chosen on the other stories were
     * 0.29-0.31, the band this share starts at).
     */
    public static final double MIN_SHOWN_CONFIDENCE = 0.5;
    public static final int GENERIC_ITEMS = StoryNames.GENERIC_ITEMS;
    public static final int GENERIC_SHARE = StoryNames.GENERIC_SHARE;
    /** A via link through a similar item keeps this share of the similar link's confidence. */
    public static final double TWIN_FACTOR = 0.8;
    static final double SECTION_MIN = StoryIndex.SECTION_MIN;
    static final int MAX_SECTIONS = StoryIndex.MAX_SECTIONS;
    /** Stories whose similar candidates are loaded together (bounds the memory of one load). */
    static final int STORY_CHUNK = 20;

    private final ItemLookup lookup;
    private final TextVectors vectors = new TextVectors();
    private final StoryIndex stories = new StoryIndex(vectors);
    private final ItemIndex items = new ItemIndex(vectors);
    private final StoryNames names = new StoryNames(vectors.analyzer(), items);
    private final ItemGraph graph = new ItemGraph(items::contains);
    private final Decisions decisions = new Decisions();
    private final SimilarLists lists = new SimilarLists();
    private final ReferenceLinks references =
            new ReferenceLinks(stories, names, items, graph, decisions, this::phraseConfidence, this::viaConfidence);
    /** A story's distinct candidates beyond which the index's best few are taken instead (see {@link #search}). */
    static final int REACHABLE_MAX = 2000;
    /** The index's best items taken for a story as a whole, and for each section, past {@link #REACHABLE_MAX}. */
    static final int STORY_CANDIDATES = 300;
    static final int SECTION_CANDIDATES = 10;

    private double similarMin = 0.12;
    private Calibration calibration = Calibration.standard();

    /**
     * While on ({@link #remember}): per story, the candidates the item index found and each
     * candidate's exact best unit, reused while no item, story or statistic changed. A relink
     * ranks every story twice (first, and again once the items have entered the lists): the second
     * time then costs no search, no load and no analysis of the items scored the first time.
     */
    private boolean remembering;
    /** The item index's generation and the document count the memo holds for (see {@link #memoValid}). */
    private long memoGeneration = -1;
    private int memoDocuments = -1;
    private final Map<String, List<String>> searchedMemo = new HashMap<>();
    private final Map<String, Map<String, Scored>> bestMemo = new HashMap<>();
    /** Project and kind of each item loaded while remembering (what a link to it states). */
    private final Map<String, String[]> metaMemo = new HashMap<>();
    /** Stands for "scored, below every threshold" in {@link #bestMemo}. */
    private static final Scored NO_MATCH = new Scored("", 0, null);
    /** Every item's analysis, kept while remembering from the moment the items were put (see {@link #remember}). */
    private final ItemAnalyses analysed = new ItemAnalyses();
    /** While remembering: every story's candidates found from the items' side ({@link #preselect}); null: searched. */
    private RelinkCandidates preselected;
    /**
     * While remembering: each item's best unit per story as {@link #preselect} found it (items with
     * none left out), what the item pass offers; those whose result the lowered thresholds may have
     * changed are in {@link #rescore}. Valid while the stories and the thresholds are those of then.
     */
    private Map<String, Map<String, Scored>> preselectBests;
    private final Set<String> rescore = new java.util.HashSet<>();
    private long preselectStories = -1;
    private double preselectFloor = -1;
    private double preselectSimilarMin = -1;
    /** Stories whose kept candidates did not cover their list: searched as before (and the kept ones added). */
    private final Set<String> searchedToo = new java.util.HashSet<>();
    /** Candidates a story keeps from the items' side beyond its list's length (room for items decided meanwhile). */
    static final int PRESELECT_ROOM = 30;
    private int preselectRoom = PRESELECT_ROOM;
    /** Of the last relink's stories: how many had candidates let go, and how many were searched as well. */
    private int lastPruned;
    private int lastSearchedToo;
    private long lastPairs;

    public Linker(ItemLookup lookup) {
        this.lookup = lookup;
        lists.shownMin(calibration.minScore(Link.SIMILAR, MIN_SHOWN_CONFIDENCE));
        references.phraseMentions(phraseConfidence() >= MIN_SHOWN_CONFIDENCE);
    }

    /** Tuning of similar links: minimum cosine of a whole story, and how many a story holds. */
    public Linker similar(double minCosine, int perStory) {
        this.similarMin = minCosine;
        lists.perStory(perStory);
        return this;
    }

    /**
     * What confidences mean, and how confident a similar suggestion must be to be shown (0: every
     * one of a story's best {@code perStory}).
     */
    public Linker calibration(Calibration c, double minShownConfidence) {
        this.calibration = c;
        lists.shownMin(minShownConfidence <= 0 ? 0 : c.minScore(Link.SIMILAR, minShownConfidence));
        // Title-phrase mentions face the same bar as a kind (judged right 1 time in 12: not by default).
        references.phraseMentions(phraseConfidence() >= minShownConfidence);
        return this;
    }

    private double viaConfidence() {
        return calibration.confidence(Link.VIA, 0, VIA_CONFIDENCE);
    }

    private double phraseConfidence() {
        return calibration.confidence("mentioned-phrase", 0, MENTIONED_PHRASE_CONFIDENCE);
    }

    public int storyCount() {
        return stories.size();
    }

    public int itemCount() {
        return items.size();
    }

    // ---------------------------------------------------------------- indexing

    /** Indexes stories (new or changed) without linking them. */
    public void putStories(Collection<Story> batch) {
        for (Story s : batch) {
            if (stories.put(s)) {
                names.put(s);
                searchedMemo.remove(s.id());
                bestMemo.remove(s.id());
            }
        }
    }

    /**
     * Remembers (on) or forgets (off) what the story side found and scored, for a run that ranks
     * the same stories more than once over unchanged items ({@code LinkService.relinkAll}). The
     * memo is dropped whenever an item is indexed with a new text or the document count moves,
     * so it never changes a result; off releases its memory.
     */
    public void remember(boolean on) {
        remembering = on;
        if (!on) {
            if (preselected != null) {
                lastPruned = preselected.pruned();
                lastSearchedToo = searchedToo.size();
            }
            clearMemo();
        }
    }

    private void clearMemo() {
        analysed.clear();
        preselected = null;
        searchedToo.clear();
        preselectBests = null;
        rescore.clear();
        searchedMemo.clear();
        bestMemo.clear();
        metaMemo.clear();
        memoGeneration = -1;
        memoDocuments = -1;
    }

    /** True when remembering and what is remembered still holds (else the memo is emptied). */
    private boolean memoValid() {
        if (!remembering) {
            return false;
        }
        if (memoGeneration != items.generation() || memoDocuments != vectors.documents()) {
            if (memoGeneration >= 0) {
                clearMemo(); // what was found and scored before may no longer hold (the analyses were kept as the items were put)
            }
            searchedMemo.clear();
            bestMemo.clear();
            metaMemo.clear();
            preselected = null;
            searchedToo.clear();
            preselectBests = null;
            rescore.clear();
            memoGeneration = items.generation();
            memoDocuments = vectors.documents();
        }
        return true;
    }

    /**
     * The batches of items put while remembering, in the order they were put: what
     * {@link #linkRemembered} links. Empty when the items were put before remembering started.
     */
    public List<List<String>> rememberedBatches() {
        return remembering && memoValid() ? analysed.batches() : List.of();
    }

    /**
     * While remembering, with the items put now: finds every story's similar candidates from the
     * items' side, scoring every kept item against every story unit on every core (no search per
     * story). The story side then scores them exactly as it scores searched ones, and a story
     * whose kept candidates may not cover its list is searched as before ({@link RelinkCandidates}):
     * the lists are those of every item that can reach a unit, whatever the corpus' size (a search
     * takes the index's best few past {@link #REACHABLE_MAX}). Returns how many items were scored.
     */
    public int preselect() {
        List<List<String>> batches = rememberedBatches();
        if (batches.isEmpty() || stories.isEmpty()) {
            return 0;
        }
        RelinkCandidates found = new RelinkCandidates(lists.perStory() + preselectRoom, graph::twinsOf);
        lastPruned = 0;
        lastSearchedToo = 0;
        lastPairs = 0;
        double floor = lists.shownCosine();
        Map<String, Map<String, Scored>> kept = new HashMap<>();
        rescore.clear();
        double wholeMin = Math.max(similarMin, floor);
        double sectionMin = Math.max(SECTION_MIN, floor);
        int n = 0;
        for (List<String> batch : batches) {
            List<Map<String, Scored>> bests = batch.parallelStream()
                    .map(id -> stories.bestByStory(id, vectors.weights(analysed.tf(id)), similarMin, floor, RelinkCandidates.SLACK)).toList();
            for (int i = 0; i < batch.size(); i++) {
                boolean exact = true;
                for (Map.Entry<String, Scored> e : bests.get(i).entrySet()) {
                    Scored sc = e.getValue();
                    found.add(e.getKey(), batch.get(i), sc.cosine());
                    lastPairs++;
                    exact &= sc.cosine() >= (sc.heading() == null ? wholeMin : sectionMin);
                }
                // the item pass offers these again: kept when the thresholds of then give the same
                // (a best unit within the slack below its threshold: scored again there)
                if (!exact) {
                    rescore.add(batch.get(i));
                } else if (!bests.get(i).isEmpty()) {
                    kept.put(batch.get(i), bests.get(i));
                }
            }
            n += batch.size();
        }
        preselected = found;
        searchedToo.clear();
        preselectBests = kept;
        preselectStories = stories.changes();
        preselectFloor = floor;
        preselectSimilarMin = similarMin;
        return n;
    }

    /** Tests: the candidates a story keeps from the items' side beyond its list's length. */
    void preselectRoom(int room) {
        this.preselectRoom = room;
    }

    /**
     * Of the last relink that found candidates from the items' side ({@link #preselect}): the
     * stories that had candidates let go, and those searched as well because the kept ones might
     * not cover their list.
     */
    public String preselectSummary() {
        return lastPruned + " stories kept only their best candidates, " + lastSearchedToo + " searched as well ("
                + lastPairs + " item-story pairs reach a unit)";
    }

    /**
     * {@link #linkItems} for items put while remembering, by id: the same links, from their kept
     * analysis (no item is read or analysed again). Ids not kept are skipped.
     */
    public List<Link> linkRemembered(List<String> ids) {
        List<String> batch = new ArrayList<>(ids.size());
        for (String id : ids) {
            if (analysed.contains(id)) {
                batch.add(id);
                graph.putAgain(id); // as linkItems puts each item of the batch again before linking them
            }
        }
        // Weighed and scored against every story on every core; offered one at a time, in the batch's order.
        double floor = lists.shownCosine();
        // What preselect found for them, when it still holds: the same matches, not scored again.
        Map<String, Map<String, Scored>> found = preselectBests != null && memoValid() && preselectStories == stories.changes()
                && preselectFloor == floor && preselectSimilarMin == similarMin ? preselectBests : null;
        List<Map<String, Scored>> bests = stories.isEmpty() ? null : batch.parallelStream()
                .map(id -> found != null && !rescore.contains(id) ? found.getOrDefault(id, Map.of())
                        : stories.bestByStory(id, vectors.weights(analysed.tf(id)), similarMin, floor)).toList();
        List<Link> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            String id = batch.get(i);
            Item item = analysed.item(id);
            String kind = kindOf(id, item.kind());
            references.ofItem(item, kind, analysed.storyRefs(id), analysed.phrases(id), out);
            if (bests != null) {
                offerToStories(item, kind, bests.get(i), out);
            }
        }
        return decisions.withoutRejected(out);
    }

    /**
     * Indexes items (new or changed) and their references without linking them. While
     * remembering, keeps what linking them needs (see {@link #linkRemembered}); put the stories
     * first then, so the story names each item uses are found in the same pass.
     */
    public void putItems(Collection<Item> batch) {
        if (remembering) {
            analysed.startBatch();
        }
        // Analysed on every core, put one at a time in the batch's order (the index's order).
        List<Item> list = List.copyOf(batch);
        List<TextVectors.Analysis> analyses = list.parallelStream().map(i -> vectors.analyze(i.title(), i.text())).toList();
        List<List<Ref>> refs = list.parallelStream().map(Linker::refsOf).toList();
        List<Set<String>> named = null;
        if (remembering) {
            names.matches(List.of()); // its lookup of first tokens built once, before the threads read it
            named = analyses.parallelStream().map(a -> names.matches(a.tokens())).toList();
        }
        for (int i = 0; i < list.size(); i++) {
            Item item = list.get(i);
            TextVectors.Analysis a = analyses.get(i);
            putItem(item, refs.get(i), a);
            if (remembering) {
                analysed.add(item, a.tf(), named.get(i), refs.get(i));
            }
        }
    }

    private void putItem(Item item, List<Ref> refs, TextVectors.Analysis analysis) {
        graph.put(item.id(), refs);
        items.put(item, analysis);
    }

    /**
     * The references of an item: those its poller extracted (every kind's poller runs
     * {@code ReferenceExtractor} once over the whole item, story references included, so they are
     * not looked for again), plus any in its attributes; an item stored without any (by hand, or
     * before its kind extracted them) is read once here. References to the item itself are dropped.
     */
    static List<Ref> refsOf(Item item) {
        Map<String, Ref> out = new LinkedHashMap<>();
        for (Ref r : item.refs()) {
            out.putIfAbsent(r.target(), r);
        }
        if (item.refs().isEmpty()) {
            for (Ref r : ReferenceExtractor.extract(item.title() + "\n" + item.text(), item.project())) {
                out.putIfAbsent(r.target(), r);
            }
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

    // ---------------------------------------------------------------- decisions

    /** Strong links (declared, mentioned, manual, confirmed) known to the store, and rejected pairs. */
    public void setLinks(Collection<Link> strong, Collection<String> rejectedIds) {
        decisions.clear();
        decisions.addRejected(rejectedIds);
        noteLinks(strong);
    }

    /** Tells the linker which links are now stored, so one-hop links follow from the strong ones. */
    public void noteLinks(Collection<Link> links) {
        for (Link l : links) {
            if (!Link.SUGGESTED.equals(l.state())) {
                lists.drop(l.story(), l.item()); // decided: no longer one of the story's suggestions
            }
            decisions.note(l);
        }
    }

    /** The suggested similar links the store holds (state suggested, kind similar). */
    public void setHeld(Collection<Link> similarSuggested) {
        lists.setHeld(similarSuggested);
    }

    /** The ids of suggested similar links that left their story's list: the caller removes them from the store. */
    public List<String> takeRetracted() {
        return lists.takeRetracted();
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
            String kind = kindOf(item.id(), item.kind());
            TextVectors.Analysis a = analyses.get(item.id());
            references.ofItem(item, kind, refs.get(item.id()), a.tokens(), out);
            similarStories(item, kind, a.tf(), out);
        }
        return decisions.withoutRejected(out);
    }

    /** Offers the item (and its twins) to the list of every story it is similar to. */
    private void similarStories(Item item, String kind, Map<String, Integer> itemTf, List<Link> out) {
        if (stories.isEmpty()) {
            return;
        }
        similarStoriesWeighed(item, kind, vectors.weights(itemTf), out);
    }

    /** {@link #similarStories} with the item's weights at hand. */
    private void similarStoriesWeighed(Item item, String kind, Map<String, Double> itemWeights, List<Link> out) {
        if (stories.isEmpty()) {
            return;
        }
        offerToStories(item, kind, stories.bestByStory(item.id(), itemWeights, similarMin, lists.shownCosine()), out);
    }

    /** Offers the item's best match in each story (and its twins') to the story's list. */
    private void offerToStories(Item item, String kind, Map<String, Scored> best, List<Link> out) {
        List<String> twins = best.isEmpty() ? List.of() : graph.twinsOf(item.id()); // the same for every story
        for (Map.Entry<String, Scored> e : best.entrySet()) {
            String story = e.getKey();
            if (decisions.decided(story, e.getValue().item())) {
                continue; // nor its twins: the same rule as from the story's side
            }
            for (Scored sc : e.getValue().withTwins(twins)) {
                if (decisions.decided(story, sc.item()) || !lists.offer(story, sc, stories.draft(story))) {
                    continue;
                }
                boolean self = sc.twinOf() == null;
                out.add(similarLink(story, sc, self ? item.project() : items.project(sc.item()), self ? kind : kindOf(sc.item(), null)));
            }
        }
    }

    /**
     * Ranks again, with the document frequencies of now, the similar suggestions of every story
     * whose list items entered since the last call: the items entered one by one, each scored when
     * it came, while a story linked after the crawl ranks them all at once. Returns the links.
     */
    public List<Link> rankTouched() {
        List<Story> list = new ArrayList<>();
        for (String slug : lists.takeTouched(vectors.documents(), stories.slugs())) {
            Story s = stories.get(slug);
            if (s != null) {
                list.add(s);
            }
        }
        return list.isEmpty() ? List.of() : linkStories(list);
    }

    // ---------------------------------------------------------------- linking stories

    /** Indexes these stories and proposes their links to items. */
    public List<Link> linkStories(Collection<Story> all) {
        putStories(all);
        items.fresh();
        List<Story> list = new ArrayList<>(all);
        List<Link> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += STORY_CHUNK) {
            out.addAll(linkStoryChunk(list.subList(i, Math.min(list.size(), i + STORY_CHUNK))));
        }
        return out;
    }

    private List<Link> linkStoryChunk(List<Story> batch) {
        boolean memo = memoValid();
        ChunkScores chunk = scoreChunk(batch, memo);
        if (memo && preselected != null) {
            // A story whose kept candidates may not make the list all of them would make (items
            // decided since, or many close ones let go) is searched as before, its kept ones added.
            List<Story> redo = new ArrayList<>();
            for (Story s : batch) {
                if (!searchedToo.contains(s.id()) && !stories.draft(s.id()) && !preselected.covers(s.id(),
                        lists.best(chunk.scored().get(s.id()).values(), false), lists.perStory(), lists.shownMin())) {
                    redo.add(s);
                }
            }
            for (Story s : redo) {
                searchedToo.add(s.id());
                searchedMemo.remove(s.id());
            }
            if (!redo.isEmpty()) {
                chunk.scored().putAll(scoreChunk(redo, memo).scored()); // the items' meta is the memo's, shared
            }
        }
        List<Link> out = new ArrayList<>();
        for (Story s : batch) {
            references.ofStory(s, out);
            rankSimilar(s, chunk.scored().get(s.id()), chunk.itemMeta(), out);
        }
        return decisions.withoutRejected(out);
    }

    /** A chunk's stories' matches (story → item → best match) and the project and kind of each item scored. */
    private record ChunkScores(Map<String, Map<String, Scored>> scored, Map<String, String[]> itemMeta) {}

    /** A story's candidates: its kept ones from the items' side in a relink (see {@link #preselect}), else searched. */
    private List<String> candidatesOf(String slug, boolean memo) {
        RelinkCandidates pre = memo ? preselected : null;
        if (pre == null) {
            return search(slug);
        }
        if (!searchedToo.contains(slug)) {
            return pre.of(slug);
        }
        Set<String> both = new LinkedHashSet<>(search(slug));
        both.addAll(pre.of(slug));
        return new ArrayList<>(both);
    }

    private ChunkScores scoreChunk(List<Story> batch, boolean memo) {
        // The candidates of every story first (the index's best for the whole story and for each
        // section, and the items the story holds now), then one load of all of them. The searches,
        // the weighing and the scoring run on every core (each story's results are its own and
        // are put together in story order: the same as one at a time).
        Map<String, List<String>> found = new java.util.concurrent.ConcurrentHashMap<>();
        if (!items.isEmpty()) {
            batch.parallelStream().filter(s -> !(memo && searchedMemo.containsKey(s.id())))
                    .forEach(s -> {
                        List<String> ids = candidatesOf(s.id(), memo);
                        if (memo) {
                            ids.replaceAll(analysed::canonical); // kept for the whole relink: one string per item
                        }
                        found.put(s.id(), ids);
                    });
            if (memo) {
                searchedMemo.putAll(found);
            }
        }
        Map<String, Set<String>> candidates = new LinkedHashMap<>();
        Set<String> all = new LinkedHashSet<>();
        for (Story s : batch) {
            Set<String> c = new LinkedHashSet<>(lists.heldBy(s.id()));
            if (!items.isEmpty()) {
                c.addAll(memo ? searchedMemo.get(s.id()) : found.get(s.id()));
                // A candidate's twins are scored on their own text too, as the item side scores
                // them when they arrive (else a blueprint only gets its spec's 0.8 x, and the list
                // would depend on whether the items were linked before the story came).
                for (String id : List.copyOf(c)) {
                    c.addAll(graph.twinsOf(id));
                }
            }
            candidates.put(s.id(), c);
            Map<String, Scored> known = memo ? bestMemo.getOrDefault(s.id(), Map.of()) : Map.of();
            for (String id : c) {
                if (!known.containsKey(id)) {
                    all.add(id);
                }
            }
        }
        Map<String, Map<String, Double>> itemWeights = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, String[]> itemMeta = memo ? metaMemo : new HashMap<>();
        List<String> kept = new ArrayList<>(all.size());
        List<String> ids = new ArrayList<>(all.size());
        for (String id : all) {
            if (memo && analysed.contains(id)) {
                kept.add(id);
                itemMeta.put(id, new String[] {analysed.project(id), analysed.kind(id)});
            } else {
                ids.add(id); // read and analysed below
            }
        }
        kept.parallelStream().forEach(id -> itemWeights.put(id, vectors.weights(analysed.tf(id))));
        for (int i = 0; i < ids.size(); i += 1000) {
            List<Item> loaded = lookup.load(ids.subList(i, Math.min(ids.size(), i + 1000)));
            loaded.parallelStream().forEach(item -> itemWeights.put(item.id(), vectors.weights(vectors.analyze(item.title(), item.text()).tf())));
            for (Item item : loaded) {
                itemMeta.put(item.id(), new String[] {item.project(), item.kind()});
            }
        }
        Map<String, Map<String, Scored>> knownByStory = new HashMap<>();
        if (memo) {
            for (Story s : batch) {
                knownByStory.put(s.id(), bestMemo.computeIfAbsent(s.id(), k -> new HashMap<>()));
            }
        }
        Map<String, Map<String, Scored>> scored = new java.util.concurrent.ConcurrentHashMap<>();
        batch.parallelStream().forEach(s -> scored.put(s.id(),
                scoreCandidates(s, candidates.getOrDefault(s.id(), Set.of()), itemWeights, knownByStory.get(s.id()))));
        return new ChunkScores(scored, itemMeta);
    }

    /**
     * A story's candidates: every item that can reach a unit's threshold, for the story as a whole
     * and then for each of its sections (in that order, each once). Not a search's best few: the
     * items' own pass finds every one, so the story's list must not depend on which came first.
     * In a large corpus the bound lets thousands of items through on a story's common words, too
     * many to score exactly and hold in memory: past {@link #REACHABLE_MAX} for the story, its
     * candidates are the index's best few for each unit instead, as before the bound.
     */
    private List<String> search(String slug) {
        double floor = lists.shownCosine();
        List<Map<String, Double>> units = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        units.add(stories.wholeWeights(slug));
        thresholds.add(Math.max(similarMin, floor));
        for (StoryIndex.Unit u : stories.sections(slug)) {
            units.add(stories.weights(u.tf(), false));
            thresholds.add(Math.max(SECTION_MIN, floor));
        }
        Set<String> found = new LinkedHashSet<>();
        for (int i = 0; i < units.size(); i++) {
            List<String> reachable = ReachableItems.of(items, units.get(i), thresholds.get(i), REACHABLE_MAX);
            if (reachable != null) {
                found.addAll(reachable);
            }
            if (reachable == null || found.size() > REACHABLE_MAX) {
                List<String> best = new ArrayList<>();
                for (int j = 0; j < units.size(); j++) {
                    best.addAll(items.search(units.get(j), j == 0 ? STORY_CANDIDATES : SECTION_CANDIDATES));
                }
                return best;
            }
        }
        return new ArrayList<>(found);
    }

    /**
     * A story's similar matches: every candidate scored exactly against the whole story and each
     * titled section (a long story covers several pieces of work, "rolling upgrades":
     * multi-version interoperability, online schema migration, ...; its whole text is a blur of
     * them), the best unit counting, and the candidates' twins through them (item → best match).
     * {@code known}: the candidates' best units scored before, with the same statistics (null:
     * not remembering); those scored now are added to it. Reads shared state only (one story's
     * {@code known} is its own): stories are scored in parallel.
     */
    private Map<String, Scored> scoreCandidates(Story s, Set<String> candidates, Map<String, Map<String, Double>> itemWeights,
            Map<String, Scored> known) {
        StoryIndex.Weighed units = null; // the statistics of now, not a cached copy; weighed when first needed
        Map<String, Scored> bestByItem = new HashMap<>();
        for (String id : candidates) {
            Scored best = known == null ? null : known.get(id);
            if (best == null) {
                Map<String, Double> iw = itemWeights.get(id);
                if (iw == null) {
                    continue; // not stored (yet)
                }
                if (decisions.decided(s.id(), id)) {
                    continue;
                }
                if (units == null) {
                    units = stories.weighed(s.id());
                }
                best = units.best(id, iw, similarMin);
                if (known != null) {
                    known.put(id, best == null ? NO_MATCH : best);
                }
            } else if (decisions.decided(s.id(), id)) {
                continue;
            }
            if (best != null && best != NO_MATCH) {
                for (Scored x : best.withTwins(graph.twinsOf(id))) {
                    if (!decisions.decided(s.id(), x.item())) {
                        bestByItem.merge(x.item(), x, (a, b) -> b.cosine() > a.cosine() ? b : a);
                    }
                }
            }
        }
        return bestByItem;
    }

    /** The best of a story's matches become its list ({@link SimilarLists#rank}): its similar suggestions. */
    private void rankSimilar(Story s, Map<String, Scored> bestByItem, Map<String, String[]> itemMeta, List<Link> out) {
        for (Scored sc : lists.rank(s.id(), bestByItem.values(), stories.draft(s.id()))) {
            String[] meta = itemMeta.get(sc.item());
            String project = meta != null ? meta[0] : items.project(sc.item());
            out.add(similarLink(s.id(), sc, project, kindOf(sc.item(), meta == null ? null : meta[1])));
        }
    }

    // ---------------------------------------------------------------- helpers

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
                : new Evidence(Link.SIMILAR, "text similarity " + score + ": " + graph.hop(sc.item(), sc.twinOf()) + "; "
                        + sc.twinOf() + " is similar to the story" + section, sc.item(), sc.twinOf());
        return link(story, sc.item(), Link.SIMILAR, confidence, project, kind, e);
    }

    static Link link(String story, String item, String how, double confidence, String project, String kind, Evidence e) {
        return new Link(story, item, how, confidence, Link.SUGGESTED, project, kind, null, List.of(e));
    }

    /** The project named in an item id (spec:nova/..., bp:nova/...), else null. */
    public static String projectOf(String id) {
        return ItemId.projectOf(id);
    }

    /** The kind of item an id names, from its prefix: spec, blueprint, bug, review, mail (else the item's own kind). */
    public static String kindOf(String id, String kind) {
        return ItemId.isItemId(id) || kind == null ? ItemId.kindOf(id) : kind;
    }

    @Override
    public void close() {
        items.close();
    }
}
