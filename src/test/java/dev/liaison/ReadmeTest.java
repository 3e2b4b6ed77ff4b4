package dev.liaison;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README stays true: every setting and every command is documented, with its default. */
class ReadmeTest {

    @Test
    void everySettingIsDocumentedWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Settings.KNOWN.forEach((key, defaultAndHelp) -> {
            assertThat(readme).as(key).contains("`" + key + "`");
            if (!defaultAndHelp[0].isEmpty()) {
                assertThat(readme).as("default of " + key).contains("| `" + key + "` | `" + defaultAndHelp[0] + "` |");
            }
        });
    }

    @Test
    void everyCommandIsDocumented() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String command : new picocli.CommandLine(new Liaison()).getSubcommands().keySet()) {
            assertThat(readme).as(command).contains("`" + command);
        }
    }

    @Test
    void theTestCommandIsWhatCiRuns() throws Exception {
        String ci = Files.readString(Path.of(".ci/run"));
        assertThat(Files.readString(Path.of("README.md"))).contains("mvn -B verify");
        assertThat(ci).contains("\nmvn -B verify\n");
        assertThat(ci.lines().filter(l -> l.trim().startsWith("mvn"))).as("Maven never quiet in CI")
                .noneMatch(l -> l.matches(".*(^| )-q( |$).*"));
    }
}
