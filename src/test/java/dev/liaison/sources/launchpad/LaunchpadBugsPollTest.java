package dev.liaison.sources.launchpad;

import dev.liaison.store.LaunchpadDetailQueue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** launchpad-bugs end to end through the command line against the loopback Launchpad. */
class LaunchpadBugsPollTest {

    static final long FIRST = 1_500_000;
    @TempDir Path dir;
    FakeLaunchpad lp;

    @AfterEach
    void stop() {
        if (lp != null) {
            lp.close();
        }
    }

    LiaisonHome home(String extraOptions) {
        return home(75, "    detail-rate: 60000\n" + extraOptions);
    }

    /** The bugs source with this page size and no detail requests. */
    LiaisonHome withoutDetails(int pageSize) {
        return home(pageSize, "    fetch-details: false\n");
    }

    /** The bugs source with this page size and these option lines (indented by four spaces). */
    LiaisonHome home(int pageSize, String options) {
        return new LiaisonHome(dir).sources("""
                sources:
                  - id: nova-bugs
                    kind: launchpad-bugs
                    url: %s
                    schedule: 30m
                    project: nova
                    page-size: %d
                %s""".formatted(lp.projectUrl(), pageSize, options));
    }

    @Test
    void backfillStoresEveryBugDrainsDetailsThenFollowsOnlyWhatChanged() throws Exception {
        lp = new FakeLaunchpad("nova").addBugs(FIRST, 200).start(0);
        LiaisonHome home = home("");

        LiaisonHome.Run first = home.cli("poll", "nova-bugs", "--once");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("poll nova-bugs: items new=200 changed=0").contains("requests=3 ")
                .contains("poll nova-bugs background: items new=0 changed=200").contains("requests=200 ");
        assertThat(lp.requests("searchTasks")).isEqualTo(3);
        assertThat(lp.requests("bug")).isEqualTo(200);

        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().countBySource("nova-bugs")).isEqualTo(200);
            long n = FIRST + (7 - FIRST % 7) % 7; // n % 7 == 0: its description says "Related-Bug: #<n-1>"
            Item b = runtime.store().items().find("bug:" + n).orElseThrow();
            assertThat(b.title()).isEqualTo("Instance " + n + " fails to boot after resize with volume attached");
            assertThat(b.statusRaw()).isEqualTo(lp.bug(n).status);
            assertThat(b.text()).contains("Steps to reproduce");
            assertThat(b.attributes().get("tags")).isEqualTo(List.of("compute", "volumes"));
            assertThat(b.refs()).extracting(Ref::target, Ref::relation)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("bug:" + (n - 1), "related"));
            long n13 = FIRST + (13 - FIRST % 13) % 13; // n % 13 == 0: it also has a task in the series nova/kilo
            Item b13 = runtime.store().items().find("bug:" + n13).orElseThrow();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> tasks = (List<Map<String, Object>>) b13.attributes().get("tasks");
            assertThat(tasks).extracting(t -> t.get("target")).containsExactly("nova", "nova/kilo");
            assertThat(b13.attributes().get("target")).isEqualTo("nova");
            assertThat(runtime.store().collection(LaunchpadDetailQueue.COLLECTION).countDocuments()).isZero();
        }

        // Ten bugs move; the next poll reads one page and ten bug resources.
        lp.resetCounts();
        for (int i = 0; i < 10; i++) {
            lp.changeStatus(FIRST + i * 3, "Fix Released".equals(lp.bug(FIRST + i * 3).status) ? "Confirmed" : "Fix Released");
        }
        LiaisonHome.Run second = home.cli("poll", "nova-bugs", "--once");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(lp.requests("searchTasks")).isLessThanOrEqualTo(2);
        assertThat(lp.requests("bug")).isEqualTo(10);
        assertThat(second.out()).contains("items new=0 changed=10 unchanged=0");
        try (LiaisonRuntime runtime = home.open()) {
            List<Event> moves = runtime.store().events().since(null, Event.ITEM_STATUS, 100);
            assertThat(moves).hasSize(10);
            Event e = moves.stream().filter(m -> m.itemId().equals("bug:" + FIRST)).findFirst().orElseThrow();
            assertThat(e.data()).containsEntry("to", lp.bug(FIRST).status);
            assertThat(runtime.store().items().find("bug:" + FIRST).orElseThrow().statusRaw()).isEqualTo(lp.bug(FIRST).status);
        }

        // Nothing moved: one page, no detail request, nothing changed.
        lp.resetCounts();
        LiaisonHome.Run third = home.cli("poll", "nova-bugs", "--once");
        assertThat(third.out()).contains("items new=0 changed=0 unchanged=10");
        assertThat(lp.requests("searchTasks")).isEqualTo(1);
        assertThat(lp.requests("bug")).isZero();
    }

    @Test
    void aBugWhoseTasksStraddleTwoPagesIsOneItemWithBothTasks() throws Exception {
        lp = new FakeLaunchpad("nova").addBugs(FIRST, 120).start(0);
        // The first bug with a series task; a page ends right after its project task, so the series
        // task opens the next page (which is merged while the first page is still being written).
        long n13 = FIRST + (13 - FIRST % 13) % 13;
        int pageSize = (int) (n13 - FIRST) + 1;
        LiaisonHome home = withoutDetails(pageSize);
        LiaisonHome.Run run = home.cli("poll", "nova-bugs", "--once");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=120 changed=0 unchanged=0 ").contains("events=120 ");
        try (LiaisonRuntime runtime = home.open()) {
            Item bug = runtime.store().items().find("bug:" + n13).orElseThrow();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> tasks = (List<Map<String, Object>>) bug.attributes().get("tasks");
            assertThat(tasks).extracting(t -> t.get("target")).containsExactly("nova", "nova/kilo");
            assertThat(runtime.store().events().since(null, Event.ITEM_NEW, 1000))
                    .filteredOn(e -> e.itemId().equals("bug:" + n13)).hasSize(1);
        }
        // Nothing moved: the same pages again change nothing.
        LiaisonHome.Run again = home.cli("poll", "nova-bugs", "--once", "--since", "2000-01");
        assertThat(again.out()).contains("items new=0 changed=0 unchanged=120 ");
    }

    @Test
    void detailQueueSurvivesARestartAndIsDrainedByTheNextRun() throws Exception {
        lp = new FakeLaunchpad("nova").addBugs(FIRST, 30).start(0);
        LiaisonHome home = home("");
        LiaisonHome.Run first = home.cli("poll", "nova-bugs", "--once", "--no-background");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).doesNotContain("background");
        assertThat(lp.requests("bug")).isZero();
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(new LaunchpadDetailQueue(runtime.store(), "nova-bugs").pending()).isEqualTo(30);
            // The 30 new bugs came on one collection page: one queue document holds their requests.
            assertThat(runtime.store().collection(LaunchpadDetailQueue.COLLECTION).countDocuments()).isEqualTo(1);
            assertThat(runtime.store().items().find("bug:" + FIRST).orElseThrow().text()).isEmpty();
        }
        LiaisonHome.Run second = home.cli("poll", "nova-bugs", "--once");
        assertThat(second.out()).contains("poll nova-bugs: items new=0 changed=0 unchanged=0")
                .contains("poll nova-bugs background: items new=0 changed=30");
        assertThat(lp.requests("bug")).isEqualTo(30);
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().collection(LaunchpadDetailQueue.COLLECTION).countDocuments()).isZero();
            assertThat(runtime.store().items().find("bug:" + FIRST).orElseThrow().text()).contains("Steps to reproduce");
        }
    }

    @Test
    void aCollectionOfFiftyThousandEntriesIsReadPageByPage() throws Exception {
        lp = new FakeLaunchpad("nova").addBugs(FIRST, 50_000).start(0);
        LiaisonHome home = withoutDetails(300);
        LiaisonHome.Run run = home.cli("poll", "nova-bugs", "--once", "--no-background");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("items new=50000 ");
        long seriesTasks = java.util.stream.LongStream.range(FIRST, FIRST + 50_000).filter(n -> n % 13 == 0).count();
        assertThat(lp.requests("searchTasks")).isEqualTo((50_000 + seriesTasks + 299) / 300); // pages of tasks
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().countBySource("nova-bugs")).isEqualTo(50_000);
            assertThat(runtime.store().events().count(Event.ITEM_NEW)).isEqualTo(50_000);
        }
    }
}
