package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Item;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A daemon's first days: the specs are crawled and linked while no story exists, then the stories
 * are imported. The stories must get the same similar suggestions as when the items' own pass
 * already saw them (only the story side's candidates can bring an item in then).
 */
class CrawlBeforeStoriesTest {

    final List<Item> items = NovaSpecFixtures.items();
    final List<Story> stories = NovaSpecFixtures.stories();
    final Map<String, Item> byId = items.stream().collect(Collectors.toMap(Item::id, Function.identity(), (a, b) -> a));

    private Linker linker() {
        return new Linker(ids -> ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList());
    }

    /** What a store keeps: the strongest kind of each pair; a retracted similar suggestion goes. */
    private static void keep(Map<String, Link> held, List<Link> links, Linker linker) {
        for (Link l : links) {
            held.merge(l.id(), l, (x, y) -> Link.strength(y.how()) > Link.strength(x.how())
                    || Link.strength(y.how()) == Link.strength(x.how()) && y.how().equals(Link.SIMILAR) ? y : x);
        }
        for (String id : linker.takeRetracted()) {
            Link l = held.get(id);
            if (l != null && l.how().equals(Link.SIMILAR)) {
                held.remove(id);
            }
        }
    }

    private static Set<String> pairs(Map<String, Link> held) {
        return held.values().stream().map(l -> l.story() + " " + l.item() + " " + l.how()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void storiesImportedAfterTheCrawlWasLinkedGetTheSameLinks() {
        Map<String, Link> seen = new HashMap<>(), before = new HashMap<>();
        try (Linker a = linker()) {
            a.putStories(stories);
            keep(seen, a.linkItems(items), a);
            keep(seen, a.linkStories(stories), a);
            keep(seen, a.rankTouched(), a);
        }
        try (Linker b = linker()) {
            keep(before, b.linkItems(items), b);
            assertThat(before).as("no story yet: nothing to link").isEmpty();
            keep(before, b.linkStories(stories), b);
            keep(before, b.rankTouched(), b);
        }
        assertThat(pairs(seen)).filteredOn(p -> p.endsWith(" similar")).isNotEmpty();
        assertThat(pairs(before)).isEqualTo(pairs(seen));
    }
}
