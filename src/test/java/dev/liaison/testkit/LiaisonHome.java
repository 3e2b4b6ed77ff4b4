package dev.liaison.testkit;

import dev.liaison.Liaison;
import dev.liaison.app.LiaisonRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Liaison installation in a temporary directory for tests: config/, data/ and routes/ (the
 * project's real routes plus the test kinds' templates), a free HTTP port, and helpers to run
 * the command line or open the runtime on it.
 */
public final class LiaisonHome {

    private final Path root;
    private final int httpPort;
    private final Map<String, String> env = new HashMap<>();

    public LiaisonHome(Path root) {
        this.root = root;
        try {
            Files.createDirectories(config());
            Files.createDirectories(data());
            copyTree(Path.of("routes"), routes());
            copyTree(Path.of("src/test/resources/routes"), routes());
            this.httpPort = freePort();
            properties("");
            sources("sources: []\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    public Path root() { return root; }
    public Path config() { return root.resolve("config"); }
    public Path data() { return root.resolve("data"); }
    public Path routes() { return root.resolve("routes"); }
    public int httpPort() { return httpPort; }
    public Map<String, String> env() { return env; }

    /** Writes application.properties: the test port and loopback, fast retries, plus the given lines. */
    public LiaisonHome properties(String extra) {
        write(config().resolve("application.properties"), "liaison.http.host=127.0.0.1\n"
                + "liaison.http.port=" + httpPort + "\n"
                + "liaison.fetch.backoff-initial=10ms\n"
                + "liaison.fetch.backoff-max=50ms\n"
                + "liaison.poll.initial-delay=10ms\n"
                + extra);
        return this;
    }

    public LiaisonHome sources(String yaml) {
        write(config().resolve("sources.yaml"), yaml);
        return this;
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public LiaisonRuntime.Paths paths() {
        return new LiaisonRuntime.Paths(config(), data(), routes());
    }

    public LiaisonRuntime open() throws IOException {
        return LiaisonRuntime.open(paths(), env);
    }

    /** The result of one command line. */
    public record Run(int exitCode, String out, String err) {}

    /** Runs {@code liaison <args>} against this home, in this JVM. */
    public Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 6];
        full[0] = "--config"; full[1] = config().toString();
        full[2] = "--data"; full[3] = data().toString();
        full[4] = "--routes"; full[5] = routes().toString();
        System.arraycopy(args, 0, full, 6, args.length);
        // Global options are inherited: they may stand before or after the subcommand.
        String[] ordered = args.length == 0 ? full : reorder(full, args.length);
        int code = Liaison.execute(ordered, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs {@code liaison <args>} with another config dir (e.g. the shipped one) and this home's data. */
    public static Run cliIn(Path configDir, LiaisonHome home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 6];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--config"; full[args.length + 1] = configDir.toString();
        full[args.length + 2] = "--data"; full[args.length + 3] = home.data().toString();
        full[args.length + 4] = "--routes"; full[args.length + 5] = home.routes().toString();
        int code = Liaison.execute(full, home.env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] reorder(String[] full, int n) {
        String[] out = new String[full.length];
        System.arraycopy(full, 6, out, 0, n);
        System.arraycopy(full, 0, out, n, 6);
        return out;
    }
}
