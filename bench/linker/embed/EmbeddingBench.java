package bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import dev.liaison.linking.Calibration;
import dev.liaison.linking.Linker;
import dev.liaison.linking.StorySections;
import dev.liaison.linking.StoryText;
import dev.liaison.linking.Trackers;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Issue 12 item 6: re-rank the linker's lexical candidates (each story's best 100 similar items,
 * no bar) with a sentence-embedding model, and compare with the lexical ranking on the labelled
 * set: tracker recall and held-out citation recall in the best 10, precision@5/@10 of the best
 * similar suggestions on the judged stories (unjudged counted wrong: a lower bound, their count
 * printed). Reports the model's load time and per-text cost.
 */
public final class EmbeddingBench {

    static final int CANDIDATES = 100;
    static final int CHARS = 1200;

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path site = Path.of(args[1]);
        List<Item> items = BenchData.specItems(site);
        Map<String, Item> byId = items.stream().collect(Collectors.toMap(Item::id, Function.identity()));
        List<Story> stories = BenchData.stories(data.resolve("product-wg/stories"));
        List<Story> stripped = new ArrayList<>();
        Map<String, Set<String>> cited = new TreeMap<>();
        for (Story s : stories) {
            for (Ref r : ReferenceExtractor.extract(s.text(), s.mainProject())) {
                if (byId.containsKey(r.target())) {
                    cited.computeIfAbsent(s.id(), k -> new LinkedHashSet<>()).add(r.target());
                }
            }
            String text = s.text().replaceAll("https?://\\S+", " ").replaceAll("`[^`]*<[^>]*>`_", " ");
            stripped.add(new Story(s.id(), s.title(), text, s.state(), s.projects(), s.tags(), s.aliases(), s.owners(), s.backers(), s.origin()));
        }
        Map<String, Set<String>> trackers = new TreeMap<>();
        try (var files = Files.list(data.resolve("product-wg/trackers"))) {
            for (Path f : files.sorted().toList()) {
                try {
                    Trackers.Tracker t = Trackers.read(f.getFileName().toString(), Files.readAllBytes(f));
                    t.links().stream().filter(l -> byId.containsKey(l.item())).forEach(l -> trackers.computeIfAbsent(t.story(), k -> new LinkedHashSet<>()).add(l.item()));
                } catch (Exception e) {
                    // broken trackers: covered by the tests
                }
            }
        }
        Map<String, Map<String, Boolean>> labels = new TreeMap<>();
        List<String> lines = Files.readAllLines(Path.of("bench/linker/labels/judgements.tsv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            if (f.length >= 3) {
                labels.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], f[2].equals("yes"));
            }
        }

        Map<String, List<Link>> linksA = link(items, byId, stories);
        Map<String, List<Link>> linksB = link(items, byId, stripped);

        long t0 = System.nanoTime();
        EmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        model.embed("warm up");
        System.out.printf("model loaded in %d ms (heap used %d MB)%n", (System.nanoTime() - t0) / 1_000_000,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        Map<String, float[]> itemVec = new HashMap<>();
        t0 = System.nanoTime();
        List<Item> embeddable = items.stream().filter(i -> !i.text().isEmpty()).toList();
        for (int i = 0; i < embeddable.size(); i += 32) {
            List<Item> batch = embeddable.subList(i, Math.min(embeddable.size(), i + 32));
            var res = model.embedAll(batch.stream().map(it -> TextSegment.from(itemText(it))).toList()).content();
            for (int j = 0; j < batch.size(); j++) {
                itemVec.put(batch.get(j).id(), res.get(j).vector());
            }
        }
        long took = System.nanoTime() - t0;
        System.out.printf("embedded %d items (title + first %d characters of the problem description) in %d ms: %.1f ms an item%n",
                embeddable.size(), CHARS, took / 1_000_000, took / 1e6 / embeddable.size());
        // a blueprint in this bench has only its name: it takes its spec's text (as the linker's twin rule does)
        for (Item it : items) {
            if (it.text().isEmpty()) {
                for (Ref r : it.refs()) {
                    if (itemVec.containsKey(r.target())) {
                        itemVec.put(it.id(), itemVec.get(r.target()));
                    }
                }
                if (!itemVec.containsKey(it.id())) {
                    itemVec.put(it.id(), model.embed(it.title()).content().vector());
                }
            }
        }
        Map<String, List<float[]>> storyVecA = storyVectors(model, stories), storyVecB = storyVectors(model, stripped);

        for (String variant : List.of("lexical", "embedding", "embedding-all-items", "mix-0.3", "mix-0.5", "mix-0.7", "rrf")) {
            Map<String, List<String>> rankA = rank(variant, linksA, storyVecA, itemVec, stories);
            Map<String, List<String>> rankB = rank(variant, linksB, storyVecB, itemVec, stripped);
            int tf = 0, tt = 0, bf = 0, bt = 0;
            StringBuilder miss = new StringBuilder();
            for (var e : trackers.entrySet()) {
                Set<String> got = considered(linksA.getOrDefault(e.getKey(), List.of()), rankA.getOrDefault(e.getKey(), List.of()));
                for (String it : e.getValue()) {
                    tt++;
                    tf += got.contains(it) ? 1 : 0;
                    if (!got.contains(it)) {
                        miss.append(" A:").append(it).append("@").append(1 + rankA.getOrDefault(e.getKey(), List.of()).indexOf(it));
                    }
                }
            }
            for (var e : cited.entrySet()) {
                Set<String> got = considered(linksB.getOrDefault(e.getKey(), List.of()), rankB.getOrDefault(e.getKey(), List.of()));
                for (String it : e.getValue()) {
                    bt++;
                    bf += got.contains(it) ? 1 : 0;
                    if (!got.contains(it)) {
                        miss.append(" B:").append(it).append("@").append(1 + rankB.getOrDefault(e.getKey(), List.of()).indexOf(it));
                    }
                }
            }
            double p5 = 0, p10 = 0;
            int unj = 0;
            List<String> unjudged = new ArrayList<>();
            for (var e : labels.entrySet()) {
                List<String> r = rankA.getOrDefault(e.getKey(), List.of());
                int r5 = 0, r10 = 0;
                for (int i = 0; i < Math.min(10, r.size()); i++) {
                    Boolean ok = e.getValue().get(r.get(i));
                    if (ok == null) {
                        unj++;
                        if (i < 5) {
                            unjudged.add(e.getKey() + "\t" + r.get(i));
                        }
                    }
                    r5 += i < 5 && Boolean.TRUE.equals(ok) ? 1 : 0;
                    r10 += Boolean.TRUE.equals(ok) ? 1 : 0;
                }
                p5 += r.isEmpty() ? 0 : (double) r5 / Math.min(5, r.size());
                p10 += r.isEmpty() ? 0 : (double) r10 / Math.min(10, r.size());
            }
            System.out.printf("%-20s trackers %d/%d, held-out citations %d/%d, best-10 similar on %d judged stories: P@5 >= %.2f, P@10 >= %.2f (%d unjudged in the best 10)%n  missed (rank):%s%n",
                    variant, tf, tt, bf, bt, labels.size(), p5 / labels.size(), p10 / labels.size(), unj, miss);
            bar(variant, labels, scored(variant, linksA, storyVecA, itemVec, stories), scored(variant, linksB, storyVecB, itemVec, stripped), trackers, cited, linksA, linksB);
            if (System.getenv("BENCH_UNJUDGED") != null) {
                unjudged.forEach(u -> System.out.println("  unjudged " + variant + "\t" + u));
            }
        }
    }

    /** The text embedded for an item: its title and the start of its problem description (the template's first section). */
    static String itemText(Item it) {
        String t = it.text();
        int p = t.indexOf("Problem description");
        if (p >= 0) {
            t = t.substring(p + "Problem description".length());
        }
        t = t.replace("¶", " ");
        return it.title() + ". " + t.substring(0, Math.min(CHARS, t.length()));
    }

    /** A story's units: its whole text's start and each titled section (as the lexical linker compares them). */
    static Map<String, List<float[]>> storyVectors(EmbeddingModel model, List<Story> stories) {
        Map<String, List<float[]>> out = new HashMap<>();
        long t0 = System.nanoTime();
        int n = 0;
        for (Story s : stories) {
            String text = StoryText.forMatching(s.text());
            List<TextSegment> segs = new ArrayList<>();
            String whole = s.title() + ". " + StoryText.withoutTemplateHeadings(text).replaceAll("\\s+", " ");
            segs.add(TextSegment.from(whole.substring(0, Math.min(CHARS, whole.length()))));
            for (StorySections.Section sec : StorySections.of(text, 60)) {
                String b = (StoryText.isTemplateHeading(sec.heading()) ? s.title() : sec.heading()) + ". " + sec.body().replaceAll("\\s+", " ");
                segs.add(TextSegment.from(b.substring(0, Math.min(CHARS, b.length()))));
            }
            n += segs.size();
            out.put(s.id(), model.embedAll(segs).content().stream().map(e -> e.vector()).toList());
        }
        System.out.printf("embedded %d stories (%d units) in %d ms%n", stories.size(), n, (System.nanoTime() - t0) / 1_000_000);
        return out;
    }

    static double cos(float[] a, float[] b) {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return d / Math.sqrt(na * nb);
    }

    static double emb(List<float[]> units, float[] v) {
        double best = -1;
        for (float[] u : units) {
            best = Math.max(best, cos(u, v));
        }
        return best;
    }

    /** Each story's similar ranking under a variant (draft stories get none, as in the linker). */
    record Scored(String id, double score) {}

    static Map<String, List<String>> rank(String variant, Map<String, List<Link>> links, Map<String, List<float[]>> storyVec,
            Map<String, float[]> itemVec, List<Story> stories) {
        Map<String, List<String>> out = new HashMap<>();
        scored(variant, links, storyVec, itemVec, stories).forEach((k, v) -> out.put(k, v.stream().map(Scored::id).toList()));
        return out;
    }

    static Map<String, List<Scored>> scored(String variant, Map<String, List<Link>> links, Map<String, List<float[]>> storyVec,
            Map<String, float[]> itemVec, List<Story> stories) {
        Map<String, List<Scored>> out = new HashMap<>();
        for (Story s : stories) {
            if (Story.DRAFT.equals(s.state())) {
                continue;
            }
            List<Link> sim = links.getOrDefault(s.id(), List.of()).stream().filter(l -> l.how().equals(Link.SIMILAR))
                    .sorted(Comparator.comparingDouble(QualityBench::score).reversed().thenComparing(Link::item)).toList();
            Map<String, Double> lex = new LinkedHashMap<>();
            sim.forEach(l -> lex.put(l.item(), QualityBench.score(l)));
            if (lex.isEmpty()) {
                continue;
            }
            List<float[]> units = storyVec.get(s.id());
            Map<String, Double> score = new HashMap<>();
            if (variant.equals("embedding-all-items")) {
                itemVec.forEach((id, v) -> score.put(id, emb(units, v)));
            } else {
                List<String> lexRank = new ArrayList<>(lex.keySet());
                Map<String, Double> e = new HashMap<>();
                for (String id : lexRank) {
                    float[] v = itemVec.get(id);
                    e.put(id, v == null ? 0 : emb(units, v));
                }
                List<String> embRank = new ArrayList<>(lexRank);
                embRank.sort(Comparator.comparingDouble((String id) -> -e.get(id)).thenComparing(Function.identity()));
                for (String id : lexRank) {
                    double x = switch (variant) {
                        case "lexical" -> lex.get(id);
                        case "embedding" -> e.get(id);
                        case "rrf" -> 1.0 / (60 + lexRank.indexOf(id)) + 1.0 / (60 + embRank.indexOf(id));
                        default -> {
                            double w = Double.parseDouble(variant.substring(4));
                            yield (1 - w) * lex.get(id) + w * 0.5 * e.get(id);
                        }
                    };
                    score.put(id, x);
                }
            }
            out.put(s.id(), score.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(10).map(e -> new Scored(e.getKey(), e.getValue())).toList());
        }
        return out;
    }

    /**
     * With a bar on the variant's own score, chosen leave one story out (F0.5 of the other judged
     * stories' best 10, as QualityBench chooses the lexical bar): held-out precision@5/@10 of what
     * is then shown, and tracker / held-out citation recall under the bar chosen on all judged stories.
     */
    static void bar(String variant, Map<String, Map<String, Boolean>> labels, Map<String, List<Scored>> a, Map<String, List<Scored>> b,
            Map<String, Set<String>> trackers, Map<String, Set<String>> cited, Map<String, List<Link>> linksA, Map<String, List<Link>> linksB) {
        java.util.TreeSet<Double> grid = new java.util.TreeSet<>();
        labels.keySet().forEach(k -> a.getOrDefault(k, List.of()).forEach(x -> grid.add(x.score())));
        double p5 = 0, p10 = 0;
        int shownStories = 0, right = 0, shown = 0, emptyWrongly = 0;
        for (String out : labels.keySet()) {
            double t = best(grid, labels, a, out);
            List<Scored> sh = a.getOrDefault(out, List.of()).stream().filter(x -> x.score() >= t).toList();
            Map<String, Boolean> lab = labels.get(out);
            int r5 = 0, r10 = 0;
            for (int i = 0; i < sh.size(); i++) {
                boolean ok = Boolean.TRUE.equals(lab.get(sh.get(i).id()));
                r5 += i < 5 && ok ? 1 : 0;
                r10 += ok ? 1 : 0;
            }
            right += r10;
            shown += sh.size();
            if (sh.isEmpty()) {
                emptyWrongly += a.getOrDefault(out, List.of()).stream().anyMatch(x -> Boolean.TRUE.equals(lab.get(x.id()))) ? 1 : 0;
            } else {
                shownStories++;
                p5 += (double) r5 / Math.min(5, sh.size());
                p10 += (double) r10 / Math.min(10, sh.size());
            }
        }
        double tAll = best(grid, labels, a, null);
        int tf = 0, tt = 0, bf = 0, bt = 0;
        for (var e : trackers.entrySet()) {
            Set<String> got = considered(linksA.getOrDefault(e.getKey(), List.of()), a.getOrDefault(e.getKey(), List.of()).stream().filter(x -> x.score() >= tAll).map(Scored::id).toList());
            tt += e.getValue().size();
            tf += (int) e.getValue().stream().filter(got::contains).count();
        }
        for (var e : cited.entrySet()) {
            Set<String> got = considered(linksB.getOrDefault(e.getKey(), List.of()), b.getOrDefault(e.getKey(), List.of()).stream().filter(x -> x.score() >= tAll).map(Scored::id).toList());
            bt += e.getValue().size();
            bf += (int) e.getValue().stream().filter(got::contains).count();
        }
        System.out.printf("  with a bar (leave one story out): held-out P@5 %.2f, P@10 %.2f over %d stories shown anything; %d shown, %d judged right; %d stories shown nothing wrongly;"
                + " bar on all %d stories %.3f: trackers %d/%d, held-out citations %d/%d%n",
                p5 / Math.max(1, shownStories), p10 / Math.max(1, shownStories), shownStories, shown, right, emptyWrongly, labels.size(), tAll, tf, tt, bf, bt);
    }

    /** The score bar maximising F0.5 of the best-10 lists of the judged stories but one (unjudged counted wrong). */
    static double best(java.util.TreeSet<Double> grid, Map<String, Map<String, Boolean>> labels, Map<String, List<Scored>> a, String out) {
        double bestT = Double.NEGATIVE_INFINITY, bestF = -1;
        for (double t : grid) {
            int tp = 0, fp = 0, rel = 0;
            for (var e : labels.entrySet()) {
                if (e.getKey().equals(out)) {
                    continue;
                }
                for (Scored x : a.getOrDefault(e.getKey(), List.of())) {
                    if (x.score() >= t) {
                        boolean ok = Boolean.TRUE.equals(e.getValue().get(x.id()));
                        tp += ok ? 1 : 0;
                        fp += ok ? 0 : 1;
                    }
                }
                rel += (int) e.getValue().values().stream().filter(v -> v).count();
            }
            double p = tp + fp == 0 ? 0 : (double) tp / (tp + fp), r = rel == 0 ? 0 : (double) tp / rel;
            double f = p + r == 0 ? 0 : 1.25 * p * r / (0.25 * p + r);
            if (f > bestF + 1e-9) {
                bestF = f;
                bestT = t;
            }
        }
        return bestT;
    }

    static Set<String> considered(List<Link> links, List<String> top10) {
        Set<String> out = new LinkedHashSet<>();
        // what the linker shows by default: not the title-phrase mentions (judged right 1 time in 12)
        links.stream().filter(l -> !l.how().equals(Link.SIMILAR) && !QualityBench.band(l).equals("mentioned-phrase")).forEach(l -> out.add(l.item()));
        out.addAll(top10);
        return out;
    }

    static Map<String, List<Link>> link(List<Item> items, Map<String, Item> byId, List<Story> stories) {
        try (Linker linker = new Linker(ids -> ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList())) {
            linker.calibration(Calibration.standard(), 0).similar(0.12, CANDIDATES);
            linker.putStories(stories);
            linker.putItems(items);
            Map<String, Link> best = new HashMap<>();
            QualityBench.keep(best, linker.linkStories(stories), linker);
            return best.values().stream().collect(Collectors.groupingBy(Link::story));
        }
    }
}
