package dev.liaison.web;

import dev.liaison.config.SourceConfig;
import dev.liaison.store.PageSnapshot;
import dev.liaison.store.SnapshotStore;
import dev.liaison.store.Store;
import dev.liaison.store.ItemStore;
import dev.liaison.store.LinkStore;
import dev.liaison.store.StoryStore;
import dev.liaison.story.Link;
import dev.liaison.story.Backer;
import dev.liaison.story.Story;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the API and the pages show, read from the store. Links are read in one pass and kept for a
 * few seconds (and dropped at once when a person changes one here), so the story page, the
 * story list and the review queue do not each scan the links collection.
 */
public final class WebData {

    public static final List<String> COLUMNS = dev.liaison.item.ItemId.KINDS;
    private static final Duration LINK_CACHE = Duration.ofSeconds(10);

    private final Store store;
    private final StoryStore stories;
    private final List<SourceConfig> sources;
    private final Clock clock;
    private volatile LinkIndex index;
    private volatile StoryCache storyCache;

    private record StoryCache(Instant builtAt, List<Story> all, Map<String, Story> byId) {}

    /** Stories, read at most every few seconds (they change rarely and are read by every page). */
    private StoryCache storyCache() {
        StoryCache c = storyCache;
        if (c != null && clock.instant().isBefore(c.builtAt().plus(LINK_CACHE))) {
            return c;
        }
        List<Story> all = stories.all();
        Map<String, Story> byId = new HashMap<>();
        all.forEach(s -> byId.put(s.id(), s));
        c = new StoryCache(clock.instant(), all, byId);
        storyCache = c;
        return c;
    }

    public WebData(Store store, List<SourceConfig> sources, Clock clock) {
        this.store = store;
        this.stories = new StoryStore(store);
        this.sources = sources;
        this.clock = clock;
    }

    /** A link as shown: the link document's fields plus the item's title, URL and live status. */
    public record LinkView(String story, String storyTitle, String item, String title, String url, String kind,
                           String project, String status, String how, double confidence, String state,
                           List<Map<String, String>> evidence, String reviewedBy, Instant reviewedAt,
                           String release, boolean fetched, String trackerStatus) {
        public boolean suggested() {
            return "suggested".equals(state);
        }

        /** The HTML id of this link's row (the digest links to it). */
        public String rowId() {
            return dev.liaison.digest.Digest.rowId(story, item);
        }

        /** The tracker's own status when it says something else than the item's live status. */
        public String trackerDiffers() {
            if (trackerStatus == null || trackerStatus.isBlank() || "none".equals(trackerStatus)) {
                return null;
            }
            String live = status == null ? "" : status.toLowerCase(java.util.Locale.ROOT);
            boolean done = live.matches(".*(implemented|fix released|fixed|released|merged|complete).*");
            boolean going = live.matches(".*(progress|started|approved|review|triaged|confirmed).*");
            String liveTracker = done ? "complete" : going ? "in-progress" : live.isEmpty() ? null : "pending";
            return trackerStatus.equals(liveTracker) ? null : trackerStatus;
        }

        /** A strong link: confirmed, or declared, manual, mentioned (counts for the gap view). */
        public boolean strong() {
            return "confirmed".equals(state) || "declared".equals(how) || "manual".equals(how) || "mentioned".equals(how);
        }

        public String confidenceText() {
            return String.format(java.util.Locale.ROOT, "%.2f", confidence);
        }
    }

    /** A story in a list: counts of its links per state and its last movement. */
    public record StorySummary(Story story, int suggested, int confirmed, int rejected, Instant lastMovement) {}

    private record LinkIndex(Instant builtAt, Map<String, List<LinkStore.Stored>> byStory) {}

