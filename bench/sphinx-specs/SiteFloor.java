import dev.liaison.item.Item;
import dev.liaison.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * The floor of a sphinx-specs crawl, measured in the same run as the crawl (bench/sphinx-specs/layouts.sh):
 * Jsoup parse of the same pages the crawl fetched (read from disk first, not timed), on as many
 * threads as the poller reads with, plus storing the same number of items as the crawl stored, in
 * the same batches (100), on the same store (a fresh embedded store). No HTTP, no spec parsing, no
 * discovery: what any crawler of these pages into this store must at least spend.
 * <pre>
 *   java -cp "target/bench-floor:target/classes:$(cat target/cp.txt)" SiteFloor PAGES_FILE ITEMS THREADS
 * </pre>
 * PAGES_FILE lists the local files of the fetched pages, one per line.
 */
public class SiteFloor {
    public static void main(String[] args) throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.isBlank()) {
                bodies.add(Files.readAllBytes(Path.of(line)));
            }
        }
        int items = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<Document>> parsed = new ArrayList<>();
        for (byte[] b : bodies) {
            parsed.add(pool.submit(() -> Jsoup.parse(new String(b, java.nio.charset.StandardCharsets.UTF_8), "http://127.0.0.1/")));
        }
        List<Item> made = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            Document d = parsed.get(i).get();
            if (made.size() < items) {
                made.add(Item.builder("spec:floor/" + i, "spec").source("floor").project("floor").title(d.title())
                        .text(d.body() == null ? "" : d.body().text()).build());
            }
        }
        long parseMs = (System.nanoTime() - t0) / 1_000_000;
        pool.shutdown();
        Path data = Files.createTempDirectory("sitefloor");
        long storeMs;
        try (Store store = Store.open(null, "liaison", data)) {
            long t1 = System.nanoTime();
            for (int i = 0; i < made.size(); i += 100) {
                store.items().upsert(made.subList(i, Math.min(made.size(), i + 100)));
            }
            storeMs = (System.nanoTime() - t1) / 1_000_000;
        }
        System.out.printf("floor: %d pages parsed by Jsoup on %d threads in %d ms + %d items stored in %d ms = %d ms%n",
                bodies.size(), threads, parseMs, made.size(), storeMs, parseMs + storeMs);
    }
}
