package dev.liaison.sources.launchpad;

import dev.liaison.store.LaunchpadDetailQueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** launchpad-blueprints end to end, and both Launchpad kinds running in the daemon. */
class LaunchpadBlueprintsAndDaemonTest {

    static final long FIRST = 1_600_000;
    @TempDir Path dir;
    FakeLaunchpad lp;

    @AfterEach
    void stop() {
        if (lp != null) {
            lp.close();
        }
    }

    String sources(String schedule) {
        return """
                sources:
                  - id: nova-bugs
                    kind: launchpad-bugs
                    url: %s
                    schedule: %s
                    project: nova
                    detail-rate: 60000
                  - id: nova-blueprints
                    kind: launchpad-blueprints
                    url: %s
                    schedule: %s
                    project: nova
                    detail-rate: 60000
                """.formatted(lp.projectUrl(), schedule, lp.projectUrl(), schedule);
    }

    @Test
    void blueprintsAreReadWholeEachPollAndOnlyChangesMakeEvents() throws Exception {
        lp = new FakeLaunchpad("nova").addBugs(FIRST, 50).addBlueprints(120).start(0);
        LiaisonHome home = new LiaisonHome(dir).sources(sources("12h"));

        LiaisonHome.Run first = home.cli("poll", "nova-blueprints", "--once");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("poll nova-blueprints: items new=120 changed=0 unchanged=0 requests=2 ")
                .contains("poll nova-blueprints background: items new=0 changed=24 unchanged=96 requests=120 ");
        FakeLaunchpad.Blueprint bp0 = lp.blueprint(0);
        try (LiaisonRuntime runtime = home.open()) {
            Item item = runtime.store().items().find("bp:nova/" + bp0.name()).orElseThrow();
            assertThat(item.kind()).isEqualTo("blueprint");
            assertThat(item.title()).isEqualTo(bp0.title());
            assertThat(item.url()).isEqualTo("https://blueprints.launchpad.net/nova/+spec/" + bp0.name());
            assertThat(item.release()).isNull();
            assertThat(item.milestone()).isEqualTo(bp0.release() + "-3");
            assertThat(item.attributes()).containsEntry("specificationUrl", bp0.specUrl());
            String spec = bp0.specUrl().replaceFirst(".*/specs/([^/]+)/[a-z]+/([^/]+)\\.html", "spec:nova/$2");
            assertThat(item.refs()).extracting(Ref::type, Ref::target, Ref::relation).containsExactly(
                    tuple("spec", spec, "specification"), tuple("bug", "bug:" + FIRST, "linked"));
        }

        // The same blueprints again: read whole (one pass), nothing changed, no linked-bug requests.
        lp.resetCounts();
        LiaisonHome.Run second = home.cli("poll", "nova-blueprints", "--once");
        assertThat(second.out()).contains("items new=0 changed=0 unchanged=120 requests=2 ")
                .contains("background: items new=0 changed=0 unchanged=0 requests=0 ");
        assertThat(lp.requests("spec-bugs")).isZero();

        // One blueprint is implemented: one change, one status event, one linked-bug request.
        FakeLaunchpad.Blueprint bp1 = lp.blueprint(1);
        lp.setBlueprint(1, new FakeLaunchpad.Blueprint(bp1.name(), bp1.title(), bp1.specUrl(), bp1.release(),
                "Approved", "Implemented", "Complete", bp1.bugs()));
        LiaisonHome.Run third = home.cli("poll", "nova-blueprints", "--once");
        assertThat(third.out()).contains("items new=0 changed=1 unchanged=119 ");
        assertThat(lp.requests("spec-bugs")).isEqualTo(1);
        try (LiaisonRuntime runtime = home.open()) {
            List<Event> moves = runtime.store().events().since(null, Event.ITEM_STATUS, 10);
            assertThat(moves).singleElement().satisfies(e -> {
                assertThat(e.itemId()).isEqualTo("bp:nova/" + bp1.name());
                assertThat(e.data()).containsEntry("from", "Approved / Started / Started")
                        .containsEntry("to", "Approved / Implemented / Complete")
                        .containsEntry("fromNormalised", "in-progress").containsEntry("toNormalised", "fixed");
            });
        }
    }

    @Test
    void theDaemonPollsBothKindsAndDrainsTheDetailQueueInTheBackground() throws Exception {
        lp = new FakeLaunchpad("nova").addBugs(FIRST, 40).addBlueprints(10).start(0);
        // The first polls start 1.5 s after start-up: time enough to set up the notifiers.
        LiaisonHome home = new LiaisonHome(dir).properties("liaison.poll.initial-delay=1500ms\n").sources(sources("1h"));
        try (LiaisonRuntime runtime = home.open(); Daemon daemon = new Daemon(runtime)) {
            daemon.start();
            NotifyBuilder bugs = new NotifyBuilder(daemon.camelContext()).fromRoute("nova-bugs").whenDone(1).create();
            NotifyBuilder bps = new NotifyBuilder(daemon.camelContext()).fromRoute("nova-blueprints").whenDone(1).create();
            assertThat(bugs.matches(20, TimeUnit.SECONDS)).isTrue();
            assertThat(bps.matches(20, TimeUnit.SECONDS)).isTrue();
            assertThat(runtime.store().items().countBySource("nova-bugs")).isEqualTo(40);
            assertThat(runtime.store().items().countBySource("nova-blueprints")).isEqualTo(10);
            // The background queue drains on its own thread: wait (bounded) until it is empty.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (runtime.store().collection(LaunchpadDetailQueue.COLLECTION).countDocuments() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(runtime.store().collection(LaunchpadDetailQueue.COLLECTION).countDocuments()).isZero();
            assertThat(lp.requests("bug")).isEqualTo(40);
            assertThat(runtime.store().items().find("bug:" + FIRST).orElseThrow().text()).contains("Steps to reproduce");
        }
    }
}
