package dev.liaison.web;

import dev.liaison.item.Event;
import dev.liaison.store.ItemStore;
import dev.liaison.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-memory lists for the API: every item's summary and the most recent events, so that listing,
 * filtering and paging answer in milliseconds whatever the store (the embedded one scans a whole
 * collection for any query but by id). Kept current in the background and in proportion to
 * change: the event log is append-only, so a changed event count says something happened; the
 * new events are read, and only the items they name are read again.
 */
public final class ListIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ListIndex.class);
    public static final int RECENT_EVENTS = 20_000;

    /** An item as lists show it. */
    public record ItemRow(String id, String kind, String source, String project, String title, String status,
                          String statusRaw, String release, String url) {
        static ItemRow of(ItemStore.Summary s) {
            return new ItemRow(s.id(), s.kind(), s.source(), s.project(), s.title(), s.status(), s.statusRaw(), s.release(), s.url());
        }

        static ItemRow of(dev.liaison.item.Item i) {
            return new ItemRow(i.id(), i.kind(), i.source(), i.project(), i.title(), i.status(), i.statusRaw(), i.release(), i.url());
        }
    }

    /** An event as lists show it. */
    public record EventRow(String id, String type, Instant at, String source, String item, Map<String, Object> data) {
        static EventRow of(Event e) {
            return new EventRow(e.id(), e.type(), e.at(), e.source(), e.itemId(), e.data());
        }
    }

    private record Snapshot(TreeMap<String, ItemRow> items, List<EventRow> events, long eventCount, Instant lastEventAt) {}

    private final Store store;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "liaison-list-index");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Snapshot snapshot;
    private volatile long lastCheck;

    public ListIndex(Store store) {
        this.store = store;
    }

    /** Starts the first load in the background. */
    public void start() {
        refreshSoon();
    }

    /** True once the first load is done; until then callers ask the store directly. */
    public boolean ready() {
        refreshSoon();
        return snapshot != null;
    }

    /**
     * One page of the items of a kind and project whose title contains {@code q} (each filter
     * optional), from memory once loaded, from the store until then.
     */
    public Store.Page<ItemRow> items(String kind, String project, String q, int offset, int limit) {
        if (!ready()) {
            Store.Page<dev.liaison.item.Item> p = store.items().page(kind, project, q, offset, limit);
            return new Store.Page<>(p.total(), p.rows().stream().map(i -> ItemRow.of(i)).toList());
        }
        long total = 0;
        List<ItemRow> rows = new ArrayList<>();
        for (ItemRow r : items()) {
            if (kind != null && !kind.equals(r.kind()) || project != null && !project.equals(r.project())
                    || q != null && !contains(r.title(), q)) {
                continue;
            }
            if (total >= offset && rows.size() < limit) {
                rows.add(r);
            }
            total++;
        }
        return new Store.Page<>(total, rows);
    }

    /**
     * One page of the events at or after {@code since} (all when null) of one type (any when null),
     * oldest first: from the recent events held in memory when they cover {@code since}, else from the store.
     */
    public Store.Page<EventRow> events(Instant since, String type, int offset, int limit) {
        boolean covered = ready() && (since == null || holdsAllEvents()
                || !recentEvents().isEmpty() && !since.isBefore(recentEvents().get(0).at()));
        if (!covered) {
            Store.Page<Event> p = store.events().page(since, type, offset, limit);
            return new Store.Page<>(p.total(), p.rows().stream().map(EventRow::of).toList());
        }
        long total = 0;
        List<EventRow> rows = new ArrayList<>();
        for (EventRow ev : recentEvents()) {
            if (since != null && ev.at().isBefore(since) || type != null && !type.equals(ev.type())) {
                continue;
            }
            if (total >= offset && rows.size() < limit) {
                rows.add(ev);
            }
            total++;
        }
        return new Store.Page<>(total, rows);
    }

    public Collection<ItemRow> items() {
        return snapshot.items().values();
    }

    /** The most recent events (at most {@link #RECENT_EVENTS}), oldest first, and whether that is all of them. */
    public List<EventRow> recentEvents() {
        return snapshot.events();
    }

    public boolean holdsAllEvents() {
        Snapshot s = snapshot;
        return s != null && s.events().size() >= s.eventCount();
    }

    private void refreshSoon() {
        long now = System.currentTimeMillis();
        if (now - lastCheck < 1000 && snapshot != null) {
            return;
        }
        lastCheck = now;
        if (refreshing.compareAndSet(false, true)) {
            worker.execute(() -> {
                try {
                    refresh();
                } catch (RuntimeException e) {
                    LOG.warn("Refreshing the API lists failed: {}", e.getMessage());
                } finally {
                    refreshing.set(false);
                }
            });
        }
    }

    void refresh() {
        long count = store.events().count();
        Snapshot s = snapshot;
        if (s != null && count == s.eventCount()) {
            return;
        }
        if (s == null) {
            TreeMap<String, ItemRow> items = new TreeMap<>();
            store.items().forEachSummary(i -> items.put(i.id(), ItemRow.of(i)));
            List<EventRow> events = new ArrayList<>();
            store.events().forEach(e -> events.add(EventRow.of(e)));
            events.sort(ORDER);
            List<EventRow> recent = events.size() > RECENT_EVENTS ? new ArrayList<>(events.subList(events.size() - RECENT_EVENTS, events.size())) : events;
            snapshot = new Snapshot(items, recent, count, recent.isEmpty() ? Instant.EPOCH : recent.get(recent.size() - 1).at());
            LOG.debug("API lists loaded: {} items, {} events", items.size(), recent.size());
            return;
        }
        // Something happened: read the events since the last one seen (a minute of overlap for
        // writers whose clocks or commits lag), and the items they name.
        Set<String> known = new HashSet<>();
        s.events().forEach(e -> known.add(e.id()));
        List<EventRow> added = new ArrayList<>();
        for (Event e : store.events().since(s.lastEventAt().minusSeconds(60), null, Integer.MAX_VALUE)) {
            if (!known.contains(e.id())) {
                added.add(EventRow.of(e));
            }
        }
        Set<String> changedItems = new HashSet<>();
        added.forEach(e -> {
            if (e.item() != null && e.type().startsWith("item.")) {
                changedItems.add(e.item());
            }
        });
        TreeMap<String, ItemRow> items = new TreeMap<>(s.items());
        store.items().summaries(changedItems).forEach(i -> items.put(i.id(), ItemRow.of(i)));
        List<EventRow> events = new ArrayList<>(s.events());
        events.addAll(added);
        events.sort(ORDER);
        if (events.size() > RECENT_EVENTS) {
            events = new ArrayList<>(events.subList(events.size() - RECENT_EVENTS, events.size()));
        }
        snapshot = new Snapshot(items, events, count, events.isEmpty() ? s.lastEventAt() : events.get(events.size() - 1).at());
    }

    private static final Comparator<EventRow> ORDER = Comparator.comparing(EventRow::at).thenComparing(EventRow::id);

    /** Case-insensitive substring match, for the {@code q} filter. */
    static boolean contains(String text, String q) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(q.toLowerCase(Locale.ROOT));
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    /** Items per source. */
    /** Items per source: from the index once it is loaded, from the store (one scan) before that. */
    public Map<String, Long> countsBySource() {
        Snapshot s = snapshot;
        if (s == null) {
            refreshSoon();
            return store.items().countsBySource();
        }
        Map<String, Long> out = new java.util.HashMap<>();
        for (ItemRow r : s.items().values()) {
            out.merge(String.valueOf(r.source()), 1L, Long::sum);
        }
        return out;
    }

    Map<String, ItemRow> itemsById() {
        return snapshot.items();
    }
}
