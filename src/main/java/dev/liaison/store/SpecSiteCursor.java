package dev.liaison.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Where a spec site's poll (kind {@code sphinx-specs}) left off: what each index page it read
 * listed (so an index answered 304 still gives its links), where each redirect stub led, and two
 * marks of the version that wrote it: {@code ids} (the item id scheme; anything else means items
 * of an older scheme may be stored) and {@code refs} (how the items' references were extracted;
 * anything else means stored items may lack some, and every page is read again).
 *
 * @param indexes   the index pages read, in the order they were read
 * @param redirects redirect stubs: stub URL to the URL it leads to ("" for a stub off the site)
 */
public record SpecSiteCursor(String ids, String refs, List<Index> indexes, Map<String, String> redirects) {

    /** The cursor of a source never polled. */
    public static final SpecSiteCursor NONE = new SpecSiteCursor(null, null, List.of(), Map.of());

    public SpecSiteCursor {
        indexes = List.copyOf(indexes);
        redirects = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(redirects));
    }

    /**
     * One index page: the indexes it links, the spec pages it lists with what its headings said
     * about each, the other documents it lists, and (from cursors of an earlier version, which kept
     * only links) links not yet told apart.
     */
    public record Index(String url, List<String> indexLinks, List<SpecLink> specs, List<String> others, List<String> links) {
        public Index {
            indexLinks = List.copyOf(indexLinks);
            specs = List.copyOf(specs);
            others = List.copyOf(others);
            links = List.copyOf(links);
        }
    }

    /** A spec page an index lists, with the state and release series its headings gave (each may be null). */
    public record SpecLink(String url, String state, String series) {}

    static SpecSiteCursor of(Document d) {
        if (d == null || d.isEmpty()) {
            return NONE;
        }
        List<Index> indexes = new ArrayList<>();
        for (Document i : d.getList("indexes", Document.class, List.of())) {
            String url = i.getString("url");
            if (url == null) {
                continue;
            }
            List<SpecLink> specs = new ArrayList<>();
            for (Document s : i.getList("specs", Document.class, List.of())) {
                if (s.getString("url") != null) {
                    specs.add(new SpecLink(s.getString("url"), s.getString("state"), s.getString("series")));
                }
            }
            indexes.add(new Index(url, strings(i, "indexLinks"), specs, strings(i, "others"), strings(i, "links")));
        }
        Map<String, String> redirects = new LinkedHashMap<>();
        for (Document r : d.getList("redirects", Document.class, List.of())) {
            if (r.getString("from") != null && r.getString("to") != null) {
                redirects.put(r.getString("from"), r.getString("to"));
            }
        }
        return new SpecSiteCursor(d.getString("ids"), d.getString("refs"), indexes, redirects);
    }

    private static List<String> strings(Document d, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : d.getList(key, Object.class, List.of())) {
            if (o instanceof String s) {
                out.add(s);
            }
        }
        return out;
    }

    Document toDocument() {
        List<Document> pages = new ArrayList<>();
        for (Index i : indexes) {
            List<Document> specs = new ArrayList<>();
            for (SpecLink s : i.specs()) {
                specs.add(new Document("url", s.url()).append("state", s.state()).append("series", s.series()));
            }
            Document page = new Document("url", i.url()).append("indexLinks", i.indexLinks()).append("specs", specs)
                    .append("others", i.others());
            if (!i.links().isEmpty()) {
                page.append("links", i.links());
            }
            pages.add(page);
        }
        List<Document> stubs = new ArrayList<>();
        redirects.forEach((from, to) -> stubs.add(new Document("from", from).append("to", to)));
        return new Document("indexes", pages).append("redirects", stubs).append("ids", ids).append("refs", refs);
    }
}
