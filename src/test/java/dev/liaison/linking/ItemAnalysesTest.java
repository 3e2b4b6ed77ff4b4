package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a relink keeps of an item must give back exactly what analysing it again would. */
class ItemAnalysesTest {

    private final TextVectors vectors = new TextVectors();

    @Test
    void termFrequenciesComeBackInTheSameOrderAndWeighTheSameToTheLastBit() {
        StringBuilder text = new StringBuilder("Live migration of instances with attached volumes. ");
        for (int i = 0; i < 300; i++) {
            text.append("upgrade "); // a count above 255
        }
        for (int i = 0; i < 400; i++) {
            text.append("term").append((char) ('a' + i % 26)).append((char) ('a' + i / 26)).append(' ');
        }
        Item item = Item.builder("spec:nova/live-migration", "spec").project("nova").title("Live migration").text(text.toString()).build();
        Map<String, Integer> tf = vectors.analyze(item.title(), item.text()).tf();
        vectors.count(tf);
        ItemAnalyses kept = new ItemAnalyses();
        kept.add(item, tf, Set.of("live migration"), List.of(new Ref(Ref.STORY, "story:live-migration", null, "User-Story: live-migration"),
                new Ref(Ref.SPEC, "spec:nova/other", null, "other")));

        Map<String, Integer> back = kept.tf(item.id());
        assertThat(back).isEqualTo(tf);
        assertThat(back.get("upgrad")).isEqualTo(300);
        assertThat(new ArrayList<>(back.keySet())).containsExactlyElementsOf(new ArrayList<>(tf.keySet()));
        Map<String, Double> w1 = vectors.weights(tf);
        Map<String, Double> w2 = vectors.weights(back);
        assertThat(new ArrayList<>(w2.entrySet())).containsExactlyElementsOf(new ArrayList<>(w1.entrySet()));

        assertThat(kept.item(item.id()).project()).isEqualTo("nova");
        assertThat(kept.kind(item.id())).isEqualTo("spec");
        assertThat(kept.phrases(item.id())).containsExactly("live migration");
        assertThat(kept.storyRefs(item.id())).extracting(Ref::target).containsExactly("story:live-migration");
        assertThat(kept.batches()).containsExactly(List.of(item.id()));
    }

    @Test
    void unknownItemsAndEmptyTextsAreHandled() {
        ItemAnalyses kept = new ItemAnalyses();
        Item empty = Item.builder("bug:1", "bug").title("").text("").build();
        kept.startBatch();
        kept.add(empty, vectors.analyze(empty.title(), empty.text()).tf(), Set.of(), List.of());
        assertThat(kept.tf("bug:1")).isEmpty();
        assertThat(kept.item("bug:1").project()).isNull();
        assertThat(kept.tf("bug:2")).isNull();
        assertThat(kept.item("bug:2")).isNull();
        kept.clear();
        assertThat(kept.size()).isZero();
        assertThat(kept.batches()).isEmpty();
    }

    @Test
    void puttingAnItemsReferencesAgainLeavesTheGraphAsPuttingThemAgainWould() {
        ItemGraph a = new ItemGraph(id -> true);
        ItemGraph b = new ItemGraph(id -> true);
        for (ItemGraph g : List.of(a, b)) {
            g.put("spec:nova/x", List.of(new Ref(Ref.BLUEPRINT, "bp:nova/x", null, "bp")));
            g.put("bug:1", List.of(new Ref(Ref.BLUEPRINT, "bp:nova/x", null, "bp"), new Ref(Ref.SPEC, "spec:nova/x", null, "s")));
            g.put("bug:2", List.of(new Ref(Ref.BLUEPRINT, "bp:nova/x", null, "bp")));
        }
        a.put("spec:nova/x", List.of(new Ref(Ref.BLUEPRINT, "bp:nova/x", null, "bp")));
        b.putAgain("spec:nova/x");
        assertThat(new ArrayList<>(b.citing("bp:nova/x"))).containsExactly("bug:1", "bug:2", "spec:nova/x")
                .containsExactlyElementsOf(new ArrayList<>(a.citing("bp:nova/x")));
        assertThat(new ArrayList<>(b.neighbours("bp:nova/x"))).containsExactlyElementsOf(new ArrayList<>(a.neighbours("bp:nova/x")));
        b.putAgain("bug:9"); // never put: nothing to do
        assertThat(b.neighbours("bug:9")).isEmpty();
    }
}
