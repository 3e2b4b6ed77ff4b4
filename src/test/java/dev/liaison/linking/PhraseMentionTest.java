package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Item;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A story's title found as a phrase in an item is proposed only when such mentions were judged right often enough. */
class PhraseMentionTest {

    final Story story = new Story("rolling-upgrades", "Rolling Upgrades", "Operators upgrade a cloud one service at a time without downtime.",
            "proposed", List.of("nova"), List.of(), List.of(), List.of(), List.of(), null);
    final Item spec = Item.builder("spec:nova/zvm-driver", "spec").project("nova").title("z/VM driver")
            .text("Add a z/VM virt driver. Upgrade impact: rolling upgrades are not affected by the new driver.").build();

    private List<Link> phraseMentions(Calibration c, double minShown, boolean storyFirst) {
        Map<String, Item> byId = Map.of(spec.id(), spec);
        try (Linker linker = new Linker(ids -> ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList()).calibration(c, minShown)) {
            List<Link> links;
            if (storyFirst) {
                linker.putStories(List.of(story));
                links = linker.linkItems(List.of(spec));
            } else {
                linker.putItems(List.of(spec));
                links = linker.linkStories(List.of(story));
            }
            return links.stream().filter(l -> l.how().equals(Link.MENTIONED) && l.evidence().get(0).snippet().startsWith("names")).toList();
        }
    }

    @Test
    void aTitlePhraseJudgedMostlyWrongIsNotProposed_fromEitherSide() {
        Calibration c = Calibration.parse("mentioned-phrase\t0\t12\t1\nsimilar\t0\t10\t5\n");
        assertThat(phraseMentions(c, Linker.MIN_SHOWN_CONFIDENCE, true)).isEmpty();
        assertThat(phraseMentions(c, Linker.MIN_SHOWN_CONFIDENCE, false)).isEmpty();
    }

    @Test
    void aTitlePhraseIsProposedWhenEveryLinkIsAskedFor_orWhenSuchMentionsWereJudgedRight() {
        Calibration wrong = Calibration.parse("mentioned-phrase\t0\t12\t1\n");
        assertThat(phraseMentions(wrong, 0, true)).extracting(Link::item).containsExactly(spec.id());
        assertThat(phraseMentions(wrong, 0, false)).extracting(Link::item).containsExactly(spec.id());
        Calibration right = Calibration.parse("mentioned-phrase\t0\t12\t10\n");
        List<Link> shown = phraseMentions(right, Linker.MIN_SHOWN_CONFIDENCE, true);
        assertThat(shown).extracting(Link::item).containsExactly(spec.id());
        assertThat(shown.get(0).confidence()).isEqualTo(0.79);
        assertThat(shown.get(0).evidence().get(0).snippet()).isEqualTo("names \"roll upgrad\"");
    }
}
