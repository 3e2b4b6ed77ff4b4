package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The item index takes an item's tokens from the analysis the linker made anyway (no second
 * pass of the analyzer): it must hold the same terms at the same positions as when it analyses
 * the title and text itself, so phrase counts (stop words leave gaps) and ranked searches (term
 * frequencies, field lengths) come out the same.
 */
class ItemIndexTokensTest {

    private static List<Item> items() {
        List<Item> items = new ArrayList<>(NovaSpecFixtures.items().subList(0, 300));
        // Edge cases: a title of stop words only, a title ending in stop words before a text
        // starting with them, no title text, an empty text, a text past the indexed length,
        // mis-encoded and odd characters.
        items.add(Item.builder("spec:nova/edge-stop-title", "spec").title("The of and").text("to be or not to be rolling upgrades").build());
        items.add(Item.builder("spec:nova/edge-gap", "spec").title("Rolling upgrades for the").text("the a cells of the cloud").build());
        items.add(Item.builder("spec:nova/edge-no-title", "spec").title("").text("live migration of the instances").build());
        items.add(Item.builder("spec:nova/edge-empty", "spec").title("Empty text").text("").build());
        items.add(Item.builder("spec:nova/edge-long", "spec").title("Long")
                .text("word ".repeat(1500) + "beyond the indexed part of the text " + "tail ".repeat(500)).build());
        items.add(Item.builder("spec:nova/edge-odd", "spec").title("Ã© broken \uFFFD encoding")
                .text("caf\u00e9 na\u00efve \u0000 \uD83D\uDE00 x".repeat(20)).build());
        return items;
    }

    @Test
    void tokensFromTheAnalysisIndexTheSameTermsAtTheSamePositions() {
        List<Item> items = items();
        TextVectors plainVectors = new TextVectors();
        TextVectors tokenVectors = new TextVectors();
        try (ItemIndex plain = new ItemIndex(plainVectors); ItemIndex tokens = new ItemIndex(tokenVectors)) {
            for (Item it : items) {
                plain.put(it, plainVectors.analyze(it.title(), it.text()).tf());
                tokens.put(it, tokenVectors.analyze(it.title(), it.text()));
            }
            int phrases = 0;
            int found = 0;
            for (Item it : items) {
                // phrases of four words from the title, across the title's end, and from the text
                List<String> texts = new ArrayList<>();
                String[] title = it.title().split("\\s+");
                String[] text = it.text().split("\\s+");
                texts.add(String.join(" ", List.of(title).subList(0, Math.min(4, title.length))));
                if (text.length > 0) {
                    texts.add(title[title.length - 1] + " " + String.join(" ", List.of(text).subList(0, Math.min(3, text.length))));
                }
                for (int i = 0; i + 4 <= text.length && i < 200; i += 37) {
                    texts.add(String.join(" ", List.of(text).subList(i, i + 4)));
                }
                for (String p : texts) {
                    var q = plain.phrase(p);
                    if (q == null) {
                        continue;
                    }
                    int n = plain.count(q);
                    assertThat(tokens.count(tokens.phrase(p))).as("items naming \"" + p + "\"").isEqualTo(n);
                    phrases++;
                    found += n > 0 ? 1 : 0;
                }
                Map<String, Double> w = plainVectors.weights(plainVectors.analyze(it.title(), it.text()).tf());
                assertThat(tokens.search(w, 20)).as("the best items for " + it.id()).isEqualTo(plain.search(w, 20));
            }
            assertThat(phrases).isGreaterThan(500);
            assertThat(found).as("phrases that are there are found").isGreaterThan(phrases / 2);
            assertThat(tokens.count(tokens.phrase("rolling upgrades for the the a cells"))).isEqualTo(plain.count(plain.phrase("rolling upgrades for the the a cells"))).isEqualTo(1);
        }
    }
}