    private final java.util.concurrent.ExecutorService refresher = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "liaison-web-cache");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * The links by story. Older than a few seconds: served as they are while a fresh copy is read
     * in the background, so no request waits for the read (only the very first one does).
     */
    private LinkIndex links() {
        LinkIndex i = index;
        if (i == null) {
            return readLinks();
        }
        if (!clock.instant().isBefore(i.builtAt().plus(LINK_CACHE)) && refreshing.compareAndSet(false, true)) {
            refresher.execute(() -> {
                try {
                    readLinks();
                } finally {
                    refreshing.set(false);
                }
            });
        }
        return i;
    }

    private LinkIndex readLinks() {
        Map<String, List<LinkStore.Stored>> byStory = new HashMap<>();
        new LinkStore(store).forEachStored(d -> byStory.computeIfAbsent(d.link().story(), k -> new ArrayList<>()).add(d));
        LinkIndex i = new LinkIndex(clock.instant(), byStory);
        index = i;
        return i;
    }

    /** Forget cached links (after a change made here). */
    public void linksChanged() {
        index = null;
        storyCache = null;
    }

    public List<StorySummary> stories(String project, String state, String tag, String organisation) {
        LinkIndex links = links();
        List<StorySummary> out = new ArrayList<>();
        for (Story s : storyCache().all()) {
            if (project != null && !s.projects().contains(project) || state != null && !state.equals(s.state())
                    || tag != null && !s.tags().contains(tag)
                    || organisation != null && s.backers().stream().noneMatch(b -> b.organisation().equalsIgnoreCase(organisation))) {
                continue;
            }
            int sug = 0, conf = 0, rej = 0;
            Instant last = null;
            for (LinkStore.Stored d : links.byStory().getOrDefault(s.id(), List.of())) {
                switch (d.link().state()) {
                    case Link.SUGGESTED -> sug++;
                    case Link.CONFIRMED -> conf++;
                    case Link.REJECTED -> rej++;
                    default -> { }
                }
                Instant changed = d.lastChanged();
                if (changed != null && (last == null || changed.isAfter(last))) {
                    last = changed;
                }
            }
            out.add(new StorySummary(s, sug, conf, rej, last));
        }
        out.sort(Comparator.comparing((StorySummary x) -> x.story().title().toLowerCase(java.util.Locale.ROOT)));
        return out;
    }

    public Optional<Story> story(String id) {
        return Optional.ofNullable(storyCache().byId().get(id));
    }

    /** A story's links (rejected ones included), with their items. */
    public List<LinkView> linksOf(String storyId) {
        List<LinkStore.Stored> docs = links().byStory().getOrDefault(storyId, List.of());
        Map<String, ItemStore.Summary> items = items(docs.stream().map(d -> d.link().item()).toList());
        String title = story(storyId).map(Story::title).orElse(storyId);
        List<LinkView> out = new ArrayList<>();
        for (LinkStore.Stored d : docs) {
            out.add(view(d, title, items.get(d.link().item())));
        }
        out.sort(Comparator.comparing(LinkView::project, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(LinkView::kind, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(LinkView::confidence, Comparator.reverseOrder()));
        return out;
    }

    /** The tracker matrix: project → column (spec, blueprint, bug, review, mail) → links; rejected links left out. */
    public Map<String, Map<String, List<LinkView>>> matrix(String storyId) {
        Map<String, Map<String, List<LinkView>>> rows = new TreeMap<>();
        for (String p : projects(storyId)) {
            rows.computeIfAbsent(p, k -> emptyRow());
        }
        for (LinkView l : linksOf(storyId)) {
            if ("rejected".equals(l.state())) {
                continue;
            }
            String project = l.project() == null || l.project().isBlank() ? "(no project)" : l.project();
            String column = COLUMNS.contains(l.kind()) ? l.kind() : "mail".equals(l.kind()) ? "mail" : null;
            if (column != null) {
                rows.computeIfAbsent(project, k -> emptyRow()).get(column).add(l);
            }
        }
        return rows;
    }

    private static Map<String, List<LinkView>> emptyRow() {
        Map<String, List<LinkView>> row = new LinkedHashMap<>();
        COLUMNS.forEach(c -> row.put(c, new ArrayList<>()));
        return row;
    }

    /**
     * The projects of a story: those its text names, and those of its confirmed or declared links
     * to developer work (its trackers' items among them; a mailing list is not a project).
     */
    public List<String> projects(String storyId) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        story(storyId).ifPresent(s -> out.addAll(s.projects()));
        for (LinkStore.Stored stored : links().byStory().getOrDefault(storyId, List.of())) {
            Link d = stored.link();
            String state = d.state();
            String kind = kindOf(d);
            boolean work = !"mail".equals(kind) && !"thread".equals(kind);
            if (work && (Link.CONFIRMED.equals(state) || !Link.REJECTED.equals(state) && (Link.DECLARED.equals(d.how())
                    || Link.MANUAL.equals(d.how())))) {
                String p = projectOf(d);
                if (p != null && !p.isBlank()) {
                    out.add(p);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Where each project of the story is in its release cycle today (UTC), one line each
     * ("nova: spec freeze in 9 days (2026-12-10); Indri R-16"); empty when no release schedule
     * is stored.
     */
    public List<String> releasePositions(String storyId) {
        dev.liaison.release.ReleaseCalendar calendar =
                new dev.liaison.release.ReleaseCalendar(new dev.liaison.store.ReleaseScheduleStore(store).all());
        java.time.LocalDate today = java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
        List<String> out = new ArrayList<>();
        for (String p : projects(storyId)) {
            calendar.position(p, today).ifPresent(pos -> out.add(pos.line()));
        }
        return out;
    }

    /**
     * The gap view: the story's projects with no spec or blueprint linked to it by a confirmed,
     * declared, manual or mentioned link (a mere similarity suggestion does not fill a gap).
     */
    public List<String> gaps(String storyId) {
        List<String> out = new ArrayList<>();
        if (story(storyId).isEmpty()) {
            return out;
        }
        Map<String, Map<String, List<LinkView>>> m = matrix(storyId);
        for (String p : projects(storyId)) {
            Map<String, List<LinkView>> row = m.get(p);
            if (row == null || row.get("spec").stream().noneMatch(LinkView::strong) && row.get("blueprint").stream().noneMatch(LinkView::strong)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The story's tracker file as it would be written today (UTC), with its items' live status; empty for an unknown story. */
    public Optional<String> tracker(String storyId) {
        Optional<Story> s = story(storyId);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        List<Link> all = new LinkStore(store).forStory(storyId);
        Map<String, dev.liaison.linking.Trackers.ItemInfo> infos = new LinkedHashMap<>();
        items(all.stream().map(Link::item).toList()).forEach((k, i) -> infos.put(k,
                new dev.liaison.linking.Trackers.ItemInfo(i.url(), i.statusRaw() != null ? i.statusRaw() : i.status())));
        return Optional.of(dev.liaison.linking.Trackers.write(s.get(), all, infos,
                java.time.LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC))));
    }

    /** What the review queue is narrowed to; a null field does not narrow. */
    public record ReviewFilter(String story, String project, String kind, String how) {
        public static final ReviewFilter NONE = new ReviewFilter(null, null, null, null);

        boolean matches(Link d) {
            return (story == null || story.equals(d.story()))
                    && (project == null || project.equals(projectOf(d)))
                    && (kind == null || kind.equals(kindOf(d)))
                    && (how == null || how.equals(d.how()));
        }
    }

    /** One page of the review queue: the rows and how many there are in all. */
    public record ReviewPage(int total, int offset, int limit, List<LinkView> links) {}

    /** The suggested links that match, best first ({@link Link#BEST_FIRST}). */
    private List<LinkStore.Stored> suggested(ReviewFilter filter) {
        List<LinkStore.Stored> suggested = new ArrayList<>();
        var byStory = links().byStory();
        var lists = filter.story() != null ? List.of(byStory.getOrDefault(filter.story(), List.of())) : byStory.values();
        lists.forEach(list -> list.stream().filter(d -> Link.SUGGESTED.equals(d.link().state()) && filter.matches(d.link()))
                .forEach(suggested::add));
        Link.sortBestFirst(suggested, LinkStore.Stored::link);
        return suggested;
    }

    /** Suggested links, best first. */
    public List<LinkView> reviewQueue(int offset, int limit) {
        return reviewPage(ReviewFilter.NONE, offset, limit).links();
    }

    /** A page of the suggested links that match the filter, best first. */
    public ReviewPage reviewPage(ReviewFilter filter, int offset, int limit) {
        List<LinkStore.Stored> suggested = suggested(filter);
        List<LinkStore.Stored> page = suggested.subList(Math.min(offset, suggested.size()), Math.min(suggested.size(), offset + limit));
        Map<String, ItemStore.Summary> items = items(page.stream().map(d -> d.link().item()).toList());
        Map<String, String> titles = new HashMap<>();
        List<LinkView> out = new ArrayList<>();
        for (LinkStore.Stored d : page) {
            String story = d.link().story();
            String title = titles.computeIfAbsent(story, s -> story(s).map(Story::title).orElse(s));
            out.add(view(d, title, items.get(d.link().item())));
        }
        return new ReviewPage(suggested.size(), offset, limit, out);
    }

    /** Where one link is in the filtered queue (its index), or -1 when it is not waiting for review. */
    public int positionInQueue(ReviewFilter filter, String story, String item) {
        String id = story + "|" + item;
        List<LinkStore.Stored> suggested = suggested(filter);
        for (int i = 0; i < suggested.size(); i++) {
            if (id.equals(suggested.get(i).link().id())) {
                return i;
            }
        }
        return -1;
    }

    /** The stories, projects, kinds and ways of linking found among the suggested links (the queue's filter choices). */
    public Map<String, java.util.SortedSet<String>> reviewChoices() {
        Map<String, java.util.SortedSet<String>> out = new LinkedHashMap<>();
        for (String k : List.of("story", "project", "kind", "how")) {
            out.put(k, new java.util.TreeSet<>());
        }
        links().byStory().values().forEach(list -> list.stream().map(LinkStore.Stored::link)
                .filter(d -> Link.SUGGESTED.equals(d.state())).forEach(d -> {
            out.get("story").add(d.story());
            String p = projectOf(d);
            if (p != null) {
                out.get("project").add(p);
            }
            String kind = kindOf(d);
            if (kind != null) {
                out.get("kind").add(kind);
            }
            out.get("how").add(d.how());
        }));
        return out;
    }

    /** The suggested declared links of a story (the author named them in the story's own text or tracker). */
    public List<String> suggestedDeclared(String story) {
        List<String> out = new ArrayList<>();
        for (LinkStore.Stored d : links().byStory().getOrDefault(story, List.of())) {
            if (Link.SUGGESTED.equals(d.link().state()) && Link.DECLARED.equals(d.link().how())) {
                out.add(d.link().item());
            }
        }
        return out;
    }

    public int reviewQueueSize() {
        int n = 0;
        for (List<LinkStore.Stored> list : links().byStory().values()) {
            n += (int) list.stream().filter(d -> Link.SUGGESTED.equals(d.link().state())).count();
        }
        return n;
    }

    /** The stories an item is linked to (rejected links excluded). */
    public List<LinkView> linksOfItem(String itemId) {
        List<LinkView> out = new ArrayList<>();
        Map<String, ItemStore.Summary> items = items(List.of(itemId));
        links().byStory().forEach((story, list) -> {
            for (LinkStore.Stored d : list) {
                if (itemId.equals(d.link().item()) && !Link.REJECTED.equals(d.link().state())) {
                    out.add(view(d, story(story).map(Story::title).orElse(story), items.get(itemId)));
                }
            }
        });
        return out;
    }

    /** The summaries of these items that are stored, by id. */
    Map<String, ItemStore.Summary> items(Collection<String> ids) {
        Map<String, ItemStore.Summary> out = new HashMap<>();
        if (!ids.isEmpty()) {
            store.items().summaries(ids).forEach(i -> out.put(i.id(), i));
        }
        return out;
    }

    private static LinkView view(LinkStore.Stored stored, String storyTitle, ItemStore.Summary item) {
        Link link = stored.link();
        List<Map<String, String>> evidence = new ArrayList<>();
        for (dev.liaison.story.Evidence e : link.evidence()) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("how", e.how());
            m.put("snippet", e.snippet());
            m.put("where", e.where());
            m.put("via", e.via());
            evidence.add(m);
        }
        String itemId = link.item();
        String kind = item != null && item.kind() != null ? item.kind() : link.itemKind();
        String project = item != null && item.project() != null ? item.project() : projectOf(link);
        String status = item == null ? null : item.statusRaw() != null ? item.statusRaw() : item.status();
        String address = item == null ? dev.liaison.item.ItemId.addressOf(itemId) : item.url();
        String title = item == null ? (address == null ? itemId : address)
                : item.title() == null || item.title().isBlank() ? itemId : item.title();
        LinkStore.Review review = stored.review();
        return new LinkView(link.story(), storyTitle, itemId, title, address, kind, project, status,
                link.how(), link.confidence(), link.state(), evidence,
                review == null ? null : review.by(), review == null ? null : review.at(),
                item == null ? null : item.release(), item != null, link.trackerStatus());
    }

    static String projectOf(String itemId) {
        return dev.liaison.item.ItemId.projectOf(itemId);
    }

    /** The link's project as stored, else the one its item id names. */
    private static String projectOf(Link l) {
        return l.project() != null ? l.project() : projectOf(l.item());
    }

    /** The link's item kind as stored, else the one its item id names. */
    private static String kindOf(Link l) {
        return l.itemKind() != null ? l.itemKind() : dev.liaison.item.ItemId.kindOf(l.item());
    }

    // ------------------------------------------------------------------ priorities

    /** Each organisation's ranked stories: those set through the API, else those the stories' backers give. */
    public Map<String, List<String>> organisationPriorities() {
        Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, TreeMap<Integer, String>> fromStories = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Story s : storyCache().all()) {
            for (Backer b : s.backers()) {
                if (b.rank() > 0) {
                    fromStories.computeIfAbsent(b.organisation(), k -> new TreeMap<>()).put(b.rank(), s.id());
                }
            }
        }
        fromStories.forEach((org, ranks) -> out.put(org, new ArrayList<>(ranks.values())));
        out.putAll(new dev.liaison.store.PriorityStore(store).all());
        return out;
    }

    public void setPriorities(String organisation, List<String> storyIds, String who) {
        for (String id : storyIds) {
            if (story(id).isEmpty()) {
                throw ApiException.badRequest("unknown story '" + id + "'");
            }
        }
        if (storyIds.size() > 5 || storyIds.stream().distinct().count() != storyIds.size()) {
            throw ApiException.badRequest("an organisation ranks at most five different stories");
        }
        new dev.liaison.store.PriorityStore(store).set(organisation, storyIds, who, clock.instant());
    }

    /** The aggregate across organisations: a story ranked first by one organisation scores 5, fifth scores 1. */
    public List<Map<String, Object>> aggregatePriorities() {
        Map<String, Integer> score = new HashMap<>();
        Map<String, List<String>> by = new HashMap<>();
        organisationPriorities().forEach((org, list) -> {
            for (int i = 0; i < list.size() && i < 5; i++) {
                score.merge(list.get(i), 5 - i, Integer::sum);
                by.computeIfAbsent(list.get(i), k -> new ArrayList<>()).add(org + " #" + (i + 1));
            }
        });
        List<Map<String, Object>> out = new ArrayList<>();
        score.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("story", e.getKey());
                    m.put("title", story(e.getKey()).map(Story::title).orElse(e.getKey()));
                    m.put("score", e.getValue());
                    m.put("rankedBy", by.get(e.getKey()));
                    out.add(m);
                });
        return out;
    }

    /** The projects' release priorities: the latest snapshot of each page-watch source, as headings and items. */
    public List<Map<String, Object>> releasePriorities() {
        SnapshotStore snapshots = new SnapshotStore(store);
        List<Map<String, Object>> out = new ArrayList<>();
        for (SourceConfig s : sources) {
            if (!"page-watch".equals(s.kind())) {
                continue;
            }
            Optional<PageSnapshot> latest = snapshots.latest(s.id());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", s.id());
            m.put("project", s.project());
            m.put("url", s.url().toString());
            m.put("title", latest.map(PageSnapshot::title).orElse(s.url().toString()));
            m.put("fetchedAt", latest.map(p -> p.fetchedAt().toString()).orElse(null));
            Map<String, List<String>> sections = new LinkedHashMap<>();
            latest.ifPresent(p -> {
                for (Map<String, Object> b : p.blocks()) {
                    String type = String.valueOf(b.get("type")).toLowerCase(java.util.Locale.ROOT);
                    String section = b.get("section") == null ? "" : String.valueOf(b.get("section"));
                    if (type.equals("heading")) {
                        sections.computeIfAbsent(String.valueOf(b.get("text")), k -> new ArrayList<>());
                    } else if (type.equals("item") || type.equals("row")) {
                        sections.computeIfAbsent(section, k -> new ArrayList<>()).add(String.valueOf(b.get("text")));
                    }
                }
            });
            sections.values().removeIf(List::isEmpty);
            m.put("sections", sections);
            out.add(m);
        }
        return out;
    }
}
