package bench;

import dev.liaison.item.Item;
import dev.liaison.app.LinkService;
import dev.liaison.store.Store;
import dev.liaison.store.StoryStore;
import dev.liaison.story.Story;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Relinking 100,000 items against 1,000 stories through the real LinkService and the embedded
 * store (H2-backed mongo-java-server under a temporary data dir): rebuild the indexes from the
 * store, link every story and every item, store the links in batches. Items are nova spec pages
 * (text cut to 2,000 characters, as a mail would be) under new ids; stories are real Product WG
 * story texts with a spec's first paragraphs. Run with -Xmx512m (run.sh does).
 */
public final class RelinkBench {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path site = Path.of(args[1]);
        Path work = Files.createDirectories(Path.of(args[2]).resolve("relink-" + System.currentTimeMillis()));
        int nItems = Integer.parseInt(System.getenv().getOrDefault("BENCH_ITEMS", "100000"));
        int nStories = Integer.parseInt(System.getenv().getOrDefault("BENCH_STORIES", "1000"));
        List<Item> specs = BenchData.specItems(site).stream().filter(i -> i.kind().equals("spec")).toList();
        List<Story> real = BenchData.stories(data.resolve("product-wg/stories"));
        Random rnd = new Random(7);
        try (Store store = Store.open("", "liaison", work.resolve("data"))) {
            long t0 = System.nanoTime();
            List<Item> batch = new ArrayList<>();
            for (int i = 0; i < nItems; i++) {
                Item s = specs.get(i % specs.size());
                String text = s.text().substring(0, Math.min(2000, s.text().length()));
                batch.add(Item.builder("spec:nova/b" + (i / specs.size()) + "-" + s.release() + "/" + s.id().substring(s.id().lastIndexOf('/') + 1), "spec")
                        .source("bench").project("nova").title(s.title()).text(text).refs(s.refs()).url(s.url()).build());
                if (batch.size() == 500) {
                    store.items().upsert(batch);
                    batch.clear();
                }
            }
            store.items().upsert(batch);
            List<Story> stories = new ArrayList<>();
            for (int i = 0; i < nStories; i++) {
                Story base = real.get(rnd.nextInt(real.size()));
                Item spec = specs.get(rnd.nextInt(specs.size()));
                stories.add(new Story("s-" + i, spec.title() + " for " + base.title(),
                        base.text() + "\n" + spec.text().substring(0, Math.min(1500, spec.text().length())), "proposed",
                        List.of("nova"), List.of(), List.of(), List.of(), List.of(), null));
            }
            new StoryStore(store).upsert(stories, Instant.now());
            System.out.printf("stored %d items and %d stories in %d ms (not part of the measure); load %s%n", store.items().count(),
                    nStories, (System.nanoTime() - t0) / 1_000_000, BenchData.uptime());

            Runtime rt = Runtime.getRuntime();
            try (LinkService service = new LinkService(store, Clock.systemUTC())) {
                long a = System.nanoTime();
                service.start();
                long b = System.nanoTime();
                LinkService.Stats stats = service.relinkAll();
                long c = System.nanoTime();
                System.out.printf("relink %d items against %d stories: %.1f s total (index rebuild %.1f s, link and store %.1f s); %s; "
                                + "heap used %d MB of max %d MB; load %s%n",
                        nItems, nStories, (c - a) / 1e9, (b - a) / 1e9, (c - b) / 1e9, stats.summary(),
                        (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20, BenchData.uptime());
                long d = System.nanoTime();
                LinkService.Stats again = service.relinkAll();
                System.out.printf("relink again, nothing changed: %.1f s; %s; load %s%n", (System.nanoTime() - d) / 1e9, again.summary(), BenchData.uptime());
            }
        }
    }
}
