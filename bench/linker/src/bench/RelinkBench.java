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
 * (text cut to 2,000 characters, as a mail would be), the site copied as often as needed, each
 * copy under its own ids and citing its own copy's ids; stories are real Product WG story texts
 * with the first paragraphs of a spec of one copy. Run with -Xmx512m (run.sh does).
 */
public final class RelinkBench {

    /**
     * The id an item (or a reference's target) has in copy {@code k} of the site: every copy is its
     * own body of work (like another project's specs), so copy k's specs cite copy k's blueprints
     * and specs, and a story that cites a blueprint reaches that one copy's items, as in real data
     * (not every copy's: that would multiply the one-hop links by the number of copies).
     */
    static String copyId(String id, int k) {
        if (id.startsWith("spec:nova/")) {
            return "spec:nova/b" + k + "-" + id.substring("spec:nova/".length());
        }
        if (id.startsWith("bp:nova/")) {
            return "bp:nova/b" + k + "-" + id.substring("bp:nova/".length());
        }
        return id;
    }

    /** The text of copy k: its spec and blueprint URLs point into copy k (see {@link #copyId}). */
    static String copyText(String text, int k) {
        return text.replace("launchpad.net/nova/+spec/", "launchpad.net/nova/+spec/b" + k + "-")
                .replace("nova-specs/specs/", "nova-specs/specs/b" + k + "-");
    }

    /** Fills a store with the bench's items and stories (no links), then marks it READY. */
    static void prepare(Path data, Path site, Path prepared, int nItems, int nStories) throws Exception {
        if (Files.exists(prepared)) {
            deleteTree(prepared);
        }
        Files.createDirectories(prepared);
        List<Item> specs = BenchData.specItems(site).stream().filter(i -> i.kind().equals("spec")).toList();
        List<Story> real = BenchData.stories(data.resolve("product-wg/stories"));
        Random rnd = new Random(7);
        try (Store store = Store.open("", "liaison", prepared.resolve("data"))) {
            long t0 = System.nanoTime();
            List<Item> batch = new ArrayList<>();
            for (int i = 0; i < nItems; i++) {
                Item s = specs.get(i % specs.size());
                int copy = i / specs.size();
                String text = copyText(s.text().substring(0, Math.min(2000, s.text().length())), copy);
                List<dev.liaison.item.Ref> refs = s.refs().stream()
                        .map(r -> new dev.liaison.item.Ref(r.type(), copyId(r.target(), copy), r.relation(), r.evidence())).toList();
                batch.add(Item.builder(copyId(s.id(), copy), "spec")
                        .source("bench").project("nova").title(s.title()).text(text).refs(refs).url(s.url()).build());
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
                int copy = i % Math.max(1, (nItems + specs.size() - 1) / specs.size());
                stories.add(new Story("s-" + i, spec.title() + " for " + base.title(),
                        base.text() + "\n" + copyText(spec.text().substring(0, Math.min(1500, spec.text().length())), copy), "proposed",
                        List.of("nova"), List.of(), List.of(), List.of(), List.of(), null));
            }
            new StoryStore(store).upsert(stories, Instant.now());
            System.out.printf("stored %d items and %d stories in %d ms (once, kept in %s; not part of the measure); load %s%n",
                    store.items().count(), nStories, (System.nanoTime() - t0) / 1_000_000, prepared, BenchData.uptime());
        }
        Files.writeString(prepared.resolve("READY"), "items=" + nItems + " stories=" + nStories + "\n");
    }

