import dev.liaison.fetch.FetchResult;
import dev.liaison.fetch.FetchSettings;
import dev.liaison.fetch.Fetcher;
import dev.liaison.fetch.HostAllowList;
import dev.liaison.sources.PollStats;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The CPU the shared {@link Fetcher} costs a crawl, apart from any parsing or storing: in a fresh
 * process, the first GET (the client's start-up included), then every page of a list on a pool of
 * threads, as a spec-site crawl fetches them (per-host concurrency 8 on loopback). Prints wall
 * time and the process's CPU time of each phase. Run it against the jar of each version in turn,
 * several times, alternating (see bench/RESULTS.md). From the repository root:
 * <pre>
 *   javac -d target/bench-fetch -cp target/liaison.jar bench/fetch/FetchCost.java
 *   java -Xmx256m -XX:TieredStopAtLevel=1 -cp target/bench-fetch:target/liaison.jar FetchCost ROOT_URL PAGES_FILE [THREADS]
 * </pre>
 * ROOT_URL is fetched first; PAGES_FILE lists page paths relative to it, one per line (e.g. the
 * paths a crawl requested, from the server's access log). The pages must be served on loopback.
 */
public class FetchCost {
    public static void main(String[] args) throws Exception {
        URI root = URI.create(args[0]);
        List<URI> pages = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            if (!line.isBlank()) {
                pages.add(root.resolve(line.trim()));
            }
        }
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        FetchSettings settings = new FetchSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), 16 << 20, 8, 16, 2,
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30), 5);
        String origin = root.getScheme() + "://" + root.getHost() + ":" + root.getPort();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Fetcher fetcher = new Fetcher(settings, new HostAllowList(List.of(origin)), "Liaison-bench/FetchCost")) {
            PollStats stats = new PollStats();
            fetcher.get(root, stats);
            long t1 = System.nanoTime();
            long c1 = os.getProcessCpuTime();
            List<Future<FetchResult>> results = new ArrayList<>();
            for (URI u : pages) {
                results.add(pool.submit(() -> fetcher.get(u, stats)));
            }
            long bytes = 0;
            for (Future<FetchResult> r : results) {
                bytes += r.get().body().length;
            }
            long t2 = System.nanoTime();
            long c2 = os.getProcessCpuTime();
            System.out.printf("start-up + first GET: %d ms wall, %d ms CPU; %d pages (%d bytes) on %d threads: %d ms wall, %d ms CPU;"
                            + " CPU in all %d ms (%d requests, %d errors)%n",
                    (t1 - t0) / 1_000_000, (c1 - c0) / 1_000_000, pages.size(), bytes, threads, (t2 - t1) / 1_000_000,
                    (c2 - c1) / 1_000_000, (c2 - c0) / 1_000_000, stats.requests(), stats.errors());
        } finally {
            pool.shutdownNow();
        }
    }
}
