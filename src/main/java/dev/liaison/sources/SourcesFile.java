package dev.liaison.sources;

import dev.liaison.config.ConfigException;
import dev.liaison.config.Schedule;
import dev.liaison.config.SourceConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code sources.yaml}. The first problem found is thrown as a
 * {@link ConfigException} naming the file, the source id and the key.
 */
public final class SourcesFile {

    public static final String FILE_NAME = "sources.yaml";
    public static final Set<String> COMMON_KEYS = Set.of("id", "kind", "url", "schedule", "project", "enabled");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final long MAX_FILE_BYTES = 1 << 20;

    private SourcesFile() {}

    /** Loads {@code sources.yaml} from the config dir. */
    public static List<SourceConfig> load(Path configDir, SourceKinds kinds) {
        Path file = configDir.resolve(FILE_NAME);
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(name, null, null, "file not found");
        }
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(name, null, null, "larger than 1 MB; is this the right file?");
            }
            return parse(name, Files.readString(file), kinds);
        } catch (IOException e) {
            throw new ConfigException(name, null, null, "cannot be read: " + e.getMessage());
        }
    }

    /** Parses the text of a sources file; {@code name} is used in messages. */
    public static List<SourceConfig> parse(String name, String yaml, SourceKinds kinds) {
        Object root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException(name, null, null, "not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new ConfigException(name, null, null, "must be a mapping with a 'sources' list");
        }
        for (Object key : top.keySet()) {
            if (!"sources".equals(key)) {
                throw new ConfigException(name, null, String.valueOf(key), "unknown key (the file has one key: sources)");
            }
        }
        Object list = top.get("sources");
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List<?> entries)) {
            throw new ConfigException(name, null, "sources", "must be a list");
        }
        List<SourceConfig> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (Object entry : entries) {
            index++;
            if (!(entry instanceof Map<?, ?> raw)) {
                throw new ConfigException(name, "#" + index, null, "each source must be a mapping");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            raw.forEach((k, v) -> m.put(String.valueOf(k), v));
            SourceConfig source = one(name, index, m, kinds);
            if (!ids.add(source.id())) {
                throw new ConfigException(name, source.id(), "id", "duplicate id: each source needs its own");
            }
            out.add(source);
        }
        return List.copyOf(out);
    }

    private static SourceConfig one(String file, int index, Map<String, Object> m, SourceKinds kinds) {
        Object idValue = m.get("id");
        String id = idValue == null ? null : String.valueOf(idValue).trim();
        String label = id == null || id.isEmpty() ? "#" + index : id;
        if (id == null || id.isEmpty()) {
            throw new ConfigException(file, label, "id", "missing key");
        }
        if (!ID.matcher(id).matches()) {
            throw new ConfigException(file, label, "id", "must be lower-case letters, digits, '.', '_' or '-' (at most 64)");
        }
        String kind = required(file, label, m, "kind").toLowerCase(Locale.ROOT);
        if (!kinds.isAvailable(kind)) {
            throw new ConfigException(file, label, "kind", "unknown kind '" + kind + "' (kinds: "
                    + String.join(", ", kinds.available()) + ")");
        }
        String urlText = required(file, label, m, "url");
        URI url;
        try {
            url = new URI(urlText);
        } catch (URISyntaxException e) {
            throw new ConfigException(file, label, "url", "'" + urlText + "' is not a URL: " + e.getReason());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new ConfigException(file, label, "url", "'" + urlText + "' must be an absolute http or https URL with a host");
        }
        String scheduleText = required(file, label, m, "schedule");
        Schedule schedule;
        try {
            schedule = Schedule.parse(scheduleText);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, label, "schedule", e.getMessage());
        }
        Object projectValue = m.get("project");
        String project = projectValue == null ? null : String.valueOf(projectValue).trim();
        Object enabledValue = m.getOrDefault("enabled", Boolean.TRUE);
        if (!(enabledValue instanceof Boolean enabled)) {
            throw new ConfigException(file, label, "enabled", "must be true or false");
        }
        Map<String, Object> options = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (!COMMON_KEYS.contains(k)) {
                options.put(k, v);
            }
        });
        SourceConfig source = new SourceConfig(id, kind, url, schedule, project, enabled, options);
        kinds.find(kind).ifPresent(k -> checkOptions(file, source, k));
        return source;
    }

    private static void checkOptions(String file, SourceConfig source, SourceKind kind) {
        Map<String, OptionSpec> specs = new LinkedHashMap<>();
        kind.options().forEach(o -> specs.put(o.name(), o));
        for (Map.Entry<String, Object> e : source.options().entrySet()) {
            OptionSpec spec = specs.get(e.getKey());
            if (spec == null) {
                List<String> allowed = new ArrayList<>(new java.util.TreeSet<>(COMMON_KEYS));
                allowed.addAll(specs.keySet());
                throw new ConfigException(file, source.id(), e.getKey(), "unknown key for kind " + kind.name()
                        + " (allowed: " + String.join(", ", allowed) + ")");
            }
            if (e.getValue() == null || !spec.valid().test(e.getValue())) {
                throw new ConfigException(file, source.id(), e.getKey(), "'" + e.getValue() + "' is not " + spec.expected());
            }
        }
        for (OptionSpec spec : specs.values()) {
            if (spec.required() && !source.options().containsKey(spec.name())) {
                throw new ConfigException(file, source.id(), spec.name(), "missing key (required by kind " + kind.name() + ")");
            }
        }
        for (SourceKind.Problem p : kind.validate(source)) {
            throw new ConfigException(file, source.id(), p.key(), p.message());
        }
    }

    private static String required(String file, String label, Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            throw new ConfigException(file, label, key, "missing key");
        }
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(file, label, key, "must be a single value");
        }
        return String.valueOf(v).trim();
    }
}
