package dev.liaison;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Item;
import dev.liaison.app.LinkService;
import dev.liaison.linking.Trackers;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import dev.liaison.story.StoryFormatException;
import dev.liaison.story.StoryParser;
import dev.liaison.store.StoryStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The story, tracker and link commands: {@code stories}, {@code trackers}, {@code links}. */
final class StoryCommands {

    /** Similar suggestions shown per story (the best ones). */
    static final int SIMILAR_SHOWN = 10;

    private StoryCommands() {}

    /** The files under a path (itself when it is a file), sorted, that the filter accepts. */
    static List<Path> files(Path path, java.util.function.Predicate<String> accept) throws IOException {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + " does not exist");
        }
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile).filter(p -> accept.test(p.getFileName().toString())).sorted().toList();
        }
    }

    @Command(name = "stories", description = "User stories: import them, list them.",
            subcommands = {ImportStories.class, ListStories.class})
    static final class Stories implements Callable<Integer> {
        @ParentCommand Liaison root;

        @Override
        public Integer call() {
            root.err().println("liaison stories: say import <path> or list");
            return Liaison.BAD_USAGE;
        }
    }

    @Command(name = "import", description = "Import stories from a file or a directory (RST, Markdown, YAML, JSON) and link them.")
    static final class ImportStories implements Callable<Integer> {
        @ParentCommand Stories parent;

        @Parameters(index = "0", paramLabel = "PATH") Path path;

        @Override
        public Integer call() throws Exception {
            Liaison root = parent.root;
            List<Path> files = files(path, StoryParser::readable);
            Path base = Files.isDirectory(path) ? path : path.getParent() == null ? Path.of(".") : path.getParent();
            List<Story> read = new ArrayList<>();
            int failed = 0;
            List<String> skipped = new ArrayList<>();
            for (Path f : files) {
                String rel = base.relativize(f).toString().replace('\\', '/');
                try {
                    read.addAll(StoryParser.parse(rel, Files.readAllBytes(f)));
                } catch (dev.liaison.story.NotAStoryException e) {
                    skipped.add(e.getMessage());
                } catch (StoryFormatException e) {
                    failed++;
                    root.err().println("  failed: " + e.getMessage());
                }
            }
            List<Story> stories = StoryParser.consolidate(read);
            try (LiaisonRuntime runtime = root.open(); LinkService service = new LinkService(runtime, Clock.systemUTC())) {
                StoryStore.Result[] result = new StoryStore.Result[1];
                LinkService.Stats stats = service.importStories(stories, result);
                PrintWriter out = root.out();
                for (String s : skipped) {
                    out.println("  " + s);
                }
                out.println("stories: " + files.size() + " file(s) read, " + stories.size() + " stories: " + result[0].created().size()
                        + " new, " + result[0].changed().size() + " changed, " + result[0].unchanged() + " unchanged; "
                        + skipped.size() + " file(s) skipped; " + failed + " file(s) failed");
                out.println("links: " + stats.created() + " new, " + stats.updated() + " changed");
            }
            return failed == 0 ? Liaison.OK : Liaison.FAILED;
        }
    }

    @Command(name = "link", description = "Link what is stored: the items and stories changed since the linker's cursor "
            + "(what the daemon does every liaison.link.interval), or everything with --all; then exit.")
    static final class LinkCommand implements Callable<Integer> {
        @ParentCommand Liaison root;
        @Option(names = "--all", description = "Link every stored item and story again, not only what changed.") boolean all;

        @Override
        public Integer call() throws Exception {
            try (LiaisonRuntime runtime = root.open(); LinkService service = new LinkService(runtime, Clock.systemUTC())) {
                long t0 = System.nanoTime();
                LinkService.Stats stats = all ? service.relinkAll() : service.run();
                root.out().println("link: " + stats.summary() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
            return Liaison.OK;
        }
    }

    @Command(name = "list", description = "List stories: slug, state, title, projects.")
    static final class ListStories implements Callable<Integer> {
        @ParentCommand Stories parent;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() throws Exception {
            try (LiaisonRuntime runtime = parent.root.open()) {
                List<Story> all = new StoryStore(runtime.store()).all();
                PrintWriter out = parent.root.out();
                if (json) {
                    out.println(Liaison.json().writeValueAsString(all));
                } else {
                    for (Story s : all) {
                        out.println(s.id() + "  [" + s.state() + "]  " + oneLine(s.title())
                                + (s.projects().isEmpty() ? "" : "  (" + String.join(", ", s.projects()) + ")"));
                    }
                    out.println(all.size() + " story(ies)");
                }
            }
            return Liaison.OK;
        }
    }

    @Command(name = "trackers", description = "Product WG tracker files: import them as confirmed links, export a story's links.",
            subcommands = {ImportTrackers.class, ExportTracker.class})
    static final class Trackers implements Callable<Integer> {
        @ParentCommand Liaison root;

        @Override
        public Integer call() {
            root.err().println("liaison trackers: say import <file|dir> or export <story>");
            return Liaison.BAD_USAGE;
        }
    }

    @Command(name = "import", description = "Import tracker JSON files: every spec, blueprint, bug or review becomes a declared, confirmed link.")
    static final class ImportTrackers implements Callable<Integer> {
        @ParentCommand Trackers parent;
        @Parameters(index = "0", paramLabel = "FILE|DIR") Path path;

        @Override
        public Integer call() throws Exception {
            Liaison root = parent.root;
            List<Path> files = files(path, n -> n.toLowerCase(java.util.Locale.ROOT).endsWith(".json"));
            int failed = 0;
            try (LiaisonRuntime runtime = root.open(); LinkService service = new LinkService(runtime, Clock.systemUTC())) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    dev.liaison.linking.Trackers.Tracker t;
                    try {
                        t = dev.liaison.linking.Trackers.read(name, Files.readAllBytes(f));
                    } catch (StoryFormatException e) {
                        failed++;
                        root.out().println("FAILED " + e.getMessage());
                        continue;
                    }
                    LinkService.Stats stats = service.importTracker(t.links(), t.story());
                    root.out().println("OK " + name + ": story " + t.story() + ", " + t.links().size() + " declared link(s), "
                            + stats.created() + " new link(s)" + (service.stories().find(t.story()).isPresent() ? "" : " (story not imported yet)"));
                    for (String w : t.warnings()) {
                        root.out().println("    skipped: " + w);
                    }
                }
            }
            return failed == 0 ? Liaison.OK : Liaison.FAILED;
        }
    }

    @Command(name = "export", description = "Write a story's links as a Product WG tracker (JSON) with the items' current statuses.")
    static final class ExportTracker implements Callable<Integer> {
        @ParentCommand Trackers parent;
        @Parameters(index = "0", paramLabel = "STORY") String story;
        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write to this file instead of standard output.") Path file;

        @Override
        public Integer call() throws Exception {
            try (LiaisonRuntime runtime = parent.root.open()) {
                StoryStore stories = new StoryStore(runtime.store());
                Story s = stories.find(story).orElseThrow(() -> new IllegalArgumentException("no story '" + story + "'"));
                List<Link> links = new dev.liaison.store.LinkStore(runtime.store()).forStory(s.id());
                Map<String, dev.liaison.linking.Trackers.ItemInfo> infos = new LinkedHashMap<>();
                for (Link l : links) {
                    runtime.store().items().find(l.item()).ifPresent(i -> infos.put(i.id(),
                            new dev.liaison.linking.Trackers.ItemInfo(i.url(), i.statusRaw() != null ? i.statusRaw() : i.status())));
                }
                String json = dev.liaison.linking.Trackers.write(s, links, infos, LocalDate.now(ZoneOffset.UTC));
                if (file != null) {
                    Files.writeString(file, json + "\n");
                    parent.root.out().println("wrote " + file);
                } else {
                    parent.root.out().println(json);
                }
            }
            return Liaison.OK;
        }
    }

    @Command(name = "links", description = "A story's links grouped by project and kind, with status and evidence; confirm or reject one.",
            subcommands = {ConfirmLink.class, RejectLink.class})
    static final class Links implements Callable<Integer> {
        @ParentCommand Liaison root;
        @Parameters(index = "0", paramLabel = "STORY", arity = "0..1") String story;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() throws Exception {
            if (story == null) {
                root.err().println("liaison links: name a story (liaison links <story>), or confirm|reject <story> <item>");
                return Liaison.BAD_USAGE;
            }
            try (LiaisonRuntime runtime = root.open()) {
                var storyDoc = new StoryStore(runtime.store()).find(story);
                List<Link> all = new dev.liaison.store.LinkStore(runtime.store()).forStory(storyDoc.map(Story::id).orElse(story));
                if (storyDoc.isEmpty() && all.isEmpty()) {
                    throw new IllegalArgumentException("no story '" + story + "' and no links for it");
                }
                List<Link> shown = shown(all);
                Map<String, Item> items = new LinkedHashMap<>();
                for (Link l : shown) {
                    runtime.store().items().find(l.item()).ifPresent(i -> items.put(i.id(), i));
                }
                PrintWriter out = root.out();
                int hiddenSimilar = all.size() - shown.size();
                if (json) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("story", story);
                    doc.put("title", storyDoc.map(Story::title).orElse(null));
                    Map<String, Map<String, List<Map<String, Object>>>> grouped = new TreeMap<>();
                    for (Link l : shown) {
                        Item i = items.get(l.item());
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("item", l.item());
                        row.put("title", i == null ? null : i.title());
                        row.put("url", i == null ? null : i.url());
                        row.put("itemStatus", i == null ? null : i.status());
                        row.put("how", l.how());
                        row.put("state", l.state());
                        row.put("confidence", l.confidence());
                        row.put("trackerStatus", l.trackerStatus());
                        row.put("evidence", l.evidence());
                        grouped.computeIfAbsent(project(l), k -> new TreeMap<>()).computeIfAbsent(kind(l), k -> new ArrayList<>()).add(row);
                    }
                    doc.put("projects", grouped);
                    doc.put("similarNotShown", hiddenSimilar);
                    out.println(Liaison.json().writeValueAsString(doc));
                    return Liaison.OK;
                }
                out.println(story + storyDoc.map(s -> "  " + oneLine(s.title()) + "  [" + s.state() + "]").orElse("  (story not imported)"));
                Map<String, Map<String, List<Link>>> grouped = new TreeMap<>();
                for (Link l : shown) {
                    grouped.computeIfAbsent(project(l), k -> new TreeMap<>()).computeIfAbsent(kind(l), k -> new ArrayList<>()).add(l);
                }
                grouped.forEach((project, kinds) -> {
                    out.println(project);
                    kinds.forEach((kind, ls) -> {
                        out.println("  " + kind);
                        for (Link l : ls) {
                            Item i = items.get(l.item());
                            out.printf("    %s  %s %s %.2f%s%s%n", l.item(), l.how(), l.state(), l.confidence(),
                                    i == null || i.status() == null ? "" : "  status " + i.status(),
                                    l.trackerStatus() == null ? "" : "  tracker " + l.trackerStatus());
                            if (i != null && !i.title().isBlank()) {
                                out.println("        " + oneLine(i.title()));
                            }
                            for (Evidence e : l.evidence()) {
                                out.println("        " + e.how() + ": " + oneLine(e.snippet()) + (e.via() == null ? "" : " (via " + e.via() + ")"));
                            }
                        }
                    });
                });
                out.println(shown.size() + " link(s)" + (hiddenSimilar > 0 ? ", " + hiddenSimilar + " weaker similar suggestion(s) not shown" : ""));
            }
            return Liaison.OK;
        }

        /** Every link but the similar suggestions beyond the best {@value #SIMILAR_SHOWN}. */
        static List<Link> shown(List<Link> all) {
            List<Link> similar = all.stream().filter(l -> Link.SIMILAR.equals(l.how()) && Link.SUGGESTED.equals(l.state()))
                    .sorted(Link.BEST_FIRST).toList();
            List<Link> hidden = similar.subList(Math.min(SIMILAR_SHOWN, similar.size()), similar.size());
            return all.stream().filter(l -> !hidden.contains(l)).toList();
        }

        private static String project(Link l) {
            return l.project() == null || l.project().isBlank() ? "(no project)" : l.project();
        }

        private static String kind(Link l) {
            return l.itemKind() == null ? "item" : l.itemKind();
        }
    }

    abstract static class SetLinkState implements Callable<Integer> {
        @ParentCommand Links parent;
        @Parameters(index = "0", paramLabel = "STORY") String story;
        @Parameters(index = "1", paramLabel = "ITEM", description = "An item id (spec:..., bp:..., bug:N, review:N, mail:...) or its URL.")
        String item;

        abstract dev.liaison.review.LinkReview.Decision apply(dev.liaison.review.LinkReview review, String by);

        abstract String verb();

        @Override
        public Integer call() throws Exception {
            try (LiaisonRuntime runtime = parent.root.open()) {
                dev.liaison.review.LinkReview review = new dev.liaison.review.LinkReview(runtime.store(), java.time.Clock.systemUTC());
                dev.liaison.review.LinkReview.Decision d;
                try {
                    d = apply(review, "cli:" + System.getProperty("user.name", "unknown"));
                } catch (dev.liaison.review.LinkReview.NotFound x) {
                    throw new IllegalArgumentException(x.getMessage() + " (see: liaison stories list)");
                } catch (dev.liaison.review.LinkReview.Invalid x) {
                    throw new IllegalArgumentException(x.getMessage());
                }
                parent.root.out().println(d.story() + " - " + d.item() + ": " + (d.changed() ? verb() : "already " + verb()));
            }
            return Liaison.OK;
        }
    }

    @Command(name = "confirm", description = "Confirm a link (created as a manual link when Liaison had none); no machine removes it.")
    static final class ConfirmLink extends SetLinkState {
        @Override
        dev.liaison.review.LinkReview.Decision apply(dev.liaison.review.LinkReview review, String by) {
            return review.add(story, item, by);
        }

        @Override
        String verb() {
            return "confirmed";
        }
    }

    @Command(name = "reject", description = "Reject a link (recorded even when Liaison had none); it is never suggested again.")
    static final class RejectLink extends SetLinkState {
        @Override
        dev.liaison.review.LinkReview.Decision apply(dev.liaison.review.LinkReview review, String by) {
            return review.forbid(story, item, by);
        }

        @Override
        String verb() {
            return "rejected";
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
    }
}
