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

    @Test
    void storiesImportedAfterTheCrawlWasLinkedGetTheSameLinks() {
        Map<String, Link> seen = new HashMap<>(), before = new HashMap<>();
        try (Linker a = linker()) {
            a.putStories(stories);
            HeldLinks.keep(seen, a.linkItems(items), a);
            HeldLinks.keep(seen, a.linkStories(stories), a);
            HeldLinks.keep(seen, a.rankTouched(), a);
        }
        try (Linker b = linker()) {
            HeldLinks.keep(before, b.linkItems(items), b);
            assertThat(before).as("no story yet: nothing to link").isEmpty();
            HeldLinks.keep(before, b.linkStories(stories), b);
            HeldLinks.keep(before, b.rankTouched(), b);
        }
        assertThat(HeldLinks.pairs(seen)).filteredOn(p -> p.endsWith(" similar")).isNotEmpty();
        assertThat(HeldLinks.pairs(before)).isEqualTo(HeldLinks.pairs(seen));
    }
}
