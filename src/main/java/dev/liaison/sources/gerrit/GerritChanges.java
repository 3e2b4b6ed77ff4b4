package dev.liaison.sources.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Gerrit ChangeInfo (with CURRENT_REVISION, CURRENT_FILES, CURRENT_COMMIT, DETAILED_ACCOUNTS)
 * as one {@code review:<number>} item: subject, project, branch, status, owner, topic, hashtags,
 * times, the commit message as text, the spec files it adds or changes, and the references in
 * the message and the topic. Plain Java: no Camel, no store.
 */
public final class GerritChanges {

    public static final String KIND = "review";

    /** Gerrit's statuses, normalised: a change under review is in progress; merged; abandoned. */
    public static final String IN_PROGRESS = "in-progress";
    public static final String MERGED = "merged";
    public static final String ABANDONED = "abandoned";

    /** Gerrit's timestamps: UTC, {@code 2017-07-20 12:09:11.306000000} (fraction optional, 0 to 9 digits). */
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    /**
     * A spec file in a *-specs repository: {@code specs/<release>/<state>/<name>.rst} (nova),
     * {@code specs/<release>/<name>.rst} (ironic until 2016) or {@code specs/<state>/<name>.rst}.
     */
    private static final Pattern SPEC_FILE = Pattern.compile(
            "specs/([A-Za-z0-9._-]+)/(?:(approved|implemented|backlog|abandoned|not-implemented)/)?([A-Za-z0-9][A-Za-z0-9+._-]*)\\.rst");
    private static final java.util.Set<String> STATES = java.util.Set.of("approved", "implemented", "backlog", "abandoned", "not-implemented");
    private static final Pattern PARTIAL_BP = Pattern.compile(
            "(?im)^\\s*Partial(?:ly)?-Implements:\\s*(?:blueprint\\s+|bp[:/]\\s*)?([A-Za-z0-9][A-Za-z0-9+._-]*[A-Za-z0-9])");
    private static final Pattern TOPIC_BP = Pattern.compile("(?i)^(?:bp|blueprint)/([A-Za-z0-9][A-Za-z0-9+._-]*[A-Za-z0-9])$");
    private static final Pattern TOPIC_BUG = Pattern.compile("(?i)^bug/(\\d{1,8})$");

    private GerritChanges() {}

    /** A change as an item, and a note when its commit message was cut to {@code maxMessage} characters. */
    public record Parsed(Item item, String note) {}

    /**
     * The item of one ChangeInfo. {@code base} is the Gerrit site ({@code https://review.opendev.org/},
     * with the trailing slash); {@code defaultProject} names the project when the change's
     * repository does not. A change without {@code _number} or with an unreadable
     * {@code updated} is an error.
     */
    public static Parsed item(JsonNode c, String base, String sourceId, String defaultProject, int maxMessage)
            throws GerritFormatException {
        JsonNode num = c.get("_number");
        if (num == null || !num.canConvertToLong() || num.asLong() <= 0) {
            throw new GerritFormatException("a change without a valid _number (id " + GerritPage.clip(text(c, "id", "?"), 80) + ")");
        }
        long number = num.asLong();
        Instant updated = time(c, "updated", number);
        if (updated == null) {
            throw new GerritFormatException("change " + number + " has no 'updated' time");
        }
        Instant created = time(c, "created", number);
        String repo = text(c, "project", null);
        String project = projectOf(repo, defaultProject);
        String statusRaw = text(c, "status", null);

        JsonNode revision = currentRevision(c);
        JsonNode commit = revision.path("commit");
        String message = text(commit, "message", "");
        String note = null;
        String itemText = message;
        if (message.length() > maxMessage) {
            itemText = message.substring(0, maxMessage) + "\n[… commit message of " + message.length()
                    + " characters cut to " + maxMessage + "]";
            note = "commit message of " + message.length() + " characters cut to " + maxMessage
                    + " for the item's text (references read from the whole message)";
        }
        String subject = text(c, "subject", text(commit, "subject", ""));

        List<Ref> refs = new ArrayList<>();
        Map<String, Ref> byTarget = new LinkedHashMap<>();
        List<Map<String, Object>> specFiles = new ArrayList<>();
        String release = null;
        String specProject = specProjectOf(repo);
        JsonNode files = revision.path("files");
        if (specProject != null && files.isObject()) {
            var it = files.fields();
            while (it.hasNext()) {
                var f = it.next();
                Matcher m = SPEC_FILE.matcher(f.getKey());
                if (!m.matches() || m.group(3).equals("index") || m.group(3).endsWith("template")) {
                    continue;
                }
                String folder = m.group(1);
                String state = m.group(2) != null ? m.group(2) : STATES.contains(folder) ? folder : "approved";
                String specRelease = m.group(2) == null && STATES.contains(folder) ? null : folder;
                String fileStatus = text(f.getValue(), "status", "M"); // Gerrit leaves out M
                if ("D".equals(fileStatus)) {
                    continue;
                }
                boolean adds = fileStatus.equals("A") || fileStatus.equals("R") || fileStatus.equals("C");
                String specId = ReferenceExtractor.specId(specProject, specRelease == null ? "" : specRelease, m.group(3));
                String relation = adds && state.equals("approved") ? dev.liaison.linking.Linker.PROPOSES : "amends";
                put(byTarget, new Ref(Ref.SPEC, specId, relation, f.getKey()));
                Map<String, Object> sf = new LinkedHashMap<>();
                sf.put("path", f.getKey());
                if (specRelease != null) {
                    sf.put("release", specRelease);
                }
                sf.put("state", state);
                sf.put("spec", specId);
                sf.put("change", relation);
                specFiles.add(sf);
                if (release == null && dev.liaison.linking.Linker.PROPOSES.equals(relation)) {
                    release = specRelease;
                }
            }
        }
        for (Ref r : ReferenceExtractor.extract(message, project)) {
            put(byTarget, r);
        }
        Matcher pm = PARTIAL_BP.matcher(message.contains("mplements:") ? message : "");
        while (pm.find()) {
            if (project != null) {
                put(byTarget, new Ref(Ref.BLUEPRINT, "bp:" + project + "/" + pm.group(1), "partial", pm.group().strip()));
            }
        }
        String topic = text(c, "topic", null);
        if (topic != null && project != null) {
            Matcher tb = TOPIC_BP.matcher(topic.strip());
            Matcher tg = TOPIC_BUG.matcher(topic.strip());
            if (tb.matches()) {
                put(byTarget, new Ref(Ref.BLUEPRINT, "bp:" + project + "/" + tb.group(1), "implements", "topic " + topic));
            } else if (tg.matches()) {
                put(byTarget, new Ref(Ref.BUG, "bug:" + Long.parseLong(tg.group(1)), "related", "topic " + topic));
            }
        }
        String self = "review:" + number;
        byTarget.remove(self);
        refs.addAll(byTarget.values());

        Item.Builder b = Item.builder(self, KIND)
                .source(sourceId)
                .project(project)
                .url(base + "c/" + (repo == null ? "" : repo + "/+/") + number)
                .title(subject.length() > 500 ? subject.substring(0, 500) : subject)
                .text(itemText)
                .author(owner(c.path("owner")))
                .created(created)
                .updated(updated)
                .status(normalise(statusRaw), statusRaw)
                .release(release)
                .refs(refs)
                .attribute("number", number)
                .attribute("gerritProject", repo)
                .attribute("branch", text(c, "branch", null))
                .attribute("changeId", text(c, "change_id", null))
                .attribute("topic", topic)
                .attribute("submitted", text(c, "submitted", null))
                .attribute("ownerUsername", text(c.path("owner"), "username", null))
                .attribute("patchSet", revision.path("_number").isNumber() ? revision.path("_number").asInt() : null);
        List<String> hashtags = new ArrayList<>();
        c.path("hashtags").forEach(h -> hashtags.add(h.asText()));
        if (!hashtags.isEmpty()) {
            b.attribute("hashtags", hashtags);
        }
        if (c.path("work_in_progress").asBoolean(false)) {
            b.attribute("workInProgress", true);
        }
        if (!specFiles.isEmpty()) {
            b.attribute("specFiles", specFiles);
        }
        return new Parsed(b.build(), note);
    }

