package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoryTextTest {

    @Test
    void aGapAnalysisStatusListIsNotStoryTextButBulletsThatSaySomethingAre() {
        String text = """
                **Multi-version Interoperability**

                During rolling upgrades RPC must handle multiple service versions running concurrently.

                * Nova - Implemented
                * Neutron - In Progress
                * Cinder - In Progress, Not Required
                * Cinder - Available (depends on backend)
                * Ceilometer - Alternatives Proposed
                * Swift - N/A
                * Nova - add a service version number to the database
                * Operators - need a maintenance mode
                """;
        String t = StoryText.forMatching(text);
        assertThat(t).contains("RPC must handle multiple service versions")
                .contains("* Nova - add a service version number to the database")
                .contains("* Operators - need a maintenance mode")
                .doesNotContain("Neutron").doesNotContain("Ceilometer").doesNotContain("Swift")
                .doesNotContain("Implemented").doesNotContain("depends on backend");
    }

    @Test
    void emptyAndOddInputGiveText() {
        assertThat(StoryText.forMatching(null)).isEmpty();
        assertThat(StoryText.forMatching("")).isEmpty();
        assertThat(StoryText.forMatching("* - Implemented\n")).as("no project name: kept").contains("Implemented");
        assertThat(StoryText.forMatching("x".repeat(100_000) + "\n* Heat - Implemented")).hasSize(100_001);
    }
}
