package dev.liaison.linking;

import dev.liaison.item.Ref;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which item cites which (a spec its blueprint, a mail a bug, a review the spec it proposes): the
 * one hop {@code via} links take, and the twins (one piece of work under two ids) similar
 * suggestions carry along.
 */
final class ItemGraph {

    private final Map<String, Set<String>> cites = new HashMap<>();
    private final Map<String, Set<String>> citedBy = new HashMap<>();
    /** The specs a review proposes (a change adding the spec file): review and spec are one piece of work. */
    private final Map<String, Set<String>> proposes = new HashMap<>();
    /** Items the linker has seen: a cited id that is not one is no neighbour (yet). */
    private final Predicate<String> known;

    ItemGraph(Predicate<String> known) {
        this.known = known;
    }

    /** An item's references, replacing those it had. */
    void put(String id, List<Ref> refs) {
        Set<String> old = cites.remove(id);
        if (old != null) {
            for (String t : old) {
                Set<String> back = citedBy.get(t);
                if (back != null) {
                    back.remove(id);
                }
            }
        }
        proposes.remove(id);
        Set<String> targets = new LinkedHashSet<>();
        for (Ref r : refs) {
            if (!r.target().equals(id)) {
                targets.add(r.target());
                if (Linker.PROPOSES.equals(r.relation())) {
                    proposes.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(r.target());
                }
                citedBy.computeIfAbsent(r.target(), k -> new LinkedHashSet<>()).add(id);
            }
        }
        if (!targets.isEmpty()) {
            cites.put(id, targets);
        }
    }

    /**
     * Puts an item's references again as they are: the same as {@link #put} with the references
     * it was put with (the order of the sets it is in included), without them at hand.
     */
    void putAgain(String id) {
        Set<String> targets = cites.get(id);
        if (targets == null) {
            return; // put with none: put again, it stays so
        }
        for (String t : targets) {
            Set<String> back = citedBy.get(t);
            back.remove(id);
            back.add(id);
        }
    }

    /** The items (and stories, as {@code story:slug}) citing this id. */
    Set<String> citing(String id) {
        return citedBy.getOrDefault(id, Set.of());
    }

    /** The known items this one cites and the items citing it. */
    Set<String> neighbours(String id) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : cites.getOrDefault(id, Set.of())) {
            if (known.test(t)) {
                out.add(t);
            }
        }
        out.addAll(citedBy.getOrDefault(id, Set.of()));
        out.remove(id);
        return out;
    }

    /** The evidence of one hop: which of the two cites the other. */
    String hop(String item, String through) {
        Set<String> c = cites.getOrDefault(item, Set.of());
        return c.contains(through) ? item + " cites " + through : through + " cites " + item;
    }

    /** The items that are one piece of work with this one (its spec, its blueprint, or the review that proposed the spec). */
    List<String> twinsOf(String item) {
        List<String> out = new ArrayList<>();
        for (String n : neighbours(item)) {
            if (specAndBlueprint(item, n) || proposes.getOrDefault(item, Set.of()).contains(n)
                    || proposes.getOrDefault(n, Set.of()).contains(item)) {
                out.add(n);
            }
        }
        return out;
    }

    /** A spec and a blueprint: one cites the other, so they are one piece of work. */
    private static boolean specAndBlueprint(String a, String b) {
        return a.startsWith("spec:") && b.startsWith("bp:") || a.startsWith("bp:") && b.startsWith("spec:");
    }
}
