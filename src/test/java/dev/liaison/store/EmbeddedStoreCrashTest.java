package dev.liaison.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process writing to the embedded store, several times at seeded random moments:
 * after each, the store opens untorn with every acknowledged write readable and nothing doubled,
 * and the writer resumes (see {@link CrashRounds}; bench/store/crash.sh repeats it 100 times).
 */
class EmbeddedStoreCrashTest {

    @TempDir Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesSigkillAndTheWriterResumes() throws Exception {
        CrashRounds.Result result = CrashRounds.run(dir.resolve("data"), 20261203L, 5, 50);
        assertThat(result.kills()).isEqualTo(5);
        // The seed puts at least one kill after the writer got going, so resuming is exercised.
        assertThat(result.killsDuringStartUp()).isLessThan(5);
        assertThat(result.acknowledgedBatches()).isGreaterThanOrEqualTo(3);
    }
}