    static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (p.getFileName().toString().endsWith(".mv.db")) { // the store file, not a running server's port file
                    Files.copy(p, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path site = Path.of(args[1]);
        int nItems = Integer.parseInt(System.getenv().getOrDefault("BENCH_ITEMS", "100000"));
        int nStories = Integer.parseInt(System.getenv().getOrDefault("BENCH_STORIES", "1000"));
        // The prepared store (items and stories, no links) is kept between runs: filling it takes
        // minutes. Each run copies it to a fresh data dir and relinks that copy.
        Path prepared = Path.of(args[2]).resolve("relink-prepared-" + nItems + "x" + nStories);
        if (!Files.exists(prepared.resolve("READY"))) {
            prepare(data, site, prepared, nItems, nStories);
        }
        Path work = Files.createDirectories(Path.of(args[2]).resolve("relink-" + System.currentTimeMillis()));
        long copyStart = System.nanoTime();
        copyTree(prepared.resolve("data"), work.resolve("data"));
        System.out.printf("copied the prepared store (%d items x %d stories) in %d ms (not part of the measure); load %s%n",
                nItems, nStories, (System.nanoTime() - copyStart) / 1_000_000, BenchData.uptime());
        try (Store store = Store.open("", "liaison", work.resolve("data"))) {
            Runtime rt = Runtime.getRuntime();
            try (LinkService service = new LinkService(store, Clock.systemUTC())) {
                // As `liaison link --all` does: relinkAll builds the indexes itself (and keeps every
                // item's analysis for the relink); the log line "Linker indexes built" times that part.
                var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long a = System.nanoTime();
                LinkService.Stats stats = service.relinkAll();
                long c = System.nanoTime();
                // CPU time of the whole process (the embedded store's threads included): comparable on a busy machine.
                System.out.printf("relink %d items against %d stories: %.1f s total (index rebuild included), %.1f s of CPU; %s; "
                                + "heap used %d MB of max %d MB; load %s%n",
                        nItems, nStories, (c - a) / 1e9, (os.getProcessCpuTime() - cpu0) / 1e9, stats.summary(),
                        (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20, BenchData.uptime());
                java.util.Map<String, Integer> byHow = new java.util.TreeMap<>();
                // Only the field counted: an aggregation makes the embedded store gather every link first.
                for (org.bson.Document l : store.collection(Store.LINKS).find().projection(new org.bson.Document("how", 1).append("_id", 0))) {
                    byHow.merge(String.valueOf(l.get("how")), 1, Integer::sum);
                }
                System.out.printf("links stored by kind: %s%n", byHow);
                java.util.Set<String> before = new java.util.HashSet<>();
                store.collection(Store.LINKS).find().projection(new org.bson.Document("_id", 1)).forEach(l -> before.add(l.getString("_id")));
                String dump = System.getenv("BENCH_DUMP");
                if (dump != null && !dump.isBlank()) {
                    // Every stored link as one sorted line (story, item, kind, state, confidence, evidence): two
                    // runs' files are equal when the relink decided the same links.
                    List<String> lines = new ArrayList<>();
                    for (org.bson.Document l : store.collection(Store.LINKS).find()) {
                        lines.add(l.get("story") + "\t" + l.get("item") + "\t" + l.get("how") + "\t" + l.get("state") + "\t"
                                + l.get("confidence") + "\t" + l.get("project") + "\t" + l.get("itemKind") + "\t"
                                + ((org.bson.Document) l).get("evidence"));
                    }
                    java.util.Collections.sort(lines);
                    Files.write(Path.of(dump), lines);
                    System.out.printf("wrote %d links to %s%n", lines.size(), dump);
                }
                boolean again = !"0".equals(System.getenv("BENCH_AGAIN")); // BENCH_AGAIN=0: no second relink
                long d = System.nanoTime();
                LinkService.Stats second = again ? service.relinkAll() : null;
                if (second != null) {
                    System.out.printf("relink again, nothing changed: %.1f s; %s; load %s%n", (System.nanoTime() - d) / 1e9, second.summary(),
                            BenchData.uptime());
                }
                if (second != null && second.created() > 0) {
                    int shown = 0;
                    for (org.bson.Document l : store.collection(Store.LINKS).find().projection(new org.bson.Document("_id", 1))) {
                        if (!before.contains(l.getString("_id")) && shown++ < 5) {
                            System.out.println("  new on the second run: " + l.toJson());
                        }
                    }
                }
            }
        }
        if (System.getenv("BENCH_KEEP") == null) {
            deleteTree(work); // a copy of the prepared store: hundreds of MB at 100,000 items
        }
    }
}
