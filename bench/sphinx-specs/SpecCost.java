package dev.liaison.sources.sphinxspecs;

import dev.liaison.item.Item;
import dev.liaison.store.Store;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jsoup.Jsoup;

/**
 * Splits the cost of a sphinx-specs crawl without HTTP: the spec pages of an unpacked site read
 * from disk, then (mode {@code jsoup}) Jsoup alone, (mode {@code parse}) the whole spec parser, or
 * (mode {@code all}) the parser and then storing the items in batches of 50 in a fresh embedded
 * store. One thread; rounds 1, 2, 3 show the cold-to-warm JVM. From the repository root:
 * <pre>
 *   mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 *   javac -d target/bench-spec -cp "target/classes:$(cat target/cp.txt)" bench/sphinx-specs/SpecCost.java
 *   java -Xmx256m -cp "target/bench-spec:target/classes:$(cat target/cp.txt)" \
 *       dev.liaison.sources.sphinxspecs.SpecCost SITE_DIR [jsoup|parse|all]
 * </pre>
 * SITE_DIR is the unpacked site-openstackdocstheme.tar.gz (it holds {@code specs/}).
 */
public class SpecCost {
    public static void main(String[] args) throws Exception {
        Path site = Path.of(args[0]);
        String mode = args.length > 1 ? args[1] : "all";
        URI root = URI.create("http://127.0.0.1:18731/openstack/nova-specs/");
        SiteLayout layout = new SiteLayout(root, "nova");
        List<Path> pages;
        try (var s = Files.walk(site.resolve("specs"))) {
            pages = s.filter(p -> p.toString().endsWith(".html")).sorted().toList();
        }
        List<byte[]> bodies = new ArrayList<>();
        List<URI> urls = new ArrayList<>();
        for (Path p : pages) {
            bodies.add(Files.readAllBytes(p));
            urls.add(root.resolve(site.relativize(p).toString()));
        }
        for (int round = 1; round <= 3; round++) {
            long t0 = System.nanoTime();
            if (mode.equals("jsoup")) {
                for (int i = 0; i < bodies.size(); i++) {
                    Jsoup.parse(new String(bodies.get(i), StandardCharsets.UTF_8), urls.get(i).toString());
                }
                System.out.printf("round %d: Jsoup alone, %d pages: %d ms%n", round, bodies.size(), (System.nanoTime() - t0) / 1_000_000);
                continue;
            }
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                Optional<SiteLayout.SpecLocation> at = layout.spec(urls.get(i));
                if (at.isPresent() && SpecPageParser.parse(bodies.get(i), Optional.empty(), urls.get(i), at.get(), layout,
                        "nova-specs") instanceof SpecPage.Spec spec) {
                    items.add(spec.item());
                }
            }
            long parsed = (System.nanoTime() - t0) / 1_000_000;
            if (!mode.equals("all")) {
                System.out.printf("round %d: %d items parsed in %d ms%n", round, items.size(), parsed);
                continue;
            }
            Path data = Files.createTempDirectory("speccost");
            try (Store store = Store.open(null, "liaison", data)) {
                long t1 = System.nanoTime();
                for (int i = 0; i < items.size(); i += 50) {
                    store.items().upsert(items.subList(i, Math.min(items.size(), i + 50)));
                }
                System.out.printf("round %d: %d items parsed in %d ms; stored in %d ms%n", round, items.size(), parsed,
                        (System.nanoTime() - t1) / 1_000_000);
            }
        }
    }
}
