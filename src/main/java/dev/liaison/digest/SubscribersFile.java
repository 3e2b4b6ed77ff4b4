package dev.liaison.digest;

import dev.liaison.mailing.Subscriber;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.liaison.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads {@code config/subscribers.yaml}. A broken file is a configuration error; a bad entry
 * (bad address, unknown timezone, ...) is reported as a problem and skipped, and never stops the
 * other entries. An entry following a story Liaison does not have yet (it comes later from a
 * story-dir source or an import) is kept and reported as a notice: the digest covers the story
 * from the moment it appears.
 */
public final class SubscribersFile {

    public static final String FILE_NAME = "subscribers.yaml";
    static final Set<String> KEYS = Set.of("address", "name", "timezone", "hour", "stories", "projects", "tags",
            "kinds", "pages", "digest", "deadline-alert-days");

    /**
     * What the file gave: the valid subscribers, one line per bad entry (skipped), and one line
     * per story followed that does not exist yet (the entry is kept).
     */
    public record Result(List<Subscriber> subscribers, List<String> problems, List<String> notices) {
        public Result(List<Subscriber> subscribers, List<String> problems) {
            this(subscribers, problems, List.of());
        }
    }

    private SubscribersFile() {}

    /** Loads the file (a missing file means no subscribers). {@code storyExists} checks story ids. */
    public static Result load(Path configDir, Predicate<String> storyExists) {
        Path file = configDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return new Result(List.of(), List.of());
        }
        try {
            if (Files.size(file) > (4 << 20)) {
                throw new ConfigException(file.toString(), null, null, "larger than 4 MB");
            }
            return parse(file.toString(), Files.readString(file), storyExists);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), null, null, "cannot be read: " + e.getMessage());
        }
    }

    public static Result parse(String name, String yaml, Predicate<String> storyExists) {
        Object root;
        if (yaml == null || yaml.isBlank()) {
            return new Result(List.of(), List.of());
        }
        try {
            root = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, null, null, "not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null) {
            return new Result(List.of(), List.of());
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("subscribers") instanceof List<?> entries) && top.get("subscribers") != null) {
            throw new ConfigException(name, null, "subscribers", "the file must be a mapping with a 'subscribers' list");
        }
        Object listValue = top.get("subscribers");
        List<Subscriber> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (Object entry : listValue == null ? List.of() : (List<?>) listValue) {
            index++;
            String label = "#" + index;
            try {
                if (!(entry instanceof Map<?, ?> raw)) {
                    throw new IllegalArgumentException("each subscriber must be a mapping");
                }
                Map<String, Object> m = new LinkedHashMap<>();
                raw.forEach((k, v) -> m.put(String.valueOf(k), v));
                if (m.get("address") != null) {
                    label = String.valueOf(m.get("address")).replaceAll("[\\r\\n]", "");
                }
                for (String key : m.keySet()) {
                    if (!KEYS.contains(key)) {
                        throw new IllegalArgumentException("key '" + key + "': unknown key (allowed: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
                    }
                }
                Subscriber s = one(m, story -> true);
                if (!seen.add(s.address())) {
                    throw new IllegalArgumentException("key 'address': listed twice");
                }
                out.add(s);
                for (String story : s.stories()) {
                    if (!storyExists.test(story)) {
                        notices.add((name + ": subscriber '" + label + "': story '" + story
                                + "' does not exist yet; kept, followed from when it is imported").replaceAll("[\\r\\n]+", " "));
                    }
                }
            } catch (IllegalArgumentException e) {
                problems.add((name + ": subscriber '" + label + "': " + e.getMessage() + " (entry skipped)").replaceAll("[\\r\\n]+", " "));
            }
        }
        return new Result(List.copyOf(out), List.copyOf(problems), List.copyOf(notices));
    }

    /**
     * One subscriber from a mapping (the file's entries, or a JSON body of the API). Throws
     * IllegalArgumentException naming the key that is wrong.
     */
    public static Subscriber subscriber(Map<String, Object> m, Predicate<String> storyExists) {
        for (String key : m.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("key '" + key + "': unknown key (allowed: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
        return one(m, storyExists);
    }

    private static Subscriber one(Map<String, Object> m, Predicate<String> storyExists) {
        Object address = m.get("address");
        if (address == null) {
            throw new IllegalArgumentException("key 'address': missing key");
        }
        ZoneId zone;
        String tz = String.valueOf(m.getOrDefault("timezone", "UTC"));
        try {
            zone = ZoneId.of(tz);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("key 'timezone': unknown timezone '" + tz + "' (use an IANA id such as Europe/Berlin)");
        }
        Object hourValue = m.getOrDefault("hour", 8);
        int hour;
        try {
            hour = hourValue instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(hourValue).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key 'hour': '" + hourValue + "' is not an hour 0..23");
        }
        if (hour < 0 || hour > 23) {
            throw new IllegalArgumentException("key 'hour': " + hour + " is not an hour 0..23");
        }
        List<String> stories = list(m, "stories");
        for (String story : stories) {
            if (!storyExists.test(story)) {
                throw new IllegalArgumentException("key 'stories': unknown story '" + story + "'");
            }
        }
        Object digest = m.getOrDefault("digest", Boolean.TRUE);
        if (!(digest instanceof Boolean on)) {
            throw new IllegalArgumentException("key 'digest': must be true or false");
        }
        Object daysValue = m.get("deadline-alert-days") == null ? 0 : m.get("deadline-alert-days");
        int days;
        try {
            days = daysValue instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(daysValue).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key 'deadline-alert-days': '" + daysValue + "' is not a number of days");
        }
        if (days < 0 || days > Subscriber.MAX_DEADLINE_ALERT_DAYS) {
            throw new IllegalArgumentException("key 'deadline-alert-days': " + days + " is not 0 (off) to "
                    + Subscriber.MAX_DEADLINE_ALERT_DAYS);
        }
        try {
            return new Subscriber(String.valueOf(address), m.get("name") == null ? null : String.valueOf(m.get("name")),
                    zone, hour, stories, list(m, "projects"), list(m, "tags"), list(m, "kinds"), list(m, "pages"), on, null, days);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key 'address': " + e.getMessage());
        }
    }

    private static List<String> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                if (o == null || o instanceof Map || o instanceof List) {
                    throw new IllegalArgumentException("key '" + key + "': must be a list of names");
                }
                out.add(String.valueOf(o).trim());
            }
            return out;
        }
        if (v instanceof Map) {
            throw new IllegalArgumentException("key '" + key + "': must be a list of names");
        }
        return List.of(String.valueOf(v).trim());
    }
}
