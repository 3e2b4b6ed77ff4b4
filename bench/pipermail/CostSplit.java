import dev.liaison.item.Item;
import dev.liaison.sources.mail.HtmlText;
import dev.liaison.sources.mail.MailDate;
import dev.liaison.sources.mail.MailItems;
import dev.liaison.sources.mail.Sender;
import dev.liaison.sources.mail.Subject;
import dev.liaison.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits the backfill cost: parse + build items from pages on disk (no HTTP), then store them in
 * the embedded store in batches of 200 (no HTTP, no parsing). Run from the repository root:
 *   java -Xmx256m -cp target/classes:$(cat cp.txt) bench/pipermail/CostSplit.java MONTH_DIR
 */
public class CostSplit {
    public static void main(String[] args) throws Exception {
        Path month = Path.of(args[0]);
        List<Path> pages;
        try (var s = Files.list(month)) {
            pages = s.filter(p -> p.getFileName().toString().matches("\\d{6}\\.html")).sorted().toList();
        }
        for (int round = 1; round <= 3; round++) {
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            List<Item> items = new ArrayList<>();
            for (Path p : pages) {
                var a = dev.liaison.sources.pipermail.PipermailPages.article(HtmlText.decode(Files.readAllBytes(p), Optional.empty()));
                String n = p.getFileName().toString().substring(0, 6);
                items.add(MailItems.item(new MailItems.Mail("mail:bench/2016-June/" + n, "bench", "nova", p.toString(), "bench",
                        Subject.of(a.subject(), List.of("openstack-dev")), new Sender(a.authorName(), Sender.deobfuscate(a.address())),
                        MailDate.parse(a.date()).orElse(null), a.body(), "thread:x", null, a.messageId(), null, null, List.of(), List.of(), null)));
            }
            long t1 = System.nanoTime();
            long c1 = mx.getCurrentThreadCpuTime();
            Path data = Files.createTempDirectory("costsplit");
            try (Store store = Store.open(null, "liaison", data)) {
                long t2 = System.nanoTime();
                for (int i = 0; i < items.size(); i += 200) {
                    store.items().upsert(items.subList(i, Math.min(items.size(), i + 200)));
                }
                long t3 = System.nanoTime();
                long c3 = mx.getCurrentThreadCpuTime();
                System.out.printf("round %d: %d pages parsed into items in %d ms wall, %d ms CPU (one thread); stored in %d ms wall (batches of 200; this thread's CPU %d ms, the store works in other threads)%n",
                        round, items.size(), (t1 - t0) / 1_000_000, (c1 - c0) / 1_000_000, (t3 - t2) / 1_000_000, (c3 - c1) / 1_000_000);
            }
        }
    }
}
