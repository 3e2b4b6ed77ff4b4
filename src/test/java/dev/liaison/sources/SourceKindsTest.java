package dev.liaison.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.config.ConfigException;
import dev.liaison.config.SourceConfig;
import dev.liaison.testkit.LinesKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry: kinds built into Liaison are available; a configuration naming any other is refused. */
class SourceKindsTest {

    @Test
    void aKindThisBuildLacksIsRefusedWithTheKindsItHas() {
        SourceKinds kinds = SourceKinds.of(List.of(new LinesKind()));
        assertThat(kinds.isAvailable("test-lines")).isTrue();
        assertThat(kinds.isAvailable("sphinx-specs")).isFalse();
        assertThatThrownBy(() -> SourcesFile.parse("sources.yaml", """
                sources:
                  - id: specs
                    kind: sphinx-specs
                    url: https://specs.openstack.org/openstack/nova-specs/
                    schedule: 1h
                """, kinds)).isInstanceOf(ConfigException.class).hasMessageContaining("unknown kind 'sphinx-specs' (kinds: test-lines)");
        assertThatThrownBy(() -> SourcesFile.parse("sources.yaml", """
                sources:
                  - id: x
                    kind: gopher
                    url: https://example.org/
                    schedule: 1h
                """, kinds)).isInstanceOf(ConfigException.class).hasMessageContaining("unknown kind 'gopher'");
    }

    @Test
    void everyKindOfTheDesignIsBuiltAndRegistered() {
        SourceKinds kinds = SourceKinds.discover();
        assertThat(kinds.available()).contains("pipermail", "hyperkitty", "sphinx-specs", "page-watch", "launchpad-bugs",
                "launchpad-blueprints");
    }
}
