package dev.liaison.linking;

import dev.liaison.item.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The items the linker has seen: their projects, and a Lucene index of their text (the start of
 * it, as {@link TextVectors} compares it) that finds a story's candidates and counts the items
 * naming a phrase. Counts each new item once in the shared document frequencies.
 */
final class ItemIndex implements AutoCloseable {

    /** Terms of a story (its heaviest) in the query that finds its candidates. */
    static final int QUERY_TERMS = 80;

    private final TextVectors vectors;
    private final Map<String, String> projects = new HashMap<>();
    /** The hash of the text each item was indexed with. */
    private final Map<String, Long> indexedBodies = new HashMap<>();
    private final ByteBuffersDirectory dir = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager search;
    private boolean dirty;
    private boolean closed;
    /** Counts the changes that alter what a search finds or an item's text or project: see {@link #generation()}. */
    private long generation;

    ItemIndex(TextVectors vectors) {
        this.vectors = vectors;
        try {
            writer = new IndexWriter(dir, new IndexWriterConfig(vectors.analyzer()).setRAMBufferSizeMB(32));
            search = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Length and hash of a text: what decides whether it must be indexed again. */
    private static Long fingerprint(String body) {
        return ((long) body.length() << 32) | (body.hashCode() & 0xffffffffL);
    }

    int size() {
        return projects.size();
    }

    boolean isEmpty() {
        return projects.isEmpty();
    }

    boolean contains(String id) {
        return projects.containsKey(id);
    }

    /** The item's project, null when unknown or none. */
    String project(String id) {
        String p = projects.get(id);
        return p == null || p.isEmpty() ? null : p;
    }

    /** Indexes an item (new or changed); {@code tf} counts in the document frequencies the first time. */
    void put(Item item, Map<String, Integer> tf) {
        put(item, tf, null);
    }

    /**
     * {@link #put(Item, Map)} with the item's analysis at hand: its tokens go into the index as
     * they are (the text is not analysed a second time; the same terms at the same positions).
     */
    void put(Item item, TextVectors.Analysis analysis) {
        put(item, analysis.tf(), analysis);
    }

    private void put(Item item, Map<String, Integer> tf, TextVectors.Analysis analysis) {
        boolean known = projects.containsKey(item.id());
        String project = item.project() == null ? "" : item.project();
        if (!project.equals(projects.put(item.id(), project))) {
            generation++;
        }
        if (!known) {
            vectors.count(tf);
        }
        String text = item.text().length() > TextVectors.MAX_CHARS ? item.text().substring(0, TextVectors.MAX_CHARS) : item.text();
        String body = item.title() + "\n" + text;
        // An item indexed with the same text is not indexed again: re-indexing costs time, and
        // changes the index's statistics, so a re-run on unchanged data would rank differently.
        Long fingerprint = fingerprint(body);
        if (fingerprint.equals(indexedBodies.put(item.id(), fingerprint))) {
            return;
        }
        dirty = true;
        generation++;
        Document doc = new Document();
        doc.add(new StringField("id", item.id(), Field.Store.YES));
        doc.add(analysis == null || item.title() == null ? new TextField("body", body, Field.Store.NO)
                : new TextField("body", new Tokens(analysis.tokens(), analysis.positions())));
        try {
            if (known) {
                writer.updateDocument(new Term("id", item.id()), doc);
            } else {
                writer.addDocument(doc); // nothing to replace: no delete to resolve for every new item
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Moves whenever an item is indexed with a new text or project: what was found or scored
     * before it moved may no longer hold (see {@code Linker.remember}).
     */
    long generation() {
        return generation;
    }

    /** Makes the items indexed so far searchable. */
    void fresh() {
        if (dirty) {
            try {
                search.maybeRefreshBlocking();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dirty = false;
        }
    }

    /** The query for a phrase as the index analyses it (null: nothing to look for). */
    Query phrase(String key) {
        return new QueryBuilder(vectors.analyzer()).createPhraseQuery("body", key);
    }

    /** How many items match (after making every indexed item searchable). */
    int count(Query q) {
        fresh();
        try {
            IndexSearcher searcher = search.acquire();
            try {
                return searcher.count(q);
            } finally {
                search.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best {@code n} items for these weights (their heaviest {@link #QUERY_TERMS} terms). */
    List<String> search(Map<String, Double> weights, int n) {
        if (weights.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<String, Double>> top = new ArrayList<>(weights.entrySet());
        top.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (Map.Entry<String, Double> e : top.subList(0, Math.min(QUERY_TERMS, top.size()))) {
            q.add(new BoostQuery(new TermQuery(new Term("body", e.getKey())), (float) (double) e.getValue()), BooleanClause.Occur.SHOULD);
        }
        return run(q.build(), n);
    }

    /** The ids of every item whose score for the query is at least {@code minScore} (see {@link ReachableItems}). */
    List<String> reaching(Query q, float minScore) {
        return reaching(q, minScore, Integer.MAX_VALUE);
    }

    /** Tokens analysed before, with their position increments, as the index takes a field's text. */
    private static final class Tokens extends org.apache.lucene.analysis.TokenStream {
        private final List<String> tokens;
        private final int[] positions;
        private final org.apache.lucene.analysis.tokenattributes.CharTermAttribute term =
                addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
        private final org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute increment =
                addAttribute(org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute.class);
        private int next;

        Tokens(List<String> tokens, int[] positions) {
            this.tokens = tokens;
            this.positions = positions;
        }

        @Override
        public boolean incrementToken() {
            if (next == tokens.size()) {
                return false;
            }
            clearAttributes();
            term.setEmpty().append(tokens.get(next));
            increment.setPositionIncrement(positions[next]);
            next++;
            return true;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            next = 0;
        }
    }

    /** Thrown by the collector of {@link #reaching(Query, float, int)} to stop at its limit. */
    private static final class TooMany extends RuntimeException {
        TooMany() {
            super(null, null, false, false);
        }
    }

    /**
     * The ids of every item whose score for the query is at least {@code minScore}, or null when
     * there are more than {@code max} of them (the search stops there: a large corpus costs no more
     * than the limit).
     */
    List<String> reaching(Query q, float minScore, int max) {
        fresh();
        try {
            IndexSearcher searcher = search.acquire();
            try {
                List<Integer> docs = new ArrayList<>();
                try {
                searcher.search(q, new org.apache.lucene.search.SimpleCollector() {
                    private org.apache.lucene.search.Scorable scorer;
                    private int base;

                    @Override
                    protected void doSetNextReader(org.apache.lucene.index.LeafReaderContext context) {
                        base = context.docBase;
                    }

                    @Override
                    public void setScorer(org.apache.lucene.search.Scorable scorer) throws IOException {
                        this.scorer = scorer;
                        // Lets the disjunction skip every item whose terms cannot add up to the
                        // bound (WAND): those that can are still all collected, as the contract of
                        // setMinCompetitiveScore only allows ignoring items scoring less.
                        scorer.setMinCompetitiveScore(minScore);
                    }

                    @Override
                    public void collect(int doc) throws IOException {
                        if (scorer.score() >= minScore) {
                            if (docs.size() == max) {
                                throw new TooMany();
                            }
                            docs.add(base + doc);
                        }
                    }

                    @Override
                    public org.apache.lucene.search.ScoreMode scoreMode() {
                        return org.apache.lucene.search.ScoreMode.TOP_SCORES;
                    }
                });
                } catch (TooMany e) {
                    return null;
                }
                List<String> out = new ArrayList<>(docs.size());
                var stored = searcher.storedFields();
                for (int doc : docs) {
                    out.add(stored.document(doc).get("id"));
                }
                return out;
            } finally {
                search.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ids of the best {@code n} items for a query. */
    List<String> run(Query q, int n) {
        try {
            IndexSearcher searcher = search.acquire();
            try {
                List<String> out = new ArrayList<>();
                var stored = searcher.storedFields();
                for (ScoreDoc sd : searcher.search(q, n).scoreDocs) {
                    out.add(stored.document(sd.doc).get("id"));
                }
                return out;
            } finally {
                search.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            search.close();
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
