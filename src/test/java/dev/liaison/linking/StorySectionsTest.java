package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Sections of a story's text: RST underlines, bold lines, Markdown headings; short ones left out. */
class StorySectionsTest {

    static final String WORDS = "operators need to upgrade the control plane while instances keep running and "
            + "users notice nothing at all during the whole window of the upgrade of every service";

    @Test
    void headingsInTheShapesStoriesAreWrittenIn() {
        String text = "Intro without a heading is not a section. " + WORDS + "\n\n"
                + "Problem description\n-------------------\n" + WORDS + "\n\n"
                + "**Online Schema Migration**\n\n" + WORDS + "\n\n"
                + "## Use cases\n" + WORDS + "\n\n"
                + "Too short\n=========\nonly a few words here\n";
        assertThat(StorySections.of(text, 10)).extracting(StorySections.Section::heading)
                .containsExactly("Problem description", "Online Schema Migration", "Use cases");
        assertThat(StorySections.of(text, 2)).hasSize(2);
        assertThat(StorySections.of(text, 10).get(0).body()).isEqualTo(WORDS);
    }

    @Test
    void theRealDevelopmentProposalHasItsPiecesOfWorkAsSections() throws Exception {
        Path proposal = Path.of("src/test/resources/fixtures/story-dir/product-wg-stories");
        String text;
        try (var walk = Files.walk(proposal)) {
            text = Files.readString(walk.filter(p -> p.toString().endsWith("rolling-upgrades.rst")
                    && p.toString().contains("development-proposals")).findFirst().orElseThrow());
        }
        assertThat(StorySections.of(text, 30)).extracting(StorySections.Section::heading)
                .contains("Online Schema Migration", "Multi-version Interoperability");
    }

    @Test
    void brokenOrEmptyTextGivesNoSections() {
        assertThat(StorySections.of(null, 5)).isEmpty();
        assertThat(StorySections.of("", 5)).isEmpty();
        assertThat(StorySections.of("=====\n-----\n**\n", 5)).isEmpty();
        assertThat(StorySections.of("no headings at all, " + WORDS, 5)).isEmpty();
        assertThat(StorySections.of(("Heading\n=======\n" + WORDS + "\n").repeat(10_000), 12)).hasSize(12);
    }
}
