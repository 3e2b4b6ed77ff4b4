package dev.liaison.linking;

import dev.liaison.item.ReferenceExtractor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.liaison.item.Ref;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import dev.liaison.story.StoryFormatException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Product WG "user story tracker" JSON (tracker-format.rst), both ways. Reading turns each
 * spec, blueprint, bug or review a tracker names into a {@code declared}, {@code confirmed} link
 * with the tracker's status, and copes with the real files' history: dates as MM-DD-YYYY,
 * DD-MM-YYYY or YYYY-MM-DD, {@code project_status} for {@code projects_status}, one
 * {@code blueprint} or a {@code blueprints} map, placeholders ({@code $bp_name}, "needed", "na",
 * "none", empty), statuses in many spellings, tasks nested where projects belong. A file that
 * is empty, not JSON, or names no story fails with a clear message. Writing produces the same
 * format (plus {@code specs}, {@code bugs}, {@code reviews} maps when there is more than one).
 */
public final class Trackers {

    public static final int MAX_BYTES = 4 << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Trackers() {}

    /** A tracker read: the story it is about, its date (when readable), its links, and what was skipped. */
    public record Tracker(String story, String title, LocalDate date, String status, List<Link> links, List<String> warnings) {}

    public static Tracker read(String fileName, byte[] bytes) throws StoryFormatException {
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new StoryFormatException(fileName + ": the file is empty, not a tracker");
        }
        if (bytes.length > MAX_BYTES) {
            throw new StoryFormatException(fileName + ": " + bytes.length + " bytes is more than a tracker may have (" + MAX_BYTES + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new StoryFormatException(fileName + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (java.io.IOException e) {
            throw new StoryFormatException(fileName + ": cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new StoryFormatException(fileName + ": a tracker is a JSON object, this is " + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        String story = storySlug(root);
        if (story == null) {
            throw new StoryFormatException(fileName + ": names no story (\"source\", \"id\" and \"description\" are empty or placeholders)");
        }
        List<String> warnings = new ArrayList<>();
        LocalDate date = date(text(root, "date"), fileName, warnings);
        List<Link> links = new ArrayList<>();
        Context top = new Context(fileName, story, null, null);
        JsonNode tasks = root.get("tasks_status");
        if (tasks != null && tasks.isObject()) {
            tasks.fields().forEachRemaining(e -> task(top.task(e.getKey()), e.getValue(), links, warnings));
        } else if (tasks != null && !tasks.isNull()) {
            warnings.add("tasks_status is not an object; no links read");
        }
        Map<String, Link> unique = new LinkedHashMap<>();
        for (Link l : links) {
            unique.merge(l.id(), l, (a, b) -> a);
        }
        return new Tracker(story, text(root, "description"), date, normaliseStatus(text(root, "status")),
                new ArrayList<>(unique.values()), warnings);
    }

    private record Context(String file, String story, String task, String project) {
        Context task(String t) {
            return new Context(file, story, t, null);
        }

        Context project(String p) {
            return new Context(file, story, task, p);
        }

        String where() {
            return "tracker " + file + (task == null || task.isBlank() ? "" : ", task " + task)
                    + (project == null || project.isBlank() ? "" : ", project " + project);
        }
    }

    private static void task(Context c, JsonNode task, List<Link> out, List<String> warnings) {
        if (!task.isObject()) {
            return;
        }
        String xp = text(task, "cross-project spec");
        if (xp != null) {
            refLink(c, xp, "cross-project spec", normaliseStatus(text(task, "xp_status")), out, warnings);
        }
        JsonNode projects = task.has("projects_status") ? task.get("projects_status") : task.get("project_status");
        if (projects == null || !projects.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = projects.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode p = e.getValue();
            if (!p.isObject()) {
                continue;
            }
            if (p.has("projects_status") || p.has("project_status") || p.has("cross-project spec")) {
                // A task written where a project belongs (seen in the real files): read it as a task.
                task(c.task(e.getKey()), p, out, warnings);
                continue;
            }
            project(c.project(e.getKey().strip().toLowerCase(Locale.ROOT)), p, out, warnings);
        }
    }

    private static void project(Context c, JsonNode p, List<Link> out, List<String> warnings) {
        String common = normaliseStatus(text(p, "status"));
        String spec = text(p, "spec");
        if (spec != null) {
            refLink(c, spec, "spec", firstNonNull(normaliseStatus(text(p, "spec_status")), common), out, warnings);
        }
        mapLinks(c, p.get("specs"), "spec", out, warnings);
        String bp = text(p, "blueprint");
        if (bp != null) {
            blueprint(c, bp, firstNonNull(normaliseStatus(text(p, "bp_status")), common), out, warnings);
        }
        JsonNode bps = p.get("blueprints");
        if (bps != null && bps.isObject()) {
            bps.fields().forEachRemaining(e -> blueprint(c, e.getKey(), normaliseStatus(e.getValue().asText()), out, warnings));
        }
        mapLinks(c, p.get("bugs"), "bug", out, warnings);
        mapLinks(c, p.get("reviews"), "review", out, warnings);
        mapLinks(c, p.get("items"), "item", out, warnings);
    }

    private static void mapLinks(Context c, JsonNode map, String what, List<Link> out, List<String> warnings) {
        if (map == null || !map.isObject()) {
            return;
        }
        map.fields().forEachRemaining(e -> {
            String ref = e.getKey();
            if ("bug".equals(what) && ref.matches("#?\\d{1,8}")) {
                ref = "https://bugs.launchpad.net/bugs/" + ref.replace("#", "");
            }
            if ("review".equals(what) && ref.matches("\\d{3,8}")) {
                ref = "https://review.opendev.org/#/c/" + ref;
            }
            refLink(c, ref, what, normaliseStatus(e.getValue().asText()), out, warnings);
        });
    }

    private static void blueprint(Context c, String name, String status, List<Link> out, List<String> warnings) {
        String n = name.strip();
        if (placeholder(n)) {
            return;
        }
        if (n.startsWith("http")) {
            refLink(c, n, "blueprint", status, out, warnings);
            return;
        }
        n = n.replaceFirst("^bp/", "");
        if (c.project() == null || c.project().isBlank()) {
            warnings.add(c.where() + ": blueprint " + n + " has no project; skipped");
            return;
        }
        if (!n.matches("[A-Za-z0-9][A-Za-z0-9+._-]*")) {
            warnings.add(c.where() + ": '" + n + "' is not a blueprint name; skipped");
            return;
        }
        String id = "bp:" + c.project() + "/" + n;
        out.add(declared(c, id, "blueprint " + n, status));
    }

    private static void refLink(Context c, String value, String what, String status, List<Link> out, List<String> warnings) {
        String v = value.strip();
        if (placeholder(v)) {
            return;
        }
        List<Ref> refs = ReferenceExtractor.extract(v, c.project());
        refs = refs.stream().filter(r -> !Ref.STORY.equals(r.type())).toList();
        if (refs.isEmpty()) {
            String cross = crossProjectSpec(v);
            if (cross != null) {
                out.add(declared(c, cross, what + " " + v, status));
            } else {
                warnings.add(c.where() + ": " + what + " '" + v + "' is not a spec, blueprint, bug or review URL; skipped");
            }
            return;
        }
        for (Ref r : refs) {
            out.add(declared(c, r.target(), what + " " + v, status));
        }
    }

    /** Cross-project specs live in openstack/openstack-specs without a release directory. */
    private static String crossProjectSpec(String url) {
        var m = java.util.regex.Pattern.compile("openstack/openstack-specs/(?:blob|tree|src/branch)/[A-Za-z0-9._-]+/specs/(?:([A-Za-z0-9._-]+)/)?([A-Za-z0-9._-]+)\\.(?:rst|html)")
                .matcher(url);
        return m.find() ? "spec:openstack/" + (m.group(1) == null ? "cross-project" : m.group(1)) + "/" + m.group(2) : null;
    }

    private static Link declared(Context c, String item, String what, String status) {
        String project = Linker.projectOf(item);
        if (project == null && c.project() != null && !c.project().isBlank()) {
            project = c.project();
        }
        String snippet = c.where() + ": " + what + (status == null ? "" : " (" + status + ")");
        return new Link(c.story(), item, Link.DECLARED, 1.0, Link.CONFIRMED, project, Linker.kindOf(item, null), status,
                List.of(new Evidence(Link.DECLARED, snippet, "tracker " + c.file(), null)));
    }

    /** Values that mean "no item": empty, none, na, needed, TBD, template placeholders. */
    static boolean placeholder(String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        return s.isEmpty() || s.startsWith("$") || s.startsWith("<") || List.of("none", "na", "n/a", "needed", "tbd", "todo",
                "pending", "null", "-").contains(s);
    }

    /**
     * The four statuses of tracker-format.rst from the spellings found in real files:
     * none, pending, in-progress, complete; null when there is none or it is a placeholder.
     */
    public static String normaliseStatus(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_]+", "-");
        if (s.isEmpty() || s.startsWith("$")) {
            return null;
        }
        return switch (s) {
            case "none", "na", "n/a", "not-required", "not-needed", "abandoned", "obsolete", "superseded" -> "none";
            case "pending", "not-started", "needed", "todo", "new", "proposed", "backlog", "unknown", "drafting", "discussion",
                 "approved", "review", "pending-approval" -> "pending";
            case "in-progress", "inprogress", "work-in-progress", "wip", "started", "good-progress", "slow-progress",
                 "needs-code-review", "blocked", "deferred", "beta-available", "triaged", "confirmed", "fix-committed" -> "in-progress";
            case "complete", "completed", "done", "implemented", "fix-released", "merged", "finished" -> "complete";
            default -> s.contains("progress") ? "in-progress" : s.startsWith("complete") ? "complete" : s.startsWith("not") ? "pending" : null;
        };
    }

    private static LocalDate date(String raw, String file, List<String> warnings) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String s = raw.strip();
        try {
            if (s.matches("\\d{4}-\\d{1,2}-\\d{1,2}")) {
                return LocalDate.parse(s, DateTimeFormatter.ofPattern("yyyy-M-d"));
            }
            if (s.matches("\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{4}")) {
                String[] p = s.split("[-/.]");
                int a = Integer.parseInt(p[0]), b = Integer.parseInt(p[1]), y = Integer.parseInt(p[2]);
                // tracker-format.rst says MM-DD-YYYY; a first number above 12 can only be a day.
                return a > 12 ? LocalDate.of(y, b, a) : LocalDate.of(y, a, b);
            }
        } catch (java.time.DateTimeException e) {
            // falls through to the warning
        }
        warnings.add("date '" + s + "' is not MM-DD-YYYY, DD-MM-YYYY or YYYY-MM-DD; ignored");
        return null;
    }

    private static String storySlug(JsonNode root) {
        for (String key : new String[] {"source", "id", "description"}) {
            String v = text(root, key);
            if (v == null || placeholder(v)) {
                continue;
            }
            if ("id".equals(key) && !v.matches(".*[A-Za-z].*")) {
                continue; // "0001", "2016.01.01": tracker numbers, not story names
            }
            String last = v.replaceAll("[?#].*$", "").replaceAll("/+$", "");
            last = last.substring(last.lastIndexOf('/') + 1);
            String slug = Story.slug(last);
            if (!slug.isEmpty()) {
                return slug.replace('.', '-');
            }
        }
        return null;
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    // ---------------------------------------------------------------- export

    /** What export needs to know of an item: its URL and current status (null when not stored). */
    public record ItemInfo(String url, String status) {}

    /**
     * A tracker for a story from its links (all but rejected ones and unconfirmed similar
     * suggestions), grouped by project, with the items' current statuses.
     */
    public static String write(Story story, List<Link> links, Map<String, ItemInfo> items, LocalDate today) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", story.id());
        root.put("date", today.format(DateTimeFormatter.ofPattern("MM-dd-yyyy")));
        root.put("description", story.title() + " tracker");
        root.put("source", story.id());
        Map<String, ObjectNode> projects = new TreeMap<>();
        boolean anyIncomplete = false, any = false;
        for (Link l : links) {
            if (!exported(l)) {
                continue;
            }
            String project = l.project() == null || l.project().isBlank() ? "openstack" : l.project();
            ObjectNode p = projects.computeIfAbsent(project, k -> JSON.createObjectNode());
            ItemInfo info = items.get(l.item());
            String status = info != null && info.status() != null ? normaliseStatus(info.status()) : null;
            if (status == null) {
                status = l.trackerStatus() != null ? l.trackerStatus() : "pending";
            }
            any = true;
            anyIncomplete |= !"complete".equals(status) && !"none".equals(status);
            String kind = Linker.kindOf(l.item(), null);
            String url = info != null && info.url() != null ? info.url() : urlOf(l.item());
            switch (kind == null ? "" : kind) {
                case "spec" -> {
                    if (!p.has("spec")) {
                        p.put("spec", url);
                        p.put("spec_status", status);
                    }
                    p.withObject("/specs").put(url, status);
                }
                case "blueprint" -> p.withObject("/blueprints").put(l.item().substring(l.item().indexOf('/') + 1), status);
                case "bug" -> p.withObject("/bugs").put(l.item().substring(4), status);
                case "review" -> p.withObject("/reviews").put(l.item().substring(7), status);
                default -> p.withObject("/items").put(url, status);
            }
        }
        root.put("status", !any ? "pending" : anyIncomplete ? "in-progress" : "complete");
        ArrayNode tasks = root.putArray("tasks");
        tasks.add("liaison");
        ObjectNode task = root.putObject("tasks_status").putObject("liaison");
        task.put("cross-project spec", "");
        task.put("gerrit-topic", "");
        task.put("xp_status", root.get("status").asText());
        ArrayNode names = task.putArray("projects");
        projects.keySet().forEach(names::add);
        ObjectNode ps = task.putObject("projects_status");
        projects.forEach(ps::set);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean exported(Link l) {
        return !Link.REJECTED.equals(l.state()) && (!Link.SIMILAR.equals(l.how()) || Link.CONFIRMED.equals(l.state()));
    }

    /** A URL the reader (and {@link ReferenceExtractor}) understands for an item id (the id itself when there is none). */
    static String urlOf(String id) {
        String url = dev.liaison.item.ItemId.urlOf(id);
        return url == null ? id : url;
    }
}
