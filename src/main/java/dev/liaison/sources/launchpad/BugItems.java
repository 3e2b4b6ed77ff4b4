package dev.liaison.sources.launchpad;

import com.fasterxml.jackson.databind.JsonNode;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bug tasks and bugs (plain Java, no Camel, no MongoDB). One {@code bug:<N>} item per bug: the
 * task of the configured project gives the item's status, importance, assignee and milestone;
 * every task (other projects and series too) is listed in the {@code tasks} attribute. What only
 * the bug resource has (description, tags, last update, references in the description) is kept
 * from the stored item when a task is read again, so a collection pass never erases details.
 */
public final class BugItems {

    public static final String KIND = "bug";
    private static final Pattern TITLE_PREFIX = Pattern.compile("^Bug #\\d+ in [^:]*:\\s*\"(.*)\"\\s*$", Pattern.DOTALL);
    private static final String[] DATE_FIELDS = {"date_created", "date_assigned", "date_confirmed", "date_triaged",
            "date_in_progress", "date_fix_committed", "date_fix_released", "date_closed", "date_incomplete",
            "date_left_new", "date_left_closed"};

    private BugItems() {}

    /** One bug task entry of a searchTasks page. */
    public record Task(long bug, String target, String title, String statusRaw, String status, String importanceRaw,
                       String importance, String assignee, String owner, String milestone, String webLink,
                       String bugLink, Instant created, Map<String, String> dates) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", target);
            put(m, "status", statusRaw);
            put(m, "importance", importanceRaw);
            put(m, "assignee", assignee);
            put(m, "milestone", milestone);
            put(m, "url", webLink);
            return m;
        }

        private static void put(Map<String, Object> m, String key, Object value) {
            if (value != null) {
                m.put(key, value);
            }
        }
    }

    /** Reads one task entry; throws with a clear reason when it has no bug number or target. */
    public static Task task(JsonNode entry) throws LaunchpadFormatException {
        if (entry == null || !entry.isObject()) {
            throw new LaunchpadFormatException("entry is not a JSON object");
        }
        String bugLink = LaunchpadJson.shortText(entry, "bug_link");
        String self = LaunchpadJson.shortText(entry, "self_link");
        long bug = LaunchpadJson.bugNumber(bugLink);
        if (bug < 0) {
            bug = LaunchpadJson.bugNumber(self);
        }
        if (bug < 0) {
            throw new LaunchpadFormatException("bug task without a bug number (no usable bug_link or self_link)"
                    + (self == null ? "" : ": " + self));
        }
        String target = LaunchpadJson.lower(LaunchpadJson.shortText(entry, "bug_target_name"));
        if (target == null) {
            target = targetFromSelf(self);
        }
        if (target == null) {
            throw new LaunchpadFormatException("bug task of bug " + bug + " without bug_target_name");
        }
        String statusRaw = LaunchpadJson.shortText(entry, "status");
        String importanceRaw = LaunchpadJson.shortText(entry, "importance");
        Map<String, String> dates = new TreeMap<>();
        for (String f : DATE_FIELDS) {
            Instant d = LaunchpadJson.date(entry, f);
            if (d != null) {
                dates.put(f.substring(5), d.toString());
            }
        }
        return new Task(bug, target, cleanTitle(LaunchpadJson.shortText(entry, "title")), statusRaw,
                LaunchpadStatus.bug(statusRaw), importanceRaw, LaunchpadStatus.importance(importanceRaw),
                LaunchpadJson.person(LaunchpadJson.shortText(entry, "assignee_link")),
                LaunchpadJson.person(LaunchpadJson.shortText(entry, "owner_link")),
                LaunchpadJson.lastSegment(LaunchpadJson.shortText(entry, "milestone_link")),
                LaunchpadJson.shortText(entry, "web_link"), bugLink,
                LaunchpadJson.date(entry, "date_created"), dates);
    }

    /** {@code .../devel/nova/kilo/+bug/1} gives nova/kilo. */
    private static String targetFromSelf(String self) {
        if (self == null) {
            return null;
        }
        int bug = self.indexOf("/+bug/");
        if (bug < 0) {
            return null;
        }
        String path = self.substring(0, bug);
        int api = path.indexOf("://");
        String[] parts = path.substring(api < 0 ? 0 : api + 3).split("/");
        // host, version, then the target (one or two segments)
        if (parts.length < 3) {
            return null;
        }
        return LaunchpadJson.lower(String.join("/", java.util.Arrays.copyOfRange(parts, 2, parts.length)));
    }

    /** "Bug #1458945 in Sahara: \"Use graduated oslo.policy\"" gives "Use graduated oslo.policy". */
    public static String cleanTitle(String title) {
        if (title == null) {
            return null;
        }
        Matcher m = TITLE_PREFIX.matcher(title);
        return m.matches() ? m.group(1) : title;
    }

    public static String id(long bug) {
        return "bug:" + bug;
    }

    /**
     * The item for a bug from its tasks read now and the stored item (null when new): tasks are
     * merged by target, details are kept.
     */
    public static Item merge(Item stored, List<Task> tasks, String project, String sourceId) {
        long bug = tasks.get(0).bug();
        Map<String, Map<String, Object>> byTarget = new TreeMap<>();
        if (stored != null && stored.attributes().get("tasks") instanceof List<?> old) {
            for (Object o : old) {
                if (o instanceof Map<?, ?> m && m.get("target") != null) {
                    Map<String, Object> copy = new LinkedHashMap<>();
                    m.forEach((k, v) -> copy.put(String.valueOf(k), v));
                    byTarget.put(String.valueOf(m.get("target")), copy);
                }
            }
        }
        Task primary = null;
        for (Task t : tasks) {
            byTarget.put(t.target(), t.toMap());
            if (t.target().equals(project)) {
                primary = t;
            }
        }
        if (primary == null) {
            // No task of the configured project in this page: keep the stored item's view when it
            // came from the project's task, else take the first task read (a series task).
            if (stored != null && project.equals(stored.attributes().get("target"))) {
                return withTasks(stored, byTarget, project);
            }
            primary = tasks.stream().min(Comparator.comparing(Task::target)).orElseThrow();
        }
        Item.Builder b = Item.builder(id(bug), KIND)
                .source(sourceId)
                .project(project)
                .url(primary.webLink() != null ? primary.webLink() : "https://bugs.launchpad.net/bugs/" + bug)
                .title(primary.title())
                .author(primary.owner())
                .created(primary.created())
                .status(primary.status(), primary.statusRaw())
                .milestone(primary.milestone())
                .attribute("bug", bug)
                .attribute("target", primary.target())
                .attribute("importance", primary.importance())
                .attribute("importanceRaw", primary.importanceRaw())
                .attribute("assignee", primary.assignee())
                .attribute("bugLink", primary.bugLink())
                .attribute("dates", primary.dates().isEmpty() ? null : new LinkedHashMap<>(primary.dates()))
                .attribute("tasks", orderedTasks(byTarget, primary.target()));
        if (stored != null) {
            keepDetails(stored, b);
        }
        return b.build();
    }

    private static Item withTasks(Item stored, Map<String, Map<String, Object>> byTarget, String project) {
        return stored.toBuilder().attribute("tasks", orderedTasks(byTarget, project)).build();
    }

    private static List<Map<String, Object>> orderedTasks(Map<String, Map<String, Object>> byTarget, String primary) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (byTarget.containsKey(primary)) {
            out.add(byTarget.get(primary));
        }
        byTarget.forEach((k, v) -> {
            if (!k.equals(primary)) {
                out.add(v);
            }
        });
        return out;
    }

    private static void keepDetails(Item stored, Item.Builder b) {
        b.text(stored.text()).updated(stored.updated()).refs(stored.refs());
        for (String key : new String[] {"tags", "duplicateOf"}) {
            b.attribute(key, stored.attributes().get(key));
        }
    }

    /** What a bug resource adds to a bug item. */
    public record Detail(long bug, String title, String description, List<String> tags, Instant lastUpdated,
                         Long duplicateOf) {}

    /** Reads a bug resource ({@code GET <api>/bugs/<N>}). */
    public static Detail detail(byte[] body) throws LaunchpadFormatException {
        JsonNode root;
        try {
            root = CollectionPage.JSON.readTree(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new LaunchpadFormatException("bug resource is not valid JSON (truncated or malformed)");
        }
        if (root == null || !root.isObject()) {
            throw new LaunchpadFormatException("bug resource is not a JSON object");
        }
        long bug = root.path("id").isIntegralNumber() ? root.path("id").asLong() : LaunchpadJson.bugNumber(LaunchpadJson.text(root, "self_link"));
        if (bug < 0) {
            throw new LaunchpadFormatException("bug resource without id");
        }
        List<String> tags = new ArrayList<>();
        if (root.get("tags") != null && root.get("tags").isArray()) {
            for (JsonNode t : root.get("tags")) {
                if (t.isTextual() && !t.asText().isBlank() && tags.size() < 100) {
                    tags.add(LaunchpadJson.clip(t.asText().trim().toLowerCase(Locale.ROOT)));
                }
            }
        }
        long dup = LaunchpadJson.bugNumber(LaunchpadJson.text(root, "duplicate_of_link"));
        String description = LaunchpadJson.text(root, "description");
        return new Detail(bug, LaunchpadJson.shortText(root, "title"), description, tags,
                LaunchpadJson.date(root, "date_last_updated"), dup < 0 ? null : dup);
    }

    /** The stored bug item with the bug resource's details applied. */
    public static Item applyDetail(Item stored, Detail d) {
        String text = d.description() == null ? "" : d.description();
        List<Ref> refs = new ArrayList<>();
        String self = id(d.bug());
        for (Ref r : ReferenceExtractor.extract(text, stored.project())) {
            if (!r.target().equals(self)) {
                refs.add(r);
            }
        }
        if (d.duplicateOf() != null && !Objects.equals(d.duplicateOf(), d.bug())) {
            refs.removeIf(r -> r.target().equals(id(d.duplicateOf())));
            refs.add(new Ref(Ref.BUG, id(d.duplicateOf()), "duplicate-of", "duplicate of bug " + d.duplicateOf()));
        }
        Map<String, Object> attrs = new LinkedHashMap<>(stored.attributes());
        attrs.remove("tags");
        attrs.remove("duplicateOf");
        if (!d.tags().isEmpty()) {
            attrs.put("tags", d.tags());
        }
        if (d.duplicateOf() != null) {
            attrs.put("duplicateOf", d.duplicateOf());
        }
        return new Item(stored.id(), stored.kind(), stored.source(), stored.project(), stored.url(), stored.title(), text,
                stored.author(), stored.created(), d.lastUpdated(), stored.status(), stored.statusRaw(), stored.release(),
                stored.milestone(), refs, attrs);
    }
}
