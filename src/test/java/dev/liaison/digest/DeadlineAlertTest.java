package dev.liaison.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.sources.releaseschedule.IcsSchedule;
import dev.liaison.sources.releaseschedule.YamlSchedule;
import dev.liaison.store.ReleaseScheduleStore;
import dev.liaison.store.Store;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A subscriber asks for an alert N days before a release deadline of a project they follow: it comes once, ever. */
class DeadlineAlertTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/release-schedule");

    @TempDir Path dir;

    private static DeadlineAlertService service(LiaisonRuntime runtime, Instant now) {
        Store store = runtime.store();
        return new DeadlineAlertService(new ReleaseScheduleStore(store), runtime.mail().subscribers(), runtime.mail().outbox(),
                new DigestComposer(store, "http://liaison.example", Map.of()), new MailRenderer(), "http://liaison.example",
                "example.org", Clock.fixed(now, ZoneOffset.UTC));
    }

    private static List<Document> deadlineMails(LiaisonRuntime runtime) {
        return runtime.store().collection(Store.OUTBOX).find(new Document("kind", "deadline")).into(new ArrayList<>());
    }

    @Test
    void anAlertComesNDaysBeforeADeadlineOfAFollowedProjectOnceEvenAfterARestart() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        Files.writeString(home.config().resolve("subscribers.yaml"), """
                subscribers:
                  - address: nova-lead@example.org
                    projects: [nova]
                    deadline-alert-days: 7
                  - address: quiet@example.org
                    projects: [nova]
                """);
        Instant friday = Instant.parse("2026-06-05T08:00:00Z"); // Hibiscus R-17
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.mail().syncSubscribers()).isEmpty();
            ReleaseScheduleStore schedules = new ReleaseScheduleStore(runtime.store());
            schedules.replace("hibiscus-schedule", IcsSchedule.parse(Files.readString(FIXTURES.resolve("hibiscus-schedule.ics"))).entries(), friday);
            schedules.replace("hibiscus-deadlines", YamlSchedule.parse(Files.readString(FIXTURES.resolve("hibiscus-schedule.yaml")),
                    "hibiscus").entries(), friday);

            assertThat(service(runtime, friday).run()).isEqualTo(1);
            assertThat(service(runtime, friday.plusSeconds(3600)).run()).as("the next hour").isZero();
            List<Document> mails = deadlineMails(runtime);
            assertThat(mails).singleElement().satisfies(m -> {
                assertThat(m.getString("subscriber")).isEqualTo("nova-lead@example.org");
                assertThat(m.getString("key")).isEqualTo("deadline:hibiscus/nova-spec-freeze");
                assertThat(m.getString("subject")).isEqualTo("Liaison: nova: Spec Freeze in 6 days (2026-06-11)");
                assertThat(m.getString("text")).contains("Nova Spec Freeze: in 6 days (2026-06-11, Hibiscus R-16")
                        .contains("It concerns nova, which you follow.").contains("/unsubscribe/");
            });
        }
        // A restart: the state is the store's, nothing is sent twice.
        try (LiaisonRuntime runtime = home.open()) {
            runtime.mail().syncSubscribers();
            assertThat(service(runtime, friday.plusSeconds(7200)).run()).isZero();
            // Three weeks later: the cycle's Hibiscus-2 milestone and membership freeze (R-13, due 2026-07-02).
            assertThat(service(runtime, Instant.parse("2026-06-26T06:00:00Z")).run()).isEqualTo(2);
            assertThat(deadlineMails(runtime)).extracting(m -> m.getString("key")).containsExactlyInAnyOrder(
                    "deadline:hibiscus/nova-spec-freeze", "deadline:hibiscus/hibiscus-2-milestone",
                    "deadline:hibiscus/membership-freeze");
            assertThat(deadlineMails(runtime)).noneMatch(m -> m.getString("subscriber").equals("quiet@example.org"));
        }
    }

    @Test
    void theDaysAreCheckedWhereTheyAreSet() {
        assertThatThrownBy(() -> SubscribersFile.subscriber(Map.of("address", "a@example.org", "deadline-alert-days", 400), id -> true))
                .hasMessageContaining("deadline-alert-days");
        assertThatThrownBy(() -> SubscribersFile.subscriber(Map.of("address", "a@example.org", "deadline-alert-days", "soon"), id -> true))
                .hasMessageContaining("deadline-alert-days");
        assertThat(SubscribersFile.subscriber(Map.of("address", "a@example.org", "deadline-alert-days", 7), id -> true)
                .deadlineAlertDays()).isEqualTo(7);
    }
}
