package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Item;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A story imported after the crawl was linked finds its candidates in the item index. They used to
 * be a search's best few (300 for the whole story from a query of its 80 heaviest terms, 10 a
 * section), so an item the items' own pass put in the story's list could be missed when the story
 * came last (the real case: rolling-upgrades' "Live Migration" section, where a dozen blueprints
 * named "... live migration" tie in the search and {@code bp:nova/vmware-live-migration}, the best
 * by cosine, came after ten of them). Now every item that can reach a unit's threshold is a
 * candidate ({@link ReachableItems}).
 */
class ReachableItemsTest {

    /** A word of its own (letters only: the analyzer drops terms that start with a digit). */
    static String word(String prefix, int n) {
        StringBuilder sb = new StringBuilder(prefix);
        do {
            sb.append((char) ('a' + n % 26));
            n /= 26;
        } while (n > 0);
        return sb.toString();
    }

    /**
     * A story of 200 words, each once: the first 80 no item has (the heaviest: they alone made the
     * search's query), the other 120 shared with the items.
     */
    static final Story STORY;

    static {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            sb.append(word("w", i)).append(i % 10 == 9 ? ".\n" : " ");
        }
        STORY = new Story("tail-words", "Words of a story", sb.toString(), "proposed", List.of("nova"), List.of(), List.of(),
                List.of(), List.of(), null);
    }

    /**
     * 100 specs, each with 12 of the story's shared words among 50 words of their own (no match),
     * and the one spec made of the story's 120 shared words (cosine 0.5 and more).
     */
    static List<Item> items() {
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            StringBuilder text = new StringBuilder();
            for (int j = 0; j < 12; j++) {
                text.append(word("w", 80 + (i * 7 + j * 11) % 120)).append(' ');
            }
            for (int j = 0; j < 50; j++) {
                text.append(word("junk", i * 50 + j)).append(' ');
            }
            out.add(Item.builder("spec:nova/filler-" + i, "spec").source("specs").project("nova").title(word("fill", i))
                    .text(text.toString()).build());
        }
        StringBuilder text = new StringBuilder();
        for (int i = 80; i < 200; i++) {
            text.append(word("w", i)).append(' ');
        }
        out.add(Item.builder("spec:nova/the-tail", "spec").source("specs").project("nova").title("the tail").text(text.toString()).build());
        return out;
    }

    @Test
    void aStoryImportedAfterTheCrawlGetsEveryItemItsListWouldHaveHadHadTheStoryComeFirst() {
        List<Item> items = items();
        Map<String, Item> byId = items.stream().collect(Collectors.toMap(Item::id, Function.identity()));
        Linker.ItemLookup lookup = ids -> ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
        Map<String, Link> storyFirst = new HashMap<>(), crawlFirst = new HashMap<>();
        try (Linker a = new Linker(lookup)) {
            a.putStories(List.of(STORY));
            HeldLinks.keep(storyFirst, a.linkItems(items), a);
            HeldLinks.keep(storyFirst, a.linkStories(List.of(STORY)), a);
            HeldLinks.keep(storyFirst, a.rankTouched(), a);
        }
        try (Linker b = new Linker(lookup)) {
            HeldLinks.keep(crawlFirst, b.linkItems(items), b);
            assertThat(crawlFirst).as("no story yet: nothing to link").isEmpty();
            HeldLinks.keep(crawlFirst, b.linkStories(List.of(STORY)), b);
            HeldLinks.keep(crawlFirst, b.rankTouched(), b);
        }
        assertThat(HeldLinks.pairs(storyFirst)).as("the items' own pass finds it").containsExactly("tail-words spec:nova/the-tail similar");
        assertThat(HeldLinks.pairs(crawlFirst)).isEqualTo(HeldLinks.pairs(storyFirst));
    }

    @Test
    void theBoundKeepsEveryItemThatReachesTheThresholdAndOnlyItemsSharingEnoughOfTheUnitsWeight() {
        TextVectors vectors = new TextVectors();
        try (ItemIndex index = new ItemIndex(vectors)) {
            List<Item> items = items();
            for (Item it : items) {
                index.put(it, vectors.analyze(it.title(), it.text()).tf());
            }
            StoryIndex stories = new StoryIndex(vectors);
            stories.put(STORY);
            Map<String, Double> whole = stories.wholeWeights(STORY.id());
            for (double t : new double[] {0.1, 0.2, 0.3, 0.5}) {
                Set<String> reachable = new TreeSet<>(ReachableItems.of(index, whole, t));
                for (Item it : items) {
                    Map<String, Double> iw = vectors.weights(vectors.analyze(it.title(), it.text()).tf());
                    double cos = TextVectors.cosine(whole, iw);
                    double shared = iw.keySet().stream().filter(whole::containsKey).mapToDouble(k -> whole.get(k) * whole.get(k)).sum();
                    if (cos >= t) {
                        assertThat(reachable).as(it.id() + " reaches " + cos + " >= " + t).contains(it.id());
                    }
                    assertThat(reachable.contains(it.id())).as(it.id() + " shares " + shared + " of the weight").isEqualTo(shared >= t * t - 1e-4);
                }
            }
            assertThat(ReachableItems.of(index, whole, 0.3)).contains("spec:nova/the-tail").hasSizeLessThan(10);
            assertThat(ReachableItems.of(index, Map.of(), 0.3)).isEmpty();
            assertThat(ReachableItems.of(index, whole, 1.01)).as("no cosine is above 1").isEmpty();
            // A limit: the same items while they fit, none (null) as soon as one more would pass.
            List<String> all = ReachableItems.of(index, whole, 0.1);
            assertThat(all).hasSizeGreaterThan(1);
            assertThat(ReachableItems.of(index, whole, 0.1, all.size())).isEqualTo(all);
            assertThat(ReachableItems.of(index, whole, 0.1, all.size() - 1)).isNull();
            assertThat(ReachableItems.of(index, whole, 0.1, 0)).isNull();
        }
    }
}
