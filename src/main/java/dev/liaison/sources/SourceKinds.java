package dev.liaison.sources;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry of source kinds. A kind registers itself with a line in
 * {@code META-INF/services/dev.liaison.sources.SourceKind}; a configuration naming any other kind
 * is refused when it is read.
 */
public final class SourceKinds {

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

    public Set<String> available() {
        return new java.util.TreeSet<>(kinds.keySet());
    }
}
