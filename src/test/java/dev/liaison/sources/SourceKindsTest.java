package dev.liaison.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.config.ConfigException;
import dev.liaison.config.SourceConfig;
import dev.liaison.config.SourcesFile;
import dev.liaison.testkit.LinesKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry: built kinds are available; planned ones are accepted and skipped; others refused. */
class SourceKindsTest {

    @Test
    void aPlannedKindThatThisBuildLacksIsAcceptedButNotAvailable() {
        SourceKinds kinds = SourceKinds.of(List.of(new LinesKind()));
        assertThat(kinds.isAvailable("test-lines")).isTrue();
        assertThat(kinds.isPlannedOnly("sphinx-specs")).isTrue();
        List<SourceConfig> sources = SourcesFile.parse("sources.yaml", """
                sources:
                  - id: specs
                    kind: sphinx-specs
                    url: https://specs.openstack.org/openstack/nova-specs/
                    schedule: 1h
                    any-option: is not checked for a kind this build lacks
                """, kinds);
        assertThat(sources).singleElement().extracting(SourceConfig::kind).isEqualTo("sphinx-specs");
        assertThatThrownBy(() -> SourcesFile.parse("sources.yaml", """
                sources:
                  - id: x
                    kind: gopher
                    url: https://example.org/
                    schedule: 1h
                """, kinds)).isInstanceOf(ConfigException.class).hasMessageContaining("unknown kind 'gopher'");
    }

    @Test
    void everyPlannedKindIsBuiltAndRegistered() {
        SourceKinds kinds = SourceKinds.discover();
        assertThat(kinds.available()).contains("pipermail", "hyperkitty", "sphinx-specs", "page-watch", "launchpad-bugs",
                "launchpad-blueprints");
    }
}
