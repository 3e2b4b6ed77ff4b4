package dev.liaison.config;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of {@code sources.yaml}: the common keys, and the kind-specific options as given
 * (each kind validates and reads its own).
 */
public record SourceConfig(String id, String kind, URI url, Schedule schedule, String project,
                           boolean enabled, Map<String, Object> options) {

    public SourceConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(schedule, "schedule");
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public String option(String key, String defaultValue) {
        Object v = options.get(key);
        return v == null ? defaultValue : String.valueOf(v);
    }

    public int intOption(String key, int defaultValue) {
        Object v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        return Integer.parseInt(String.valueOf(v).trim());
    }

    public boolean booleanOption(String key, boolean defaultValue) {
        Object v = options.get(key);
        return v == null ? defaultValue : Boolean.parseBoolean(String.valueOf(v).trim());
    }

    /** The host (with port when not the default) this source fetches from. */
    public String host() {
        return url.getHost();
    }
}
