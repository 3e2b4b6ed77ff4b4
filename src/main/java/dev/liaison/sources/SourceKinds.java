package dev.liaison.sources;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry of source kinds. A kind registers itself with a line in
 * {@code META-INF/services/dev.liaison.sources.SourceKind}. Kinds that DESIGN.md plans but that
 * are not built yet are known by name, so a configuration that uses them is accepted, listed as
 * "kind not available yet", and skipped at run time rather than silently dropped.
 */
public final class SourceKinds {

    /** Every kind Liaison is meant to have; a subset is available in a given build. */
    public static final Set<String> PLANNED = Set.of(
            "pipermail", "hyperkitty", "sphinx-specs", "page-watch",
            "launchpad-bugs", "launchpad-blueprints", "story-dir");

    private final Map<String, SourceKind> kinds;

    private SourceKinds(Map<String, SourceKind> kinds) {
        this.kinds = kinds;
    }

    /** The kinds found on the class path. */
    public static SourceKinds discover() {
        return of(ServiceLoader.load(SourceKind.class, SourceKinds.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList());
    }

    public static SourceKinds of(List<SourceKind> list) {
        Map<String, SourceKind> map = new TreeMap<>();
        for (SourceKind k : list) {
            SourceKind before = map.put(k.name(), k);
            if (before != null && before.getClass() != k.getClass()) {
                throw new IllegalStateException("two source kinds are named '" + k.name() + "': "
                        + before.getClass().getName() + " and " + k.getClass().getName());
            }
        }
        return new SourceKinds(Map.copyOf(map));
    }

    public Optional<SourceKind> find(String name) {
        return Optional.ofNullable(kinds.get(name));
    }

    public boolean isAvailable(String name) {
        return kinds.containsKey(name);
    }

    /** Planned by the design but not in this build. */
    public boolean isPlannedOnly(String name) {
        return !kinds.containsKey(name) && PLANNED.contains(name);
    }

    public boolean isKnown(String name) {
        return kinds.containsKey(name) || PLANNED.contains(name);
    }

    public Set<String> available() {
        return new java.util.TreeSet<>(kinds.keySet());
    }
}
