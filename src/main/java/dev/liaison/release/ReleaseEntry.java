package dev.liaison.release;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of a release schedule: a named week of a series ({@code R-16}) or a deadline in such
 * a week (a milestone, a freeze, a final release; cycle-wide when {@code project} is null, else
 * one project's, such as "Nova Spec Freeze"). Dates are calendar dates (the schedule's weeks run
 * Monday to Friday); {@code end} is inclusive. The id is stable: {@code <series>/<week>} for a
 * week, {@code <series>/<slug>} for a deadline, so a feed read twice gives the same entries.
 */
public record ReleaseEntry(String id, String series, Type type, String project, String title, String week,
                           LocalDate start, LocalDate end, String description) {

    /** A named week of the cycle, or a deadline in one. */
    public enum Type { WEEK, DEADLINE }

    public static final int MAX_TITLE = 300;
    public static final int MAX_DESCRIPTION = 4_000;

    public ReleaseEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException(id + ": ends (" + end + ") before it starts (" + start + ")");
        }
        series = series.toLowerCase(Locale.ROOT);
        project = project == null || project.isBlank() ? null : project.toLowerCase(Locale.ROOT);
        title = bounded(title == null ? "" : title.replaceAll("[\\s\\p{Cntrl}]+", " ").trim(), MAX_TITLE);
        description = description == null ? null : bounded(description.strip(), MAX_DESCRIPTION);
    }

    private static String bounded(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /**
     * The day a deadline falls on: the Thursday of its week, as the OpenStack schedules say
     * ("Deadlines are generally the Thursday of the week on which they are noted"), or the last
     * day of the entry when its span holds no Thursday.
     */
    public LocalDate due() {
        LocalDate thursday = start.with(TemporalAdjusters.nextOrSame(DayOfWeek.THURSDAY));
        return thursday.isAfter(end) ? end : thursday;
    }

    /** The series as people write it: "Indri". */
    public String seriesTitle() {
        return series.isEmpty() ? series : Character.toUpperCase(series.charAt(0)) + series.substring(1);
    }

    /**
     * The deadline's name without its project's: "Nova Spec Freeze" for nova is "spec freeze";
     * a cycle-wide one keeps its title ("Indri-2 milestone").
     */
    public String shortTitle() {
        if (project != null && title.toLowerCase(Locale.ROOT).startsWith(project + " ")) {
            return title.substring(project.length() + 1).toLowerCase(Locale.ROOT);
        }
        return title;
    }

    /** A slug for ids: lower-case letters, digits and dashes. */
    public static String slug(String s) {
        String slug = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return slug.length() <= 120 ? slug : slug.substring(0, 120);
    }
}
