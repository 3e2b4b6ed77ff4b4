package dev.liaison.digest;

import dev.liaison.mailing.Subscriber;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one digest says, section by section. First what moved for the subscriber's stories (status
 * changes of items strongly linked to them, new confirmed or strong links, release-priority page
 * changes, failing sources), then, per story, the few best new suggestions to review and a count
 * and a link for the rest. Every list is bounded (see the {@code MAX_} constants), so a digest
 * stays readable whatever a crawl brought. Every text in it came from outside and is escaped when
 * rendered as HTML.
 */
public record Digest(Subscriber subscriber, String period, Instant from, Instant until,
                     List<StoryNews> stories, List<StatusChange> statusChanges, int moreStatusChanges,
                     List<PageChange> pageChanges, List<SourceFailure> failingSources,
                     String reviewUrl, String subscriptionUrl, List<ReleaseLine> releasePositions) {

    public Digest {
        releasePositions = releasePositions == null ? List.of() : List.copyOf(releasePositions);
    }

    /** At most this many new (strong or confirmed) links per story; the rest are counted. */
    public static final int MAX_NEW_LINKS_PER_STORY = 5;
    /** At most this many suggestions per story, the best first; the rest are counted, with a link. */
    public static final int MAX_SUGGESTIONS_PER_STORY = 3;
    /** At most this many status changes in all; the rest are counted. */
    public static final int MAX_STATUS_CHANGES = 10;
    /** At most this many lines describing one page change. */
    public static final int MAX_PAGE_LINES = 10;
    /** At most this many projects in the release-cycle lines; the rest are counted. */
    public static final int MAX_RELEASE_LINES = 12;

    public boolean isEmpty() {
        return stories.isEmpty() && statusChanges.isEmpty() && pageChanges.isEmpty() && failingSources.isEmpty();
    }

    public int newLinkCount() {
        return stories.stream().mapToInt(s -> s.newLinks().size() + s.moreNewLinks()).sum();
    }

    public int suggestionCount() {
        return stories.stream().mapToInt(s -> s.suggestions().size() + s.moreSuggestions()).sum();
    }

    public int statusChangeCount() {
        return statusChanges.size() + moreStatusChanges;
    }

    /** True when something moved (the first section has content). */
    public boolean hasMoves() {
        return !statusChanges.isEmpty() || newLinkCount() > 0 || !pageChanges.isEmpty() || !failingSources.isEmpty();
    }

    public boolean hasSuggestions() {
        return suggestionCount() > 0;
    }

    /** A one-line summary built from counts only (safe for a Subject header). */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        append(sb, statusChangeCount(), "status change", "status changes");
        append(sb, newLinkCount(), "new link", "new links");
        append(sb, pageChanges.size(), "priority page change", "priority page changes");
        append(sb, failingSources.size(), "failing source", "failing sources");
        append(sb, suggestionCount(), "suggestion to review", "suggestions to review");
        return sb.length() == 0 ? "nothing new" : sb.toString();
    }

    private static void append(StringBuilder sb, int n, String one, String many) {
        if (n > 0) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(n).append(' ').append(n == 1 ? one : many);
        }
    }

    /**
     * One story's news: its new strong or confirmed links (bounded, the rest counted), its best
     * new suggestions (bounded, the rest counted) and the review queue filtered to the story.
     */
    public record StoryNews(String story, String title, String url, List<LinkEntry> newLinks, int moreNewLinks,
                            List<LinkEntry> suggestions, int moreSuggestions, String reviewUrl) {}

    /** A link as the digest shows it; {@code reviewUrl} opens its row in the review queue. */
    public record LinkEntry(String story, String storyTitle, String item, String title, String url, String kind,
                            String project, String how, String state, boolean suggested, String confidence,
                            String evidence, String reviewUrl) {}

    public record StatusChange(String item, String title, String url, String kind, String from, String to,
                               List<String> stories) {}

    public record PageChange(String source, String title, String url, String summary, List<String> changes,
                             String unifiedDiff, Instant at) {}

    public record SourceFailure(String source, String error, String failures, Instant at) {}

    /**
     * Where one project of the followed stories is in its release cycle on the digest's day:
     * "nova: spec freeze in 9 days (2026-12-10); Indri R-16". Not news by itself: it never makes
     * a digest be sent.
     */
    public record ReleaseLine(String project, String line) {}

    /** The id of a link's row in the review queue (an HTML id: letters, digits and dashes only). */
    public static String rowId(String story, String item) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((story + "|" + item).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "link-" + java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The review-queue address that opens the row of one link. */
    public static String reviewUrl(String baseUrl, String story, String item) {
        return baseUrl + "/review?story=" + enc(story) + "&item=" + enc(item) + "#" + rowId(story, item);
    }

    public static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Converts a page.changed event's data into lines a person reads at a glance. */
    @SuppressWarnings("unchecked")
    public static List<String> describePageChange(Map<String, Object> data) {
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        for (Object o : list(data.get("sectionsAdded"))) {
            lines.add("Section added: " + field(o, "section"));
        }
        for (Object o : list(data.get("sectionsRemoved"))) {
            lines.add("Section removed: " + field(o, "section"));
        }
        for (Object o : list(data.get("listItemsAdded"))) {
            lines.add("Added in " + field(o, "section") + ": " + field(o, "text"));
        }
        for (Object o : list(data.get("listItemsRemoved"))) {
            lines.add("Removed from " + field(o, "section") + ": " + field(o, "text"));
        }
        for (Object o : list(data.get("listItemsChanged"))) {
            lines.add("Changed in " + field(o, "section") + ": " + field(o, "before") + " -> " + field(o, "after"));
        }
        for (Object o : list(data.get("tableRowsAdded"))) {
            lines.add("Row added in " + field(o, "section") + ": " + cells(o, "cells", "after"));
        }
        for (Object o : list(data.get("tableRowsRemoved"))) {
            lines.add("Row removed from " + field(o, "section") + ": " + cells(o, "cells", "before"));
        }
        for (Object o : list(data.get("tableRowsChanged"))) {
            lines.add("Row changed in " + field(o, "section") + ": " + cells(o, "before", "before") + " -> " + cells(o, "after", "after"));
        }
        return lines;
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static String field(Object o, String key) {
        if (o instanceof Map<?, ?> m) {
            Object v = m.get(key);
            return v == null ? "" : String.valueOf(v).replaceAll("\\s+", " ").trim();
        }
        return String.valueOf(o);
    }

    private static String cells(Object o, String key, String fallback) {
        if (o instanceof Map<?, ?> m) {
            Object v = m.get(key) != null ? m.get(key) : m.get(fallback);
            if (v instanceof List<?> l) {
                return String.join(" | ", l.stream().map(String::valueOf).toList());
            }
            return v == null ? field(o, "text") : String.valueOf(v);
        }
        return String.valueOf(o);
    }
}
