package dev.liaison.story;

/**
 * Why a link exists: how it was found, the snippet that shows it, where the snippet is (a story,
 * an item, a tracker file), and the item it came through for a {@code via} link (else null).
 */
public record Evidence(String how, String snippet, String where, String via) {

    public static final int MAX_SNIPPET = 300;

    private static final java.util.regex.Pattern SIMILARITY = java.util.regex.Pattern.compile("text similarity (\\d+(?:\\.\\d+)?)");

    public Evidence {
        snippet = snippet == null ? "" : snippet.length() > MAX_SNIPPET ? snippet.substring(0, MAX_SNIPPET) + "…" : snippet;
        where = where == null ? "" : where;
    }

    /** The score a similar evidence states ("text similarity 0.23 ..."); -1 for any other evidence. */
    public double similarity() {
        return similarity(how, snippet);
    }

    /** The score a snippet of evidence found {@code how} states; -1 unless it is a similar one stating a score. */
    public static double similarity(String how, String snippet) {
        if (!"similar".equals(how) || snippet == null) {
            return -1;
        }
        var m = SIMILARITY.matcher(snippet);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
