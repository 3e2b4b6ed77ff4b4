package dev.liaison.linking;

import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import dev.liaison.story.Story;
import dev.liaison.story.StoryParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.search.Query;

/**
 * What the stories name: the items their text cites ({@code declared} links) and their titles and
 * aliases as phrases an item may use ({@code mentioned} links), with the rule that a phrase too
 * common among the items names nothing.
 */
final class StoryNames {

    /** A phrase found in more than this many items, or one in {@link #GENERIC_SHARE} of them, is generic. */
    static final int GENERIC_ITEMS = 10;
    static final int GENERIC_SHARE = 200;

    private final Analyzer analyzer;
    private final ItemIndex items;
    private final Map<String, Map<String, Ref>> declaredBy = new HashMap<>();
    private final Map<String, List<String>> storyDeclares = new HashMap<>();
    private final Map<String, Set<String>> phrases = new HashMap<>();
    private final Map<String, List<String>> storyPhrases = new HashMap<>();
    private int maxPhraseTokens = 1;
    private Set<String> firstPhraseTokens;

    private record GenericVerdict(int items, boolean generic) {}

    /** Phrases judged generic or not, and against how many items (judged again once the items grew by a hundredth). */
    private final Map<String, GenericVerdict> genericVerdicts = new HashMap<>();

    StoryNames(Analyzer analyzer, ItemIndex items) {
        this.analyzer = analyzer;
        this.items = items;
    }

    /** A story's names (new or changed), replacing what it named before. */
    void put(Story s) {
        remove(s.id());
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

    private void remove(String id) {
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

    /** The stories whose text cites this item (story → the reference). */
    Map<String, Ref> declaring(String item) {
        return declaredBy.getOrDefault(item, Map.of());
    }

    /** A story's names as phrases (analysed tokens joined by spaces). */
    List<String> phrasesOf(String slug) {
        return storyPhrases.getOrDefault(slug, List.of());
    }

    /** The stories a phrase names. */
    Set<String> naming(String key) {
        return phrases.getOrDefault(key, Set.of());
    }

    /**
     * A name too common among the items to count as naming the story ("rolling upgrades" appears
     * in the upgrade section of half the specs): found in more than {@link #GENERIC_ITEMS} items
     * or one in {@link #GENERIC_SHARE} of them. Judged against the items stored when a link is made
     * (so the answer does not depend on whether the story or the items came first).
     */
    boolean generic(String key) {
        int n = items.size();
        GenericVerdict v = genericVerdicts.get(key);
        if (v != null && !TextVectors.stale(v.items(), n)) {
            return v.generic();
        }
        boolean g = genericNow(key);
        genericVerdicts.put(key, new GenericVerdict(n, g));
        return g;
    }

    private boolean genericNow(String key) {
        items.fresh();
        Query q = items.phrase(key);
        if (q == null) {
            return true;
        }
        return items.count(q) > Math.max(GENERIC_ITEMS, items.size() / GENERIC_SHARE);
    }

    /** Analyzed tokens of a name, as the index sees them. */
    private List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("body", s)) {
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

    /** Phrases (story titles, aliases) among an item's tokens, in the order found. */
    Set<String> matches(List<String> toks) {
        Set<String> found = new LinkedHashSet<>();
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
                Set<String> m = phrases.get(key.toString());
                if (m != null && !m.isEmpty()) {
                    found.add(key.toString());
                }
            }
        }
        return found;
    }
}
