package dev.liaison.sources.storydir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.store.StoryStore;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoryDirKindTest {

    static final Path STORIES = Path.of("src/test/resources/fixtures/story-dir/product-wg-stories");

    @TempDir Path dir;

    @Test
    void importsADirectoryAndReimportsOnlyWhenFilesChange() throws Exception {
        Path stories = dir.resolve("stories");
        for (String rel : new String[] {"development-proposals/proposed/categorized-configs.rst", "user-stories/tracked/rolling-upgrades.rst",
                "user-stories/proposed/rolling-upgrades.rst", "user-stories/draft/db-hygiene.rst"}) {
            Path to = stories.resolve(rel);
            Files.createDirectories(to.getParent());
            Files.copy(STORIES.resolve(rel), to, StandardCopyOption.REPLACE_EXISTING);
        }
        LiaisonHome home = new LiaisonHome(dir.resolve("home")).sources("""
                sources:
                  - id: wg-stories
                    kind: story-dir
                    url: https://opendev.org/openstack/openstack-user-stories/src/branch/master
                    schedule: 1h
                    path: %s
                """.formatted(stories));
        assertThat(home.cli("check-config").out()).contains("wg-stories  story-dir");

        LiaisonHome.Run first = home.cli("poll", "wg-stories", "--once");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("items new=3 changed=0 unchanged=0");
        try (LiaisonRuntime runtime = home.open()) {
            StoryStore s = new StoryStore(runtime.store());
            assertThat(s.all()).extracting(x -> x.id()).containsExactly("categorized-configs", "db-hygiene", "rolling-upgrades");
            assertThat(s.find("rolling-upgrades").orElseThrow().state()).as("tracked wins over proposed").isEqualTo("tracked");
            assertThat(s.find("categorized-configs").orElseThrow().origin())
                    .isEqualTo("https://opendev.org/openstack/openstack-user-stories/src/branch/master/development-proposals/proposed/categorized-configs.rst");
        }
        assertThat(home.cli("poll", "wg-stories", "--once").out()).as("nothing touched: nothing read").contains("items new=0 changed=0 unchanged=0");

        Path cc = stories.resolve("development-proposals/proposed/categorized-configs.rst");
        Files.writeString(cc, Files.readString(cc).replace("Categorized Configuration\n=====", "Categorised Configuration\n====="));
        Files.setLastModifiedTime(cc, FileTime.from(Instant.now().plusSeconds(5)));
        Files.write(stories.resolve("broken.json"), "{\"title\": ".getBytes());
        LiaisonHome.Run third = home.cli("poll", "wg-stories", "--once");
        assertThat(third.exitCode()).isZero();
        assertThat(third.out()).contains("items new=0 changed=1 unchanged=2").contains("errors=1");
        assertThat(third.err()).contains("broken.json: not valid JSON");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(new StoryStore(runtime.store()).find("categorized-configs").orElseThrow().title()).isEqualTo("Categorised Configuration");
            assertThat(new StoryStore(runtime.store()).count()).isEqualTo(3);
        }
    }
}
