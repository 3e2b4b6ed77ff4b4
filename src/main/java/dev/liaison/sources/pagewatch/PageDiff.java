package dev.liaison.sources.pagewatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What changed between two versions of a page, as a person reads it: sections added, removed and
 * changed (their paragraphs), list items added, removed and changed, table rows added, removed
 * and changed (column by column, e.g. a priority's owner), links added and removed, a one-line
 * summary with the true counts, and a plain unified diff of the normalised text. Lists are cut at
 * {@link #MAX_ENTRIES} entries and texts at {@link #MAX_ENTRY_TEXT} characters, so an event stays small. Everything is lists of small maps of
 * strings, ready to be stored in an event and rendered in a mail without the pages.
 */
final class PageDiff {

    static final int MAX_ENTRIES = 100;
    static final int MAX_ENTRY_TEXT = 2_000;
    static final int MAX_SUMMARY_TEXT = 500;

    private PageDiff() {}

    private record Section(String key, String title, int level, List<Block> body) {}

    static Map<String, Object> diff(PageContent before, PageContent after, String fromLabel, String toLabel) {
        Map<String, Section> old = sections(before.blocks());
        Map<String, Section> neu = sections(after.blocks());
        Map<String, Object> out = new LinkedHashMap<>();

        List<Map<String, Object>> sectionsAdded = new ArrayList<>();
        List<Map<String, Object>> sectionsRemoved = new ArrayList<>();
        List<Map<String, Object>> sectionsChanged = new ArrayList<>();
        List<Map<String, Object>> itemsAdded = new ArrayList<>();
        List<Map<String, Object>> itemsRemoved = new ArrayList<>();
        List<Map<String, Object>> itemsChanged = new ArrayList<>();
        List<Map<String, Object>> rowsAdded = new ArrayList<>();
        List<Map<String, Object>> rowsRemoved = new ArrayList<>();
        List<Map<String, Object>> rowsChanged = new ArrayList<>();

        for (Section s : neu.values()) {
            if (!old.containsKey(s.key)) {
                add(sectionsAdded, sectionSummary(s));
            }
        }
        for (Section s : old.values()) {
            if (!neu.containsKey(s.key)) {
                add(sectionsRemoved, sectionSummary(s));
            }
        }
        for (Section n : neu.values()) {
            Section o = old.get(n.key);
            if (o == null) {
                continue;
            }
            // paragraphs
            List<String> pRemoved = minus(lines(o.body, Block.Type.PARAGRAPH), lines(n.body, Block.Type.PARAGRAPH));
            List<String> pAdded = minus(lines(n.body, Block.Type.PARAGRAPH), lines(o.body, Block.Type.PARAGRAPH));
            if (!pRemoved.isEmpty() || !pAdded.isEmpty()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("section", n.title);
                m.put("paragraphsAdded", cap(pAdded));
                m.put("paragraphsRemoved", cap(pRemoved));
                add(sectionsChanged, m);
            }
            diffItems(n.title, blocks(o.body, Block.Type.ITEM), blocks(n.body, Block.Type.ITEM), itemsAdded, itemsRemoved, itemsChanged);
            diffRows(n.title, blocks(o.body, Block.Type.ROW), blocks(n.body, Block.Type.ROW), rowsAdded, rowsRemoved, rowsChanged);
        }

        Set<String> oldLinks = allLinks(before);
        Set<String> newLinks = allLinks(after);
        List<String> linksAdded = newLinks.stream().filter(l -> !oldLinks.contains(l)).toList();
        List<String> linksRemoved = oldLinks.stream().filter(l -> !newLinks.contains(l)).toList();

        out.put("summary", summary(sectionsAdded, sectionsRemoved, sectionsChanged, itemsAdded, itemsRemoved, itemsChanged,
                rowsAdded, rowsRemoved, rowsChanged, linksAdded, linksRemoved));
        out.put("sectionsAdded", cap(sectionsAdded));
        out.put("sectionsRemoved", cap(sectionsRemoved));
        out.put("sectionsChanged", cap(sectionsChanged));
        out.put("listItemsAdded", cap(itemsAdded));
        out.put("listItemsRemoved", cap(itemsRemoved));
        out.put("listItemsChanged", cap(itemsChanged));
        out.put("tableRowsAdded", cap(rowsAdded));
        out.put("tableRowsRemoved", cap(rowsRemoved));
        out.put("tableRowsChanged", cap(rowsChanged));
        out.put("linksAdded", cap(linksAdded));
        out.put("linksRemoved", cap(linksRemoved));
        out.put("unifiedDiff", UnifiedDiff.diff(before.lines(), after.lines(), fromLabel, toLabel));
        return out;
    }

    /** Sections in document order, keyed by heading text (repeats get " (2)", " (3)" ...). */
    private static Map<String, Section> sections(List<Block> blocks) {
        Map<String, Section> out = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        Section current = new Section("", "(top of page)", 0, new ArrayList<>());
        out.put("", current);
        for (Block b : blocks) {
            if (b.type() == Block.Type.HEADING) {
                String base = b.text().toLowerCase(Locale.ROOT);
                int n = seen.merge(base, 1, Integer::sum);
                String key = n == 1 ? base : base + " (" + n + ")";
                current = new Section(key, n == 1 ? b.text() : b.text() + " (" + n + ")", b.level(), new ArrayList<>());
                out.put(key, current);
            } else {
                current.body.add(b);
            }
        }
        if (out.get("").body.isEmpty()) {
            out.remove("");
        }
        return out;
    }

    private static Map<String, Object> sectionSummary(Section s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("section", s.title);
        m.put("level", s.level);
        StringBuilder text = new StringBuilder();
        for (Block b : s.body) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(b.line());
            if (text.length() > MAX_SUMMARY_TEXT) {
                text.setLength(MAX_SUMMARY_TEXT);
                text.append(" ...");
                break;
            }
        }
        m.put("text", text.toString());
        return m;
    }

    private static void diffItems(String section, List<Block> old, List<Block> neu, List<Map<String, Object>> added,
                                  List<Map<String, Object>> removed, List<Map<String, Object>> changed) {
        List<Block> gone = minusBlocks(old, neu);
        List<Block> come = minusBlocks(neu, old);
        for (Block g : gone) {
            Block match = null;
            for (Block c : come) {
                if (c.text().equals(g.text()) || similarity(c.text(), g.text()) >= 0.5) {
                    match = c;
                    break;
                }
            }
            if (match != null) {
                come.remove(match);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("section", section);
                m.put("before", cut(g.text()));
                m.put("after", cut(match.text()));
                putLinkChanges(m, g, match);
                add(changed, m);
            } else {
                add(removed, item(section, g));
            }
        }
        for (Block c : come) {
            add(added, item(section, c));
        }
    }

    private static Map<String, Object> item(String section, Block b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("section", section);
        m.put("text", cut(b.text()));
        m.put("links", new ArrayList<>(b.links()));
        return m;
    }

    private static void diffRows(String section, List<Block> old, List<Block> neu, List<Map<String, Object>> added,
                                 List<Map<String, Object>> removed, List<Map<String, Object>> changed) {
        List<String> columns = !neu.isEmpty() ? neu.get(0).cells() : !old.isEmpty() ? old.get(0).cells() : List.of();
        Map<String, Block> oldByKey = byKey(old);
        Map<String, Block> newByKey = byKey(neu);
        for (Map.Entry<String, Block> e : newByKey.entrySet()) {
            Block o = oldByKey.get(e.getKey());
            Block n = e.getValue();
            if (o == null) {
                add(added, row(section, columns, n));
            } else if (!o.line().equals(n.line())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("section", section);
                m.put("row", n.cells().isEmpty() ? "" : n.cells().get(0));
                m.put("before", cutAll(o.cells()));
                m.put("after", cutAll(n.cells()));
                List<Map<String, Object>> cellChanges = new ArrayList<>();
                for (int i = 0; i < Math.max(o.cells().size(), n.cells().size()); i++) {
                    String b = i < o.cells().size() ? o.cells().get(i) : "";
                    String a = i < n.cells().size() ? n.cells().get(i) : "";
                    if (!a.equals(b)) {
                        Map<String, Object> c = new LinkedHashMap<>();
                        c.put("column", i < columns.size() && !columns.get(i).isEmpty() ? columns.get(i) : "column " + (i + 1));
                        c.put("before", cut(b));
                        c.put("after", cut(a));
                        cellChanges.add(c);
                    }
                }
                m.put("cells", cellChanges);
                putLinkChanges(m, o, n);
                add(changed, m);
            }
        }
        for (Map.Entry<String, Block> e : oldByKey.entrySet()) {
            if (!newByKey.containsKey(e.getKey())) {
                add(removed, row(section, columns, e.getValue()));
            }
        }
    }

    private static Map<String, Object> row(String section, List<String> columns, Block b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("section", section);
        m.put("row", b.cells().isEmpty() ? "" : b.cells().get(0));
        m.put("columns", new ArrayList<>(columns));
        m.put("cells", cutAll(b.cells()));
        m.put("links", new ArrayList<>(b.links()));
        return m;
    }

    private static Map<String, Block> byKey(List<Block> rows) {
        Map<String, Block> out = new LinkedHashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Block r : rows) {
            String base = r.cells().isEmpty() ? "" : r.cells().get(0).toLowerCase(Locale.ROOT);
            int n = seen.merge(base, 1, Integer::sum);
            out.put(n == 1 ? base : base + " #" + n, r);
        }
        return out;
    }

    private static void putLinkChanges(Map<String, Object> m, Block before, Block after) {
        m.put("linksAdded", after.links().stream().filter(l -> !before.links().contains(l)).toList());
        m.put("linksRemoved", before.links().stream().filter(l -> !after.links().contains(l)).toList());
    }

    private static double similarity(String a, String b) {
        Set<String> x = new HashSet<>(List.of(a.toLowerCase(Locale.ROOT).split("\\W+")));
        Set<String> y = new HashSet<>(List.of(b.toLowerCase(Locale.ROOT).split("\\W+")));
        x.remove("");
        y.remove("");
        if (x.isEmpty() && y.isEmpty()) {
            return 1;
        }
        Set<String> both = new HashSet<>(x);
        both.retainAll(y);
        Set<String> any = new HashSet<>(x);
        any.addAll(y);
        return (double) both.size() / any.size();
    }

    private static List<Block> blocks(List<Block> body, Block.Type type) {
        return body.stream().filter(b -> b.type() == type).toList();
    }

    private static List<String> lines(List<Block> body, Block.Type type) {
        return body.stream().filter(b -> b.type() == type).map(Block::line).toList();
    }

    /** a minus b as multisets, in a's order. */
    private static List<String> minus(List<String> a, List<String> b) {
        Map<String, Integer> count = new HashMap<>();
        b.forEach(s -> count.merge(s, 1, Integer::sum));
        List<String> out = new ArrayList<>();
        for (String s : a) {
            Integer c = count.get(s);
            if (c != null && c > 0) {
                count.put(s, c - 1);
            } else {
                out.add(cut(s));
            }
        }
        return out;
    }

    private static List<Block> minusBlocks(List<Block> a, List<Block> b) {
        Map<String, Integer> count = new HashMap<>();
        b.forEach(x -> count.merge(x.line(), 1, Integer::sum));
        List<Block> out = new ArrayList<>();
        for (Block x : a) {
            Integer c = count.get(x.line());
            if (c != null && c > 0) {
                count.put(x.line(), c - 1);
            } else {
                out.add(x);
            }
        }
        return out;
    }

    private static Set<String> allLinks(PageContent p) {
        Set<String> out = new LinkedHashSet<>();
        p.blocks().forEach(b -> out.addAll(b.links()));
        return out;
    }

    private static String cut(String s) {
        return s.length() > MAX_ENTRY_TEXT ? s.substring(0, MAX_ENTRY_TEXT) + " ..." : s;
    }

    private static List<String> cutAll(List<String> cells) {
        return cells.stream().map(PageDiff::cut).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    }

    private static <T> List<T> cap(List<T> list) {
        return list.size() > MAX_ENTRIES ? new ArrayList<>(list.subList(0, MAX_ENTRIES)) : new ArrayList<>(list);
    }

    private static void add(List<Map<String, Object>> list, Map<String, Object> entry) {
        list.add(entry);
    }

    private static String summary(List<?> sAdded, List<?> sRemoved, List<?> sChanged, List<?> iAdded, List<?> iRemoved,
                                  List<Map<String, Object>> iChanged, List<?> rAdded, List<?> rRemoved,
                                  List<Map<String, Object>> rChanged, List<?> lAdded, List<?> lRemoved) {
        List<String> parts = new ArrayList<>();
        part(parts, sAdded.size(), "section", "added");
        part(parts, sRemoved.size(), "section", "removed");
        part(parts, sChanged.size(), "section", "changed");
        part(parts, iAdded.size(), "list item", "added");
        part(parts, iRemoved.size(), "list item", "removed");
        part(parts, iChanged.size(), "list item", "changed");
        part(parts, rAdded.size(), "table row", "added");
        part(parts, rRemoved.size(), "table row", "removed");
        if (!rChanged.isEmpty()) {
            List<String> names = rChanged.stream().limit(3).map(m -> String.valueOf(m.get("row"))).toList();
            parts.add(rChanged.size() + " table row" + (rChanged.size() == 1 ? "" : "s") + " changed ("
                    + String.join(", ", names) + (rChanged.size() > 3 ? ", ..." : "") + ")");
        }
        part(parts, lAdded.size(), "link", "added");
        part(parts, lRemoved.size(), "link", "removed");
        return parts.isEmpty() ? "content reordered" : String.join("; ", parts);
    }

    private static void part(List<String> parts, int n, String what, String verb) {
        if (n > 0) {
            parts.add(n + " " + what + (n == 1 ? "" : "s") + " " + verb);
        }
    }
}
