package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.app.LinkService;
import dev.liaison.story.Link;
import dev.liaison.store.LinkStore;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relink reads and analyses every item once and ranks each story's candidates once, reusing
 * both: it must store exactly the links (kind, state, confidence, evidence, in order) and append
 * exactly the events of the plain relink, which reads and searches again each time.
 */
class RelinkReuseTest {

    @TempDir Path dir;

    private record Outcome(List<String> links, Map<String, Integer> byHow, long events, LinkService.Stats stats) {}

    private Outcome relink(Path home, boolean reuse) throws Exception {
        LiaisonHome h = new LiaisonHome(home);
        try (LiaisonRuntime runtime = h.open()) {
            runtime.store().items().upsert(NovaSpecFixtures.items());
        }
        assertThat(h.cli("stories", "import", NovaSpecFixtures.STORIES.resolve("development-proposals").toString()).exitCode()).isZero();
        assertThat(h.cli("stories", "import", NovaSpecFixtures.STORIES.resolve("user-stories").toString()).exitCode()).isZero();
        try (LiaisonRuntime runtime = h.open(); LinkService service = new LinkService(runtime.store(), Clock.systemUTC())) {
            long eventsBefore = runtime.store().events().count();
            LinkService.Stats stats = service.relinkAll(reuse);
            List<String> links = new ArrayList<>();
            Map<String, Integer> byHow = new TreeMap<>();
            new LinkStore(runtime.store()).forEachStored(s -> {
                Link l = s.link();
                links.add(l.toString());
                byHow.merge(l.how(), 1, Integer::sum);
            });
            links.sort(null);
            Outcome o = new Outcome(links, byHow, runtime.store().events().count() - eventsBefore, stats);

            if (reuse) {
                // Nothing changed since: the same relink again stores nothing and appends no event.
                LinkService.Stats again = service.relinkAll();
                assertThat(again.created()).isZero();
                assertThat(again.updated()).isZero();
                assertThat(again.events()).isZero();
                assertThat(runtime.store().events().count() - eventsBefore).isEqualTo(o.events());
            }
            return o;
        }
    }

    @Test
    void aRelinkReusingItsAnalysesStoresTheLinksAndEventsOfThePlainRelink() throws Exception {
        Outcome plain = relink(dir.resolve("plain"), false);
        Outcome reused = relink(dir.resolve("reused"), true);

        assertThat(plain.byHow()).as("the comparison covers every kind of link")
                .containsKeys(Link.SIMILAR, Link.DECLARED, Link.VIA);
        assertThat(plain.byHow().get(Link.SIMILAR)).isGreaterThan(20);
        assertThat(reused.links()).containsExactlyElementsOf(plain.links());
        assertThat(reused.events()).isEqualTo(plain.events());
        assertThat(reused.stats()).isEqualTo(plain.stats());
    }
}
