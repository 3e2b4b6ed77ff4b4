import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost of writing to the embedded store the way the source pollers do: batches of items
 * through ItemStore.upsert (one $in read, the events' insertMany, the items' insertMany or bulk
 * replace). Writes BATCHES batches of BATCH_SIZE new items of about 2 kB of text, then the same
 * items again with a changed status (replaces), three rounds, each on a fresh store; prints the
 * wall time per round and the store file's size. Compare two builds (before and after a change to
 * the store) on the same machine. From the repository root, after `mvn -B compile` and
 * `mvn -B dependency:build-classpath -Dmdep.outputFile=cp.txt`:
 *   java -Xmx512m -cp target/classes:$(cat cp.txt) bench/store/WriteCost.java [BATCHES] [BATCH_SIZE]
 */
public class WriteCost {
    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String text = "Lorem ipsum dolor sit amet, nova scheduler placement cells upgrade. ".repeat(30);
        for (int round = 1; round <= 3; round++) {
            Path data = Files.createTempDirectory("writecost");
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long newMs;
            try (Store store = Store.open("", "liaison", data)) {
                for (int b = 0; b < batches; b++) {
                    store.items().upsert(batch(b, batchSize, "New", text), Instant.now());
                }
                long t1 = System.nanoTime();
                newMs = (t1 - t0) / 1_000_000;
                for (int b = 0; b < batches; b++) {
                    store.items().upsert(batch(b, batchSize, "Fix Released", text), Instant.now());
                }
                long t2 = System.nanoTime();
                System.out.printf("round %d: %d new items in %d ms (%.1f ms/batch), %d changed in %d ms (%.1f ms/batch)",
                        round, batches * batchSize, newMs, (double) newMs / batches,
                        batches * batchSize, (t2 - t1) / 1_000_000, (double) (t2 - t1) / 1_000_000 / batches);
            }
            System.out.printf(", process CPU %.1f s, file %.1f MB%n", (os.getProcessCpuTime() - cpu0) / 1e9,
                    Files.size(data.resolve("liaison.mv.db")) / 1e6);
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static List<Item> batch(int b, int size, String status, String text) {
        List<Item> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int n = b * size + i;
            items.add(Item.builder("bug:" + (100000 + n), "bug").source("bench").project("nova")
                    .title("Bug " + n + " in the scheduler").text(text + n)
                    .status(status.equals("New") ? "open" : "fixed", status)
                    .url("https://bugs.launchpad.net/nova/+bug/" + (100000 + n))
                    .ref(new Ref(Ref.BLUEPRINT, "bp:nova/x", "see blueprint x")).build());
        }
        return items;
    }
}