    /** NEW (and the old DRAFT) is in progress; MERGED merged; ABANDONED abandoned; anything else null (raw kept). */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        return switch (raw.strip().toUpperCase(Locale.ROOT)) {
            case "NEW", "DRAFT" -> IN_PROGRESS;
            case "MERGED" -> MERGED;
            case "ABANDONED" -> ABANDONED;
            default -> null;
        };
    }

    /** The project a repository is: {@code openstack/nova-specs} and {@code openstack/nova} are nova. */
    public static String projectOf(String repo, String defaultProject) {
        if (repo == null || repo.isBlank()) {
            return defaultProject;
        }
        String last = repo.substring(repo.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (last.endsWith("-specs") && last.length() > "-specs".length()) {
            last = last.substring(0, last.length() - "-specs".length());
        }
        return last.isBlank() ? defaultProject : last;
    }

    /** The project whose specs a repository holds ({@code openstack/nova-specs} → nova), else null. */
    static String specProjectOf(String repo) {
        if (repo == null) {
            return null;
        }
        String last = repo.substring(repo.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return last.endsWith("-specs") && last.length() > 6 ? last.substring(0, last.length() - 6) : null;
    }

    /** Parses a Gerrit timestamp (UTC). */
    public static Instant parseTime(String s) throws DateTimeParseException {
        return LocalDateTime.parse(s.strip(), TIME).toInstant(ZoneOffset.UTC);
    }

    /** A time as the query operators {@code after:} and {@code before:} take it (UTC, milliseconds). */
    public static String queryTime(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC).format(t);
    }

    private static Instant time(JsonNode c, String field, long number) throws GerritFormatException {
        String s = text(c, field, null);
        if (s == null) {
            return null;
        }
        try {
            return parseTime(s);
        } catch (DateTimeParseException e) {
            throw new GerritFormatException("change " + number + ": '" + field + "' is not a Gerrit time: " + GerritPage.clip(s, 40));
        }
    }

    private static JsonNode currentRevision(JsonNode c) {
        JsonNode revisions = c.path("revisions");
        String current = text(c, "current_revision", null);
        if (current != null && revisions.has(current)) {
            return revisions.get(current);
        }
        // Without current_revision, the one revision there is (or none).
        var it = revisions.elements();
        return it.hasNext() ? it.next() : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String owner(JsonNode o) {
        String name = text(o, "name", null);
        if (name != null) {
            return name;
        }
        String user = text(o, "username", null);
        if (user != null) {
            return user;
        }
        return o.has("_account_id") ? "account " + o.get("_account_id").asText() : null;
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? dflt : v.asText();
    }

    /** The first reference to a target wins, except that a typed relation beats a plain citation. */
    private static void put(Map<String, Ref> found, Ref ref) {
        Ref before = found.get(ref.target());
        if (before == null || (Ref.CITES.equals(before.relation()) && !Ref.CITES.equals(ref.relation()))) {
            found.put(ref.target(), ref);
        }
    }
}
