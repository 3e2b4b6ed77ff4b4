package dev.liaison.sources.pagewatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One unit of a watched page's content, normalised: a heading, a paragraph, a list item or a
 * table row. {@code section} is the text of the nearest heading above it ("" before the first);
 * {@code cells} is filled for table rows only; {@code links} are the absolute URLs the block
 * links to (same-page anchors left out), in document order.
 */
record Block(Type type, int level, String section, String text, List<String> cells, List<String> links) {

    enum Type { HEADING, PARAGRAPH, ITEM, ROW }

    Block {
        Objects.requireNonNull(type, "type");
        section = section == null ? "" : section;
        text = text == null ? "" : text;
        cells = cells == null ? List.of() : List.copyOf(cells);
        links = links == null ? List.of() : List.copyOf(links);
    }

    /** The line this block is in the normalised text (what the unified diff compares). */
    String line() {
        String body = switch (type) {
            case HEADING -> "#".repeat(Math.max(1, level)) + " " + text;
            case PARAGRAPH -> text;
            case ITEM -> "  ".repeat(Math.max(0, level - 1)) + "- " + text;
            case ROW -> "| " + String.join(" | ", cells) + " |";
        };
        return links.isEmpty() ? body : body + "  <" + String.join(" ", links) + ">";
    }

    /** As stored in a snapshot: a small JSON-like map. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type.name().toLowerCase(java.util.Locale.ROOT));
        if (level > 0) {
            m.put("level", level);
        }
        m.put("section", section);
        m.put("text", text);
        if (!cells.isEmpty()) {
            m.put("cells", new ArrayList<>(cells));
        }
        if (!links.isEmpty()) {
            m.put("links", new ArrayList<>(links));
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static Block fromMap(Map<String, Object> m) {
        Type type = Type.valueOf(String.valueOf(m.get("type")).toUpperCase(java.util.Locale.ROOT));
        Object level = m.get("level");
        return new Block(type, level instanceof Number n ? n.intValue() : 0, (String) m.get("section"),
                (String) m.get("text"), (List<String>) m.get("cells"), (List<String>) m.get("links"));
    }
}
