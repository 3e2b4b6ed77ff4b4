package dev.liaison.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.testkit.LiaisonHome;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as a separate process: it answers /health, SIGTERM stops it with exit code 0, a
 * second daemon on the same data dir is refused, and the read commands work while it runs.
 */
class DaemonProcessTest {

    @TempDir Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    Process launch(LiaisonHome home, Path log, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.liaison.Liaison"));
        cmd.addAll(List.of(command));
        cmd.addAll(List.of("--config", home.config().toString(), "--data", home.data().toString(),
                "--routes", home.routes().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("LIAISON_MONGO_URI");
        return pb.start();
    }

    boolean healthUp(LiaisonHome home, Process p, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + home.httpPort() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    return true;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            p.waitFor(100, TimeUnit.MILLISECONDS);
        }
        return false;
    }

    @Test
    void startsAnswersHealthStopsOnSigtermWithExitZeroAndRefusesASecondDaemon() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        Path log = dir.resolve("daemon.log");
        Process daemon = launch(home, log, "run");
        try {
            assertThat(healthUp(home, daemon, Duration.ofSeconds(60))).as(() -> read(log)).isTrue();

            LiaisonHome.Run status = home.cli("status");
            assertThat(status.exitCode()).as("read commands work while the daemon runs: " + status.err()).isZero();

            Process second = launch(home, dir.resolve("second.log"), "run");
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isEqualTo(1);
            assertThat(read(dir.resolve("second.log"))).contains("another Liaison process is running");

            daemon.destroy(); // SIGTERM
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            assertThat(daemon.exitValue()).as(() -> read(log)).isZero();
            assertThat(read(log)).contains("SIGTERM received");
            assertThat(home.data().resolve("embedded-mongo.port")).doesNotExist();
        } finally {
            daemon.destroyForcibly();
        }
    }

    @Test
    void aTakenHttpPortStopsStartUpWithExitOneAndOneLine() throws Exception {
        LiaisonHome home = new LiaisonHome(dir);
        Path log = dir.resolve("taken.log");
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress("127.0.0.1", home.httpPort()));
            Process daemon = launch(home, log, "run");
            try {
                assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as(() -> read(log)).isTrue();
                assertThat(daemon.exitValue()).as(() -> read(log)).isEqualTo(1);
                assertThat(read(log).lines().filter(l -> l.startsWith("liaison: ")).toList()).singleElement().asString()
                        .contains("cannot listen on 127.0.0.1:" + home.httpPort()).contains("liaison.http.port");
                assertThat(read(log)).doesNotContain("Liaison started");
                assertThat(home.data().resolve("embedded-mongo.port")).as("the store was closed").doesNotExist();
            } finally {
                daemon.destroyForcibly();
            }
        }
    }

    @Test
    void aStalePortFileWhereSomethingElseAnswersIsReplacedAndTheDaemonStarts() throws Exception {
        LiaisonHome home = new LiaisonHome(dir).properties("liaison.mongo.timeout=2s\n");
        Files.createDirectories(home.data());
        Path log = dir.resolve("stale.log");
        // A crashed Liaison's port file, and that port now taken by something that is not its store.
        try (java.net.ServerSocket squatter = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Files.writeString(home.data().resolve("embedded-mongo.port"), squatter.getLocalPort() + "\n");
            Process daemon = launch(home, log, "run");
            try {
                assertThat(healthUp(home, daemon, Duration.ofSeconds(60))).as(() -> read(log)).isTrue();
                assertThat(read(log)).contains("Removed the stale").doesNotContain("another Liaison process is running");
                assertThat(Files.readString(home.data().resolve("embedded-mongo.port")))
                        .doesNotStartWith(squatter.getLocalPort() + "\n");
                daemon.destroy();
                assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                daemon.destroyForcibly();
            }
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
