package dev.liaison.story;

/**
 * Why a link exists: how it was found, the snippet that shows it, where the snippet is (a story,
 * an item, a tracker file), and the item it came through for a {@code via} link (else null).
 */
public record Evidence(String how, String snippet, String where, String via) {

    public static final int MAX_SNIPPET = 300;

    public Evidence {
        snippet = snippet == null ? "" : snippet.length() > MAX_SNIPPET ? snippet.substring(0, MAX_SNIPPET) + "…" : snippet;
        where = where == null ? "" : where;
    }
}
