package dev.liaison.release;

import java.time.LocalDate;

/**
 * Where a project is in the release cycle on a given day: the series and its week ("Indri R-16"),
 * or a phrase when the day is outside every known cycle ("before Indri", "between Hibiscus and
 * Indri", "after Indri"), and the next deadline that applies to the project (its own or a
 * cycle-wide one) with the days to go. {@link #line()} says it in one line for digests and pages:
 * "nova: spec freeze in 9 days (2026-12-10); Indri R-16".
 */
public record ReleasePosition(String project, LocalDate date, String series, String week, String where,
                              ReleaseEntry next, long daysToNext) {

    /** The position in one line; no value in it comes from anywhere but the schedule. */
    public String line() {
        StringBuilder sb = new StringBuilder(project).append(": ");
        if (next != null) {
            sb.append(next.shortTitle()).append(' ').append(when(daysToNext)).append(" (").append(next.due()).append("); ");
        } else {
            sb.append("no deadline ahead in the known schedules; ");
        }
        return sb.append(where).toString();
    }

    static String when(long days) {
        if (days == 0) {
            return "today";
        }
        if (days == 1) {
            return "tomorrow";
        }
        return "in " + days + " days";
    }
}
