package dev.liaison.linking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Terms of a text (English stemming, stop words dropped) and the cosine similarity of two texts
 * as TF-IDF vectors. The document frequencies count every item and story seen, so a score means
 * the same whichever side asks: that is what makes the {@code similar} confidences comparable.
 */
public final class TextVectors {

    /** Only the start of a long text is compared (titles and first paragraphs carry the topic). */
    public static final int MAX_CHARS = 6_000;

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final Map<String, AtomicInteger> df = new ConcurrentHashMap<>();
    private final AtomicInteger docs = new AtomicInteger();

    public Analyzer analyzer() {
        return analyzer;
    }

    /** Term frequencies of a text; the title counts three times. */
    public Map<String, Integer> terms(String title, String text) {
        Map<String, Integer> tf = new HashMap<>();
        add(tf, title, 3);
        add(tf, text == null || text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS), 1);
        return tf;
    }

    /**
     * Term frequencies of a whole text, however long (a story: its technical sections often come
     * after the first {@value #MAX_CHARS} characters); the title counts three times.
     */
    public Map<String, Integer> termsOfWhole(String title, String text) {
        Map<String, Integer> tf = new HashMap<>();
        add(tf, title, 3);
        add(tf, text, 1);
        return tf;
    }

    private void add(Map<String, Integer> tf, String s, int weight) {
        if (s == null || s.isEmpty()) {
            return;
        }
        try (TokenStream ts = analyzer.tokenStream("body", s)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                if (term.length() > 1 && term.length() < 40 && !Character.isDigit(term.charAt(0))) {
                    tf.merge(term.toString(), weight, Integer::sum);
                }
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An item's analysis: its term frequencies (title three times, the text's start) and its
     * tokens for phrase matching; {@code positions}: each token's position increment as one pass
     * of the analyzer over the title, a line break and the text would give them (stop words leave
     * gaps), so the item index can take the tokens without analysing the text again.
     */
    public record Analysis(Map<String, Integer> tf, java.util.List<String> tokens, int[] positions) {}

    /**
     * Tokens of the text up to this many characters are matched against story names: the same
     * part of the text the item index holds, which judges a name generic and finds the items
     * naming a new story. (It was 20,000: a new item then named a story by text the index never
     * saw, so "rolling upgrades" in the upgrade-impact section of 18 specs was not generic when
     * counted but linked each of them from the item's side.)
     */
    public static final int MAX_PHRASE_CHARS = MAX_CHARS;

    /** One pass of the analyzer over an item: the term frequencies and the token sequence. */
    public Analysis analyze(String title, String text) {
        Map<String, Integer> tf = new HashMap<>();
        java.util.List<String> tokens = new java.util.ArrayList<>();
        int[][] positions = {new int[64]};
        int gap = pass(title, tf, tokens, positions, 0, 3, Integer.MAX_VALUE);
        String t = text == null ? "" : text.length() <= MAX_PHRASE_CHARS ? text : text.substring(0, MAX_PHRASE_CHARS);
        pass(t, tf, tokens, positions, gap, 1, MAX_CHARS);
        return new Analysis(tf, tokens, java.util.Arrays.copyOf(positions[0], tokens.size()));
    }

    /**
     * One pass of the analyzer: adds the tokens, their position increments (the first one's plus
     * {@code gap}, the positions the text before left out) and the term frequencies. Returns the
     * positions this text leaves out at its end, plus {@code gap} when it has no token.
     */
    private int pass(String s, Map<String, Integer> tf, java.util.List<String> tokens, int[][] positions, int gap, int weight, int tfChars) {
        if (s == null || s.isEmpty()) {
            return gap;
        }
        try (TokenStream ts = analyzer.tokenStream("body", s)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            org.apache.lucene.analysis.tokenattributes.OffsetAttribute offset =
                    ts.addAttribute(org.apache.lucene.analysis.tokenattributes.OffsetAttribute.class);
            org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute increment =
                    ts.addAttribute(org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                String t = term.toString();
                int n = tokens.size();
                if (n == positions[0].length) {
                    positions[0] = java.util.Arrays.copyOf(positions[0], n * 2);
                }
                positions[0][n] = increment.getPositionIncrement() + gap;
                gap = 0;
                tokens.add(t);
                if (offset.startOffset() < tfChars && t.length() > 1 && t.length() < 40 && !Character.isDigit(t.charAt(0))) {
                    tf.merge(t, weight, Integer::sum);
                }
            }
            ts.end();
            return gap + increment.getPositionIncrement();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Statistics taken when the document count was {@code then} are taken again once it has grown
     * by a hundredth (the IDFs have moved enough to matter).
     */
    static boolean stale(int then, int now) {
        return now > then + then / 100 + 5;
    }

    public int documents() {
        return docs.get();
    }

    /** Counts one more document with these terms in the document frequencies. */
    public void count(Map<String, Integer> tf) {
        docs.incrementAndGet();
        for (String t : tf.keySet()) {
            df.computeIfAbsent(t, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    public double idf(String term) {
        AtomicInteger n = df.get(term);
        return Math.log((docs.get() + 1.0) / ((n == null ? 0 : n.get()) + 1.0)) + 1.0;
    }

    /** Unit-length TF-IDF weights. */
    public Map<String, Double> weights(Map<String, Integer> tf) {
        Map<String, Double> w = new HashMap<>(tf.size() * 2);
        double norm = 0;
        for (Map.Entry<String, Integer> e : tf.entrySet()) {
            double v = (1 + Math.log(e.getValue())) * idf(e.getKey());
            w.put(e.getKey(), v);
            norm += v * v;
        }
        if (norm > 0) {
            double n = Math.sqrt(norm);
            w.replaceAll((k, v) -> v / n);
        }
        return w;
    }

    public static double cosine(Map<String, Double> a, Map<String, Double> b) {
        if (a.size() > b.size()) {
            Map<String, Double> t = a;
            a = b;
            b = t;
        }
        double sum = 0;
        for (Map.Entry<String, Double> e : a.entrySet()) {
            Double o = b.get(e.getKey());
            if (o != null) {
                sum += e.getValue() * o;
            }
        }
        return sum;
    }
}
