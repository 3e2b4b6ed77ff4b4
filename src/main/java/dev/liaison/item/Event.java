package dev.liaison.item;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One append-only fact: an item appeared or changed, a link appeared, a page changed, a source
 * became unhealthy. The id is deterministic (derived from what happened), so recording the same
 * fact twice stores it once.
 */
public record Event(String id, String type, Instant at, String source, String itemId, Map<String, Object> data, Instant stored) {

    public static final String ITEM_NEW = "item.new";
    public static final String ITEM_CHANGED = "item.changed";
    public static final String ITEM_STATUS = "item.status";
    public static final String PAGE_CHANGED = "page.changed";
    public static final String SOURCE_UNHEALTHY = "source.unhealthy";

    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        data = data == null ? Map.of() : Map.copyOf(data);
        stored = stored == null ? at : stored;
    }

    /**
     * An event not yet appended ({@code stored}, when the log received it, is set by the store;
     * until then it is {@code at}).
     */
    public Event(String id, String type, Instant at, String source, String itemId, Map<String, Object> data) {
        this(id, type, at, source, itemId, data, at);
    }
}
