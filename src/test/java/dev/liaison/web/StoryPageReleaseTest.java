package dev.liaison.web;

import dev.liaison.mailing.Subscriber;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.release.ReleaseEntry;
import dev.liaison.store.ReleaseScheduleStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The story page says where each of the story's projects is in its release cycle, escaped. */
class StoryPageReleaseTest {

    @TempDir Path dir;

    @Test
    void theStoryPageShowsTheReleasePositionOfEachProject() throws Exception {
        try (WebFixture web = new WebFixture(dir)) {
            // The daemon's clock is the real one: a schedule around today.
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            LocalDate nextMonday = monday.plusWeeks(1);
            new ReleaseScheduleStore(web.runtime.store()).replace("test-schedule", List.of(
                    new ReleaseEntry("zeta/R-5", "zeta", ReleaseEntry.Type.WEEK, null, "Zeta R-5", "R-5", monday, monday.plusDays(4), null),
                    new ReleaseEntry("zeta/R-4", "zeta", ReleaseEntry.Type.WEEK, null, "Zeta R-4", "R-4", nextMonday, nextMonday.plusDays(4), null),
                    new ReleaseEntry("zeta/feature-freeze", "zeta", ReleaseEntry.Type.DEADLINE, null, "Feature <b>freeze</b>", "R-4",
                            nextMonday, nextMonday.plusDays(4), null),
                    new ReleaseEntry("zeta/cinder-spec-freeze", "zeta", ReleaseEntry.Type.DEADLINE, "cinder", "Cinder Spec Freeze", "R-5",
                            monday.plusDays(6), monday.plusDays(6), null)), Instant.now());
            long toFreeze = ChronoUnit.DAYS.between(today, nextMonday.plusDays(3));
            String thisWeek = today.isAfter(monday.plusDays(6)) ? "R-4" : "R-5";

            HttpResponse<String> page = web.get("/stories/rolling-upgrades");

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<h2>Release cycle</h2>")
                    .contains("<li>cinder: spec freeze " + (ChronoUnit.DAYS.between(today, monday.plusDays(6)) <= 1 ? "" : "in "))
                    .contains("<li>nova: Feature &lt;b&gt;freeze&lt;/b&gt; in " + toFreeze + " days (" + nextMonday.plusDays(3)
                            + "); Zeta " + thisWeek + "</li>")
                    .doesNotContain("<b>freeze</b>");

            // A subscriber asks for deadline alerts through the API; a bad number is refused.
            String token = web.runtime.mail().subscribers().save(new dev.liaison.mailing.Subscriber("pm@example.org", "PM",
                    java.time.ZoneId.of("UTC"), 8, List.of("rolling-upgrades"), List.of(), List.of(), List.of(), List.of(), true, null),
                    "config", Instant.now()).token();
            HttpResponse<String> set = web.send("PUT", "/api/subscription/" + token, "{\"deadline-alert-days\": 7}", null);
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            assertThat(set.body()).contains("\"deadline-alert-days\":7");
            assertThat(web.runtime.mail().subscribers().find("pm@example.org").orElseThrow().subscriber().deadlineAlertDays()).isEqualTo(7);
            HttpResponse<String> bad = web.send("PUT", "/api/subscription/" + token, "{\"deadline-alert-days\": 365}", null);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("deadline-alert-days");
        }
    }
}
