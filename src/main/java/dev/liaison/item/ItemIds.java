package dev.liaison.item;

/** What an item id says by itself, for items Liaison has not stored (yet). */
public final class ItemIds {

    private ItemIds() {}

    /** The project an item id names ({@code spec:nova/...}, {@code bp:nova/...}); null when it names none. */
    public static String projectOf(String itemId) {
        int colon = itemId == null ? -1 : itemId.indexOf(':');
        int slash = itemId == null ? -1 : itemId.indexOf('/', colon + 1);
        if (colon < 0 || slash < 0) {
            return null;
        }
        String prefix = itemId.substring(0, colon);
        return prefix.equals("spec") || prefix.equals("bp") ? itemId.substring(colon + 1, slash) : null;
    }
}
