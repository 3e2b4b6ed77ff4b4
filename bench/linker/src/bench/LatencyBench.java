package bench;

import dev.liaison.item.Item;
import dev.liaison.linking.Linker;
import dev.liaison.story.Story;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Linking one new item against 10,000 stories. The stories are made from the real Product WG
 * stories and nova spec pages (each: a real story's text, a spec's first paragraphs, a mixed
 * title), so the vocabulary is real. The items are nova spec pages with new ids. Each item is
 * linked alone (index it, refs, declared/mentioned/via, similar through the story index).
 */
public final class LatencyBench {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path site = Path.of(args[1]);
        int nStories = Integer.parseInt(System.getenv().getOrDefault("BENCH_STORIES", "10000"));
        int nItems = Integer.parseInt(System.getenv().getOrDefault("BENCH_ITEMS", "1000"));
        List<Item> specs = BenchData.specItems(site).stream().filter(i -> i.kind().equals("spec")).toList();
        List<Story> real = BenchData.stories(data.resolve("product-wg/stories"));
        Random rnd = new Random(42);
        List<Story> stories = new ArrayList<>(nStories);
        for (int i = 0; i < nStories; i++) {
            Story base = real.get(rnd.nextInt(real.size()));
            Item spec = specs.get(rnd.nextInt(specs.size()));
            String specText = spec.text().substring(0, Math.min(1500, spec.text().length()));
            stories.add(new Story("s-" + i, spec.title() + " for " + base.title(), base.text() + "\n" + specText, "proposed",
                    List.of("nova"), List.of(), List.of(), List.of(), List.of(), null));
        }
        Map<String, Item> byId = new HashMap<>();
        try (Linker linker = new Linker(ids -> ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList())) {
            long t0 = System.nanoTime();
            linker.putItems(specs);
            linker.putStories(stories);
            System.out.printf("indexed %d stories and %d items in %d ms; load %s%n", stories.size(), specs.size(),
                    (System.nanoTime() - t0) / 1_000_000, BenchData.uptime());
            // warm-up
            for (int i = 0; i < 200; i++) {
                Item s = specs.get(i % specs.size());
                linker.linkItems(List.of(s.toBuilder().build()));
            }
            long[] nanos = new long[nItems];
            // the thread's CPU time too: on a shared machine it moves less with the load than wall time
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long[] cpu = new long[nItems];
            int links = 0;
            // BENCH_LINKS_OUT=file: every proposed link written there (after timing), to prove a change alters no result
            String dumpTo = System.getenv("BENCH_LINKS_OUT");
            List<String> dump = new ArrayList<>();
            for (int i = 0; i < nItems; i++) {
                Item s = specs.get(rnd.nextInt(specs.size()));
                Item fresh = Item.builder("spec:nova/bench/" + i + "-" + s.id().substring(s.id().lastIndexOf('/') + 1), "spec")
                        .project("nova").title(s.title()).text(s.text()).refs(s.refs()).build();
                long c = threads.getCurrentThreadCpuTime();
                long a = System.nanoTime();
                List<dev.liaison.story.Link> proposed = linker.linkItems(List.of(fresh));
                nanos[i] = System.nanoTime() - a;
                cpu[i] = threads.getCurrentThreadCpuTime() - c;
                links += proposed.size();
                if (dumpTo != null) {
                    for (dev.liaison.story.Link l : proposed) {
                        dump.add(l.story() + "\t" + l.item() + "\t" + l.how() + "\t" + l.confidence() + "\t" + l.state() + "\t"
                                + l.project() + "\t" + l.itemKind() + "\t" + l.evidence());
                    }
                }
            }
            if (dumpTo != null) {
                java.nio.file.Files.write(Path.of(dumpTo), dump);
            }
            Arrays.sort(nanos);
            Arrays.sort(cpu);
            System.out.printf("link one new item against %d stories: n=%d median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms"
                    + " (thread CPU time: median %.2f ms, p90 %.2f ms); %d links proposed; load %s%n",
                    stories.size(), nItems, nanos[nItems / 2] / 1e6, nanos[nItems * 9 / 10] / 1e6, nanos[nItems * 99 / 100] / 1e6,
                    nanos[nItems - 1] / 1e6, cpu[nItems / 2] / 1e6, cpu[nItems * 9 / 10] / 1e6, links, BenchData.uptime());
        }
    }
}
