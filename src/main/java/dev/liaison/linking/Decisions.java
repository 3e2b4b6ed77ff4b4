package dev.liaison.linking;

import dev.liaison.story.Link;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The links the store holds that decide linking: strong links (declared, mentioned, manual,
 * confirmed), which one-hop links follow from and which are never suggested again as similar,
 * and the pairs a person rejected, which are never proposed again.
 */
final class Decisions {

    private final Map<String, Map<String, Link>> strongByItem = new HashMap<>();
    private final Set<String> rejected = new HashSet<>();

    void clear() {
        strongByItem.clear();
        rejected.clear();
    }

    void addRejected(Collection<String> ids) {
        rejected.addAll(ids);
    }

    /** Notes a stored link: rejected pairs and strong links. */
    void note(Link l) {
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

    /** The strong links of an item (story → link). */
    Map<String, Link> strongOf(String item) {
        return strongByItem.getOrDefault(item, Map.of());
    }

    /** The items strongly linked to a story. */
    List<String> strongItemsOf(String story) {
        return strongByItem.values().stream().flatMap(m -> m.values().stream()).filter(l -> l.story().equals(story)).map(Link::item).toList();
    }

    /** A person decided this pair (confirmed or rejected), or the story names the item: no similar suggestion. */
    boolean decided(String story, String item) {
        if (rejected.contains(Link.id(story, item))) {
            return true;
        }
        Map<String, Link> strong = strongByItem.get(item);
        return strong != null && strong.containsKey(story);
    }

    /** The links but those a person rejected. */
    List<Link> withoutRejected(List<Link> links) {
        if (rejected.isEmpty()) {
            return links;
        }
        return links.stream().filter(l -> !rejected.contains(l.id())).toList();
    }
}
