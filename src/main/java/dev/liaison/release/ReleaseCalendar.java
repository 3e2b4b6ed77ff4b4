package dev.liaison.release;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The known release schedules as one calendar, and the question it answers: where is a project on
 * a given day. Plain Java: built from entries, whatever source or store they came from. Weeks read
 * from two feeds of the same series are one week (the first read wins).
 */
public final class ReleaseCalendar {

    private final List<ReleaseEntry> weeks;
    private final List<ReleaseEntry> deadlines;

    public ReleaseCalendar(Collection<ReleaseEntry> entries) {
        Map<String, ReleaseEntry> w = new LinkedHashMap<>();
        Map<String, ReleaseEntry> d = new LinkedHashMap<>();
        for (ReleaseEntry e : entries) {
            (e.type() == ReleaseEntry.Type.WEEK ? w : d).putIfAbsent(e.id(), e);
        }
        weeks = new ArrayList<>(w.values());
        weeks.sort(Comparator.comparing(ReleaseEntry::start).thenComparing(ReleaseEntry::id));
        deadlines = new ArrayList<>(d.values());
        deadlines.sort(Comparator.comparing(ReleaseEntry::due).thenComparing(ReleaseEntry::id));
    }

    public boolean isEmpty() {
        return weeks.isEmpty() && deadlines.isEmpty();
    }

    /** The deadlines, earliest first. */
    public List<ReleaseEntry> deadlines() {
        return List.copyOf(deadlines);
    }

    /** True when a deadline concerns the project: its own, or one of the whole cycle. */
    public static boolean appliesTo(ReleaseEntry deadline, String project) {
        return deadline.project() == null || deadline.project().equals(normal(project));
    }

    /**
     * Where the project is on that day; empty when no schedule is known. A week's span runs from
     * its Monday to the day before the next week's Monday (the weekend belongs to the week before).
     */
    public Optional<ReleasePosition> position(String project, LocalDate date) {
        if (isEmpty()) {
            return Optional.empty();
        }
        String p = normal(project);
        ReleaseEntry next = null;
        for (ReleaseEntry d : deadlines) {
            if (!d.due().isBefore(date) && appliesTo(d, p)) {
                next = d;
                break;
            }
        }
        long days = next == null ? -1 : ChronoUnit.DAYS.between(date, next.due());
        String series = null;
        String week = null;
        String where;
        ReleaseEntry current = null;
        ReleaseEntry before = null;
        ReleaseEntry after = null;
        for (ReleaseEntry w : weeks) {
            if (!w.start().isAfter(date)) {
                before = w;
                if (!date.isAfter(w.start().plusDays(6))) {
                    current = w;
                }
            } else if (after == null) {
                after = w;
            }
        }
        if (current != null) {
            series = current.series();
            week = current.week();
            where = current.seriesTitle() + " " + current.week();
        } else if (before == null && after != null) {
            series = after.series();
            where = "before " + after.seriesTitle() + " (its first week, " + after.week() + ", starts " + after.start() + ")";
        } else if (before != null && after == null) {
            series = before.series();
            where = "after " + before.seriesTitle() + " (its last week, " + before.week() + ", ended " + before.end() + ")";
        } else if (before != null) {
            series = after.series();
            where = before.series().equals(after.series())
                    ? before.seriesTitle() + ", between " + before.week() + " and " + after.week()
                    : "between " + before.seriesTitle() + " and " + after.seriesTitle() + " (" + after.week() + " starts " + after.start() + ")";
        } else {
            // Deadlines without weeks: the series of the next (or last) deadline.
            ReleaseEntry any = next != null ? next : deadlines.get(deadlines.size() - 1);
            series = any.series();
            where = any.seriesTitle();
        }
        return Optional.of(new ReleasePosition(p, date, series, week, where, next, days));
    }

    /** The deadlines of the project (its own and the cycle's) due from {@code from} to {@code to}, inclusive. */
    public List<ReleaseEntry> deadlinesBetween(String project, LocalDate from, LocalDate to) {
        String p = normal(project);
        List<ReleaseEntry> out = new ArrayList<>();
        for (ReleaseEntry d : deadlines) {
            if (!d.due().isBefore(from) && !d.due().isAfter(to) && appliesTo(d, p)) {
                out.add(d);
            }
        }
        return out;
    }

    private static String normal(String project) {
        return project == null ? "" : project.toLowerCase(Locale.ROOT).trim();
    }
}
