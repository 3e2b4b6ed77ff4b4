import dev.liaison.fetch.*;
import dev.liaison.sources.PollStats;
import java.net.URI;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
/**
 * Fetch cost alone: the shared Fetcher getting the 1,611 generated pages with 4 threads, three
 * rounds in one JVM (cold, then warm). Needs the bench server on port 18481 serving the generated
 * month (see bench.sh). Run from the repository root:
 *   java -cp target/classes:$(cat cp.txt) bench/pipermail/FetchOnly.java PER_HOST_LIMIT
 */
public class FetchOnly {
    public static void main(String[] a) throws Exception {
        int perHost = Integer.parseInt(a[0]);
        var f = new Fetcher(new FetchSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), 16_000_000, perHost, 8, 0,
                Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1), 5), new HostAllowList(List.of("127.0.0.1")), "bench");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            PollStats st = new PollStats();
            for (int i = 100001; i <= 101611; i++) {
                URI u = URI.create("http://127.0.0.1:18481/pipermail/openstack-dev/2016-June/" + i + ".html");
                fs.add(pool.submit(() -> f.get(u, st)));
            }
            for (var x : fs) x.get();
            System.out.println("perHost=" + perHost + " round " + round + ": " + (System.nanoTime() - t0) / 1_000_000 + " ms, requests " + st.requests());
        }
        pool.shutdown(); f.close();
    }
}
