package bench;

import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.linking.Linker;
import dev.liaison.item.ReferenceExtractor;
import dev.liaison.linking.Trackers;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Quality of the linker on real data: the whole nova-specs site as items, the Product WG stories.
 * A. Trackers (not imported): of the nova specs and blueprints each tracker lists, the share among
 *    the story's links (declared, mentioned, via, or its 10 best similar suggestions).
 * B. Held-out citations: every URL is removed from every story; of the nova specs and blueprints
 *    a story cited, the share the linker still finds (via and similar only), and the precision of
 *    the similar suggestions by confidence band (a lower bound: unlabelled hits count as wrong).
 */
public final class QualityBench {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : System.getenv().getOrDefault("LIAISON_BENCH_DATA", "../shared/data"));
        Path site = Path.of(args[1]);
        long t0 = System.nanoTime();
        List<Item> items = BenchData.specItems(site);
        Map<String, Item> byId = items.stream().collect(Collectors.toMap(Item::id, Function.identity()));
        List<Story> stories = BenchData.stories(data.resolve("product-wg/stories"));
        System.out.printf("data: %d items (%d specs), %d stories, read in %d ms; load %s%n", items.size(),
                items.stream().filter(i -> i.kind().equals("spec")).count(), stories.size(), (System.nanoTime() - t0) / 1_000_000, BenchData.uptime());

        // A: trackers
        Map<String, List<Link>> linksA = linkAll(items, byId, stories);
        Map<String, Set<String>> labelled = new TreeMap<>();
        try (var files = Files.list(data.resolve("product-wg/trackers"))) {
            for (Path f : files.sorted().toList()) {
                try {
                    Trackers.Tracker t = Trackers.read(f.getFileName().toString(), Files.readAllBytes(f));
                    for (Link l : t.links()) {
                        if (byId.containsKey(l.item())) {
                            labelled.computeIfAbsent(t.story(), k -> new LinkedHashSet<>()).add(l.item());
                        }
                    }
                } catch (Exception e) {
                    // broken files are covered by the tests
                }
            }
        }
        int found = 0, total = 0, considered = 0, correct = 0;
        for (var e : labelled.entrySet()) {
            Set<String> got = considered(linksA.getOrDefault(e.getKey(), List.of()));
            for (String item : e.getValue()) {
                total++;
                boolean hit = got.contains(item);
                found += hit ? 1 : 0;
                System.out.printf("  A %-22s %-55s %s%s%n", e.getKey(), item, hit ? "found " : "MISSED", hit ? how(linksA.get(e.getKey()), item) : "");
            }
            considered += got.size();
            correct += (int) got.stream().filter(e.getValue()::contains).count();
        }
        String debug = System.getenv("BENCH_DEBUG_STORY");
        if (debug != null) {
            linksA.getOrDefault(debug, List.of()).stream().sorted(Comparator.comparing(Link::how).thenComparing(Comparator.comparingDouble(Link::confidence).reversed()))
                    .forEach(l -> System.out.println("  debug " + l.how() + " " + l.confidence() + " " + l.item() + " " + (byId.containsKey(l.item()) ? byId.get(l.item()).title() : "(not stored)") + " " + l.evidence().get(0).snippet()));
        }
        System.out.printf("A trackers: recall %d/%d = %.2f; precision (lower bound) %d/%d = %.2f%n", found, total, ratio(found, total),
                correct, considered, ratio(correct, considered));

        // B: held-out citations
        Map<String, Set<String>> cited = new TreeMap<>();
        List<Story> stripped = new ArrayList<>();
        for (Story s : stories) {
            for (Ref r : ReferenceExtractor.extract(s.text(), s.mainProject())) {
                if (byId.containsKey(r.target())) {
                    cited.computeIfAbsent(s.id(), k -> new LinkedHashSet<>()).add(r.target());
                }
            }
            String text = s.text().replaceAll("https?://\\S+", " ").replaceAll("`[^`]*<[^>]*>`_", " ");
            stripped.add(new Story(s.id(), s.title(), text, s.state(), s.projects(), s.tags(), s.aliases(), s.owners(), s.backers(), s.origin()));
        }
        Map<String, List<Link>> linksB = linkAll(items, byId, stripped);
        found = 0;
        total = 0;
        int[] bandAll = new int[6], bandHit = new int[6];
        for (var e : cited.entrySet()) {
            List<Link> ls = linksB.getOrDefault(e.getKey(), List.of());
            Set<String> got = considered(ls);
            for (String item : e.getValue()) {
                total++;
                found += got.contains(item) ? 1 : 0;
            }
            for (Link l : top10Similar(ls)) {
                int band = Math.min(5, (int) (l.confidence() * 10));
                bandAll[band]++;
                bandHit[band] += e.getValue().contains(l.item()) ? 1 : 0;
            }
        }
        System.out.printf("B held-out citations (%d stories): recall %d/%d = %.2f%n", cited.size(), found, total, ratio(found, total));
        for (int b = 1; b < 6; b++) {
            System.out.printf("  similar confidence %.1f-%.1f: %d suggestions, %d cited by the story = precision >= %.2f%n",
                    b / 10.0, (b + 1) / 10.0, bandAll[b], bandHit[b], ratio(bandHit[b], bandAll[b]));
        }
        System.out.printf("total %d ms; load %s%n", (System.nanoTime() - t0) / 1_000_000, BenchData.uptime());
    }

    static Map<String, List<Link>> linkAll(List<Item> items, Map<String, Item> byId, List<Story> stories) {
        try (Linker linker = new Linker(ids -> ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList())) {
            linker.putStories(stories);
            linker.putItems(items);
            List<Link> all = new ArrayList<>(linker.linkStories(stories));
            all.addAll(linker.linkItems(items));
            Map<String, Link> best = new HashMap<>();
            for (Link l : all) {
                best.merge(l.id(), l, (a, b) -> Link.strength(b.how()) > Link.strength(a.how())
                        || Link.strength(b.how()) == Link.strength(a.how()) && b.confidence() > a.confidence() ? b : a);
            }
            return best.values().stream().collect(Collectors.groupingBy(Link::story));
        }
    }

    static List<Link> top10Similar(List<Link> links) {
        return links.stream().filter(l -> l.how().equals(Link.SIMILAR))
                .sorted(Comparator.comparingDouble(Link::confidence).reversed().thenComparing(Link::item)).limit(10).toList();
    }

    static Set<String> considered(List<Link> links) {
        Set<String> out = new LinkedHashSet<>();
        links.stream().filter(l -> !l.how().equals(Link.SIMILAR)).forEach(l -> out.add(l.item()));
        top10Similar(links).forEach(l -> out.add(l.item()));
        return out;
    }

    static String how(List<Link> links, String item) {
        return links.stream().filter(l -> l.item().equals(item)).map(l -> "(" + l.how() + " " + l.confidence() + ")").findFirst().orElse("");
    }

    static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
