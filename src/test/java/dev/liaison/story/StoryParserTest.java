package dev.liaison.story;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoryParserTest {

    static final Path STORIES = Path.of("src/test/resources/fixtures/story-dir/product-wg-stories");

    static Story one(String path, String text) throws StoryFormatException {
        List<Story> s = StoryParser.parse(path, text.getBytes(StandardCharsets.UTF_8));
        assertThat(s).hasSize(1);
        return s.get(0);
    }

    @Test
    void readsARealProductWgStory() throws Exception {
        String rel = "development-proposals/proposed/categorized-configs.rst";
        Story s = StoryParser.parse(rel, Files.readAllBytes(STORIES.resolve(rel))).get(0);
        assertThat(s.id()).isEqualTo("categorized-configs");
        assertThat(s.title()).isEqualTo("Categorized Configuration");
        assertThat(s.state()).isEqualTo(Story.PROPOSED);
        assertThat(s.projects()).as("derived from the specs and blueprints it cites").containsExactly("nova");
        assertThat(s.text()).contains("Operators currently have to grapple with hundreds of configuration options")
                .contains("centralize-config-options.html");
        assertThat(s.text()).as("template comments are dropped").doesNotContain("This section is mandatory");
        assertThat(s.origin()).isEqualTo(rel);
    }

    @Test
    void stateComesFromTheDirectory() throws Exception {
        assertThat(one("user-stories/tracked/rolling-upgrades.rst", "Rolling\n=======\n\ntext").state()).isEqualTo("tracked");
        assertThat(one("development-proposals/parking/x.rst", "X story\n=======\n\ntext").state()).isEqualTo("parked");
        assertThat(one("user-stories/draft/x.rst", "X story\n=======\n\ntext").state()).isEqualTo("draft");
        assertThat(one("elsewhere/x.rst", "X story\n=======\n\ntext").state()).isEqualTo("draft");
    }

    @Test
    void rstFieldsGiveProjectsTagsAliasesOwnersAndBackers() throws Exception {
        Story s = one("proposed/ha_vm.rst", """
                High Availability for VMs
                =========================

                :Projects: Nova, Masakari
                :Tags: ha, telco
                :Aliases: VM HA, instance high availability
                :Owners: Jane Doe
                :Backers: NTT (1), Intel (3), Some Org

                Problem description
                -------------------
                VMs must come back.
                """);
        assertThat(s.id()).isEqualTo("ha-vm");
        assertThat(s.projects()).containsExactly("nova", "masakari");
        assertThat(s.tags()).containsExactly("ha", "telco");
        assertThat(s.aliases()).containsExactly("VM HA", "instance high availability");
        assertThat(s.owners()).containsExactly("Jane Doe");
        assertThat(s.backers()).containsExactly(new Backer("NTT", 1), new Backer("Intel", 3), new Backer("Some Org", 0));
        assertThat(s.text()).contains("VMs must come back.").doesNotContain(":Projects:");
    }

    @Test
    void readsMarkdownWithFrontMatter() throws Exception {
        Story s = one("stories/quota.md", """
                ---
                id: quota-management
                state: proposed
                projects: [nova, cinder]
                aliases: [quotas]
                backers:
                  - organisation: CERN
                    rank: 2
                ---
                # Quota management

                Operators need nested quotas. See https://blueprints.launchpad.net/nova/+spec/nested-quota-driver-api
                """);
        assertThat(s.id()).isEqualTo("quota-management");
        assertThat(s.title()).isEqualTo("Quota management");
        assertThat(s.state()).isEqualTo("proposed");
        assertThat(s.projects()).containsExactly("nova", "cinder");
        assertThat(s.backers()).containsExactly(new Backer("CERN", 2));
        assertThat(s.text()).startsWith("Operators need nested quotas.");
    }

    @Test
    void readsYamlAndJsonIncludingListsOfStories() throws Exception {
        Story y = one("a/fleet.yaml", """
                title: Fleet management
                text: Manage many clouds.
                state: tracked
                tags: [ops]
                backers: {Walmart: 1, "AT&T": 4}
                """);
        assertThat(y.id()).isEqualTo("fleet");
        assertThat(y.backers()).containsExactly(new Backer("Walmart", 1), new Backer("AT&T", 4));
        List<Story> list = StoryParser.parse("many.json", """
                [{"id": "one", "title": "One", "description": "first"}, {"id": "two", "title": "Two"}]
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(list).extracting(Story::id).containsExactly("one", "two");
        assertThat(list.get(0).text()).isEqualTo("first");
    }

    @Test
    void badInputGetsAClearErrorNeverACrash() {
        assertThatThrownBy(() -> StoryParser.parse("x.rst", new byte[0])).hasMessageContaining("x.rst: the file is empty");
        assertThatThrownBy(() -> StoryParser.parse("x.json", "{\"title\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StoryFormatException.class).hasMessageContaining("x.json: not valid JSON");
        assertThatThrownBy(() -> StoryParser.parse("x.yaml", "title: [unclosed".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StoryFormatException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> StoryParser.parse("x.json", "42".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("expected a mapping");
        assertThatThrownBy(() -> StoryParser.parse("x.yaml", "state: shipped\ntitle: X".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("state must be one of draft, proposed, tracked, parked");
        assertThatThrownBy(() -> StoryParser.parse("x.yaml", "backers: {Acme: 9}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("rank of Acme must be 1..5");
        assertThatThrownBy(() -> StoryParser.parse("x.rst", new byte[] {'a', 0, 'b'})).hasMessageContaining("binary content");
        byte[] huge = new byte[StoryParser.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'a');
        assertThatThrownBy(() -> StoryParser.parse("big.rst", huge)).hasMessageContaining("more than the");
        assertThatThrownBy(() -> StoryParser.parse("x.md", "---\nid: x\nno end".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("never closed");
    }

    @Test
    void truncatedAndMisEncodedFilesStillImport() throws Exception {
        Story truncated = one("proposed/cut-short.rst", "Cut short story\n=====");
        assertThat(truncated.id()).isEqualTo("cut-short");
        assertThat(truncated.title()).isEqualTo("Cut short story");
        byte[] latin1 = "Caf\u00e9 story\n===========\n\nR\u00e9sum\u00e9 of needs".getBytes(StandardCharsets.ISO_8859_1);
        Story s = StoryParser.parse("draft/cafe.rst", latin1).get(0);
        assertThat(s.title()).isEqualTo("Caf\u00e9 story");
        assertThat(s.text()).isEqualTo("R\u00e9sum\u00e9 of needs");
    }

    @Test
    void everyRealStoryParsesAndTheFilesThatAreNoStoryAreSkippedWithTheirReason() throws Exception {
        java.util.Map<String, String> skipped = new java.util.TreeMap<>();
        try (var walk = Files.walk(STORIES)) {
            List<Path> files = walk.filter(p -> p.toString().endsWith(".rst")).toList();
            assertThat(files).hasSize(112);
            for (Path p : files) {
                String rel = STORIES.relativize(p).toString();
                try {
                    Story s = StoryParser.parse(rel, Files.readAllBytes(p)).get(0);
                    assertThat(s.title()).as(p.toString()).isNotBlank().isNotEqualTo(s.id());
                } catch (NotAStoryException e) {
                    skipped.put(rel, e.getMessage());
                }
            }
        }
        assertThat(skipped).containsOnlyKeys("forum/README.rst", "user-stories/draft/cbarrett.rst", "user-stories/draft/test.rst",
                "user-stories/draft/user-story-onboarding.rst"); // its title's over- and underline are run into the title
        assertThat(skipped.get("forum/README.rst")).endsWith("skipped: a README.rst is not a user story");
        assertThat(skipped.get("user-stories/draft/cbarrett.rst")).endsWith("skipped: no title (a story starts with its title)");
        assertThat(skipped.get("user-stories/draft/test.rst")).endsWith("skipped: the template's placeholder title \"title\"");
    }

    @Test
    void storiesWithTheSameTitleOrTheSameSlugButForSeparatorsAreOneStoryWhateverTheOrder() throws Exception {
        List<Story> read = new java.util.ArrayList<>();
        List<Path> files;
        try (var walk = Files.walk(STORIES)) {
            files = walk.filter(p -> p.toString().endsWith(".rst")).sorted().toList();
        }
        for (Path p : files) {
            try {
                read.addAll(StoryParser.parse(STORIES.relativize(p).toString(), Files.readAllBytes(p)));
            } catch (NotAStoryException e) {
                // skipped
            }
        }
        List<Story> stories = StoryParser.consolidate(read);
        java.util.Map<String, Story> byId = new java.util.HashMap<>();
        stories.forEach(s -> byId.put(s.id(), s));
        assertThat(byId.get("rolling-upgrades").aliases()).contains("rollingupgrades");
        assertThat(byId.get("encrypted-storage").aliases()).contains("encryptedstorage");
        assertThat(byId).doesNotContainKeys("rollingupgrades", "encryptedstorage", "virtual-ims-core", "rolebasedaccess", "serviceseparation");
        assertThat(byId.get("deploying-virtual-ims-core").aliases()).as("same title: Virtual IMS Core").contains("virtual-ims-core");
        java.util.Set<String> titles = new java.util.HashSet<>();
        for (Story s : stories) {
            assertThat(titles.add(StoryParser.titleKey(s.title()))).as("one story per title: " + s.title()).isTrue();
        }

        // The same files in the opposite order give the same stories.
        List<Story> reversed = new java.util.ArrayList<>();
        List<Path> backwards = new java.util.ArrayList<>(files);
        java.util.Collections.reverse(backwards);
        for (Path p : backwards) {
            try {
                reversed.addAll(StoryParser.parse(STORIES.relativize(p).toString(), Files.readAllBytes(p)));
            } catch (NotAStoryException e) {
                // skipped
            }
        }
        assertThat(StoryParser.consolidate(reversed)).extracting(Story::id, Story::title, Story::aliases)
                .containsExactlyElementsOf(stories.stream().map(s -> org.assertj.core.groups.Tuple.tuple(s.id(), s.title(), s.aliases())).toList());
    }

    @Test
    void aDevelopmentProposalAddsItsTextToTheStoryAnOlderVersionDoesNot() throws Exception {
        java.util.Map<String, Story> stories = new java.util.LinkedHashMap<>();
        StoryParser.collect(stories, StoryParser.parse("user-stories/draft/rolling-upgrades.rst",
                "Rolling upgrades\n================\n\nAn old draft about downtime.\n".getBytes(StandardCharsets.UTF_8)));
        StoryParser.collect(stories, StoryParser.parse("user-stories/tracked/rolling-upgrades.rst",
                "Rolling upgrades\n================\n\nOperators upgrade without downtime.\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(stories.get("rolling-upgrades").text()).isEqualTo("Operators upgrade without downtime.");
        StoryParser.collect(stories, StoryParser.parse("development-proposals/proposed/rolling-upgrades.rst",
                "Rolling upgrades\n================\n\n**Online Schema Migration**\n\nSchema changes while services run.\n"
                        .getBytes(StandardCharsets.UTF_8)));
        Story merged = stories.get("rolling-upgrades");
        assertThat(merged.state()).isEqualTo(Story.TRACKED);
        assertThat(merged.text()).startsWith("Operators upgrade without downtime.")
                .contains("Development proposal").contains("**Online Schema Migration**").doesNotContain("old draft");
        // Imported again, the story is the same: the proposal's text is not added twice.
        StoryParser.collect(stories, StoryParser.parse("development-proposals/proposed/rolling-upgrades.rst",
                "Rolling upgrades\n================\n\n**Online Schema Migration**\n\nSchema changes while services run.\n"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(stories.get("rolling-upgrades").text()).isEqualTo(merged.text());
    }
}
