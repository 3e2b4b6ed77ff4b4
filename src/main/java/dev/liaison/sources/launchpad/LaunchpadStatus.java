package dev.liaison.sources.launchpad;

import java.util.Locale;
import java.util.Map;

/**
 * Launchpad's statuses and importances, normalised to Liaison's four states: {@code open},
 * {@code in-progress}, {@code fixed}, {@code closed}. An unknown status normalises to null (the raw
 * value is always kept).
 */
public final class LaunchpadStatus {

    public static final String OPEN = "open";
    public static final String IN_PROGRESS = "in-progress";
    public static final String FIXED = "fixed";
    public static final String CLOSED = "closed";

    /** Every bug task status searchTasks is asked for (closed ones too). */
    public static final java.util.List<String> BUG_STATUSES = java.util.List.of(
            "New", "Incomplete", "Opinion", "Invalid", "Won't Fix", "Expired", "Confirmed", "Triaged",
            "In Progress", "Fix Committed", "Fix Released");

    private static final Map<String, String> BUG = Map.ofEntries(
            Map.entry("new", OPEN), Map.entry("incomplete", OPEN), Map.entry("incomplete (with response)", OPEN),
            Map.entry("incomplete (without response)", OPEN), Map.entry("confirmed", OPEN), Map.entry("triaged", OPEN),
            Map.entry("in progress", IN_PROGRESS), Map.entry("fix committed", FIXED), Map.entry("fix released", FIXED),
            Map.entry("invalid", CLOSED), Map.entry("won't fix", CLOSED), Map.entry("opinion", CLOSED),
            Map.entry("expired", CLOSED), Map.entry("does not exist", CLOSED));

    private LaunchpadStatus() {}

    public static String bug(String raw) {
        return raw == null ? null : BUG.get(raw.trim().toLowerCase(Locale.ROOT));
    }

    /** Importance in lower case; Unknown and Undecided are "undecided". */
    public static String importance(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "critical", "high", "medium", "low", "wishlist" -> s;
            case "unknown", "undecided" -> "undecided";
            default -> null;
        };
    }

    /**
     * A blueprint's state from its definition, implementation and lifecycle statuses: obsolete or
     * superseded is closed; implemented (or complete) is fixed; started work is in progress.
     */
    public static String blueprint(String definition, String implementation, String lifecycle) {
        String d = definition == null ? "" : definition.trim().toLowerCase(Locale.ROOT);
        String i = implementation == null ? "" : implementation.trim().toLowerCase(Locale.ROOT);
        String l = lifecycle == null ? "" : lifecycle.trim().toLowerCase(Locale.ROOT);
        if (d.isEmpty() && i.isEmpty() && l.isEmpty()) {
            return null;
        }
        if (d.equals("obsolete") || d.equals("superseded")) {
            return CLOSED;
        }
        if (i.equals("implemented") || l.equals("complete")) {
            return FIXED;
        }
        if (l.equals("started") || switch (i) {
            case "started", "slow progress", "good progress", "beta available", "needs code review", "deployment" -> true;
            default -> false;
        }) {
            return IN_PROGRESS;
        }
        return OPEN;
    }
}
