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
    private String summary;

    private record Outcome(List<String> links, Map<String, Integer> byHow, long events, LinkService.Stats stats) {}

    private Outcome relink(Path home, boolean reuse) throws Exception {
        return relink(home, reuse, Linker.PRESELECT_ROOM);
    }

    /** {@code room}: the candidates each story keeps from the items' side beyond its list's length. */
    private Outcome relink(Path home, boolean reuse, int room) throws Exception {
        LiaisonHome h = new LiaisonHome(home);
        try (LiaisonRuntime runtime = h.open()) {
            runtime.store().items().upsert(NovaSpecFixtures.items());
        }
        assertThat(h.cli("stories", "import", NovaSpecFixtures.STORIES.resolve("development-proposals").toString()).exitCode()).isZero();
        assertThat(h.cli("stories", "import", NovaSpecFixtures.STORIES.resolve("user-stories").toString()).exitCode()).isZero();
        try (LiaisonRuntime runtime = h.open(); LinkService service = new LinkService(runtime.store(), Clock.systemUTC())) {
            service.linker().preselectRoom(room);
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
                summary = service.linker().preselectSummary();
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

    @Test
    void storiesKeepingFewCandidatesFromTheItemsSideStillGetTheListsOfThePlainRelink() throws Exception {
        // Two candidates kept per story: stories with more let candidates go, and those whose kept
        // ones may not cover their list are searched as well (RelinkCandidatesTest covers the
        // rule). Either way the links must be the plain relink's.
        Outcome plain = relink(dir.resolve("plain"), false);
        Outcome reused = relink(dir.resolve("tight"), true, 2 - 10);

        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) stories kept only their best candidates, (\\d+) searched as well .*")
                .matcher(summary);
        assertThat(m.matches()).as(summary).isTrue();
        int pruned = Integer.parseInt(m.group(1));
        int searched = Integer.parseInt(m.group(2));
        assertThat(searched).as(summary).isPositive();
        assertThat(pruned).as(summary).isGreaterThanOrEqualTo(searched);
        assertThat(reused.links()).containsExactlyElementsOf(plain.links());
        assertThat(reused.events()).isEqualTo(plain.events());
        assertThat(reused.stats()).isEqualTo(plain.stats());
    }
}
