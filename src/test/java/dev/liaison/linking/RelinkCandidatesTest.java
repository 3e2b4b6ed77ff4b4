package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A relink's candidates from the items' side: each story keeps its best few, in the order lists
 * rank (score capped and rounded, then the smaller id), and a list made from the kept ones is
 * trusted only when nothing let go could have entered it.
 */
class RelinkCandidatesTest {

    private static final double SHOWN = 0.3;

    private static Scored match(String item, double cosine) {
        return new Scored(item, cosine, null);
    }

    @Test
    void aStoryKeepsItsBestCandidatesInRankOrder() {
        RelinkCandidates c = new RelinkCandidates(2, id -> List.of());
        c.add("s", "spec:nova/c", 0.40);
        c.add("s", "spec:nova/a", 0.35);
        c.add("s", "spec:nova/b", 0.70); // above the cap: ranks as 0.5
        c.add("s", "spec:nova/d", 0.60); // 0.5 as well: ranks after b (the smaller id first)
        c.add("t", "spec:nova/a", 0.20);

        assertThat(c.of("s")).containsExactly("spec:nova/b", "spec:nova/d");
        assertThat(c.of("t")).containsExactly("spec:nova/a");
        assertThat(c.of("nobody")).isEmpty();
    }

    @Test
    void aFullListIsTrustedOnlyWhenItsLastEntryRanksAboveEverythingLetGo() {
        RelinkCandidates c = new RelinkCandidates(2, id -> List.of());
        for (Map.Entry<String, Double> e : Map.of("spec:nova/a", 0.45, "spec:nova/b", 0.44, "spec:nova/c", 0.41, "spec:nova/d", 0.40).entrySet()) {
            c.add("s", e.getKey(), e.getValue());
        }
        // kept: a, b; let go: c (0.41), d (0.40)
        assertThat(c.covers("s", List.of(match("spec:nova/a", 0.45), match("spec:nova/b", 0.44)), 2, SHOWN)).isTrue();
        // b decided meanwhile: the list's last entry would be one let go
        assertThat(c.covers("s", List.of(match("spec:nova/a", 0.45)), 2, SHOWN)).isFalse();
        // a last entry scoring the same as one let go, with a larger id: not trusted
        assertThat(c.covers("s", List.of(match("spec:nova/a", 0.45), match("spec:nova/z", 0.41)), 2, SHOWN)).isFalse();
        // the same score with a smaller id: it ranks above
        assertThat(c.covers("s", List.of(match("spec:nova/a", 0.45), match("spec:nova/b", 0.41)), 2, SHOWN)).isTrue();
        // a story that let nothing go is always trusted
        c.add("t", "spec:nova/a", 0.45);
        assertThat(c.covers("t", List.of(), 2, SHOWN)).isTrue();
    }

    @Test
    void aListThatIsNotFullIsTrustedOnlyWhenNothingLetGoCouldBeShown() {
        RelinkCandidates low = new RelinkCandidates(1, id -> List.of());
        low.add("s", "spec:nova/a", 0.45);
        low.add("s", "spec:nova/b", 0.25); // let go, below the bar
        assertThat(low.covers("s", List.of(), 3, SHOWN)).isTrue();

        RelinkCandidates high = new RelinkCandidates(1, id -> List.of());
        high.add("s", "spec:nova/a", 0.45);
        high.add("s", "spec:nova/b", 0.35); // let go, could be shown
        assertThat(high.covers("s", List.of(match("spec:nova/a", 0.45)), 3, SHOWN)).isFalse();
    }

    @Test
    void theTwinsOfWhatWasLetGoCountToo() {
        // Both score 0.5 (capped), a is kept (the smaller id), b let go. b's blueprint twin would
        // score 0.8 x 0.7 = 0.56, capped to 0.5 as well, under an id that ranks before every spec.
        RelinkCandidates twinned = new RelinkCandidates(1, id -> id.equals("spec:nova/b") ? List.of("bp:nova/b") : List.of());
        twinned.add("s", "spec:nova/a", 0.9);
        twinned.add("s", "spec:nova/b", 0.7);
        List<Scored> top = List.of(match("spec:nova/a", 0.9), match("spec:nova/ab", 0.6));
        assertThat(twinned.covers("s", top, 2, SHOWN)).isFalse();

        RelinkCandidates single = new RelinkCandidates(1, id -> List.of());
        single.add("s", "spec:nova/a", 0.9);
        single.add("s", "spec:nova/b", 0.7);
        assertThat(single.covers("s", top, 2, SHOWN)).isTrue(); // spec:nova/ab ranks before spec:nova/b
        assertThat(single.covers("s", List.of(match("spec:nova/a", 0.9), match("spec:nova/c", 0.6)), 2, SHOWN)).isFalse();
    }

    @Test
    void aCosineAHairBelowARoundingStepMayRankAsTheNextStep() {
        // the story side sums in another order and precision: 0.3449999999 there may be 0.345
        assertThat(RelinkCandidates.mostScore(0.3449999999)).isEqualTo(0.35);
        assertThat(RelinkCandidates.mostScore(0.344)).isEqualTo(0.34);
    }
}
