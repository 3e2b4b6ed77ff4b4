package dev.liaison.digest;

import dev.liaison.mailing.Subscriber;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class DigestScheduleTest {

    static Subscriber at(String zone, int hour) {
        return new Subscriber("owner@example.org", "Owner", ZoneId.of(zone), hour, List.of(), List.of(), List.of(),
                List.of(), List.of(), true, "t");
    }

    @Test
    void dueAtTheSubscribersHourInTheirTimezone() {
        Subscriber berlin = at("Europe/Berlin", 8);
        assertThat(DigestSchedule.dueAt(berlin, LocalDate.parse("2026-11-24"))).isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
        assertThat(DigestSchedule.dueAt(berlin, LocalDate.parse("2026-07-01"))).isEqualTo(Instant.parse("2026-07-01T06:00:00Z"));
        assertThat(DigestSchedule.duePeriod(berlin, null, Instant.parse("2026-11-24T06:59:59Z"))).isEmpty();
        assertThat(DigestSchedule.duePeriod(berlin, null, Instant.parse("2026-11-24T07:00:00Z"))).contains("2026-11-24");
        assertThat(DigestSchedule.duePeriod(berlin, "2026-11-24", Instant.parse("2026-11-24T20:00:00Z"))).isEmpty();
        assertThat(DigestSchedule.duePeriod(berlin, "2026-11-24", Instant.parse("2026-11-25T07:00:01Z"))).contains("2026-11-25");
    }

    @Test
    void daylightSavingChangesKeepTheLocalHour() {
        // Europe/Berlin springs forward on 2026-03-29 (02:00 -> 03:00) and falls back on 2026-10-25 (03:00 -> 02:00).
        Subscriber eight = at("Europe/Berlin", 8);
        assertThat(DigestSchedule.dueAt(eight, LocalDate.parse("2026-03-28"))).isEqualTo(Instant.parse("2026-03-28T07:00:00Z"));
        assertThat(DigestSchedule.dueAt(eight, LocalDate.parse("2026-03-29"))).isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
        assertThat(DigestSchedule.dueAt(eight, LocalDate.parse("2026-10-25"))).isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
        // 02:00 does not exist on 2026-03-29: the digest comes at 03:00 local, the first instant after the gap.
        assertThat(DigestSchedule.dueAt(at("Europe/Berlin", 2), LocalDate.parse("2026-03-29"))).isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
        // 02:00 happens twice on 2026-10-25: the first time counts, and the second does not send again.
        Subscriber two = at("Europe/Berlin", 2);
        assertThat(DigestSchedule.dueAt(two, LocalDate.parse("2026-10-25"))).isEqualTo(Instant.parse("2026-10-25T00:00:00Z"));
        assertThat(DigestSchedule.duePeriod(two, "2026-10-25", Instant.parse("2026-10-25T01:00:00Z"))).isEmpty();
    }

    @Test
    void aDayTheDaemonWasDownIsCoveredByTheNextDigest() {
        Subscriber s = at("America/New_York", 9);
        // Last digest on the 20th; the daemon comes back on the 24th at 10:00 local: one digest, for the 24th.
        assertThat(DigestSchedule.duePeriod(s, "2026-11-20", Instant.parse("2026-11-24T15:00:00Z"))).contains("2026-11-24");
    }
}
