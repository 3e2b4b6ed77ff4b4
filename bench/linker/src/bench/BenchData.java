package bench;

import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import dev.liaison.story.Story;
import dev.liaison.story.StoryParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** Real data for the linker benchmarks: nova spec pages (the built site) as items, Product WG stories. */
final class BenchData {

    private BenchData() {}

    /** Spec items from the unpacked nova-specs site, and a blueprint item per nova blueprint a spec cites. */
    static List<Item> specItems(Path site) throws IOException {
        Map<String, Item> out = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(site.resolve("specs"))) {
            for (Path p : walk.filter(x -> x.toString().endsWith(".html")).sorted().toList()) {
                Path rel = site.resolve("specs").relativize(p);
                if (rel.getNameCount() != 3) {
                    continue; // index pages, templates
                }
                String release = rel.getName(0).toString();
                String state = rel.getName(1).toString();
                if (!state.equals("approved") && !state.equals("implemented")) {
                    continue;
                }
                String name = rel.getName(2).toString().replace(".html", "");
                if (name.endsWith("-template") || name.equals("template")) {
                    continue; // the spec template, which the sphinx-specs source does not store either (SiteLayout)
                }
                Document doc = Jsoup.parse(p.toFile(), "UTF-8");
                Element body = doc.selectFirst("div.docs-body");
                if (body == null) {
                    body = doc.body();
                }
                Element h1 = body.selectFirst("h1");
                String title = h1 == null ? name : h1.text().replace("¶", "").strip();
                StringBuilder hrefs = new StringBuilder();
                body.select("a[href]").forEach(a -> hrefs.append(a.attr("href")).append('\n'));
                String text = body.text();
                String id = ReferenceExtractor.specId("nova", release, name);
                String url = "https://specs.openstack.org/openstack/nova-specs/specs/" + release + "/" + state + "/" + name + ".html";
                List<Ref> refs = ReferenceExtractor.extract(text + "\n" + hrefs, "nova");
                text = fields(body, text);
                refs.removeIf(r -> r.target().equals(id));
                out.put(id, Item.builder(id, "spec").source("nova-specs").project("nova").url(url).title(title).text(text)
                        .status(state, state).release(release).refs(refs).build());
                for (Ref r : refs) {
                    // Real blueprints only: those linked on Launchpad (the text pattern also catches "blueprint example").
                    if (r.target().startsWith("bp:nova/") && r.evidence().contains("launchpad.net") && !r.target().equals("bp:nova/example")) {
                        String bp = r.target();
                        out.putIfAbsent(bp, Item.builder(bp, "blueprint").source("nova-blueprints").project("nova")
                                .url("https://blueprints.launchpad.net/nova/+spec/" + bp.substring(8))
                                .title(bp.substring(8).replace('-', ' ')).text("").status("approved", "Approved")
                                .ref(new Ref(Ref.SPEC, id, "specification_url " + url)).attribute("specification_url", url).build());
                    }
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    /** The seven spec sites config/sources.yaml polls by default (BENCH_SITES=all). */
    static final List<String> DEFAULT_SITES = List.of("nova", "cinder", "glance", "keystone", "neutron", "heat", "ironic");

    /**
     * The items of BENCH_SITES: "nova" (default) reads the shared nova site's pages as before; "all"
     * (the seven default sites) or a comma list ("crawled:nova" for nova alone) reads the spec items
     * the real sphinx-specs kind stored when bench/linker/corpus.sh crawled the built sites, plus a
     * blueprint item per blueprint a spec links on Launchpad (its twin, as {@link #specItems} makes).
     */
    static List<Item> items(Path novaSite, Path out) throws IOException {
        String sites = System.getenv().getOrDefault("BENCH_SITES", "nova");
        if (sites.equals("nova")) {
            return specItems(novaSite);
        }
        List<String> projects = sites.equals("all") ? DEFAULT_SITES
                : java.util.Arrays.stream(sites.replace("crawled:", "").split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
        Path dir = out.resolve("corpus/data");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no crawled corpus at " + dir + ": run bench/linker/corpus.sh first");
        }
        Map<String, Item> byId = new LinkedHashMap<>();
        try (dev.liaison.store.Store store = dev.liaison.store.Store.open("", "liaison", dir)) {
            for (String p : projects) {
                List<Item> specs = store.items().list("spec", p + "-specs", 1_000_000);
                if (specs.isEmpty()) {
                    throw new IllegalStateException("no spec items of " + p + "-specs in " + dir);
                }
                specs.forEach(i -> byId.put(i.id(), summaryOnly(i)));
            }
        }
        List<Item> twins = new ArrayList<>();
        java.util.Set<String> twinIds = new java.util.HashSet<>();
        for (Item spec : byId.values()) {
            for (Ref r : spec.refs()) {
                String t = r.target();
                if (t.startsWith("bp:") && r.evidence() != null && r.evidence().contains("launchpad.net") && !t.endsWith("/example")
                        && !byId.containsKey(t) && twinIds.add(t)) {
                    String project = t.substring(3, t.indexOf('/'));
                    String name = t.substring(t.indexOf('/') + 1);
                    twins.add(Item.builder(t, "blueprint").source(project + "-blueprints").project(project)
                            .url("https://blueprints.launchpad.net/" + project + "/+spec/" + name)
                            .title(name.replace('-', ' ')).text("").status("approved", "Approved")
                            .ref(new Ref(Ref.SPEC, spec.id(), "specification_url " + spec.url())).attribute("specification_url", spec.url()).build());
                }
            }
        }
        List<Item> all = new ArrayList<>(byId.values());
        all.addAll(twins);
        if ("both".equals(System.getenv("BENCH_SPEC_FIELDS"))) {
            // the summary as a field of its own: a second unit per spec (id#summary, no references),
            // merged back into the spec by QualityBench (best unit counts)
            for (Item spec : byId.values()) {
                Item summary = summaryOnly(spec, true);
                if (!summary.text().equals(spec.text()) && !summary.text().isBlank()) {
                    all.add(Item.builder(spec.id() + SUMMARY, spec.kind()).source(spec.source()).project(spec.project()).url(spec.url())
                            .title(spec.title()).text(summary.text()).status(spec.status(), spec.statusRaw()).release(spec.release()).build());
                }
            }
        }
        return all;
    }

    /**
     * BENCH_SPEC_FIELDS=summary on a crawled spec: its text cut to what the sections attribute
     * (headings and offsets the sphinx-specs kind stores) places under the title (its own body)
     * and under "Problem description" and "Use cases" (with their subsections); else the item as stored.
     */
    static final String SUMMARY = "#summary";

    static Item summaryOnly(Item item) {
        return summaryOnly(item, "summary".equals(System.getenv().getOrDefault("BENCH_SPEC_FIELDS", "all")));
    }

    static Item summaryOnly(Item item, boolean cut) {
        if (!cut
                || !(item.attributes().get("sections") instanceof List<?> sections) || sections.isEmpty()) {
            return item;
        }
        String text = item.text();
        StringBuilder kept = new StringBuilder();
        int keepBelow = -1; // the level of the kept heading whose subsections are kept too
        boolean first = true;
        for (Object o : sections) {
            if (!(o instanceof Map<?, ?> m)) {
                continue;
            }
            String heading = String.valueOf(m.get("heading")).strip().toLowerCase(java.util.Locale.ROOT);
            int level = ((Number) m.get("level")).intValue();
            if (keepBelow >= 0 && level <= keepBelow) {
                keepBelow = -1;
            }
            boolean keep = first || keepBelow >= 0;
            if (heading.equals("problem description") || heading.equals("use cases")) {
                keep = true;
                keepBelow = level;
            }
            first = false;
            int start = ((Number) m.get("start")).intValue(), end = Math.min(text.length(), ((Number) m.get("end")).intValue());
            if (keep && start < end) {
                kept.append(text, start, end).append("\n\n");
            }
        }
        return item.toBuilder().text(kept.toString().strip()).build();
    }

    /** The spec template's sections that say how, not what (the same headings in every spec). */
    static final java.util.Set<String> TEMPLATE = java.util.Set.of("project priority", "data model impact", "rest api impact",
            "security impact", "notifications impact", "other end user impact", "performance impact", "other deployer impact",
            "developer impact", "upgrade impact", "implementation", "assignee(s)", "work items", "dependencies", "testing",
            "documentation impact", "references", "history", "feature liaison", "versioned notification api impact");

    /**
     * The text of a spec the linker compares, by BENCH_SPEC_FIELDS (a field-weighting experiment;
     * references are always read from the whole page): "all" (default, what the sphinx-specs
     * source stores), "notemplate" (the template's how-sections left out), "summary" (the title's
     * section up to the proposed change: the problem description and use cases).
     */
    static String fields(Element body, String all) {
        String mode = System.getenv().getOrDefault("BENCH_SPEC_FIELDS", "all");
        if (mode.equals("all")) {
            return all;
        }
        Element copy = body.clone();
        for (Element section : copy.select("section")) {
            Element h = section.selectFirst("> h2, > h3, > h4");
            String heading = h == null ? "" : h.text().replace("¶", "").strip().toLowerCase(java.util.Locale.ROOT);
            boolean drop = mode.equals("summary") ? !heading.equals("problem description") && !heading.equals("use cases")
                    && section.selectFirst("h1") == null : TEMPLATE.contains(heading);
            if (drop) {
                section.remove();
            }
        }
        return copy.text();
    }

    /** The stories as an import reads them: files that hold no story skipped, one story per title. */
    static List<Story> stories(Path dir) throws Exception {
        List<Story> read = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(x -> StoryParser.readable(x.getFileName().toString())).sorted().toList()) {
                try {
                    read.addAll(StoryParser.parse(dir.relativize(p).toString(), Files.readAllBytes(p)));
                } catch (dev.liaison.story.NotAStoryException e) {
                    // a README, a note without a title
                }
            }
        }
        return StoryParser.consolidate(read);
    }

    static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
