package dev.liaison.sources.launchpad;

import com.fasterxml.jackson.databind.JsonNode;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Blueprints (Launchpad "specifications") as {@code bp:<project>/<name>} items, plain Java. The
 * exported fields all go into the item, so its content hash changes exactly when one of them
 * does (blueprints have no last-modified field). The bugs linked to a blueprint come from a
 * second resource and are kept from the stored item when the blueprint is read again.
 */
public final class BlueprintItems {

    public static final String KIND = "blueprint";
    public static final String LINKED = "linked";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]*");

    private BlueprintItems() {}

    /** A blueprint read from a collection page, and where its linked bugs are listed. */
    public record Read(Item item, String bugsLink) {}

    public static Read read(JsonNode e, String defaultProject, String sourceId) throws LaunchpadFormatException {
        if (e == null || !e.isObject()) {
            throw new LaunchpadFormatException("entry is not a JSON object");
        }
        String name = LaunchpadJson.lower(LaunchpadJson.shortText(e, "name"));
        if (name == null || !NAME.matcher(name).matches()) {
            throw new LaunchpadFormatException("blueprint without a valid name"
                    + (LaunchpadJson.shortText(e, "self_link") == null ? "" : ": " + LaunchpadJson.shortText(e, "self_link")));
        }
        String project = LaunchpadJson.lower(LaunchpadJson.lastSegment(LaunchpadJson.shortText(e, "target_link")));
        if (project == null) {
            project = defaultProject;
        }
        String definition = LaunchpadJson.shortText(e, "definition_status");
        String implementation = LaunchpadJson.shortText(e, "implementation_status");
        String lifecycle = LaunchpadJson.shortText(e, "lifecycle_status");
        String specUrl = LaunchpadJson.shortText(e, "specification_url");
        String summary = LaunchpadJson.text(e, "summary");
        String whiteboard = LaunchpadJson.text(e, "whiteboard");
        String workitems = LaunchpadJson.text(e, "workitems_text");
        StringBuilder text = new StringBuilder();
        for (String part : new String[] {summary, whiteboard == null ? null : "Whiteboard:\n" + whiteboard,
                workitems == null ? null : "Work items:\n" + workitems}) {
            if (part != null) {
                text.append(text.length() == 0 ? "" : "\n\n").append(part);
            }
        }
        String id = "bp:" + project + "/" + name;
        List<Ref> refs = new ArrayList<>();
        if (specUrl != null) {
            for (Ref r : ReferenceExtractor.extract(specUrl, project)) {
                refs.add(new Ref(r.type(), r.target(), Ref.SPEC.equals(r.type()) ? "specification" : r.relation(),
                        "specification_url: " + specUrl));
            }
        }
        for (Ref r : ReferenceExtractor.extract(text.toString(), project)) {
            if (!r.target().equals(id) && refs.stream().noneMatch(x -> x.target().equals(r.target()))) {
                refs.add(r);
            }
        }
        String series = LaunchpadJson.lastSegment(firstText(e, "series_goal_link", "goal_link"));
        Map<String, Object> dates = new LinkedHashMap<>();
        for (String f : new String[] {"date_started", "date_completed"}) {
            var d = LaunchpadJson.date(e, f);
            if (d != null) {
                dates.put(f.substring(5), d.toString());
            }
        }
        Item item = Item.builder(id, KIND)
                .source(sourceId)
                .project(project)
                .url(LaunchpadJson.shortText(e, "web_link") != null ? LaunchpadJson.shortText(e, "web_link")
                        : "https://blueprints.launchpad.net/" + project + "/+spec/" + name)
                .title(LaunchpadJson.shortText(e, "title") != null ? LaunchpadJson.shortText(e, "title") : name)
                .text(text.toString())
                .author(LaunchpadJson.person(LaunchpadJson.shortText(e, "owner_link")))
                .created(LaunchpadJson.date(e, "date_created"))
                .status(LaunchpadStatus.blueprint(definition, implementation, lifecycle),
                        definition == null && implementation == null && lifecycle == null ? null
                                : nz(definition) + " / " + nz(implementation) + " / " + nz(lifecycle))
                .release(series)
                .milestone(LaunchpadJson.lastSegment(LaunchpadJson.shortText(e, "milestone_link")))
                .refs(refs)
                .attribute("name", name)
                .attribute("priority", LaunchpadJson.shortText(e, "priority"))
                .attribute("definitionStatus", definition)
                .attribute("implementationStatus", implementation)
                .attribute("lifecycleStatus", lifecycle)
                .attribute("specificationUrl", specUrl)
                .attribute("assignee", LaunchpadJson.person(LaunchpadJson.shortText(e, "assignee_link")))
                .attribute("drafter", LaunchpadJson.person(LaunchpadJson.shortText(e, "drafter_link")))
                .attribute("approver", LaunchpadJson.person(LaunchpadJson.shortText(e, "approver_link")))
                .attribute("seriesGoal", series)
                .attribute("whiteboard", whiteboard == null ? null : LaunchpadJson.clip(whiteboard))
                .attribute("dates", dates.isEmpty() ? null : dates)
                .build();
        return new Read(item, LaunchpadJson.shortText(e, "bugs_collection_link"));
    }

    private static String firstText(JsonNode e, String... fields) {
        for (String f : fields) {
            String v = LaunchpadJson.shortText(e, f);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String nz(String s) {
        return s == null ? "-" : s;
    }

    /** The blueprint just read, with the linked bugs of the stored version kept. */
    public static Item keepLinkedBugs(Item read, Item stored) {
        if (stored == null || !(stored.attributes().get("linkedBugs") instanceof List<?> bugs)) {
            return read;
        }
        List<Long> numbers = new ArrayList<>();
        for (Object o : bugs) {
            if (o instanceof Number n) {
                numbers.add(n.longValue());
            }
        }
        return withLinkedBugs(read, numbers);
    }

    /** The blueprint with exactly these linked bugs (as refs and as the {@code linkedBugs} attribute). */
    public static Item withLinkedBugs(Item bp, List<Long> bugs) {
        TreeSet<Long> sorted = new TreeSet<>(bugs);
        List<Ref> refs = new ArrayList<>();
        for (Ref r : bp.refs()) {
            if (!(Ref.BUG.equals(r.type()) && LINKED.equals(r.relation()))) {
                refs.add(r);
            }
        }
        for (Long n : sorted) {
            String target = BugItems.id(n);
            refs.removeIf(r -> r.target().equals(target));
            refs.add(new Ref(Ref.BUG, target, LINKED, "bug " + n + " is linked to this blueprint"));
        }
        Map<String, Object> attrs = new LinkedHashMap<>(bp.attributes());
        attrs.remove("linkedBugs");
        if (!sorted.isEmpty()) {
            attrs.put("linkedBugs", new ArrayList<>(sorted));
        }
        return new Item(bp.id(), bp.kind(), bp.source(), bp.project(), bp.url(), bp.title(), bp.text(), bp.author(),
                bp.created(), bp.updated(), bp.status(), bp.statusRaw(), bp.release(), bp.milestone(), refs, attrs);
    }

    /** Bug numbers in a page of a blueprint's bugs collection. */
    public static List<Long> linkedBugs(CollectionPage page) {
        List<Long> out = new ArrayList<>();
        for (JsonNode b : page.entries()) {
            long n = b.path("id").isIntegralNumber() ? b.path("id").asLong() : LaunchpadJson.bugNumber(LaunchpadJson.text(b, "self_link"));
            if (n > 0) {
                out.add(n);
            }
        }
        return out;
    }
}
