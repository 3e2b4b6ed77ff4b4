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
        List<Item> items = BenchData.items(site, Path.of(args[2]));
        Map<String, Item> byId = items.stream().collect(Collectors.toMap(Item::id, Function.identity()));
        if (System.getenv("BENCH_TWINS_ONE") != null) {
            twins(items);
        }
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
                System.out.printf("  A %-22s %-55s %s%s%n", e.getKey(), item, hit ? "found " : "MISSED", how(linksA.getOrDefault(e.getKey(), List.of()), item));
            }
            considered += got.size();
            correct += (int) got.stream().filter(e.getValue()::contains).count();
        }
        String sheet = System.getenv("BENCH_SHEET");
        if (sheet != null) {
            writeSheet(Path.of(sheet), stories, linksA, byId);
            writeSheet(Path.of(sheet + ".nobar"), stories, linkAll(items, byId, stories, 0.0), byId);
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
                System.out.printf("  B %-22s %-55s %s%s%n", e.getKey(), item, got.contains(item) ? "found " : "MISSED", how(ls, item));
            }
            for (Link l : top10Similar(ls)) {
                int band = Math.min(5, (int) (score(l) * 10));
                bandAll[band]++;
                bandHit[band] += e.getValue().contains(l.item()) ? 1 : 0;
            }
        }
        System.out.printf("B held-out citations (%d stories): recall %d/%d = %.2f%n", cited.size(), found, total, ratio(found, total));
        for (int b = 1; b < 6; b++) {
            System.out.printf("  similar score %.1f-%.1f: %d suggestions, %d cited by the story = precision >= %.2f%n",
                    b / 10.0, (b + 1) / 10.0, bandAll[b], bandHit[b], ratio(bandHit[b], bandAll[b]));
        }
        if (System.getenv("BENCH_SKIP_ORDERS") == null) { // lever runs: the orders do not depend on them
            twoOrders(items, byId, stories, linksA);
            crawlBeforeAnyStory(items, byId, stories, linksA);
        }
        // C on what the linker shows (its calibration and bar), then the calibration and the
        // leave-one-story-out bar measured on every story's best 10 whatever they score
        labelled(Path.of("bench/linker/labels/judgements.tsv"), stories, linksA, false);
        Map<String, List<Link>> noBar = linkAll(items, byId, stories, 0.0);
        labelled(Path.of("bench/linker/labels/judgements.tsv"), stories, noBar, true);
        if (System.getenv("BENCH_RANK_RULE") != null) {
            rankRule(Path.of("bench/linker/labels/judgements.tsv"), noBar, linkAll(items, byId, stripped, 0.0), labelled, cited);
        }
        System.out.printf("total %d ms; load %s%n", (System.nanoTime() - t0) / 1_000_000, BenchData.uptime());
    }

    static Map<String, List<Link>> linkAll(List<Item> items, Map<String, Item> byId, List<Story> stories) {
        String minShown = System.getenv("BENCH_MIN_SHOWN");
        return linkAll(items, byId, stories, minShown == null ? null : Double.parseDouble(minShown));
    }

    static Map<String, List<Link>> linkAll(List<Item> items, Map<String, Item> byId, List<Story> stories, Double minShown) {
        try (Linker linker = new Linker(ids -> ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList())) {
            // BENCH_MIN_SHOWN=0 shows every story's best BENCH_PER_STORY (default 10): to see where a missed item ranks
            if (minShown != null) {
                linker.calibration(dev.liaison.linking.Calibration.standard(), minShown);
            }
            linker.similar(0.12, Integer.parseInt(System.getenv().getOrDefault("BENCH_PER_STORY", "10")));
            linker.putStories(stories);
            linker.putItems(items);
            // crawl first (the items linked while there is no story), then the stories imported
            Map<String, Link> best = new HashMap<>();
            keep(best, linker.linkItems(items), linker);
            keep(best, linker.linkStories(stories), linker);
            keep(best, linker.rankTouched(), linker);
            Map<String, List<Link>> out = best.values().stream().collect(Collectors.groupingBy(Link::story));
            if ("both".equals(System.getenv("BENCH_SPEC_FIELDS"))) {
                out = summaryMerged(out, minShown == null);
            }
            String factor = System.getenv("BENCH_PROJECT_FACTOR");
            out = factor == null ? out : projectLever(out, stories, byId, Double.parseDouble(factor), minShown == null);
            if (System.getenv("BENCH_NAME_ONLY_OFF") != null) {
                out = withoutNameOnly(out, byId);
            }
            return TWINS.isEmpty() ? out : oneSlotPerTwins(out);
        }
    }

    /**
     * BENCH_TWINS_ONE=1: a spec and its blueprint (the twin a blueprint's specification_url names)
     * are one suggestion: a story's similar list keeps the better of the two, the next item takes
     * the freed slot, and the pair counts as found for trackers and citations (see {@link #considered}).
     */
    static final Map<String, String> TWINS = new HashMap<>();

    static void twins(List<Item> items) {
        for (Item i : items) {
            if (i.kind().equals("blueprint")) {
                for (Ref r : i.refs()) {
                    if (Ref.SPEC.equals(r.type())) {
                        TWINS.put(i.id(), r.target());
                        TWINS.putIfAbsent(r.target(), i.id());
                    }
                }
            }
        }
    }

    /**
     * BENCH_NAME_ONLY_OFF=1 (run with BENCH_PER_STORY=30): a similar link to an item with no text of
     * its own (the bench's blueprint twins carry only their name) is dropped unless its evidence is
     * its spec's text; the best 10 are taken again. Measures how much name-only matches cost.
     */
    static Map<String, List<Link>> withoutNameOnly(Map<String, List<Link>> links, Map<String, Item> byId) {
        Map<String, List<Link>> out = new HashMap<>();
        for (var e : links.entrySet()) {
            List<Link> kept = new ArrayList<>(e.getValue().stream().filter(l -> {
                Item it = byId.get(l.item());
                return !l.how().equals(Link.SIMILAR) || it == null || !it.text().isBlank()
                        || l.evidence().get(0).snippet().matches("(?s)text similarity [0-9.]+: .*");
            }).toList());
            Set<String> best10 = top10Similar(kept).stream().map(Link::item).collect(Collectors.toSet());
            kept.removeIf(l -> l.how().equals(Link.SIMILAR) && !best10.contains(l.item()));
            out.put(e.getKey(), kept);
        }
        return out;
    }

    static Map<String, List<Link>> oneSlotPerTwins(Map<String, List<Link>> links) {
        Map<String, List<Link>> out = new HashMap<>();
        for (var e : links.entrySet()) {
            List<Link> kept = new ArrayList<>(e.getValue().stream().filter(l -> !l.how().equals(Link.SIMILAR)).toList());
            Set<String> taken = new java.util.HashSet<>();
            kept.forEach(l -> taken.add(l.item()));
            int n = 0;
            for (Link l : e.getValue().stream().filter(l -> l.how().equals(Link.SIMILAR))
                    .sorted(Comparator.comparingDouble(QualityBench::score).reversed().thenComparing(Link::item)).toList()) {
                String twin = TWINS.get(l.item());
                if (n >= 10 || taken.contains(l.item()) || (twin != null && taken.contains(twin))) {
                    continue;
                }
                kept.add(l);
                taken.add(l.item());
                n++;
            }
            out.put(e.getKey(), kept);
        }
        return out;
    }

    /**
     * BENCH_SPEC_FIELDS=both (run with BENCH_PER_STORY=30): a spec's summary unit (id#summary) and
     * the spec itself are one item whose score is the better of the two; the best 10 taken again.
     */
    static Map<String, List<Link>> summaryMerged(Map<String, List<Link>> links, boolean bar) {
        Map<String, List<Link>> out = new HashMap<>();
        for (var e : links.entrySet()) {
            Map<String, Link> byItem = new java.util.LinkedHashMap<>();
            for (Link l : e.getValue()) {
                String id = l.item().endsWith(BenchData.SUMMARY) ? l.item().substring(0, l.item().length() - BenchData.SUMMARY.length()) : l.item();
                Link m = id.equals(l.item()) ? l : new Link(l.story(), id, l.how(), l.confidence(), l.state(), l.project(), l.itemKind(),
                        l.trackerStatus(), l.evidence());
                Link before = byItem.get(id);
                if (before == null || (before.how().equals(Link.SIMILAR) && m.how().equals(Link.SIMILAR) && score(m) > score(before))
                        || (before.how().equals(Link.SIMILAR) && !m.how().equals(Link.SIMILAR))) {
                    byItem.put(id, m);
                }
            }
            List<Link> kept = new ArrayList<>(byItem.values());
            Set<String> best10 = top10Similar(kept).stream().map(Link::item).collect(Collectors.toSet());
            kept.removeIf(l -> l.how().equals(Link.SIMILAR) && !best10.contains(l.item()));
            out.put(e.getKey(), kept);
        }
        return out;
    }

    /** The default spec sites' projects, as a story names them in its words. */
    static final java.util.regex.Pattern PROJECT_WORD = java.util.regex.Pattern.compile(
            "(?i)\\b(nova|cinder|glance|keystone|neutron|heat|ironic)\\b");

    /** The projects a story names in its words (URLs left out, so a held-out citation's URL does not count). */
    static Set<String> namedProjects(Story s) {
        Set<String> out = new java.util.HashSet<>();
        var m = PROJECT_WORD.matcher(s.title() + "\n" + s.text().replaceAll("https?://\\S+", " "));
        while (m.find()) {
            out.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    /**
     * Lever (BENCH_PROJECT_FACTOR=f, run with BENCH_PER_STORY=30 so there is something to re-rank):
     * a similar link to an item of a project the story names none of its words for (when it names
     * any) scores f times its text similarity; the best 10 are then taken again by that score, and
     * with the product's bar (0.30) links pushed under it are dropped.
     */
    static Map<String, List<Link>> projectLever(Map<String, List<Link>> links, List<Story> stories, Map<String, Item> byId,
            double factor, boolean bar) {
        Map<String, Story> byStory = stories.stream().collect(Collectors.toMap(Story::id, Function.identity()));
        dev.liaison.linking.Calibration cal = dev.liaison.linking.Calibration.standard();
        Map<String, List<Link>> out = new HashMap<>();
        for (var e : links.entrySet()) {
            Set<String> named = byStory.containsKey(e.getKey()) ? namedProjects(byStory.get(e.getKey())) : Set.of();
            List<Link> kept = new ArrayList<>();
            for (Link l : e.getValue()) {
                Item it = byId.get(l.item());
                if (!l.how().equals(Link.SIMILAR) || named.isEmpty() || it == null || named.contains(it.project())) {
                    kept.add(l);
                    continue;
                }
                double sc = score(l) * factor;
                if (bar && sc < 0.30) {
                    continue;
                }
                dev.liaison.story.Evidence ev = l.evidence().get(0);
                String snippet = ev.snippet().replaceFirst("text similarity \\d+(?:\\.\\d+)?", String.format(java.util.Locale.ROOT, "text similarity %.4f", sc));
                kept.add(new Link(l.story(), l.item(), l.how(), cal.confidence(Link.SIMILAR, sc, l.confidence()), l.state(), l.project(), l.itemKind(),
                        l.trackerStatus(), List.of(new dev.liaison.story.Evidence(ev.how(), snippet, ev.where(), ev.via()))));
            }
            List<Link> similar = kept.stream().filter(l -> l.how().equals(Link.SIMILAR)).toList();
            Set<String> best10 = top10Similar(similar).stream().map(Link::item).collect(Collectors.toSet());
            kept.removeIf(l -> l.how().equals(Link.SIMILAR) && !best10.contains(l.item()));
            out.put(e.getKey(), kept);
        }
        return out;
    }

    /** What the review queue shows a story: its suggestions but declared ones, best first (as the review page sorts them). */
    static List<Link> shown(List<Link> links) {
        List<Link> out = new ArrayList<>(links.stream().filter(l -> !l.how().equals(Link.SIMILAR) && !l.how().equals(Link.DECLARED)).toList());
        out.addAll(top10Similar(links));
        out.sort(Link.BEST_FIRST);
        return out;
    }

    /** The raw score of a similar link (its evidence), else its confidence. */
    static double score(Link l) {
        return l.evidence().stream().mapToDouble(dev.liaison.story.Evidence::similarity).filter(x -> x >= 0).findFirst().orElse(l.confidence());
    }

    /** The calibration band of a link: its kind, and for a similar one its score band. */
    static String band(Link l) {
        if (l.how().equals(Link.MENTIONED)) {
            return l.evidence().get(0).snippet().startsWith("names \"") ? "mentioned-phrase" : "mentioned-ref";
        }
        if (!l.how().equals(Link.SIMILAR)) {
            return l.how();
        }
        double s = score(l);
        return s >= 0.4 ? "similar 0.40+" : s >= 0.3 ? "similar 0.30-0.40" : s >= 0.25 ? "similar 0.25-0.30" : s >= 0.2 ? "similar 0.20-0.25" : "similar <0.20";
    }

    /**
     * C. The labelled set: precision@5/@10 of what each judged story is shown, the review queue's
     * size for every story, the measured share of right links per kind and score band (the
     * calibration), and the abstention threshold chosen leave-one-story-out.
     */
    static void labelled(Path file, List<Story> stories, Map<String, List<Link>> links, boolean all) throws java.io.IOException {
        String what = all ? "C' every story's best 10 (no bar)" : "C shown";
        Map<String, Map<String, Boolean>> labels = new TreeMap<>();
        for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
            String[] f = line.split("\t");
            if (f.length >= 3) {
                labels.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], f[2].equals("yes"));
            }
        }
        List<Integer> sizes = new ArrayList<>();
        for (Story s : stories) {
            if (!Story.DRAFT.equals(s.state())) {
                sizes.add(shown(links.getOrDefault(s.id(), List.of())).size());
            }
        }
        java.util.Collections.sort(sizes);
        System.out.printf("%s: review queue (declared excluded), %d stories not draft: median %d, max %d, empty %d%n", what, sizes.size(),
                sizes.isEmpty() ? 0 : sizes.get(sizes.size() / 2), sizes.isEmpty() ? 0 : sizes.get(sizes.size() - 1),
                sizes.stream().filter(x -> x == 0).count());
        double p5 = 0, p10 = 0;
        int stories5 = 0, unjudged = 0, empty = 0, emptyRight = 0;
        Map<String, int[]> calibration = new TreeMap<>();
        for (var e : labels.entrySet()) {
            List<Link> sh = shown(links.getOrDefault(e.getKey(), List.of()));
            int right5 = 0, right10 = 0;
            for (int i = 0; i < sh.size(); i++) {
                Boolean r = e.getValue().get(sh.get(i).item());
                unjudged += r == null ? 1 : 0;
                if (r == null) {
                    System.out.printf("  %s unjudged: %s\t%s\t%s %s%n", what, e.getKey(), sh.get(i).item(), band(sh.get(i)), score(sh.get(i)));
                }
                boolean ok = Boolean.TRUE.equals(r);
                right5 += i < 5 && ok ? 1 : 0;
                right10 += i < 10 && ok ? 1 : 0;
                if (r != null) {
                    int[] c = calibration.computeIfAbsent(band(sh.get(i)), k -> new int[2]);
                    c[0]++;
                    c[1] += ok ? 1 : 0;
                }
            }
            if (sh.isEmpty()) {
                empty++;
                emptyRight += e.getValue().containsValue(true) ? 1 : 0;
            } else {
                stories5++;
                p5 += (double) right5 / Math.min(5, sh.size());
                p10 += (double) right10 / Math.min(10, sh.size());
            }
            if (!all) {
                System.out.printf("  C %-32s shown %2d, right in the best 5: %d, best 10: %d%n", e.getKey(), sh.size(), right5, right10);
            }
        }
        System.out.printf("%s: labelled set (%d stories): precision@5 %.2f, @10 %.2f (mean over the %d stories shown anything; a story shown k < 5 is judged on k);"
                + " %d shown links unjudged (counted wrong); %d stories shown nothing (%d of them had a right link judged)%n",
                what, labels.size(), p5 / Math.max(1, stories5), p10 / Math.max(1, stories5), stories5, unjudged, empty, emptyRight);
        if (!all) {
            return; // the calibration and the bar are measured without a bar
        }
        for (var c : calibration.entrySet()) {
            System.out.printf("  calibration %-20s judged %3d, right %3d = %.2f%n", c.getKey(), c.getValue()[0], c.getValue()[1], ratio(c.getValue()[1], c.getValue()[0]));
        }
        // Does a suggestion's rank in its story's list say more than its score? Judged similar links by rank and score band.
        Map<String, int[]> byRank = new TreeMap<>();
        for (var e : labels.entrySet()) {
            List<Link> top = top10Similar(links.getOrDefault(e.getKey(), List.of()));
            for (int i = 0; i < top.size(); i++) {
                Boolean r = e.getValue().get(top.get(i).item());
                if (r != null) {
                    String key = (i < 3 ? "rank 1-3 " : i < 5 ? "rank 4-5 " : "rank 6-10") + " " + band(top.get(i));
                    int[] c = byRank.computeIfAbsent(key, k -> new int[2]);
                    c[0]++;
                    c[1] += r ? 1 : 0;
                }
            }
        }
        for (var c : byRank.entrySet()) {
            System.out.printf("  by rank %-32s judged %3d, right %3d = %.2f%n", c.getKey(), c.getValue()[0], c.getValue()[1], ratio(c.getValue()[1], c.getValue()[0]));
        }
        looThreshold(labels, links);
    }

    /**
     * F0.5 (precision weighted over recall) of the links {@code shownOf} gives every labelled story
     * but {@code out}: how a rule chosen without the left-out story scores on the others.
     */
    static double fWithout(String out, Map<String, Map<String, Boolean>> labels, java.util.function.Function<String, List<Link>> shownOf) {
        int tp = 0, fp = 0, rel = 0;
        for (var e : labels.entrySet()) {
            if (e.getKey().equals(out)) {
                continue;
            }
            for (Link l : shownOf.apply(e.getKey())) {
                Boolean r = e.getValue().get(l.item());
                tp += Boolean.TRUE.equals(r) ? 1 : 0;
                fp += Boolean.TRUE.equals(r) ? 0 : 1;
            }
            rel += (int) e.getValue().values().stream().filter(x -> x).count();
        }
        double p = ratio(tp, tp + fp), r = ratio(tp, rel);
        return p + r == 0 ? 0 : 1.25 * p * r / (0.25 * p + r);
    }

    /**
     * Leave one story out: for each judged story, the similar-score threshold that maximises
     * F0.5 of the shown links on the other stories' judgements is applied to it (phrase mentions
     * are judged by their kind's share on the others); what the held-out story is then shown is
     * scored. Honest numbers for a threshold chosen on 20-odd stories.
     */
    static void looThreshold(Map<String, Map<String, Boolean>> labels, Map<String, List<Link>> links) {
        double[] grid = java.util.stream.IntStream.rangeClosed(12, 40).mapToDouble(i -> i / 100.0).toArray();
        double p5 = 0, p10 = 0;
        int stories5 = 0, shownAll = 0, rightAll = 0, relevantAll = 0, empty = 0, emptyWrongly = 0;
        List<String> chosen = new ArrayList<>();
        for (String out : labels.keySet()) {
            double bestT = 0, bestF = -1;
            for (double t : grid) {
                double f = fWithout(out, labels, story -> kept(shown(links.getOrDefault(story, List.of())), t));
                if (f > bestF + 1e-9) {
                    bestF = f;
                    bestT = t;
                }
            }
            chosen.add(String.format("%.2f", bestT));
            List<Link> sh = kept(shown(links.getOrDefault(out, List.of())), bestT);
            Map<String, Boolean> lab = labels.get(out);
            int r5 = 0, r10 = 0;
            for (int i = 0; i < sh.size(); i++) {
                boolean ok = Boolean.TRUE.equals(lab.get(sh.get(i).item()));
                r5 += i < 5 && ok ? 1 : 0;
                r10 += i < 10 && ok ? 1 : 0;
                rightAll += ok ? 1 : 0;
            }
            shownAll += sh.size();
            relevantAll += (int) lab.values().stream().filter(x -> x).count();
            if (sh.isEmpty()) {
                empty++;
                emptyWrongly += lab.containsValue(true) ? 1 : 0;
            } else {
                stories5++;
                p5 += (double) r5 / Math.min(5, sh.size());
                p10 += (double) r10 / Math.min(10, sh.size());
            }
        }
        System.out.printf("C leave-one-story-out threshold (similar score; chosen per fold: %s): held-out precision@5 %.2f, @10 %.2f over %d stories;"
                + " %d of %d judged-right links still shown (%d shown in all); %d stories shown nothing (%d of them wrongly)%n",
                String.join(" ", new java.util.TreeSet<>(chosen)), p5 / Math.max(1, stories5), p10 / Math.max(1, stories5), stories5,
                rightAll, relevantAll, shownAll, empty, emptyWrongly);
    }

    /**
     * E. A rank-aware bar (the recall experiment of the sixth session): a similar suggestion is shown
     * when its score reaches t1, or when it is among its story's best k and reaches t2. (t1, k, t2)
     * chosen leave-one-story-out by F0.5 on the other judged stories, as {@link #looThreshold}
     * does; trackers (A) and held-out citations (B) counted under the rule chosen without their
     * story's judgements.
     */
    static void rankRule(Path file, Map<String, List<Link>> noBar, Map<String, List<Link>> noBarB, Map<String, Set<String>> trackers,
            Map<String, Set<String>> cited) throws java.io.IOException {
        Map<String, Map<String, Boolean>> labels = new TreeMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            if (f.length >= 3) {
                labels.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], f[2].equals("yes"));
            }
        }
        List<double[]> grid = new ArrayList<>();
        for (int t1 = 28; t1 <= 34; t1++) {
            for (int k : new int[] {0, 1, 2, 3, 5}) {
                for (int t2 = 15; t2 <= t1; t2++) {
                    if (k == 0 && t2 != t1) {
                        continue;
                    }
                    grid.add(new double[] {t1 / 100.0, k, t2 / 100.0});
                }
            }
        }
        Set<String> all = new java.util.TreeSet<>(labels.keySet());
        all.addAll(trackers.keySet());
        all.addAll(cited.keySet());
        double p5 = 0, p10 = 0;
        int shownStories = 0, rightShown = 0, shown = 0, aFound = 0, aTotal = 0, bFound = 0, bTotal = 0;
        List<String> chosen = new ArrayList<>();
        for (String out : all) {
            double[] best = null;
            double bestF = -1;
            for (double[] g : grid) {
                double f = fWithout(out, labels, story -> rule(shown(noBar.getOrDefault(story, List.of())), g));
                if (f > bestF + 1e-9) {
                    bestF = f;
                    best = g;
                }
            }
            chosen.add(String.format("%.2f/%d/%.2f", best[0], (int) best[1], best[2]));
            if (labels.containsKey(out)) {
                List<Link> sh = rule(shown(noBar.getOrDefault(out, List.of())), best);
                int r5 = 0, r10 = 0;
                for (int i = 0; i < sh.size(); i++) {
                    boolean ok = Boolean.TRUE.equals(labels.get(out).get(sh.get(i).item()));
                    r5 += i < 5 && ok ? 1 : 0;
                    r10 += i < 10 && ok ? 1 : 0;
                    rightShown += ok ? 1 : 0;
                }
                shown += sh.size();
                if (!sh.isEmpty()) {
                    shownStories++;
                    p5 += (double) r5 / Math.min(5, sh.size());
                    p10 += (double) r10 / Math.min(10, sh.size());
                }
            }
            Set<String> gotA = rule(shown(noBar.getOrDefault(out, List.of())), best).stream().map(Link::item).collect(Collectors.toSet());
            noBar.getOrDefault(out, List.of()).stream().filter(l -> l.how().equals(Link.DECLARED)).forEach(l -> gotA.add(l.item()));
            for (String item : trackers.getOrDefault(out, Set.of())) {
                aTotal++;
                aFound += gotA.contains(item) ? 1 : 0;
            }
            Set<String> gotB = rule(shown(noBarB.getOrDefault(out, List.of())), best).stream().map(Link::item).collect(Collectors.toSet());
            for (String item : cited.getOrDefault(out, Set.of())) {
                bTotal++;
                bFound += gotB.contains(item) ? 1 : 0;
                System.out.printf("  E %s %s %s%n", out, item, gotB.contains(item) ? "found" : "MISSED");
            }
        }
        System.out.printf("E rank-aware bar (t1/k/t2 chosen per fold: %s): held-out precision@5 %.2f, @10 %.2f over %d stories;"
                + " %d judged-right links shown (%d shown in all); trackers %d/%d, held-out citations %d/%d%n",
                String.join(" ", new java.util.TreeSet<>(chosen)), p5 / Math.max(1, shownStories), p10 / Math.max(1, shownStories),
                shownStories, rightShown, shown, aFound, aTotal, bFound, bTotal);
    }

    /** The shown links a rank-aware bar keeps: similar ones by score t1, or among the best k at t2; other kinds as {@link #kept}. */
    static List<Link> rule(List<Link> shown, double[] g) {
        List<Link> similar = top10Similar(shown);
        List<Link> out = new ArrayList<>();
        for (Link l : shown) {
            if (!l.how().equals(Link.SIMILAR)) {
                if (!band(l).equals("mentioned-phrase")) {
                    out.add(l);
                }
                continue;
            }
            int rank = similar.indexOf(l);
            double sc = score(l);
            if (sc >= g[0] - 1e-9 || rank >= 0 && rank < g[1] && sc >= g[2] - 1e-9) {
                out.add(l);
            }
        }
        return out;
    }

    /** The shown links a similar-score threshold keeps (phrase mentions: never, below any threshold; other kinds: always). */
    static List<Link> kept(List<Link> shown, double t) {
        return shown.stream().filter(l -> l.how().equals(Link.SIMILAR) ? score(l) >= t
                : !band(l).equals("mentioned-phrase") || t <= 0).toList();
    }

    /** Every story's shown links (non-similar, then its best 10 similar) with what a judge needs to read. */
    static void writeSheet(Path out, List<Story> stories, Map<String, List<Link>> links, Map<String, Item> byId) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (Story s : stories) {
            List<Link> ls = links.getOrDefault(s.id(), List.of());
            sb.append("# ").append(s.id()).append(" [").append(s.state()).append("] ").append(s.title()).append('\n');
            List<Link> shown = new ArrayList<>(ls.stream().filter(l -> !l.how().equals(Link.SIMILAR)).sorted(Comparator.comparing(Link::item)).toList());
            shown.addAll(top10Similar(ls));
            for (Link l : shown) {
                Item it = byId.get(l.item());
                String text = it == null ? "" : it.text();
                int from = Math.max(0, text.indexOf("Problem description"));
                String summary = it == null ? "(not stored)" : it.title() + " | " + text.substring(from, Math.min(from + 700, text.length())).replaceAll("\\s+", " ");
                sb.append(s.id()).append('\t').append(l.item()).append('\t').append(l.how()).append('\t').append(l.confidence())
                        .append('\t').append(l.evidence().get(0).snippet().replaceAll("\\s+", " ")).append('\t').append(summary).append('\n');
            }
        }
        Files.writeString(out, sb.toString());
    }

    /**
     * D. The same links whatever the order: (A) items first, then the stories; (B) the stories
     * first, then the items in batches of 300 as a daemon gets them, with a restart (a new linker
     * given the similar suggestions held) half-way and a final ranking. Compared as (story, item, how).
     */
    static void twoOrders(List<Item> items, Map<String, Item> byId, List<Story> stories, Map<String, List<Link>> a) {
        Linker.ItemLookup lookup = ids -> ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
        Map<String, Link> held = new HashMap<>();
        Linker linker = new Linker(lookup);
        try {
            keep(held, linker.linkStories(stories), linker);
            int half = items.size() / 2;
            for (int i = 0; i < items.size(); i += 300) {
                if (i >= half && i - 300 < half) {
                    linker.close(); // restart: a new linker from what is stored
                    linker = new Linker(lookup);
                    linker.putStories(stories);
                    linker.putItems(items.subList(0, i));
                    linker.setHeld(held.values().stream().filter(l -> l.evidence().stream().anyMatch(e -> e.how().equals(Link.SIMILAR))).toList());
                }
                keep(held, linker.linkItems(items.subList(i, Math.min(items.size(), i + 300))), linker);
                keep(held, linker.rankTouched(), linker);
            }
            keep(held, linker.rankTouched(), linker);
        } finally {
            linker.close();
        }
        Set<String> setA = new java.util.TreeSet<>(), setB = new java.util.TreeSet<>();
        a.values().forEach(ls -> ls.forEach(l -> setA.add(l.story() + " " + l.item() + " " + l.how())));
        held.values().forEach(l -> setB.add(l.story() + " " + l.item() + " " + l.how()));
        Set<String> onlyA = new java.util.TreeSet<>(setA), onlyB = new java.util.TreeSet<>(setB);
        onlyA.removeAll(setB);
        onlyB.removeAll(setA);
        System.out.printf("D two orders (crawl then import: %d links; import then the items in batches of 300 with a restart: %d): %d the same, %d only in the first, %d only in the second%n",
                setA.size(), setB.size(), setA.size() - onlyA.size(), onlyA.size(), onlyB.size());
        onlyA.stream().limit(5).forEach(x -> System.out.println("  D only first:  " + x));
        onlyB.stream().limit(5).forEach(x -> System.out.println("  D only second: " + x));
    }

    /**
     * D'. The crawl done and linked while no story exists (a daemon's first days), then the
     * stories imported and linked: the same (story, item, how) set as A (where the items' own pass
     * already saw the stories)? Only the story side's candidates (the item index's search) can then
     * bring an item into a story's list.
     */
    static void crawlBeforeAnyStory(List<Item> items, Map<String, Item> byId, List<Story> stories, Map<String, List<Link>> a) {
        Map<String, Link> held = new HashMap<>();
        try (Linker linker = new Linker(ids -> ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList())) {
            keep(held, linker.linkItems(items), linker);
            keep(held, linker.linkStories(stories), linker);
            keep(held, linker.rankTouched(), linker);
        }
        Set<String> setA = new java.util.TreeSet<>(), setB = new java.util.TreeSet<>();
        a.values().forEach(ls -> ls.forEach(l -> setA.add(l.story() + " " + l.item() + " " + l.how())));
        held.values().forEach(l -> setB.add(l.story() + " " + l.item() + " " + l.how()));
        Set<String> onlyA = new java.util.TreeSet<>(setA), onlyB = new java.util.TreeSet<>(setB);
        onlyA.removeAll(setB);
        onlyB.removeAll(setA);
        System.out.printf("D' items linked before any story exists, then the stories: %d links; %d the same as A, %d only in A, %d only here%n",
                setB.size(), setB.size() - onlyB.size(), onlyA.size(), onlyB.size());
        onlyA.stream().limit(8).forEach(x -> System.out.println("  D' only A:    " + x));
        onlyB.stream().limit(8).forEach(x -> System.out.println("  D' only here: " + x));
    }

    /** What a store would keep: the strongest kind of each pair; a retracted similar suggestion goes. */
    static void keep(Map<String, Link> held, List<Link> links, Linker linker) {
        for (Link l : links) {
            held.merge(l.id(), l, (x, y) -> Link.strength(y.how()) > Link.strength(x.how())
                    || Link.strength(y.how()) == Link.strength(x.how()) && y.how().equals(Link.SIMILAR) ? y : x);
        }
        for (String id : linker.takeRetracted()) {
            Link l = held.get(id);
            if (l != null && l.how().equals(Link.SIMILAR)) {
                held.remove(id);
            }
        }
    }

    static List<Link> top10Similar(List<Link> links) {
        return links.stream().filter(l -> l.how().equals(Link.SIMILAR))
                .sorted(Comparator.comparingDouble(QualityBench::score).reversed().thenComparing(Link::item)).limit(10).toList();
    }

    static Set<String> considered(List<Link> links) {
        Set<String> out = new LinkedHashSet<>();
        links.stream().filter(l -> !l.how().equals(Link.SIMILAR)).forEach(l -> out.add(l.item()));
        top10Similar(links).forEach(l -> out.add(l.item()));
        for (String id : List.copyOf(out)) {
            if (TWINS.containsKey(id)) {
                out.add(TWINS.get(id));
            }
        }
        return out;
    }

    static String how(List<Link> links, String item) {
        List<Link> ranked = top10Similar(links.stream().filter(l -> l.how().equals(Link.SIMILAR)).toList().stream().toList());
        return links.stream().filter(l -> l.item().equals(item)).map(l -> "(" + l.how() + " " + l.confidence() + " score " + score(l)
                + (l.how().equals(Link.SIMILAR) ? " rank " + (1 + links.stream().filter(x -> x.how().equals(Link.SIMILAR) && score(x) > score(l)).count()) : "")
                + " " + l.evidence().get(0).snippet().replaceAll("\\s+", " ").substring(0, Math.min(90, l.evidence().get(0).snippet().length())) + ")").findFirst().orElse("");
    }

    static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
