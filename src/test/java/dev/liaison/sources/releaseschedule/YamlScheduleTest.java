package dev.liaison.sources.releaseschedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.release.ReleaseEntry;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class YamlScheduleTest {

    private static Map<String, ReleaseEntry> byId(Schedule s) {
        return s.entries().stream().collect(Collectors.toMap(ReleaseEntry::id, Function.identity()));
    }

    @Test
    void readsTheProjectSpecificDeadlinesOfHibiscus() throws Exception {
        Schedule s = YamlSchedule.parse(ScheduleFixtures.text("hibiscus-schedule.yaml"), "hibiscus");
        assertThat(s.problems()).isEmpty();
        Map<String, ReleaseEntry> e = byId(s);
        assertThat(e.values().stream().filter(x -> x.type() == ReleaseEntry.Type.WEEK)).hasSize(26);
        ReleaseEntry freeze = e.get("hibiscus/nova-spec-freeze");
        assertThat(freeze.project()).isEqualTo("nova");
        assertThat(freeze.title()).isEqualTo("Nova Spec Freeze");
        assertThat(freeze.shortTitle()).isEqualTo("spec freeze");
        assertThat(freeze.week()).isEqualTo("R-16");
        assertThat(freeze.due()).isEqualTo(LocalDate.of(2026, 6, 11));
        assertThat(e.get("hibiscus/manila-spec-freeze").project()).isEqualTo("manila");
        // The same label in two weeks: two deadlines.
        assertThat(e.get("hibiscus/nova-spec-review-day").week()).isEqualTo("R-19");
        assertThat(e.get("hibiscus/nova-spec-review-day@R-17").week()).isEqualTo("R-17");
        // Cross-project events are the iCalendar feed's (it has their titles).
        assertThat(e.values()).noneMatch(x -> x.type() == ReleaseEntry.Type.DEADLINE && x.project() == null);
    }

    @Test
    void theWeeksAreTheSameAsTheFeedsWeeks() throws Exception {
        Set<String> fromYaml = YamlSchedule.parse(ScheduleFixtures.text("indri-schedule.yaml"), "indri").entries().stream()
                .filter(x -> x.type() == ReleaseEntry.Type.WEEK).map(x -> x.id() + " " + x.start() + " " + x.end())
                .collect(Collectors.toSet());
        Set<String> fromIcs = IcsSchedule.parse(ScheduleFixtures.text("indri-schedule.ics")).entries().stream()
                .filter(x -> x.type() == ReleaseEntry.Type.WEEK).map(x -> x.id() + " " + x.start() + " " + x.end())
                .collect(Collectors.toSet());
        assertThat(fromYaml).hasSize(25).isEqualTo(fromIcs);
    }

    @Test
    void brokenAndForeignInputIsRefused() {
        assertThatThrownBy(() -> YamlSchedule.parse("cycle: [\n  - start: '2026", "indri"))
                .isInstanceOf(ScheduleFormatException.class).hasMessageContaining("broken schedule YAML");
        assertThatThrownBy(() -> YamlSchedule.parse("releases:\n  - version: 1.0\n", "indri"))
                .isInstanceOf(ScheduleFormatException.class).hasMessageContaining("no 'cycle' list");
        assertThatThrownBy(() -> YamlSchedule.parse("<html>Not Found</html>", "indri"))
                .isInstanceOf(ScheduleFormatException.class);
        assertThatThrownBy(() -> YamlSchedule.parse(ScheduleFixtures.text("indri-schedule.yaml"), null))
                .isInstanceOf(ScheduleFormatException.class).hasMessageContaining("series");
    }

    @Test
    void aBadWeekIsAProblemAndTheOthersAreKept() throws Exception {
        String yaml = ScheduleFixtures.text("hibiscus-schedule.yaml").replace("start: '2026-06-08'", "start: 'next monday'");
        Schedule s = YamlSchedule.parse(yaml, "hibiscus");
        assertThat(s.problems()).singleElement().asString().contains("R-16").contains("next monday");
        assertThat(byId(s)).doesNotContainKey("hibiscus/R-16").doesNotContainKey("hibiscus/nova-spec-freeze")
                .containsKey("hibiscus/R-15");
    }

    @Test
    void aTruncatedFileGivesAtMostWhatTheWholeOneHasOrIsRefused() throws Exception {
        String full = ScheduleFixtures.text("hibiscus-schedule.yaml");
        Map<String, ReleaseEntry> all = byId(YamlSchedule.parse(full, "hibiscus"));
        for (int cut = 40; cut < full.length(); cut += 211) {
            try {
                Schedule s = YamlSchedule.parse(full.substring(0, cut), "hibiscus");
                // A label cut in the middle is still a label ("h-nova-spec-fr"): only the last
                // entry can be one the whole file does not have.
                for (ReleaseEntry e : s.entries().subList(0, s.entries().size() - 1)) {
                    assertThat(all).containsEntry(e.id(), e);
                }
            } catch (ScheduleFormatException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void misEncodedLabelsAreProblemsNotCrashes() throws Exception {
        String yaml = ScheduleFixtures.text("hibiscus-schedule.yaml").replace("h-manila-spec-freeze", "h-manila-sp\u00c3\u00a9c-freeze");
        Schedule s = YamlSchedule.parse(yaml, "hibiscus");
        assertThat(s.problems()).anyMatch(p -> p.contains("names no project event"));
        assertThat(byId(s)).containsKey("hibiscus/nova-spec-freeze");
    }

    @Test
    void anOversizedFileIsBounded() throws Exception {
        StringBuilder sb = new StringBuilder("cycle:\n");
        LocalDate d = LocalDate.of(2000, 1, 3);
        for (int i = 0; i < YamlSchedule.MAX_WEEKS + 50; i++) {
            sb.append("  - start: '").append(d.plusWeeks(i)).append("'\n    end: '").append(d.plusWeeks(i).plusDays(4))
                    .append("'\n    name: R-").append(i).append('\n');
        }
        Schedule s = YamlSchedule.parse(sb.toString(), "big");
        assertThat(s.entries()).hasSize(YamlSchedule.MAX_WEEKS);
        assertThat(s.problems()).anyMatch(p -> p.contains("more than " + YamlSchedule.MAX_WEEKS));
        assertThatThrownBy(() -> YamlSchedule.parse("cycle:\n  - name: R-1\n    start: '" + "9".repeat(200_000) + "'\n", "big"))
                .isInstanceOf(ScheduleFormatException.class);
    }
}
