package dev.liaison.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.config.Schedule;
import dev.liaison.config.SourceConfig;
import dev.liaison.sources.SourceKinds;
import dev.liaison.store.SourceStateStore;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one word for a source's health, used alike by /health, /sources and `liaison status`. */
class HealthWordsTest {

    static final SourceKinds KINDS = SourceKinds.discover();
    static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

    static SourceConfig source(boolean enabled, String kind) {
        return new SourceConfig("s", kind, URI.create("https://example.org/"), Schedule.parse("1h"), null, enabled, Map.of());
    }

    static SourceStateStore.Health health(Instant lastSuccess, int failures) {
        return new SourceStateStore.Health("s", lastSuccess, failures > 0 ? T : null, failures > 0 ? "HTTP 503" : null, failures, T, null);
    }

    static String word(SourceConfig s, SourceStateStore.Health h) {
        return HealthReport.sourceStatus(s, KINDS, h, 3);
    }

    @Test
    void aSourceThatNeverSucceededAndFailsIsDownAtOnce() {
        SourceConfig s = source(true, "page-watch");
        assertThat(word(s, null)).isEqualTo("UNKNOWN");
        assertThat(word(s, health(null, 1))).isEqualTo("DOWN");
        assertThat(word(s, health(T, 0))).isEqualTo("UP");
        assertThat(word(s, health(T, 1))).isEqualTo("FAILING");
        assertThat(word(s, health(T, 3))).isEqualTo("DOWN");
        assertThat(word(source(false, "page-watch"), health(null, 5))).isEqualTo("DISABLED");
        assertThat(word(source(true, "no-such-kind"), null)).isEqualTo("KIND_NOT_AVAILABLE");
    }
}
