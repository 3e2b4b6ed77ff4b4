package dev.liaison.app;

import dev.liaison.linking.Linker;

import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import dev.liaison.store.LinkStore;
import dev.liaison.store.SourceStateStore;
import dev.liaison.store.Store;
import dev.liaison.store.StoryStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The linker against the store, decoupled from the pollers: it reads the {@code item.new} and
 * {@code item.changed} events and the stories changed since its cursor (kept in source_state
 * under {@value #SOURCE_ID}), links those through the {@link Linker}'s indexes, stores the links
 * in batches, and only then moves its cursor. The indexes are rebuilt from the store when the
 * service first runs and updated incrementally after that. Re-running on unchanged data writes
 * nothing and appends no event.
 */
public final class LinkService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkService.class);

    public static final String SOURCE_ID = "linker";
    /** Items linked per batch (one $in query to load them, one to merge their links). */
    public static final int BATCH = 500;
    /** Events read per type per run. */
    public static final int EVENTS_PER_RUN = 20_000;

    private final Store store;
    private final StoryStore stories;
    private final LinkStore links;
    private final Clock clock;
    private final Linker linker;
    private boolean started;
    /** The version of the strong and rejected links the linker has (see {@link LinkStore#strongVersion()}). */
    private long linksVersion = -1;
    /** The content hash of each story as last linked by this process: an unchanged story is not linked again. */
    private final java.util.Map<String, String> linkedStories = new java.util.HashMap<>();
    /**
     * The item events handled in the last {@link #LATE} before the cursor (they are read again;
     * a restart forgets them, and linking them again changes nothing).
     */
    private final Map<String, Instant> recentlyHandled = new java.util.HashMap<>();
    /** How far before its cursor the linker reads the event log again (events appended late). */
    static final java.time.Duration LATE = java.time.Duration.ofSeconds(30);
    /** How long an item whose events were read but which is not stored is waited for. */
    static final java.time.Duration PENDING_FOR = java.time.Duration.ofDays(1);

    /** What one run did. */
    public record Stats(int stories, int items, int created, int updated, int events) {
        Stats plus(Stats o) {
            return new Stats(stories + o.stories, items + o.items, created + o.created, updated + o.updated, events + o.events);
        }

        public String summary() {
            return stories + " stories and " + items + " items linked: " + created + " new links, " + updated
                    + " changed, " + events + " events";
        }
    }

    public LinkService(Store store, Clock clock) {
        this.store = store;
        this.stories = new StoryStore(store);
        this.links = new LinkStore(store);
        this.clock = clock;
        this.linker = new Linker(this::loadItems);
    }

    /** A link service configured by the runtime's settings ({@code liaison.link.min-confidence}). */
    public LinkService(LiaisonRuntime runtime, Clock clock) {
        this(runtime.store(), clock);
        linker.calibration(dev.liaison.linking.Calibration.standard(), runtime.settings().fraction("liaison.link.min-confidence"));
    }

    public Linker linker() {
        return linker;
    }

    public StoryStore stories() {
        return stories;
    }

    public LinkStore links() {
        return links;
    }

    /** Builds the indexes from the store (stories, items, strong and rejected links). Idempotent. */
    public synchronized void start() {
        if (started) {
            return;
        }
        long t0 = System.nanoTime();
        // The stories first: a relink keeps, of each item, the story names it uses (found as the
        // item is put). Whether a name is generic is judged when linking, against all the items.
        linker.putStories(stories.all());
        forEachItemBatch(linker::putItems);
        linksVersion = links.strongVersion();
        linker.setLinks(links.strong(), links.rejectedIds());
        linker.setHeld(links.similarSuggested());
        started = true;
        LOG.info("Linker indexes built: {} stories, {} items in {} ms", linker.storyCount(), linker.itemCount(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * One pipeline step: links the stories and items changed since the cursor, then moves it.
     * Failures are recorded in source_state and logged; the cursor then stays where it was.
     */
    public synchronized Stats run() {
        Instant now = clock.instant();
        try {
            start();
            // Strong and rejected links written by anyone (a person, another process) since the
            // last run: read them again only when their version moved (two reads over every link).
            long version = links.strongVersion();
            if (version != linksVersion) {
                linker.setLinks(links.strong(), links.rejectedIds());
                linksVersion = version;
            }
            SourceStateStore.LinkerCursor cursor = store.sourceState().linkerCursor(SOURCE_ID);
            Instant storyCursor = cursor.stories();

            Instant lastStoryChange = stories.lastChange();
            List<Story> changedStories = stories.changedSince(storyCursor).stream()
                    .filter(s -> !s.contentHash().equals(linkedStories.get(s.id()))).toList();
            Stats stats = linkStories(changedStories, now);
            changedStories.forEach(s -> linkedStories.put(s.id(), s.contentHash()));

            // The item events appended since the cursor, read again from LATE before it: an
            // event appended by another writer a moment before one already read (it took its
            // time stamp first) is not passed over. Those handled before are skipped.
            Instant appended = cursor.appended();
            Instant from = appended == null ? null : appended.minus(LATE);
            List<Event> events = store.events().appendedSince(from, List.of(Event.ITEM_NEW, Event.ITEM_CHANGED),
                    EVENTS_PER_RUN + recentlyHandled.size());
            Map<String, Instant> pending = cursor.pending();
            Set<String> ids = new LinkedHashSet<>(pending.keySet());
            Instant next = appended;
            for (Event e : events) {
                if (recentlyHandled.putIfAbsent(e.id(), e.stored()) == null && e.itemId() != null) {
                    ids.add(e.itemId());
                }
                if (next == null || e.stored().isAfter(next)) {
                    next = e.stored();
                }
            }
            Set<String> missing = new LinkedHashSet<>();
            stats = stats.plus(linkItemIds(ids, now, missing));
            stats = stats.plus(rankTouched(now));

            // An item whose event came before the item itself (a poller appends a batch's events
            // first, then writes its items) is kept pending and linked once it is readable.
            Map<String, Instant> keep = new LinkedHashMap<>();
            for (String id : missing) {
                Instant since = pending.getOrDefault(id, now);
                if (since.isBefore(now.minus(PENDING_FOR))) {
                    LOG.warn("Linker: item {} has events since {} but is still not stored; no longer waiting for it", id, since);
                } else {
                    keep.put(id, since);
                }
            }
            if (!keep.isEmpty()) {
                LOG.info("Linker: {} item(s) not readable yet; linking them when they are", keep.size());
            }
            if (next != null) {
                Instant horizon = next.minus(LATE);
                recentlyHandled.values().removeIf(t -> t.isBefore(horizon));
            }
            store.sourceState().saveLinkerCursor(SOURCE_ID, new SourceStateStore.LinkerCursor(next, lastStoryChange, keep));
            store.sourceState().recordSuccess(SOURCE_ID, now, Map.of("stories", stats.stories(), "items", stats.items(),
                    "created", stats.created(), "updated", stats.updated(), "events", stats.events()), false, null);
            if (stats.created() + stats.updated() > 0) {
                LOG.info("Linker: {}", stats.summary());
            }
            return stats;
        } catch (RuntimeException e) {
            LOG.warn("Linker run failed (cursor kept): {}", e.toString());
            store.sourceState().recordFailure(SOURCE_ID, now, String.valueOf(e.getMessage()), Map.of());
            throw e;
        }
    }


    /** Links these items (loaded from the store in batches). */
    public synchronized Stats linkItemIds(Collection<String> ids, Instant now) {
        return linkItemIds(ids, now, new LinkedHashSet<>());
    }

    /** Links these items; adds to {@code missing} the ids of those that are not stored. */
    private Stats linkItemIds(Collection<String> ids, Instant now, Set<String> missing) {
        start();
        Stats stats = new Stats(0, 0, 0, 0, 0);
        List<String> all = new ArrayList<>(ids);
        for (int i = 0; i < all.size(); i += BATCH) {
            List<String> wanted = all.subList(i, Math.min(all.size(), i + BATCH));
            List<Item> items = loadItems(wanted);
            if (items.size() < wanted.size()) {
                Set<String> found = new java.util.HashSet<>();
                items.forEach(it -> found.add(it.id()));
                wanted.stream().filter(id -> !found.contains(id)).forEach(missing::add);
            }
            stats = stats.plus(storeLinks(linker.linkItems(items), now, 0, items.size()));
        }
        return stats;
    }

    /**
     * Re-links every stored story and item (benchmarks, and after changing the linker), then takes
     * back the machine-made links no rule made (see {@link LinkStore#retractUnsupported}). When a
     * strong one goes (a declared reference an older version invented), the links that followed
     * from it may go too: the pass runs again with the strong links of now (at most twice more).
     */
    public synchronized Stats relinkAll() {
        return relinkAll(true);
    }

    /**
     * {@link #relinkAll()}; {@code reuse} false: each pass the plain way, the reference the fast one
     * must equal (tests, benchmarks): the items read again for the item pass and for each story's
     * candidates, every story's candidates searched and scored each time it is ranked.
     */
    public synchronized Stats relinkAll(boolean reuse) {
        Instant now = clock.instant();
        Stats total = new Stats(0, 0, 0, 0, 0);
        for (int round = 0; round < 3; round++) {
            supported = new java.util.HashMap<>();
            Stats pass = reuse ? relinkRemembering(now) : relinkPlainly(now);
            LinkStore.Retracted r = links.retractUnsupported(supported, now);
            supported = null;
            retractedIds.addAll(r.removed()); // stored again, should a rule make them again
            retractedIds.addAll(r.weakened());
            total = total.plus(pass).plus(new Stats(0, 0, 0, r.removed().size() + r.weakened().size(), r.events().size()));
            if (!r.removed().isEmpty() || !r.weakened().isEmpty()) {
                LOG.info("Linker: {} link(s) no rule makes any more retracted, {} now of a weaker kind", r.removed().size(), r.weakened().size());
            }
            if (r.strong() == 0) {
                break;
            }
            linker.setLinks(links.strong(), links.rejectedIds());
            linksVersion = links.strongVersion();
        }
        return total;
    }

    /** One relink pass, the plain way (see {@link #relinkAll(boolean)}). */
    private Stats relinkPlainly(Instant now) {
        start();
        Stats[] stats = {linkStories(stories.all(), now)};
        forEachItemBatch(batch -> stats[0] = stats[0].plus(storeLinks(linker.linkItems(batch), now, 0, batch.size())));
        return stats[0].plus(rankTouched(now));
    }

    /**
     * One relink pass, remembering from the start: when the indexes are built now, every item is
     * read and analysed once for the whole relink (not again for each story's candidates and for
     * the item pass), and every story is ranked twice (first, then again once the items have
     * entered the lists) with the second time reusing what the first found and scored.
     */
    private Stats relinkRemembering(Instant now) {
        linker.remember(true);
        int scored = 0;
        try {
            start();
            long t0 = System.nanoTime();
            scored = linker.preselect(); // every story's candidates from the items' side: no search per story
            if (scored > 0) {
                LOG.info("Linker: {} items scored against every story for their candidates in {} ms", scored, (System.nanoTime() - t0) / 1_000_000);
            }
            Stats[] stats = {linkStories(stories.all(), now)};
            List<List<String>> kept = linker.rememberedBatches();
            if (kept.isEmpty()) { // the indexes were built before: read the items again
                forEachItemBatch(batch -> stats[0] = stats[0].plus(storeLinks(linker.linkItems(batch), now, 0, batch.size())));
            } else {
                for (List<String> batch : kept) {
                    stats[0] = stats[0].plus(storeLinks(linker.linkRemembered(batch), now, 0, batch.size()));
                }
            }
            return stats[0].plus(rankTouched(now));
        } finally {
            linker.remember(false);
            if (scored > 0) {
                LOG.info("Linker relink: {}", linker.preselectSummary());
            }
        }
    }

    /** During {@link #relinkAll}: what the rules made of each pair (link id → strongest kind); null otherwise. */
    private Map<String, LinkStore.Support> supported;

    /** Every stored item, {@value #BATCH} at a time, in bounded memory. */
    private void forEachItemBatch(java.util.function.Consumer<List<Item>> action) {
        store.items().forEachBatch(BATCH, action);
    }

    /** Stores stories and links them at once (the CLI's import). */
    public synchronized Stats importStories(List<Story> batch, StoryStore.Result[] result) {
        start();
        Instant now = clock.instant();
        StoryStore.Result r = stories.upsert(batch, now);
        if (result != null) {
            result[0] = r;
        }
        List<Story> touched = new ArrayList<>(r.created());
        touched.addAll(r.changed());
        return linkStories(touched, now);
    }

    /** The stories whose similar lists new items entered, ranked again with the statistics of now. */
    private Stats rankTouched(Instant now) {
        List<Link> ranked = linker.rankTouched();
        return ranked.isEmpty() ? new Stats(0, 0, 0, 0, 0) : storeLinks(ranked, now, 0, 0);
    }

    /** Links stories a few at a time, storing each group's links before the next (bounded memory). */
    private Stats linkStories(List<Story> list, Instant now) {
        Stats stats = new Stats(0, 0, 0, 0, 0);
        for (int i = 0; i < list.size(); i += 20) {
            List<Story> chunk = list.subList(i, Math.min(list.size(), i + 20));
            stats = stats.plus(storeLinks(linker.linkStories(chunk), now, chunk.size(), 0));
        }
        return stats;
    }

    /** Stores a tracker's declared links, then re-links its story so one-hop links follow. */
    public synchronized Stats importTracker(List<Link> declared, String named) {
        start();
        String story = named;
        Instant now = clock.instant();
        String canonical = stories.resolve(story); // a tracker may name a slug merged into another story
        if (!canonical.equals(named)) {
            declared = declared.stream().map(l -> l.story().equals(named) ? new Link(canonical, l.item(), l.how(), l.confidence(),
                    l.state(), l.project(), l.itemKind(), l.trackerStatus(), l.evidence()) : l).toList();
            story = canonical;
        }
        LinkStore.Result r = links.propose(declared, now);
        linker.noteLinks(declared);
        Stats stats = new Stats(0, 0, r.created(), r.updated(), r.events().size());
        var s = stories.find(story);
        if (s.isPresent()) {
            stats = stats.plus(storeLinks(linker.linkStories(List.of(s.get())), now, 1, 0));
        }
        return stats;
    }

    private Stats storeLinks(List<Link> all, Instant now, int storyCount, int itemCount) {
        // Suggestions that left their story's list (a better item came) are not stored, and are
        // removed from the store when they are there.
        List<String> retracted = linker.takeRetracted();
        Set<String> gone = new java.util.HashSet<>(retracted);
        List<Link> proposals = gone.isEmpty() ? all
                : all.stream().filter(l -> !(Link.SIMILAR.equals(l.how()) && gone.contains(l.id()))).toList();
        if (supported != null) {
            retracted.forEach(id -> supported.computeIfPresent(id, (k, s) -> s.withoutSimilar()));
            for (Link l : proposals) {
                supported.merge(l.id(), new LinkStore.Support(l), LinkStore.Support::and);
            }
        }
        // A proposal this process has stored before changes nothing when stored again (merging is
        // idempotent, and a person's confirm or reject wins over it): skip it without a query.
        List<Link> fresh = new ArrayList<>(proposals.size());
        List<Long> keys = new ArrayList<>(proposals.size());
        for (Link l : proposals) {
            long key = fingerprint(l);
            if (!applied.contains(key) || retractedIds.remove(l.id())) {
                fresh.add(l);
                keys.add(key);
            }
        }
        LinkStore.Result r = fresh.isEmpty() ? new LinkStore.Result(0, 0, 0, List.of()) : links.propose(fresh, now);
        applied.addAll(keys);
        linker.noteLinks(fresh);
        int removed = 0;
        if (!retracted.isEmpty()) {
            removed = links.retractSimilar(retracted);
            retractedIds.addAll(retracted); // stored again, should they come back
        }
        return new Stats(storyCount, itemCount, r.created(), r.updated() + removed, r.events().size());
    }

    /** Proposals stored by this process, as 64-bit fingerprints (memory: about 40 bytes each). */
    private final Set<Long> applied = new java.util.HashSet<>();
    /** Links this process retracted: a proposal of one of them is stored again, whatever its fingerprint. */
    private final Set<String> retractedIds = new java.util.HashSet<>();

    private static long fingerprint(Link l) {
        long h = 1125899906842597L;
        for (String s : new String[] {l.story(), l.item(), l.how(), l.state(), l.project(), l.itemKind(), l.trackerStatus(),
                String.valueOf(l.confidence()), String.valueOf(l.evidence())}) {
            String v = s == null ? "\u0000" : s;
            for (int i = 0; i < v.length(); i++) {
                h = 31 * h + v.charAt(i);
            }
            h = h * 0x9E3779B97F4A7C15L + 0x1f;
        }
        return h;
    }

    private List<Item> loadItems(Collection<String> ids) {
        return store.items().byIds(ids);
    }

    @Override
    public void close() {
        linker.close();
    }
}
