package dev.liaison.digest;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import dev.liaison.item.Event;
import dev.liaison.store.Store;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;

/**
 * Composes digests from the event log: for each subscriber, the events since their last digest
 * that concern what they follow. The data of one run (events, stories, the items and links the
 * events name) is read once, in a handful of queries, whatever the number of subscribers.
 */
public final class DigestComposer {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DigestComposer.class);
    static final List<String> TYPES = List.of("link.new", "link.confirmed", Event.ITEM_STATUS, Event.PAGE_CHANGED,
            Event.SOURCE_UNHEALTHY);
    private static final int IN_BATCH = 1000;

    private final Store store;
    private final String baseUrl;
    private final Map<String, String> sourceProjects;

    /** What to compose: a subscriber, the period, and the time after which events are new to them. */
    public record Work(Subscriber subscriber, String period, Instant from) {}

    public DigestComposer(Store store, String baseUrl, Map<String, String> sourceProjects) {
        this.store = store;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.sourceProjects = Map.copyOf(sourceProjects);
    }

    private record StoryInfo(String id, String title, List<String> projects, List<String> tags) {}

    private record ItemInfo(String id, String title, String url, String kind, String project) {}

    private record Ev(String id, String type, Instant at, String source, String item, Document data) {}

    /** Composes one digest per work entry, covering events in (from, until]. */
    public List<Digest> compose(List<Work> work, Instant until) {
        if (work.isEmpty()) {
            return List.of();
        }
        Instant from = work.stream().map(Work::from).min(Instant::compareTo).orElse(until);
        long t0 = System.nanoTime();
        List<Ev> events = new ArrayList<>();
        store.collection(Store.EVENTS).find(Filters.and(Filters.in("type", TYPES), Filters.gt("at", Date.from(from)),
                        Filters.lte("at", Date.from(until))))
                .batchSize(5000)
                .forEach(d -> events.add(new Ev(d.getString("_id"), d.getString("type"), d.getDate("at").toInstant(),
                        d.getString("source"), d.getString("item"), d.get("data", Document.class) == null ? new Document() : d.get("data", Document.class))));
        // Sorted here rather than by the store: the embedded store sorts slowly, and order matters
        // only for the sequence of entries within a section.
        events.sort(java.util.Comparator.comparing(Ev::at).thenComparing(Ev::id));

        Map<String, StoryInfo> stories = new LinkedHashMap<>();
        store.collection(Store.STORIES).find().projection(Projections.include("title", "projects", "tags"))
                .forEach(d -> stories.put(d.getString("_id"), new StoryInfo(d.getString("_id"), d.getString("title"),
                        d.getList("projects", String.class, List.of()), d.getList("tags", String.class, List.of()))));

        Set<String> itemIds = new HashSet<>();
        Set<String> statusItems = new HashSet<>();
        for (Ev e : events) {
            if (e.item() != null) {
                itemIds.add(e.item());
                if (e.type().equals(Event.ITEM_STATUS)) {
                    statusItems.add(e.item());
                }
            }
        }
        long t1 = System.nanoTime();
        Map<String, ItemInfo> items = loadItems(itemIds);
        long t2 = System.nanoTime();
        Map<String, Set<String>> storiesOfItem = loadLinkedStories(statusItems);
        long t3 = System.nanoTime();
        LOG.debug("Digest data: {} events in {} ms, items in {} ms, links in {} ms", events.size(), (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);

        Map<String, List<Ev>> linkEventsByStory = new HashMap<>();
        Map<String, List<Ev>> statusByStory = new HashMap<>();
        List<Ev> pageEvents = new ArrayList<>();
        List<Ev> failures = new ArrayList<>();
        for (Ev e : events) {
            switch (e.type()) {
                case "link.new", "link.confirmed" -> {
                    String story = e.data().getString("story");
                    if (story != null) {
                        linkEventsByStory.computeIfAbsent(story, k -> new ArrayList<>()).add(e);
                    }
                }
                case Event.ITEM_STATUS -> {
                    for (String story : storiesOfItem.getOrDefault(e.item(), Set.of())) {
                        statusByStory.computeIfAbsent(story, k -> new ArrayList<>()).add(e);
                    }
                }
                case Event.PAGE_CHANGED -> pageEvents.add(e);
                case Event.SOURCE_UNHEALTHY -> failures.add(e);
                default -> { }
            }
        }

        List<Digest> out = new ArrayList<>(work.size());
        for (Work w : work) {
            out.add(one(w, until, stories, items, linkEventsByStory, statusByStory, storiesOfItem, pageEvents, failures));
        }
        return out;
    }

    private Digest one(Work w, Instant until, Map<String, StoryInfo> stories, Map<String, ItemInfo> items,
                       Map<String, List<Ev>> linkEventsByStory, Map<String, List<Ev>> statusByStory,
                       Map<String, Set<String>> storiesOfItem, List<Ev> pageEvents, List<Ev> failures) {
        Subscriber s = w.subscriber();
        Set<String> followed = followedStories(s, stories);
        Set<String> followedProjects = new HashSet<>(s.projects());
        for (String story : followed) {
            StoryInfo info = stories.get(story);
            if (info != null) {
                followedProjects.addAll(info.projects());
            }
        }
        Set<String> kinds = new HashSet<>(s.kinds());

        // New links, the latest state per (story, item); mail threads apart.
        Map<String, Map<String, Digest.LinkEntry>> byStory = new TreeMap<>();
        Map<String, Digest.LinkEntry> threads = new LinkedHashMap<>();
        for (String story : followed) {
            for (Ev e : linkEventsByStory.getOrDefault(story, List.of())) {
                if (!e.at().isAfter(w.from())) {
                    continue;
                }
                ItemInfo item = items.getOrDefault(e.item(), new ItemInfo(e.item(), e.item(), null, kindOf(e.item()), null));
                if (!kinds.isEmpty() && !kinds.contains(item.kind())) {
                    continue;
                }
                StoryInfo info = stories.get(story);
                String state = e.data().getString("state");
                Number confidence = e.data().get("confidence", Number.class);
                Digest.LinkEntry entry = new Digest.LinkEntry(story, info == null ? story : info.title(), item.id(),
                        item.title(), item.url(), item.kind(), item.project() == null ? "(no project)" : item.project(),
                        e.data().getString("how"), state, "suggested".equals(state),
                        confidence == null ? "" : String.format(Locale.ROOT, "%.2f", confidence.doubleValue()),
                        e.data().getString("evidence"), baseUrl + "/review?story=" + enc(story) + "&item=" + enc(item.id()));
                if ("mail".equals(item.kind())) {
                    threads.put(story + "\u0000" + item.id(), entry);
                } else {
                    byStory.computeIfAbsent(story, k -> new LinkedHashMap<>()).put(item.id(), entry);
                }
            }
        }
        List<Digest.StoryLinks> links = new ArrayList<>();
        byStory.forEach((story, entries) -> {
            Map<String, List<Digest.LinkEntry>> byProject = new TreeMap<>();
            entries.values().forEach(le -> byProject.computeIfAbsent(le.project(), k -> new ArrayList<>()).add(le));
            List<Digest.ProjectLinks> projects = new ArrayList<>();
            byProject.forEach((p, l) -> projects.add(new Digest.ProjectLinks(p, l)));
            StoryInfo info = stories.get(story);
            links.add(new Digest.StoryLinks(story, info == null ? story : info.title(), baseUrl + "/stories/" + enc(story), projects));
        });

        // Status changes of linked items, once each.
        Map<String, Digest.StatusChange> changes = new LinkedHashMap<>();
        for (String story : followed) {
            for (Ev e : statusByStory.getOrDefault(story, List.of())) {
                if (!e.at().isAfter(w.from()) || changes.containsKey(e.id())) {
                    continue;
                }
                ItemInfo item = items.getOrDefault(e.item(), new ItemInfo(e.item(), e.data().getString("title"), null, kindOf(e.item()), null));
                if (!kinds.isEmpty() && !kinds.contains(item.kind())) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                for (String st : storiesOfItem.getOrDefault(e.item(), Set.of())) {
                    if (followed.contains(st)) {
                        StoryInfo info = stories.get(st);
                        names.add(info == null ? st : info.title());
                    }
                }
                changes.put(e.id(), new Digest.StatusChange(item.id(), item.title(), item.url(), item.kind(),
                        e.data().getString("from"), e.data().getString("to"), names));
            }
        }

        List<Digest.PageChange> pages = new ArrayList<>();
        for (Ev e : pageEvents) {
            if (e.at().isAfter(w.from()) && watches(s, followedProjects, e)) {
                pages.add(pageChange(e));
            }
        }
        List<Digest.SourceFailure> failing = new ArrayList<>();
        for (Ev e : failures) {
            String project = sourceProjects.get(e.source());
            if (e.at().isAfter(w.from()) && (s.followsEverything() || project != null && followedProjects.contains(project))) {
                failing.add(new Digest.SourceFailure(e.source(), e.data().getString("error"),
                        String.valueOf(e.data().get("failures")), e.at()));
            }
        }
        return new Digest(s, w.period(), w.from(), until, links, new ArrayList<>(changes.values()),
                new ArrayList<>(threads.values()), pages, failing);
    }

    /** A page.changed event as the digest and the alert show it. */
    static Digest.PageChange pageChange(Ev e) {
        Document d = e.data();
        return new Digest.PageChange(e.source(), d.getString("title") == null ? d.getString("url") : d.getString("title"),
                d.getString("url"), d.getString("summary"), Digest.describePageChange(d), d.getString("unifiedDiff"), e.at());
    }

    /** The same, from an event read elsewhere (alerts). */
    public static Digest.PageChange pageChange(Event e) {
        return pageChange(new Ev(e.id(), e.type(), e.at(), e.source(), e.itemId(), new Document(e.data())));
    }

    /** A page change concerns a subscriber who watches the page or follows its project. */
    private boolean watches(Subscriber s, Set<String> projects, Ev e) {
        if (s.pages().contains(e.source()) || s.pages().contains(e.data().getString("url"))) {
            return true;
        }
        String project = sourceProjects.get(e.source());
        return s.followsEverything() || (project != null && projects.contains(project));
    }

    private static Set<String> followedStories(Subscriber s, Map<String, StoryInfo> stories) {
        if (s.followsEverything()) {
            return new java.util.TreeSet<>(stories.keySet());
        }
        Set<String> out = new java.util.TreeSet<>(s.stories());
        if (!s.projects().isEmpty() || !s.tags().isEmpty()) {
            for (StoryInfo st : stories.values()) {
                if (st.projects().stream().anyMatch(s.projects()::contains) || st.tags().stream().anyMatch(s.tags()::contains)) {
                    out.add(st.id());
                }
            }
        }
        return out;
    }

    /**
     * The items the events name. Few ids: {@code $in} queries in batches. Many: one pass over the
     * collection with a projection, which costs less than many {@code $in} queries (on the
     * embedded store each of those is a scan too).
     */
    private Map<String, ItemInfo> loadItems(Collection<String> ids) {
        Map<String, ItemInfo> out = new HashMap<>();
        MongoCollection<Document> c = store.collection(Store.ITEMS);
        java.util.function.Consumer<Document> keep = d -> {
            if (ids.contains(d.getString("_id"))) {
                out.put(d.getString("_id"), new ItemInfo(d.getString("_id"), d.getString("title"),
                        d.getString("url"), d.getString("kind"), d.getString("project")));
            }
        };
        if (ids.size() > IN_BATCH) {
            c.find().projection(Projections.include("title", "url", "kind", "project")).batchSize(5000).forEach(keep);
            return out;
        }
        if (!ids.isEmpty()) {
            c.find(Filters.in("_id", ids)).projection(Projections.include("title", "url", "kind", "project")).forEach(keep);
        }
        return out;
    }

    /** For each item, the stories it is linked to (rejected links excluded), in one pass over the links. */
    private Map<String, Set<String>> loadLinkedStories(Collection<String> itemIds) {
        Map<String, Set<String>> out = new HashMap<>();
        if (itemIds.isEmpty()) {
            return out;
        }
        var filter = itemIds.size() > IN_BATCH ? Filters.ne("state", "rejected")
                : Filters.and(Filters.in("item", itemIds), Filters.ne("state", "rejected"));
        store.collection(Store.LINKS).find(filter).projection(Projections.include("story", "item")).batchSize(5000)
                .forEach(d -> {
                    String item = d.getString("item");
                    if (itemIds.contains(item)) {
                        out.computeIfAbsent(item, k -> new HashSet<>()).add(d.getString("story"));
                    }
                });
        return out;
    }

    static String kindOf(String itemId) {
        int colon = itemId == null ? -1 : itemId.indexOf(':');
        String prefix = colon < 0 ? "" : itemId.substring(0, colon);
        return switch (prefix) {
            case "bp" -> "blueprint";
            case "thread" -> "mail";
            default -> prefix;
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
