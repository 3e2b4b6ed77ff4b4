package dev.liaison.item;

import java.util.LinkedHashMap;
import java.util.Map;

/** An item as JSON shows it (the command line's {@code items --json} and the API). */
public final class ItemViews {

    private ItemViews() {}

    /** Id, kind, source, project, title, statuses, release, URL and references. */
    public static Map<String, Object> summary(Item i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("kind", i.kind());
        m.put("source", i.source());
        m.put("project", i.project());
        m.put("title", i.title());
        m.put("status", i.status());
        m.put("statusRaw", i.statusRaw());
        m.put("release", i.release());
        m.put("url", i.url());
        m.put("refs", i.refs().stream().map(r -> Map.of("type", r.type(), "target", r.target(), "relation", r.relation())).toList());
        return m;
    }
}
