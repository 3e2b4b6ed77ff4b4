package dev.liaison.digest;

import dev.liaison.mailing.Subscriber;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.sources.releaseschedule.IcsSchedule;
import dev.liaison.sources.releaseschedule.YamlSchedule;
import dev.liaison.store.ReleaseScheduleStore;
import dev.liaison.store.Store;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A digest says where each project of a followed story is in its release cycle (real Hibiscus schedule). */
class DigestReleasePositionTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/release-schedule");

    @TempDir Path dir;

    private static Document link(String story, String item, String state, String how) {
        return new Document("_id", story + "|" + item).append("story", story).append("item", item).append("state", state)
                .append("how", how).append("confidence", 0.9);
    }

    @Test
    void theDigestShowsTheReleasePositionOfTheProjectsOfAFollowedStory() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        // Friday of Hibiscus R-17, 10:00 in Paris.
        Instant until = Instant.parse("2026-06-05T08:00:00Z");
        try (LiaisonRuntime runtime = home.open()) {
            Store store = runtime.store();
            ReleaseScheduleStore schedules = new ReleaseScheduleStore(store);
            schedules.replace("hibiscus-schedule", IcsSchedule.parse(Files.readString(FIXTURES.resolve("hibiscus-schedule.ics"))).entries(), until);
            schedules.replace("hibiscus-deadlines", YamlSchedule.parse(Files.readString(FIXTURES.resolve("hibiscus-schedule.yaml")),
                    "hibiscus").entries(), until);
            store.collection(Store.STORIES).insertMany(List.of(
                    new Document("_id", "rolling-upgrades").append("title", "Rolling upgrades").append("projects", List.of())
                            .append("tags", List.of()),
                    new Document("_id", "quotas").append("title", "Quotas").append("projects", List.of("manila"))
                            .append("tags", List.of())));
            store.collection(Store.LINKS).insertMany(List.of(
                    link("rolling-upgrades", "spec:nova/online-schema-changes", "confirmed", "declared"),
                    link("rolling-upgrades", "bp:cinder/rolling-upgrades", "suggested", "declared"),
                    // A mere suggestion does not make glance a project of the story; a mail is no project.
                    link("rolling-upgrades", "spec:glance/image-upgrades", "suggested", "similar"),
                    link("rolling-upgrades", "mail:openstack-dev/2015-August/000001", "confirmed", "mentioned")));
            store.events().append(List.of(new Event("link.new:rolling-upgrades|spec:nova/online-schema-changes", "link.new",
                    until.minusSeconds(3600), "linker", "spec:nova/online-schema-changes",
                    Map.of("story", "rolling-upgrades", "how", "declared", "confidence", 1.0, "state", "confirmed",
                            "evidence", "the story names it"))));

            Subscriber owner = new Subscriber("owner@example.org", "Owner", ZoneId.of("Europe/Paris"), 8,
                    List.of("rolling-upgrades"), List.of(), List.of(), List.of(), List.of(), true, "t0k");
            Subscriber other = new Subscriber("other@example.org", "Other", ZoneId.of("UTC"), 8,
                    List.of("quotas"), List.of(), List.of(), List.of(), List.of(), true, "t1k");
            DigestComposer composer = new DigestComposer(store, "http://liaison.example", Map.of());
            List<Digest> digests = composer.compose(List.of(new DigestComposer.Work(owner, "2026-06-05", until.minusSeconds(86_400)),
                    new DigestComposer.Work(other, "2026-06-05", until.minusSeconds(86_400))), until);

            Digest d = digests.get(0);
            assertThat(d.releasePositions()).extracting(Digest.ReleaseLine::line).containsExactly(
                    "cinder: Hibiscus-2 milestone in 27 days (2026-07-02); Hibiscus R-17",
                    "nova: spec freeze in 6 days (2026-06-11); Hibiscus R-17");
            MailRenderer.Rendered mail = new MailRenderer().digest(d, "http://liaison.example/unsubscribe/t0k");
            assertThat(mail.text()).contains("Release cycle\n* cinder: Hibiscus-2 milestone in 27 days (2026-07-02); Hibiscus R-17\n"
                    + "* nova: spec freeze in 6 days (2026-06-11); Hibiscus R-17\n");
            assertThat(mail.html()).contains("<li>nova: spec freeze in 6 days (2026-06-11); Hibiscus R-17</li>");
            // Positions are context, not news: the other subscriber has nothing new, so no digest to send.
            Digest quiet = digests.get(1);
            assertThat(quiet.releasePositions()).extracting(Digest.ReleaseLine::line)
                    .containsExactly("manila: spec freeze in 6 days (2026-06-11); Hibiscus R-17");
            assertThat(quiet.isEmpty()).isTrue();
        }
    }

    @Test
    void withoutAScheduleTheDigestHasNoReleaseLines() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        try (LiaisonRuntime runtime = home.open()) {
            Subscriber owner = new Subscriber("owner@example.org", "Owner", ZoneId.of("UTC"), 8, List.of(), List.of("nova"),
                    List.of(), List.of(), List.of(), true, "t0k");
            Digest d = new DigestComposer(runtime.store(), "http://liaison.example", Map.of())
                    .compose(List.of(new DigestComposer.Work(owner, "2026-06-05", Instant.parse("2026-06-04T00:00:00Z"))),
                            Instant.parse("2026-06-05T00:00:00Z")).get(0);
            assertThat(d.releasePositions()).isEmpty();
            assertThat(new MailRenderer().digest(d, "http://x/unsubscribe/t").text()).doesNotContain("Release cycle");
        }
    }
}
