package dev.liaison.sources.releaseschedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.release.ReleaseEntry;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IcsScheduleTest {

    private static Map<String, ReleaseEntry> byId(Schedule s) {
        return s.entries().stream().collect(Collectors.toMap(ReleaseEntry::id, Function.identity()));
    }

    @Test
    void readsTheWeeksAndCycleWideDeadlinesOfIndri() throws Exception {
        Schedule s = IcsSchedule.parse(ScheduleFixtures.text("indri-schedule.ics"));
        assertThat(s.problems()).isEmpty();
        Map<String, ReleaseEntry> e = byId(s);
        List<ReleaseEntry> weeks = s.entries().stream().filter(x -> x.type() == ReleaseEntry.Type.WEEK).toList();
        assertThat(weeks).hasSize(25);
        ReleaseEntry r16 = e.get("indri/R-16");
        assertThat(r16.start()).isEqualTo(LocalDate.of(2026, 11, 30));
        assertThat(r16.end()).isEqualTo(LocalDate.of(2026, 12, 4)); // DTEND is the day after
        assertThat(r16.title()).isEqualTo("Indri R-16");
        ReleaseEntry m1 = e.get("indri/indri-1-milestone");
        assertThat(m1.type()).isEqualTo(ReleaseEntry.Type.DEADLINE);
        assertThat(m1.project()).isNull();
        assertThat(m1.week()).isEqualTo("R-18");
        assertThat(m1.due()).isEqualTo(LocalDate.of(2026, 11, 19)); // the schedule says: 19 November
        // Two events in one week, separated by an escaped semicolon in SUMMARY.
        assertThat(e.get("indri/indri-2-milestone").week()).isEqualTo("R-10");
        assertThat(e.get("indri/membership-freeze").week()).isEqualTo("R-10");
        // A title with parentheses of its own stays whole.
        assertThat(e.get("indri/ptg-virtual").title()).isEqualTo("PTG (virtual)");
        assertThat(e.get("indri/ptg-virtual").description()).contains("virtual PTG to plan the 2027.1 Indri release schedule");
        assertThat(e.get("indri/2027-1-indri-release").week()).isEqualTo("R+0");
        assertThat(e.get("indri/feature-freeze").due()).isEqualTo(LocalDate.of(2027, 2, 18));
    }

    @Test
    void readsHibiscusWithFoldedSummaries() throws Exception {
        Schedule s = IcsSchedule.parse(ScheduleFixtures.text("hibiscus-schedule.ics"));
        Map<String, ReleaseEntry> e = byId(s);
        assertThat(e.values().stream().filter(x -> x.type() == ReleaseEntry.Type.WEEK)).hasSize(26);
        assertThat(e.get("hibiscus/hibiscus-3-milestone").week()).isEqualTo("R-5");
        assertThat(e.get("hibiscus/requirements-freeze").week()).isEqualTo("R-5"); // inside a folded SUMMARY
        assertThat(e.get("hibiscus/rc1-target-week").start()).isEqualTo(LocalDate.of(2026, 9, 7));
        assertThat(e).doesNotContainKey("hibiscus/nova-spec-freeze"); // project-specific: not in the feed
    }

    @Test
    void anEventWithAnUnexpectedSummaryIsAProblemAndTheOthersAreKept() throws Exception {
        String feed = ScheduleFixtures.text("indri-schedule.ics").replace("SUMMARY:Indri R-22", "SUMMARY:Lunch with the PTL");
        Schedule s = IcsSchedule.parse(feed);
        assertThat(s.problems()).singleElement().asString().contains("Indri-R-22").contains("Lunch with the PTL");
        assertThat(byId(s)).doesNotContainKey("indri/R-22").containsKey("indri/R-21");
    }

    @Test
    void brokenFeedsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> IcsSchedule.parse("<html><body>Not found</body></html>"))
                .isInstanceOf(ScheduleFormatException.class).hasMessageContaining("not an iCalendar feed");
        assertThatThrownBy(() -> IcsSchedule.parse("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY;;;\n:::\nEND:VCALENDAR\n"))
                .isInstanceOf(ScheduleFormatException.class);
        assertThatThrownBy(() -> IcsSchedule.parse("BEGIN:VCALENDAR\r\nPRODID:x\r\nEND:VCALENDAR\r\n"))
                .isInstanceOf(ScheduleFormatException.class).hasMessageContaining("no schedule week");
        String badDate = ScheduleFixtures.text("indri-schedule.ics").replace("DTSTART;VALUE=DATE:20261005", "DTSTART;VALUE=DATE:2026-13-45");
        assertThatThrownBy(() -> {
            Schedule s = IcsSchedule.parse(badDate);
            // Either the library refuses the feed, or the one event is a problem.
            if (s.problems().isEmpty() || byId(s).containsKey("indri/R-24")) {
                throw new AssertionError("a bad date was read as a date");
            }
            throw new ScheduleFormatException("problem recorded: " + s.problems());
        }).isInstanceOf(ScheduleFormatException.class);
    }

    @Test
    void aTruncatedFeedIsRefused() {
        String full = ScheduleFixtures.text("indri-schedule.ics");
        for (int cut : new int[] {full.length() / 3, full.length() / 2, full.length() - 20}) {
            assertThatThrownBy(() -> IcsSchedule.parse(full.substring(0, cut)))
                    .as("cut at %d", cut).isInstanceOf(ScheduleFormatException.class);
        }
    }

    @Test
    void misEncodedTextIsReadAsTextNotRefused() throws Exception {
        // Latin-1 bytes read as UTF-8 come out as replacement characters: the week is still read.
        String feed = ScheduleFixtures.text("indri-schedule.ics").replace("SUMMARY:Indri R-7 (Extra-AC freeze)",
                "SUMMARY:Indri R-7 (Extra-AC freeze \uFFFD\uFFFDtude)");
        Schedule s = IcsSchedule.parse(feed);
        assertThat(byId(s).get("indri/R-7").start()).isEqualTo(LocalDate.of(2027, 2, 1));
        assertThat(s.entries()).anyMatch(x -> x.title().equals("Extra-AC freeze \uFFFD\uFFFDtude"));
    }

    @Test
    void anOversizedFeedIsBounded() throws Exception {
        StringBuilder sb = new StringBuilder("BEGIN:VCALENDAR\r\nPRODID:-//x//EN\r\nX-WR-CALNAME:Big schedule\r\n");
        LocalDate d = LocalDate.of(2000, 1, 3);
        for (int i = 0; i < IcsSchedule.MAX_EVENTS + 100; i++) {
            LocalDate start = d.plusWeeks(i);
            sb.append("BEGIN:VEVENT\r\nSUMMARY:Big R-").append(i).append(" (").append("x".repeat(i == 0 ? 5_000 : 3))
                    .append(")\r\nDTSTART;VALUE=DATE:").append(start.toString().replace("-", ""))
                    .append("\r\nDTEND;VALUE=DATE:").append(start.plusDays(5).toString().replace("-", ""))
                    .append("\r\nUID:big-").append(i).append("\r\nEND:VEVENT\r\n");
        }
        sb.append("END:VCALENDAR\r\n");
        Schedule s = IcsSchedule.parse(sb.toString());
        assertThat(s.problems()).anyMatch(p -> p.contains("more than " + IcsSchedule.MAX_EVENTS));
        assertThat(s.entries().stream().filter(x -> x.type() == ReleaseEntry.Type.WEEK)).hasSize(IcsSchedule.MAX_EVENTS);
        assertThat(s.entries()).allMatch(x -> x.title().length() <= ReleaseEntry.MAX_TITLE);
    }

    @Test
    void splitsTitlesOnlyOutsideParentheses() {
        assertThat(IcsSchedule.splitTitles("A; B (c; d); E")).containsExactly("A", "B (c; d)", "E");
    }
}
