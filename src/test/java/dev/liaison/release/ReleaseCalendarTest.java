package dev.liaison.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a project is, on edge dates, over two real cycles (Hibiscus then Indri, from openstack/releases). */
class ReleaseCalendarTest {

    /** Weeks Monday to Friday from the first Monday, named R-(n-1) down to R+0. */
    private static List<ReleaseEntry> weeks(String series, LocalDate firstMonday, int count) {
        List<ReleaseEntry> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int r = count - 1 - i;
            String name = r == 0 ? "R+0" : "R-" + r;
            LocalDate start = firstMonday.plusWeeks(i);
            out.add(new ReleaseEntry(series + "/" + name, series, ReleaseEntry.Type.WEEK, null,
                    series + " " + name, name, start, start.plusDays(4), null));
        }
        return out;
    }

    private static ReleaseEntry deadline(String id, String project, String title, String week, LocalDate monday) {
        return new ReleaseEntry(id, id.substring(0, id.indexOf('/')), ReleaseEntry.Type.DEADLINE, project, title, week,
                monday, monday.plusDays(4), null);
    }

    // Hibiscus: R-25 on 2026-04-06 ... R+0 on 2026-09-28. Indri: R-24 on 2026-10-05 ... R+0 on 2027-03-22.
    private final List<ReleaseEntry> entries = new ArrayList<>();
    {
        entries.addAll(weeks("hibiscus", LocalDate.of(2026, 4, 6), 26));
        entries.addAll(weeks("indri", LocalDate.of(2026, 10, 5), 25));
        entries.add(deadline("hibiscus/nova-spec-freeze", "nova", "Nova Spec Freeze", "R-16", LocalDate.of(2026, 6, 8)));
        entries.add(deadline("hibiscus/hibiscus-2-milestone", null, "Hibiscus-2 milestone", "R-13", LocalDate.of(2026, 6, 29)));
        entries.add(deadline("hibiscus/2026-2-hibiscus-release", null, "2026.2 Hibiscus release", "R+0", LocalDate.of(2026, 9, 28)));
        entries.add(deadline("indri/indri-1-milestone", null, "Indri-1 milestone", "R-18", LocalDate.of(2026, 11, 16)));
        entries.add(deadline("indri/nova-spec-freeze", "nova", "Nova Spec Freeze", "R-15", LocalDate.of(2026, 12, 7)));
        entries.add(deadline("indri/cinder-spec-freeze", "cinder", "Cinder Spec Freeze", "R-13", LocalDate.of(2026, 12, 21)));
        entries.add(deadline("indri/2027-1-indri-release", null, "2027.1 Indri release", "R+0", LocalDate.of(2027, 3, 22)));
    }

    private final ReleaseCalendar calendar = new ReleaseCalendar(entries);

    @Test
    void inTheMiddleOfACycleItSaysTheWeekAndTheProjectsNextDeadline() {
        ReleasePosition p = calendar.position("nova", LocalDate.of(2026, 12, 1)).orElseThrow();
        assertThat(p.series()).isEqualTo("indri");
        assertThat(p.week()).isEqualTo("R-16");
        assertThat(p.next().id()).isEqualTo("indri/nova-spec-freeze");
        assertThat(p.daysToNext()).isEqualTo(9);
        assertThat(p.line()).isEqualTo("nova: spec freeze in 9 days (2026-12-10); Indri R-16");
    }

    @Test
    void anotherProjectGetsItsOwnDeadlineOrTheCyclesNeverAnothersOne() {
        assertThat(calendar.position("cinder", LocalDate.of(2026, 12, 1)).orElseThrow().line())
                .isEqualTo("cinder: spec freeze in 23 days (2026-12-24); Indri R-16");
        // glance has none of its own: the next cycle-wide deadline, the release.
        assertThat(calendar.position("glance", LocalDate.of(2026, 12, 1)).orElseThrow().line())
                .isEqualTo("glance: 2027.1 Indri release in 114 days (2027-03-25); Indri R-16");
    }

    @Test
    void aDeadlineDayIsTodayAndTheWeekendBelongsToTheWeekBefore() {
        assertThat(calendar.position("nova", LocalDate.of(2026, 12, 10)).orElseThrow().line())
                .isEqualTo("nova: spec freeze today (2026-12-10); Indri R-15");
        assertThat(calendar.position("nova", LocalDate.of(2026, 12, 9)).orElseThrow().line()).contains("tomorrow");
        ReleasePosition sunday = calendar.position("nova", LocalDate.of(2026, 12, 13)).orElseThrow();
        assertThat(sunday.week()).isEqualTo("R-15");
        assertThat(sunday.next().id()).isEqualTo("indri/2027-1-indri-release");
    }

    @Test
    void beforeTheFirstWeekOfAllKnownCycles() {
        ReleasePosition p = calendar.position("nova", LocalDate.of(2026, 3, 1)).orElseThrow();
        assertThat(p.series()).isEqualTo("hibiscus");
        assertThat(p.week()).isNull();
        assertThat(p.line()).isEqualTo("nova: spec freeze in 102 days (2026-06-11); before Hibiscus (its first week, R-25, starts 2026-04-06)");
    }

    @Test
    void afterTheFinalWeekOfTheLastKnownCycle() {
        ReleasePosition p = calendar.position("nova", LocalDate.of(2027, 4, 2)).orElseThrow();
        assertThat(p.next()).isNull();
        assertThat(p.line()).isEqualTo("nova: no deadline ahead in the known schedules; after Indri (its last week, R+0, ended 2027-03-26)");
        // The Sunday after the final week is still the final week.
        assertThat(calendar.position("nova", LocalDate.of(2027, 3, 28)).orElseThrow().week()).isEqualTo("R+0");
    }

    @Test
    void betweenTwoSeries() {
        // Hibiscus R+0 is 2026-09-28..10-02 (its span runs to Sunday 10-04); Indri R-24 starts 10-05: no gap.
        assertThat(calendar.position("nova", LocalDate.of(2026, 10, 4)).orElseThrow().line()).endsWith("; Hibiscus R+0");
        assertThat(calendar.position("nova", LocalDate.of(2026, 10, 5)).orElseThrow().line()).endsWith("; Indri R-24");
        // With a real gap (Indri moved three weeks later), the day in it is between the two.
        List<ReleaseEntry> gap = new ArrayList<>(weeks("hibiscus", LocalDate.of(2026, 4, 6), 26));
        gap.addAll(weeks("indri", LocalDate.of(2026, 10, 26), 25));
        ReleasePosition p = new ReleaseCalendar(gap).position("nova", LocalDate.of(2026, 10, 14)).orElseThrow();
        assertThat(p.series()).isEqualTo("indri");
        assertThat(p.line()).isEqualTo("nova: no deadline ahead in the known schedules; between Hibiscus and Indri (R-24 starts 2026-10-26)");
    }

    @Test
    void noScheduleNoPosition() {
        assertThat(new ReleaseCalendar(List.of()).position("nova", LocalDate.of(2026, 12, 1))).isEmpty();
    }

    @Test
    void theSameWeekFromTwoFeedsIsOneWeek() {
        List<ReleaseEntry> twice = new ArrayList<>(entries);
        twice.addAll(weeks("indri", LocalDate.of(2026, 10, 5), 25));
        assertThat(new ReleaseCalendar(twice).position("nova", LocalDate.of(2026, 12, 1)).orElseThrow().line())
                .isEqualTo("nova: spec freeze in 9 days (2026-12-10); Indri R-16");
    }

    @Test
    void deadlinesWithinAWindowOfAProject() {
        assertThat(calendar.deadlinesBetween("nova", LocalDate.of(2026, 11, 12), LocalDate.of(2026, 12, 10)))
                .extracting(ReleaseEntry::id).containsExactly("indri/indri-1-milestone", "indri/nova-spec-freeze");
        assertThat(calendar.deadlinesBetween("cinder", LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 10))).isEmpty();
    }
}
