package dev.liaison.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures of the embedded store say exactly what is wrong. */
class EmbeddedMongoStartTest {

    @TempDir Path dir;

    @Test
    void aDataDirThatIsAFileIsNamedAsSuch() throws Exception {
        Path notADir = Files.writeString(dir.resolve("data"), "x");
        assertThatThrownBy(() -> EmbeddedMongo.start(notADir)).isInstanceOf(IOException.class)
                .hasMessage("data dir " + notADir + " is not a directory");
    }

    @Test
    void aStoreFileInUseIsSaidToBeLockedNotGuessed() throws Exception {
        Path data = dir.resolve("data");
        try (EmbeddedMongo first = EmbeddedMongo.start(data)) {
            assertThatThrownBy(() -> EmbeddedMongo.start(data)).isInstanceOf(IOException.class)
                    .hasMessageContaining("is locked by another process");
        }
    }

    @Test
    void aPortFileNobodyAnswersIsRemoved() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(data.resolve(EmbeddedMongo.PORT_FILE), port + "\nsome-token\n");
        assertThat(EmbeddedMongo.runningElsewhere(data, 1000)).isEmpty();
        assertThat(data.resolve(EmbeddedMongo.PORT_FILE)).doesNotExist();
    }

    @Test
    void theRunningStoreIsFoundThroughItsPortFile() throws Exception {
        Path data = dir.resolve("data");
        try (EmbeddedMongo running = EmbeddedMongo.start(data)) {
            assertThat(EmbeddedMongo.runningElsewhere(data, 5000)).contains(running.connectionString());
        }
        assertThat(data.resolve(EmbeddedMongo.PORT_FILE)).as("removed on a clean close").doesNotExist();
    }
}
