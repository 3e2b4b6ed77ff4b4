package dev.liaison.linking;

import dev.liaison.story.Link;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** For linker tests without a store: what the store would keep of the links a linker proposes. */
final class HeldLinks {

    private HeldLinks() {}

    /** What a store keeps: the strongest kind of each pair; a retracted similar suggestion goes. */
    static void keep(Map<String, Link> held, List<Link> links, Linker linker) {
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

    /** The held links as sorted "story item how" lines. */
    static Set<String> pairs(Map<String, Link> held) {
        return held.values().stream().map(l -> l.story() + " " + l.item() + " " + l.how()).collect(Collectors.toCollection(TreeSet::new));
    }
}
