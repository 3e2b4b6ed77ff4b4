package dev.liaison.digest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one digest says, section by section. Every text in it came from outside and is escaped
 * when rendered as HTML.
 */
public record Digest(Subscriber subscriber, String period, Instant from, Instant until,
                     List<StoryLinks> links, List<StatusChange> statusChanges, List<LinkEntry> threads,
                     List<PageChange> pageChanges, List<SourceFailure> failingSources) {

    public boolean isEmpty() {
        return links.isEmpty() && statusChanges.isEmpty() && threads.isEmpty() && pageChanges.isEmpty() && failingSources.isEmpty();
    }

    public int linkCount() {
        return links.stream().mapToInt(s -> s.projects().stream().mapToInt(p -> p.links().size()).sum()).sum();
    }

    /** A one-line summary built from counts only (safe for a Subject header). */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        append(sb, linkCount(), "new link", "new links");
        append(sb, statusChanges.size(), "status change", "status changes");
        append(sb, threads.size(), "mail thread", "mail threads");
        append(sb, pageChanges.size(), "priority page change", "priority page changes");
        append(sb, failingSources.size(), "failing source", "failing sources");
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

    public record StoryLinks(String story, String title, String url, List<ProjectLinks> projects) {}

    public record ProjectLinks(String project, List<LinkEntry> links) {}

    public record LinkEntry(String story, String storyTitle, String item, String title, String url, String kind,
                            String project, String how, String state, boolean suggested, String confidence,
                            String evidence, String reviewUrl) {}

    public record StatusChange(String item, String title, String url, String kind, String from, String to,
                               List<String> stories) {}

    public record PageChange(String source, String title, String url, String summary, List<String> changes,
                             String unifiedDiff, Instant at) {}

    public record SourceFailure(String source, String error, String failures, Instant at) {}

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
