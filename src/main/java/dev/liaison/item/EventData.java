package dev.liaison.item;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each type of event says, typed: one record per event type with its one codec (
 * {@code toMap()} to write, {@code from(Map)} to read). Writers build the record and readers get it
 * back with {@link #of(Event)}, so no key of an event's data is shared by convention. Reading is
 * tolerant: an event written by an older version, without some field, reads with that field null.
 */
public sealed interface EventData {

    /** The event type this data belongs to. */
    String type();

    /** The data as stored (fields that are null are left out). */
    Map<String, Object> toMap();

    /** The typed data of an event; {@link Other} for a type without a record. */
    static EventData of(Event e) {
        Map<String, Object> d = e.data();
        return switch (e.type()) {
            case Event.ITEM_NEW -> ItemNew.from(d);
            case Event.ITEM_CHANGED -> ItemChanged.from(d);
            case Event.ITEM_STATUS -> ItemStatus.from(d);
            case LinkChange.NEW, LinkChange.CONFIRMED, LinkChange.RETRACTED -> LinkChange.from(e.type(), d);
            case Event.PAGE_CHANGED -> PageChanged.from(d);
            case Event.SOURCE_UNHEALTHY -> SourceUnhealthy.from(d);
            default -> new Other(e.type(), d);
        };
    }

    /** An item appeared. */
    record ItemNew(String kind, String title, String status, String url) implements EventData {
        public String type() { return Event.ITEM_NEW; }

        public Map<String, Object> toMap() {
            return map("kind", kind, "title", title, "status", status, "url", url);
        }

        static ItemNew from(Map<String, Object> d) {
            return new ItemNew(text(d, "kind"), text(d, "title"), text(d, "status"), text(d, "url"));
        }
    }

    /** An item's content changed (its hash moved). */
    record ItemChanged(String kind, String title, String hash, String previousHash) implements EventData {
        public String type() { return Event.ITEM_CHANGED; }

        public Map<String, Object> toMap() {
            return map("kind", kind, "title", title, "hash", hash, "previousHash", previousHash);
        }

        static ItemChanged from(Map<String, Object> d) {
            return new ItemChanged(text(d, "kind"), text(d, "title"), text(d, "hash"), text(d, "previousHash"));
        }
    }

    /**
     * An item's status or release moved: the source's own words ({@code from}, {@code to}), the
     * normalised ones, and the releases when they moved (null when they did not).
     */
    record ItemStatus(String kind, String title, String from, String to, String fromRelease, String toRelease,
                      String fromNormalised, String toNormalised) implements EventData {
        public String type() { return Event.ITEM_STATUS; }

        public Map<String, Object> toMap() {
            return map("kind", kind, "title", title, "from", from, "to", to, "fromRelease", fromRelease, "toRelease", toRelease,
                    "fromNormalised", fromNormalised, "toNormalised", toNormalised);
        }

        static ItemStatus from(Map<String, Object> d) {
            return new ItemStatus(text(d, "kind"), text(d, "title"), text(d, "from"), text(d, "to"), text(d, "fromRelease"),
                    text(d, "toRelease"), text(d, "fromNormalised"), text(d, "toNormalised"));
        }
    }

    /**
     * A link appeared ({@link #NEW}), was confirmed ({@link #CONFIRMED}), or was taken back by the
     * linker because no rule makes it any more ({@link #RETRACTED}); the item is the event's item.
     */
    record LinkChange(String type, String story, String how, Double confidence, String state, String evidence) implements EventData {
        public static final String NEW = "link.new";
        public static final String CONFIRMED = "link.confirmed";
        public static final String RETRACTED = "link.retracted";

        public LinkChange {
            if (!NEW.equals(type) && !CONFIRMED.equals(type) && !RETRACTED.equals(type)) {
                throw new IllegalArgumentException("not a link event type: " + type);
            }
        }

        public Map<String, Object> toMap() {
            return map("story", story, "how", how, "confidence", confidence, "state", state, "evidence", evidence);
        }

        static LinkChange from(String type, Map<String, Object> d) {
            return new LinkChange(type, text(d, "story"), text(d, "how"), number(d, "confidence"), text(d, "state"), text(d, "evidence"));
        }
    }

    /**
     * A watched page changed: where, its title, the versions and when they were fetched, a one-line
     * summary, a unified diff, and the structured differences ({@code sectionsAdded},
     * {@code listItemsChanged}, ... as the page-watch diff makes them).
     */
    record PageChanged(String url, String title, Long version, String hash, String previousHash, String previousFetchedAt,
                       String fetchedAt, String summary, String unifiedDiff, Map<String, Object> differences) implements EventData {
        /** The keys of the fields above; every other key of the data is a structured difference. */
        private static final List<String> FIELDS = List.of("url", "title", "version", "hash", "previousHash", "previousFetchedAt",
                "fetchedAt", "summary", "unifiedDiff");

        public PageChanged {
            differences = differences == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(differences));
        }

        public String type() { return Event.PAGE_CHANGED; }

        /** A page change from the page-watch diff: its summary and unified diff become fields, the rest differences. */
        public static PageChanged of(String url, String title, long version, String hash, String previousHash, String previousFetchedAt,
                                     String fetchedAt, Map<String, Object> diff) {
            Map<String, Object> rest = new LinkedHashMap<>(diff);
            Object summary = rest.remove("summary");
            Object unified = rest.remove("unifiedDiff");
            FIELDS.forEach(rest::remove);
            return new PageChanged(url, title, version, hash, previousHash, previousFetchedAt, fetchedAt,
                    summary == null ? null : summary.toString(), unified == null ? null : unified.toString(), rest);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> out = map("url", url, "title", title, "version", version, "hash", hash, "previousHash", previousHash,
                    "previousFetchedAt", previousFetchedAt, "fetchedAt", fetchedAt, "summary", summary, "unifiedDiff", unifiedDiff);
            differences.forEach((k, v) -> {
                if (v != null && !out.containsKey(k)) {
                    out.put(k, v);
                }
            });
            return out;
        }

        static PageChanged from(Map<String, Object> d) {
            Number version = number(d, "version");
            Map<String, Object> rest = new LinkedHashMap<>(d);
            FIELDS.forEach(rest::remove);
            return new PageChanged(text(d, "url"), text(d, "title"), version == null ? null : version.longValue(), text(d, "hash"),
                    text(d, "previousHash"), text(d, "previousFetchedAt"), text(d, "fetchedAt"), text(d, "summary"),
                    text(d, "unifiedDiff"), rest);
        }
    }

    /** A source failed {@code failures} times in a row (the alert threshold); its last error. */
    record SourceUnhealthy(Integer failures, String error, String kind) implements EventData {
        public String type() { return Event.SOURCE_UNHEALTHY; }

        public Map<String, Object> toMap() {
            return map("failures", failures, "error", error, "kind", kind);
        }

        static SourceUnhealthy from(Map<String, Object> d) {
            Number n = number(d, "failures");
            return new SourceUnhealthy(n == null ? null : n.intValue(), text(d, "error"), text(d, "kind"));
        }
    }

    /** An event of a type without a record of its own: its data as stored. */
    record Other(String type, Map<String, Object> data) implements EventData {
        public Map<String, Object> toMap() {
            return data;
        }
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                out.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return out;
    }

    private static String text(Map<String, Object> d, String key) {
        Object v = d.get(key);
        return v == null ? null : v.toString();
    }

    private static Double number(Map<String, Object> d, String key) {
        Object v = d.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
