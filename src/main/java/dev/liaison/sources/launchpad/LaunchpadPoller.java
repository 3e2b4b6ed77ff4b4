package dev.liaison.sources.launchpad;

import dev.liaison.store.LaunchpadDetailQueue;
import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchException;
import dev.liaison.fetch.FetchResult;
import dev.liaison.item.Item;
import dev.liaison.sources.BackgroundWork;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.store.ItemStore;
import dev.liaison.store.SourceStateStore;
import dev.liaison.store.Store;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both Launchpad kinds share: reading collection pages one at a time (only from the
 * source's own host), loading the stored versions of a page's items in one query, and the
 * background detail queue: persistent ({@link LaunchpadDetailQueue}), drained in small batches by one
 * thread per source, rate-limited, and never holding the store while it waits on the network.
 */
abstract class LaunchpadPoller<T> implements Poller, BackgroundWork {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchpadPoller.class);

    protected final SourceConfig source;
    protected final PollContext context;
    protected final Store store;
    protected final String project;
    protected final LaunchpadDetailQueue queue;
    protected final boolean fetchDetails;
    /** The source's options, read once. */
    protected final LaunchpadOptions options;
    /** Held while a page (or a batch of details) is merged with the stored items and written. */
    protected final ReentrantLock storeLock = new ReentrantLock();
    private final int detailBatch;
    private final int maxAttempts;
    private final RateLimiter limiter;
    private final AtomicBoolean backgroundQueued = new AtomicBoolean();
    private final ExecutorService background;

    LaunchpadPoller(SourceConfig source, PollContext context) {
        this.source = source;
        this.context = context;
        this.store = context.store();
        this.project = projectOf(source);
        this.queue = new LaunchpadDetailQueue(store, source.id());
        this.options = LaunchpadOptions.of(source);
        this.fetchDetails = options.fetchDetails();
        this.detailBatch = options.detailBatch();
        this.maxAttempts = options.detailMaxAttempts();
        this.limiter = new RateLimiter(options.detailRate());
        this.background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "liaison-details-" + source.id());
            t.setDaemon(true);
            return t;
        });
    }

    /** The project: the source's {@code project}, else the last segment of its URL. */
    static String projectOf(SourceConfig source) {
        if (source.project() != null && !source.project().isBlank()) {
            return source.project().trim().toLowerCase(Locale.ROOT);
        }
        String seg = LaunchpadJson.lastSegment(source.url().getPath());
        return seg == null ? "unknown" : seg.toLowerCase(Locale.ROOT);
    }

    /** The source URL without a trailing slash: {@code https://api.launchpad.net/devel/nova}. */
    protected String base() {
        String s = source.url().toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** True when the link points at the source's own scheme, host and port. */
    protected boolean sameHost(URI link) {
        URI base = source.url();
        return link != null && link.getHost() != null
                && Objects.equals(lower(link.getScheme()), lower(base.getScheme()))
                && link.getHost().equalsIgnoreCase(base.getHost())
                && port(link) == port(base);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /**
     * Fetches and parses one collection page. A link to another host is refused before any
     * connection; fetch failures are recorded by the fetcher; a body that is not a collection page
     * is recorded here. Each of these ends the pass (the stored position stays where it was).
     */
    protected CollectionPage fetchPage(URI url, PollStats stats) throws FetchException, LaunchpadFormatException {
        if (!sameHost(url)) {
            String msg = "refused collection link to another host: " + LaunchpadJson.clip(url.toString())
                    + " (the source reads only " + source.url().getHost() + ")";
            stats.error("page " + source.id(), msg);
            throw new LaunchpadFormatException(msg);
        }
        FetchResult r = context.fetcher().get(url, stats);
        try {
            return CollectionPage.parse(r.body());
        } catch (LaunchpadFormatException e) {
            String msg = "page " + LaunchpadJson.clip(url.toString()) + ": " + e.getMessage();
            stats.error("page", msg);
            throw new LaunchpadFormatException(msg);
        }
    }

    /** The stored items with these ids, with their stored hashes (one query). */
    protected Map<String, ItemStore.StoredItem> stored(Collection<String> ids) {
        return store.items().stored(ids);
    }

    /**
     * Reads a collection page into the kind's records by item id. Touches no store, so it runs on
     * the prefetch thread while the poll thread works on the page before.
     */
    protected abstract Map<String, T> parse(CollectionPage page, PollStats stats);

    /** The item one record makes, merged with the stored item of the same id (null when new). */
    protected abstract Item merge(String id, T record, Item before);

    /** Where the details of a new or changed item are read; null when it has none to read. */
    protected abstract String detailUrl(T record, Item item);

    /**
     * Merges a page's records with the stored items (one query), queues the detail requests of new
     * and changed ones, appends the page's events, and returns the write that stores its items.
     * Called with the store lock held, while the previous page's items are being written; the
     * returned write runs after that one.
     */
    private Runnable prepare(Map<String, T> records, PollStats stats) {
        if (records.isEmpty()) {
            return () -> { };
        }
        Map<String, ItemStore.StoredItem> stored = stored(records.keySet());
        List<Item> items = new ArrayList<>(records.size());
        Map<String, String> details = new LinkedHashMap<>();
        Map<String, String> newDetails = new LinkedHashMap<>();
        records.forEach((id, record) -> {
            ItemStore.StoredItem before = stored.get(id);
            Item item = merge(id, record, before == null ? null : before.item());
            items.add(item);
            if (fetchDetails && (before == null || !item.contentHash().equals(before.hash()))) {
                String url = detailUrl(record, item);
                if (url != null) {
                    (before == null ? newDetails : details).put(item.id(), url);
                }
            }
        });
        // Queued before the items are written: a crash after that write would otherwise lose the request.
        queue.enqueueNew(newDetails, Instant.now());
        queue.enqueue(details, Instant.now());
        var plan = store.items().plan(items, stored, Instant.now());
        plan.appendEvents();
        return () -> stats.stored(plan.writeItems());
    }

    /** A page's records and the link to the page after it. */
    private record Read<T>(Map<String, T> records, String next) {}

    /** Fetches one collection page and parses it into records. */
    private Read<T> readPage(String url, PollStats stats) throws Exception {
        URI uri = parseNext(url);
        CollectionPage page = fetchPage(uri, stats);
        return new Read<>(parse(page, stats), page.next() == null ? null : page.next().toString());
    }

    /**
     * True when one item's entries can continue on the next page (a bug's tasks: Launchpad pages
     * tasks, not bugs). The last item of such a page is then carried over and stored with the next
     * page, so an item is never stored half-read (nor written twice, with a "changed" event, in
     * one pass).
     */
    protected boolean entriesContinueAcrossPages() {
        return false;
    }

    /** Joins the records of one item read from two pages (the earlier first). */
    protected T combine(T earlier, T later) {
        return later;
    }

    /**
     * Reads a collection pass from the page the cursor names to the end, as a pipeline of three
     * threads: page n+1 is fetched and parsed (prefetch thread) and merged with the stored items
     * (this thread) while page n is written (writer thread); writes happen in page order, and the
     * cursor moves right after a page is written. When the last item of a page is carried over to
     * the next page ({@link #entriesContinueAcrossPages()}), the cursor stays on the page where
     * that item began, so a pass resumed after a crash reads it again (the page's other items are
     * then unchanged: no write, no event). Should two consecutive writes still name the same item,
     * the later one waits until the earlier is written before it reads the stored version. The
     * store lock is held for the whole pass, so the detail drain cannot change an item between its
     * read and its write. Returns the number of pages the pass has read in all.
     */
    protected int readPages(SourceStateStore.LaunchpadPass pass, PollStats stats) throws Exception {
        var state = store.sourceState();
        String nextText = pass.next();
        int pages = pass.pages();
        ExecutorService ahead = Executors.newSingleThreadExecutor(daemon("launchpad-prefetch-" + source.id()));
        ExecutorService writer = Executors.newSingleThreadExecutor(daemon("launchpad-writer-" + source.id()));
        Future<?> writing = null;
        storeLock.lock();
        try {
            Future<Read<T>> prefetched = null;
            java.util.Set<String> beingWritten = java.util.Set.of();
            Map<String, T> carried = new LinkedHashMap<>();
            String carriedFrom = null;
            while (nextText != null) {
                Read<T> page = prefetched != null ? await(prefetched) : readPage(nextText, stats);
                String following = page.next();
                prefetched = following == null ? null : ahead.submit(() -> readPage(following, stats));
                pages++;
                Map<String, T> records = new LinkedHashMap<>(carried);
                page.records().forEach((id, r) -> records.merge(id, r, this::combine));
                String resumeAt = following;
                String lastCarried = carried.isEmpty() ? null : carried.keySet().iterator().next();
                carried.clear();
                if (following != null && entriesContinueAcrossPages() && !records.isEmpty()) {
                    String last = null;
                    for (String id : records.keySet()) {
                        last = id;
                    }
                    carried.put(last, records.remove(last));
                    carriedFrom = last.equals(lastCarried) ? carriedFrom : nextText;
                    resumeAt = carriedFrom;
                }
                if (writing != null && !java.util.Collections.disjoint(beingWritten, records.keySet())) {
                    await(writing);
                    writing = null;
                }
                Runnable write = prepare(records, stats);
                if (writing != null) {
                    await(writing);
                }
                SourceStateStore.LaunchpadPass cursor = pass.at(resumeAt, pages);
                writing = writer.submit(() -> {
                    write.run();
                    state.saveLaunchpadPass(source.id(), cursor);
                    return null;
                });
                beingWritten = records.keySet();
                nextText = following;
            }
            if (writing != null) {
                await(writing);
                writing = null;
            }
        } finally {
            if (writing != null) {
                // A failure on this thread: let the page being written finish (or fail) on its own.
                try {
                    writing.get();
                } catch (ExecutionException | InterruptedException e) {
                    LOG.debug("Write of a page of {} failed after an earlier failure: {}", source.id(), e.getMessage());
                }
            }
            storeLock.unlock();
            ahead.shutdownNow();
            writer.shutdown();
        }
        return pages;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static URI parseNext(String nextText) throws LaunchpadFormatException {
        try {
            return URI.create(nextText);
        } catch (IllegalArgumentException e) {
            throw new LaunchpadFormatException("stored next page is not a URL: " + LaunchpadJson.clip(nextText));
        }
    }

    /** The result of work on another thread, or the failure it met, as it was thrown. */
    private static <R> R await(Future<R> f) throws Exception {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    // ---- background detail queue ----

    /** Fetches the details of one queued item; returns how to apply them to the stored item. */
    protected abstract UnaryOperator<Item> fetchDetail(LaunchpadDetailQueue.Entry entry, PollStats stats)
            throws FetchException, LaunchpadFormatException;

    @Override
    public void startBackground(Finished finished) {
        if (!fetchDetails || !backgroundQueued.compareAndSet(false, true)) {
            return;
        }
        background.submit(() -> {
            backgroundQueued.set(false);
            PollStats stats = new PollStats();
            String failure = null;
            try {
                drain(stats);
                LOG.info("{}", stats.summaryLine(source.id() + " background"));
            } catch (RuntimeException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                LOG.warn("Background detail requests of {} stopped: {}", source.id(), e.getMessage());
            }
            finished.finished(stats, failure);
        });
    }

    @Override
    public PollStats drainBackground() throws Exception {
        PollStats stats = new PollStats();
        if (!fetchDetails) {
            return stats;
        }
        try {
            background.submit(() -> drain(stats)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        return stats;
    }

    /** Drains the queue in batches until it is empty or a batch makes no progress. */
    private void drain(PollStats stats) {
        long t0 = System.nanoTime();
        java.util.Set<String> failedNow = new java.util.HashSet<>();
        while (true) {
            // What failed in this drain waits for the next one (one attempt per drain).
            List<LaunchpadDetailQueue.Entry> batch = new ArrayList<>(queue.next(detailBatch + failedNow.size(), maxAttempts));
            batch.removeIf(e -> failedNow.contains(e.item()));
            if (batch.size() > detailBatch) {
                batch = new ArrayList<>(batch.subList(0, detailBatch));
            }
            if (batch.isEmpty()) {
                break;
            }
            Map<LaunchpadDetailQueue.Entry, UnaryOperator<Item>> fetched = new LinkedHashMap<>();
            List<LaunchpadDetailQueue.Entry> gone = new ArrayList<>();
            for (LaunchpadDetailQueue.Entry e : batch) {
                URI url;
                try {
                    url = URI.create(e.url());
                } catch (IllegalArgumentException ex) {
                    stats.error("detail " + e.item(), "not a URL: " + LaunchpadJson.clip(String.valueOf(e.url())));
                    gone.add(e);
                    continue;
                }
                if (!sameHost(url)) {
                    stats.error("detail " + e.item(), "refused detail link to another host: " + LaunchpadJson.clip(e.url()));
                    gone.add(e);
                    continue;
                }
                limiter.acquire();
                try {
                    fetched.put(e, fetchDetail(e, stats));
                } catch (FetchException ex) {
                    if (ex.isNotFound() || ex.reason() == FetchException.Reason.HOST_NOT_ALLOWED) {
                        gone.add(e);
                    } else {
                        queue.failed(List.of(e), ex.getMessage());
                        failedNow.add(e.item());
                    }
                } catch (LaunchpadFormatException ex) {
                    stats.error("detail " + e.item(), ex.getMessage());
                    queue.failed(List.of(e), ex.getMessage());
                    failedNow.add(e.item());
                }
            }
            int progress = gone.size();
            storeLock.lock();
            try {
                Map<String, ItemStore.StoredItem> stored = stored(fetched.keySet().stream().map(LaunchpadDetailQueue.Entry::item).toList());
                List<Item> items = new ArrayList<>();
                List<LaunchpadDetailQueue.Entry> done = new ArrayList<>(gone);
                fetched.forEach((e, apply) -> {
                    ItemStore.StoredItem s = stored.get(e.item());
                    if (s != null) {
                        items.add(apply.apply(s.item()));
                        done.add(e);
                    } else {
                        queue.failed(List.of(e), "item not stored yet");
                        failedNow.add(e.item());
                    }
                });
                var plan = store.items().plan(items, stored, Instant.now());
                plan.appendEvents();
                stats.stored(plan.writeItems());
                queue.done(done);
                progress = done.size();
            } finally {
                storeLock.unlock();
            }
            if (progress == 0) {
                break;
            }
        }
        stats.durationMillis((System.nanoTime() - t0) / 1_000_000);
        try {
            store.sourceState().saveCursorField(source.id(), "details", Map.of("pending", queue.pending(),
                    "lastDrain", Date.from(Instant.now()), "requests", stats.requests(), "errors", stats.errors()));
        } catch (RuntimeException e) {
            LOG.debug("Could not record the detail queue of {}: {}", source.id(), e.getMessage());
        }
    }

    /** Spaces requests evenly: at most {@code perMinute} a minute. */
    static final class RateLimiter {
        private final long intervalNanos;
        private long next;

        RateLimiter(int perMinute) {
            this.intervalNanos = 60_000_000_000L / Math.max(1, perMinute);
        }

        synchronized void acquire() {
            long now = System.nanoTime();
            long wait = next - now;
            if (wait > 0) {
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                now = System.nanoTime();
            }
            next = Math.max(now, next) + intervalNanos;
        }
    }
}
