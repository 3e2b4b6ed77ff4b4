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
}
