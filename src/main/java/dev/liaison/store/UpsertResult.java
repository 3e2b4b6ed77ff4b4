package dev.liaison.store;

import dev.liaison.item.Event;
import java.util.List;

/** What storing one batch of items did. */
public record UpsertResult(int newItems, int changed, int unchanged, List<Event> events) {

    public static final UpsertResult EMPTY = new UpsertResult(0, 0, 0, List.of());
}
