package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Item;
import dev.liaison.story.Story;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The item side's pruned pass over the stories' postings finds every story an exact comparison
 * finds, with the same best unit and cosine: on the real Product WG stories and the nova spec
 * items, each item against every story, at the shown bar and with no bar.
 */
class StoryIndexTest {

    @Test
    void thePrunedPassFindsWhatAnExactComparisonWithEveryStoryFinds() {
        TextVectors vectors = new TextVectors();
        StoryIndex index = new StoryIndex(vectors);
        List<Story> stories = NovaSpecFixtures.stories();
        List<Item> items = NovaSpecFixtures.items().stream().filter(i -> !i.text().isBlank()).limit(400).toList();
        stories.forEach(index::put);
        items.forEach(i -> vectors.count(vectors.analyze(i.title(), i.text()).tf()));
        int found = 0;
        for (double bar : new double[] {0.29, 0}) {
            for (Item item : items) {
                Map<String, Double> w = vectors.weights(vectors.analyze(item.title(), item.text()).tf());
                Map<String, Scored> pruned = index.bestByStory(item.id(), w, 0.12, bar);
                Map<String, Scored> exact = new TreeMap<>();
                for (Story s : stories) {
                    Scored best = index.weighed(s.id()).best(item.id(), w, 0.12);
                    if (best != null) {
                        exact.put(s.id(), best);
                    }
                }
                // The exact side weighs in doubles, the postings in floats: a story at the bar
                // within that rounding may fall either way.
                exact.values().removeIf(sc -> Math.abs(sc.cosine() - bar) < 1e-5 || Math.abs(sc.cosine() - 0.2) < 1e-5
                        || Math.abs(sc.cosine() - 0.12) < 1e-5);
                exact.values().removeIf(sc -> sc.cosine() < bar);
                pruned.keySet().retainAll(exact.keySet());
                assertThat(pruned.keySet()).as("stories found for %s at bar %s", item.id(), bar).isEqualTo(exact.keySet());
                for (String story : exact.keySet()) {
                    assertThat(pruned.get(story).cosine()).isCloseTo(exact.get(story).cosine(), org.assertj.core.data.Offset.offset(1e-5));
                    assertThat(pruned.get(story).heading()).isEqualTo(exact.get(story).heading());
                }
                found += exact.size();
            }
        }
        assertThat(found).as("the comparison is not empty").isGreaterThan(50);
    }

    /**
     * Leaving each unit's common terms out of the postings changes no result, bit for bit: the
     * same stories, units and cosines as the plain pass over every term's postings. Items: real
     * nova specs, each story's own text and each of its sections (the strongest matches), and
     * texts made only of the stories' most common words (all their weight on the left-out terms);
     * the bars go down and up again, so the postings are built again for lower thresholds.
     */
    @Test
    void leavingCommonTermsOutChangesNoScore() {
        TextVectors vectors = new TextVectors();
        StoryIndex pruned = new StoryIndex(vectors);
        StoryIndex full = new StoryIndex(vectors, 0);
        List<Story> stories = NovaSpecFixtures.stories();
        stories.forEach(pruned::put);
        stories.forEach(full::put);
        List<String[]> texts = new java.util.ArrayList<>();
        NovaSpecFixtures.items().stream().limit(250).forEach(i -> texts.add(new String[] {i.title(), i.text()}));
        Map<String, Integer> words = new java.util.HashMap<>();
        for (Story s : stories) {
            texts.add(new String[] {s.title(), s.text()});
            for (StorySections.Section section : StorySections.of(s.text(), StoryIndex.MAX_SECTIONS)) {
                texts.add(new String[] {section.heading(), section.body()});
            }
            for (String w : s.text().toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) {
                if (w.length() > 3) {
                    words.merge(w, 1, Integer::sum);
                }
            }
        }
        List<String> common = words.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(Map.Entry::getKey).limit(300).toList();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 60; i++) {
            StringBuilder b = new StringBuilder();
            for (int w = 0, n = 5 + rnd.nextInt(200); w < n; w++) {
                b.append(common.get(rnd.nextInt(Math.min(common.size(), 10 + i * 5)))).append(' ');
            }
            texts.add(new String[] {common.get(i), b.toString()});
        }
        int found = 0;
        int sections = 0;
        double[][] bars = {{0.12, 0.29}, {0.12, 0.5}, {0.12, 0}, {0.3, 0}, {0.12, 0.29}, {0.05, 0.15}};
        for (double[] bar : bars) {
            for (int i = 0; i < texts.size(); i++) {
                Map<String, Double> w = vectors.weights(vectors.analyze(texts.get(i)[0], texts.get(i)[1]).tf());
                Map<String, Scored> expected = full.bestByStory("item-" + i, w, bar[0], bar[1]);
                assertThat(pruned.bestByStory("item-" + i, w, bar[0], bar[1])).as("text %s at %s", i, java.util.Arrays.toString(bar))
                        .isEqualTo(expected);
                found += expected.size();
                sections += (int) expected.values().stream().filter(sc -> sc.heading() != null).count();
            }
        }
        assertThat(found).as("matches compared").isGreaterThan(2000);
        assertThat(sections).as("of them, with a section").isGreaterThan(200);
    }
}
