package dev.liaison.digest;

import dev.liaison.mailing.Subscriber;
import dev.liaison.item.Event;
import dev.liaison.item.EventData;
import dev.liaison.release.ReleaseCalendar;
import dev.liaison.store.ReleaseScheduleStore;
import dev.liaison.store.ItemStore;
import dev.liaison.store.LinkStore;
import dev.liaison.store.Store;
import dev.liaison.store.StoryStore;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

    /** A link as the store has it now (its state may have moved since the event). */
    private record LinkNow(String state, String how, Double confidence, String project) {}

    /** Composes one digest per work entry, covering events in (from, until]. */
    public List<Digest> compose(List<Work> work, Instant until) {
        if (work.isEmpty()) {
            return List.of();
        }
        Instant from = work.stream().map(Work::from).min(Instant::compareTo).orElse(until);
        long t0 = System.nanoTime();
        List<Event> events = new ArrayList<>(store.events().between(TYPES, from, until));
        // Sorted here rather than by the store: the embedded store sorts slowly, and order matters
        // only for the sequence of entries within a section.
        events.sort(java.util.Comparator.comparing(Event::at).thenComparing(Event::id));

        Map<String, StoryInfo> stories = storyInfos();

        Set<String> itemIds = new HashSet<>();
        Set<String> statusItems = new HashSet<>();
        for (Event e : events) {
            if (e.itemId() != null) {
                itemIds.add(e.itemId());
                if (e.type().equals(Event.ITEM_STATUS)) {
                    statusItems.add(e.itemId());
                }
            }
        }
        long t1 = System.nanoTime();
        Map<String, ItemInfo> items = loadItems(itemIds);
        long t2 = System.nanoTime();
        Map<String, Set<String>> storiesOfItem = loadLinkedStories(statusItems);
        Set<String> linkIds = new HashSet<>();
        for (Event e : events) {
            if (EventData.of(e) instanceof EventData.LinkChange l && l.story() != null && e.itemId() != null) {
                linkIds.add(l.story() + "|" + e.itemId());
            }
        }
        Map<String, LinkNow> linksNow = loadLinks(linkIds);
        long t3 = System.nanoTime();
        LOG.debug("Digest data: {} events in {} ms, items in {} ms, links in {} ms", events.size(), (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);

        Map<String, List<Event>> linkEventsByStory = new HashMap<>();
        Map<String, List<Event>> statusByStory = new HashMap<>();
        List<Event> pageEvents = new ArrayList<>();
        List<Event> failures = new ArrayList<>();
        for (Event e : events) {
            switch (e.type()) {
                case "link.new", "link.confirmed" -> {
                    String story = ((EventData.LinkChange) EventData.of(e)).story();
                    if (story != null) {
                        linkEventsByStory.computeIfAbsent(story, k -> new ArrayList<>()).add(e);
                    }
                }
                case Event.ITEM_STATUS -> {
                    for (String story : storiesOfItem.getOrDefault(e.itemId(), Set.of())) {
                        statusByStory.computeIfAbsent(story, k -> new ArrayList<>()).add(e);
                    }
                }
                case Event.PAGE_CHANGED -> pageEvents.add(e);
                case Event.SOURCE_UNHEALTHY -> failures.add(e);
                default -> { }
            }
        }

        ReleaseCalendar calendar = new ReleaseCalendar(new ReleaseScheduleStore(store).all());
        Map<String, Set<String>> projectsOfStory = calendar.isEmpty() ? Map.of()
                : loadStoryProjects(work.stream().map(Work::subscriber).toList(), stories);

        List<Digest> out = new ArrayList<>(work.size());
        for (Work w : work) {
            Digest d = one(w, until, stories, items, linksNow, linkEventsByStory, statusByStory, storiesOfItem, pageEvents, failures);
            out.add(calendar.isEmpty() ? d : withReleasePositions(d, calendar, projectsOfStory, stories, until));
        }
        return out;
    }

    /**
     * The projects each subscriber follows, by address: those they name, and those of the stories
     * they follow (as the digest's release-cycle lines count them). A handful of queries for all.
     */
    public Map<String, Set<String>> followedProjects(List<Subscriber> subscribers) {
        Map<String, StoryInfo> stories = storyInfos();
        Map<String, Set<String>> projectsOfStory = loadStoryProjects(subscribers, stories);
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Subscriber s : subscribers) {
            Set<String> projects = new java.util.TreeSet<>(s.projects());
            for (String story : followedStories(s, stories)) {
                projects.addAll(projectsOfStory.getOrDefault(story, Set.of()));
            }
            out.put(s.address(), projects);
        }
        return out;
    }

    /**
     * One line per project of the subscriber's followed stories (and the projects they follow
     * themselves): where it is in its release cycle on the subscriber's local day.
     */
    private Digest withReleasePositions(Digest d, ReleaseCalendar calendar, Map<String, Set<String>> projectsOfStory,
                                        Map<String, StoryInfo> stories, Instant until) {
        Subscriber s = d.subscriber();
        Set<String> projects = new java.util.TreeSet<>(s.projects());
        for (String story : followedStories(s, stories)) {
            projects.addAll(projectsOfStory.getOrDefault(story, Set.of()));
        }
        java.time.LocalDate day = java.time.LocalDate.ofInstant(until, s.timezone());
        List<Digest.ReleaseLine> lines = new ArrayList<>();
        for (String p : projects) {
            if (lines.size() == Digest.MAX_RELEASE_LINES) {
                lines.add(new Digest.ReleaseLine(null, "and " + (projects.size() - Digest.MAX_RELEASE_LINES) + " more projects"));
                break;
            }
            calendar.position(p, day).ifPresent(pos -> lines.add(new Digest.ReleaseLine(p, oneLine(pos.line(), 300))));
        }
        return new Digest(s, d.period(), d.from(), d.until(), d.stories(), d.statusChanges(), d.moreStatusChanges(),
                d.pageChanges(), d.failingSources(), d.reviewUrl(), d.subscriptionUrl(), lines);
    }

    /**
     * The projects of the stories the work follows: those a story's text names, and those of the
     * items linked to it by a confirmed, declared or manual link (not mails), in one query.
     */
    private Map<String, Set<String>> loadStoryProjects(List<Subscriber> subscribers, Map<String, StoryInfo> stories) {
        Set<String> followed = new HashSet<>();
        for (Subscriber s : subscribers) {
            followed.addAll(followedStories(s, stories));
        }
        Map<String, Set<String>> out = new HashMap<>();
        for (String story : followed) {
            StoryInfo info = stories.get(story);
            if (info != null) {
                out.computeIfAbsent(story, k -> new java.util.TreeSet<>()).addAll(info.projects());
            }
        }
        if (followed.isEmpty()) {
            return out;
        }
        for (Link l : new LinkStore(store).ofStoriesWithoutEvidence(followed)) {
            String kind = dev.liaison.item.ItemId.kindOf(l.item());
            boolean strong = Link.CONFIRMED.equals(l.state()) || Link.DECLARED.equals(l.how()) || Link.MANUAL.equals(l.how());
            if (strong && !"mail".equals(kind)) {
                String p = l.project() != null ? l.project() : projectOf(l.item());
                if (p != null && !p.isBlank()) {
                    out.computeIfAbsent(l.story(), k -> new java.util.TreeSet<>()).add(p);
                }
            }
        }
        return out;
    }

    private Digest one(Work w, Instant until, Map<String, StoryInfo> stories, Map<String, ItemInfo> items,
                       Map<String, LinkNow> linksNow, Map<String, List<Event>> linkEventsByStory, Map<String, List<Event>> statusByStory,
                       Map<String, Set<String>> storiesOfItem, List<Event> pageEvents, List<Event> failures) {
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

        // New links, the latest state per (story, item) as the store has it now: a link rejected
        // since is left out, one confirmed since is shown confirmed.
        List<Digest.StoryNews> news = new ArrayList<>();
        for (String story : followed) {
            Map<String, Digest.LinkEntry> latest = new LinkedHashMap<>();
            for (Event e : linkEventsByStory.getOrDefault(story, List.of())) {
                if (!e.at().isAfter(w.from())) {
                    continue;
                }
                ItemInfo item = items.get(e.itemId());
                if (item == null) {
                    String address = dev.liaison.item.ItemId.addressOf(e.itemId());
                    item = new ItemInfo(e.itemId(), address == null ? e.itemId() : e.itemId() + " (not fetched by Liaison)", address,
                            dev.liaison.item.ItemId.kindOf(e.itemId()), null);
                }
                if (!kinds.isEmpty() && !kinds.contains(item.kind())) {
                    continue;
                }
                LinkNow now = linksNow.get(story + "|" + e.itemId());
                EventData.LinkChange said = (EventData.LinkChange) EventData.of(e);
                String state = now != null && now.state() != null ? now.state() : said.state();
                String how = now != null && now.how() != null ? now.how() : said.how();
                double confidence = now != null && now.confidence() != null ? now.confidence()
                        : said.confidence() == null ? 0 : said.confidence();
                if ("rejected".equals(state) || how == null) {
                    latest.remove(e.itemId());
                    continue;
                }
                String project = item.project() != null ? item.project()
                        : now != null && now.project() != null ? now.project() : projectOf(e.itemId());
                StoryInfo info = stories.get(story);
                latest.put(e.itemId(), new Digest.LinkEntry(story, info == null ? story : oneLine(info.title(), 200), item.id(),
                        oneLine(item.title() != null ? item.title() : item.url() != null ? item.url() : item.id(), 200),
                        item.url(), item.kind(), project, how, state, "suggested".equals(state),
                        String.format(Locale.ROOT, "%.2f", confidence), oneLine(said.evidence(), 160),
                        Digest.reviewUrl(baseUrl, story, item.id())));
            }
            if (latest.isEmpty()) {
                continue;
            }
            List<Digest.LinkEntry> strong = new ArrayList<>();
            List<Digest.LinkEntry> suggestions = new ArrayList<>();
            for (Digest.LinkEntry le : latest.values()) {
                (strong(le) ? strong : suggestions).add(le);
            }
            Comparator<Digest.LinkEntry> best = Comparator
                    .comparing((Digest.LinkEntry le) -> Double.parseDouble(le.confidence())).reversed()
                    .thenComparing(le -> -Link.strength(le.how()))
                    .thenComparing(le -> -Evidence.similarity(le.how(), le.evidence()))
                    .thenComparing(Digest.LinkEntry::item);
            strong.sort(Comparator.comparing((Digest.LinkEntry le) -> le.suggested()).thenComparing(best));
            suggestions.sort(best);
            StoryInfo info = stories.get(story);
            news.add(new Digest.StoryNews(story, info == null ? story : oneLine(info.title(), 200), baseUrl + "/stories/" + enc(story),
                    head(strong, Digest.MAX_NEW_LINKS_PER_STORY), Math.max(0, strong.size() - Digest.MAX_NEW_LINKS_PER_STORY),
                    head(suggestions, Digest.MAX_SUGGESTIONS_PER_STORY),
                    Math.max(0, suggestions.size() - Digest.MAX_SUGGESTIONS_PER_STORY),
                    baseUrl + "/review?story=" + enc(story)));
        }

        // Status changes of items strongly linked to a followed story, once each.
        Map<String, Digest.StatusChange> changes = new LinkedHashMap<>();
        for (String story : followed) {
            for (Event e : statusByStory.getOrDefault(story, List.of())) {
                if (!e.at().isAfter(w.from()) || changes.containsKey(e.id())) {
                    continue;
                }
                EventData.ItemStatus moved = (EventData.ItemStatus) EventData.of(e);
                ItemInfo item = items.getOrDefault(e.itemId(), new ItemInfo(e.itemId(), moved.title(), null, dev.liaison.item.ItemId.kindOf(e.itemId()), null));
                if (!kinds.isEmpty() && !kinds.contains(item.kind())) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                for (String st : storiesOfItem.getOrDefault(e.itemId(), Set.of())) {
                    if (followed.contains(st)) {
                        StoryInfo info = stories.get(st);
                        names.add(oneLine(info == null ? st : info.title(), 200));
                    }
                }
                changes.put(e.id(), new Digest.StatusChange(item.id(), oneLine(item.title() == null ? item.id() : item.title(), 200),
                        item.url(), item.kind(), oneLine(moved.from(), 60), oneLine(moved.to(), 60), names));
            }
        }
        List<Digest.StatusChange> statusChanges = new ArrayList<>(changes.values());

        List<Digest.PageChange> pages = new ArrayList<>();
        for (Event e : pageEvents) {
            if (e.at().isAfter(w.from()) && watches(s, followedProjects, e)) {
                Digest.PageChange p = pageChange(e);
                List<String> lines = p.changes();
                if (lines.size() > Digest.MAX_PAGE_LINES) {
                    lines = new ArrayList<>(lines.subList(0, Digest.MAX_PAGE_LINES));
                    lines.add("... and " + (p.changes().size() - Digest.MAX_PAGE_LINES) + " more changes");
                }
                pages.add(new Digest.PageChange(p.source(), oneLine(p.title(), 200), p.url(), oneLine(p.summary(), 200),
                        lines.stream().map(l -> oneLine(l, 300)).toList(), p.unifiedDiff(), p.at()));
            }
        }
        // One line per failing source: the latest report of each.
        Map<String, Digest.SourceFailure> failing = new TreeMap<>();
        for (Event e : failures) {
            String project = sourceProjects.get(e.source());
            if (e.at().isAfter(w.from()) && (s.followsEverything() || project != null && followedProjects.contains(project))) {
                EventData.SourceUnhealthy unhealthy = (EventData.SourceUnhealthy) EventData.of(e);
                failing.put(e.source(), new Digest.SourceFailure(e.source(), oneLine(unhealthy.error(), 300),
                        String.valueOf(unhealthy.failures()), e.at()));
            }
        }
        return new Digest(s, w.period(), w.from(), until, news, head(statusChanges, Digest.MAX_STATUS_CHANGES),
                Math.max(0, statusChanges.size() - Digest.MAX_STATUS_CHANGES), pages, new ArrayList<>(failing.values()),
                baseUrl + "/review", s.token() == null ? null : baseUrl + "/subscription/" + s.token(), List.of());
    }

    /** A new link that says something moved: confirmed, declared, manual, or mentioned by reference. */
    static boolean strong(Digest.LinkEntry le) {
        return "confirmed".equals(le.state()) || Link.strength(le.how()) >= 4
                || Link.MENTIONED.equals(le.how()) && Double.parseDouble(le.confidence()) >= 0.8;
    }

    private static <T> List<T> head(List<T> list, int n) {
        return list.size() <= n ? List.copyOf(list) : List.copyOf(list.subList(0, n));
    }

    /** A value from outside on one line, bounded (line breaks in it would break the text part). */
    static String oneLine(String s, int max) {
        if (s == null) {
            return null;
        }
        String one = s.replaceAll("[\\s\\p{Cntrl}]+", " ").trim();
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }

    static String projectOf(String itemId) {
        return dev.liaison.item.ItemId.projectOf(itemId);
    }

    /** A page.changed event as the digest and the alert show it. */
    public static Digest.PageChange pageChange(Event e) {
        EventData.PageChanged p = (EventData.PageChanged) EventData.of(e);
        return new Digest.PageChange(e.source(), p.title() == null ? p.url() : p.title(),
                p.url(), p.summary(), Digest.describePageChange(p.differences()), p.unifiedDiff(), e.at());
    }

    /** A page change concerns a subscriber who watches the page or follows its project. */
    private boolean watches(Subscriber s, Set<String> projects, Event e) {
        if (s.pages().contains(e.source()) || s.pages().contains(((EventData.PageChanged) EventData.of(e)).url())) {
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
     * items' summaries, which costs less than many {@code $in} queries (on the embedded store each
     * of those is a scan too).
     */
    private Map<String, ItemInfo> loadItems(Collection<String> ids) {
        Map<String, ItemInfo> out = new HashMap<>();
        java.util.function.Consumer<ItemStore.Summary> keep = d -> {
            if (ids.contains(d.id())) {
                out.put(d.id(), new ItemInfo(d.id(), d.title(), d.url(), d.kind(), d.project()));
            }
        };
        ItemStore items = store.items();
        if (ids.size() > IN_BATCH) {
            items.forEachSummary(keep);
        } else if (!ids.isEmpty()) {
            items.summaries(ids).forEach(keep);
        }
        return out;
    }

    /** For each item, the stories it is strongly linked to (rejected links excluded), in one read of the links. */
    private Map<String, Set<String>> loadLinkedStories(Collection<String> itemIds) {
        Map<String, Set<String>> out = new HashMap<>();
        for (Link l : new LinkStore(store).ofItemsWithoutEvidence(itemIds)) {
            boolean strong = Link.CONFIRMED.equals(l.state()) || Link.strength(l.how()) >= 4
                    || Link.MENTIONED.equals(l.how()) && l.confidence() >= 0.8;
            if (strong) {
                out.computeIfAbsent(l.item(), k -> new HashSet<>()).add(l.story());
            }
        }
        return out;
    }

    /** The links as they are now, by id ({@code story|item}). */
    private Map<String, LinkNow> loadLinks(Collection<String> ids) {
        Map<String, LinkNow> out = new HashMap<>();
        new LinkStore(store).byIdsWithoutEvidence(ids).forEach((id, l) ->
                out.put(id, new LinkNow(l.state(), l.how(), l.confidence(), l.project())));
        return out;
    }

    /** Every story's heading, by slug. */
    private Map<String, StoryInfo> storyInfos() {
        Map<String, StoryInfo> out = new LinkedHashMap<>();
        for (StoryStore.Heading h : new StoryStore(store).headings()) {
            out.put(h.id(), new StoryInfo(h.id(), h.title(), h.projects(), h.tags()));
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
