package dev.liaison.sources.launchpad;

import com.mongodb.client.model.Filters;
import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchException;
import dev.liaison.fetch.FetchResult;
import dev.liaison.item.Item;
import dev.liaison.sources.BackgroundWork;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.store.ItemDocuments;
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
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both Launchpad kinds share: reading collection pages one at a time (only from the
 * source's own host), loading the stored versions of a page's items in one query, and the
 * background detail queue: persistent ({@link DetailQueue}), drained in small batches by one
 * thread per source, rate-limited, and never holding the store while it waits on the network.
 */
abstract class LaunchpadPoller implements Poller, BackgroundWork {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchpadPoller.class);

    protected final SourceConfig source;
    protected final PollContext context;
    protected final Store store;
    protected final String project;
    protected final DetailQueue queue;
    protected final boolean fetchDetails;
    /** Held while a page (or a batch of details) is merged with the stored items and written. */
    protected final ReentrantLock storeLock = new ReentrantLock();
    private final int detailBatch;
    private final int maxAttempts;
    private final RateLimiter limiter;
    private final AtomicBoolean backgroundQueued = new AtomicBoolean();
    private final ExecutorService background;

    LaunchpadPoller(SourceConfig source, PollContext context, boolean fetchDetails) {
        this.source = source;
        this.context = context;
        this.store = context.store();
        this.project = projectOf(source);
        this.queue = new DetailQueue(store, source.id());
        this.fetchDetails = fetchDetails;
        this.detailBatch = source.intOption("detail-batch", LaunchpadOptions.DETAIL_BATCH);
        this.maxAttempts = source.intOption("detail-max-attempts", LaunchpadOptions.DETAIL_MAX_ATTEMPTS);
        this.limiter = new RateLimiter(source.intOption("detail-rate", LaunchpadOptions.DETAIL_RATE));
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
    protected Map<String, Stored> stored(Collection<String> ids) {
        Map<String, Stored> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        for (Document d : store.collection(Store.ITEMS).find(Filters.in("_id", ids))) {
            out.put(d.getString("_id"), new Stored(ItemDocuments.toItem(d), d.getString("hash"), d));
        }
        return out;
    }

    /** A stored item, the hash it was stored with, and its document. */
    protected record Stored(Item item, String hash, Document doc) {}

    /** The stored documents of {@link #stored}, as {@code ItemStore.upsertKnown} takes them. */
    protected static Map<String, Document> documents(Map<String, Stored> stored) {
        Map<String, Document> out = new HashMap<>();
        stored.forEach((id, s) -> out.put(id, s.doc()));
        return out;
    }

    // ---- background detail queue ----

    /** Fetches the details of one queued item; returns how to apply them to the stored item. */
    /** Stores one collection page (items, events, detail requests) before the cursor moves past it. */
    protected abstract void storePage(CollectionPage page, PollStats stats);

    /**
     * Reads a collection pass from the page the cursor names to the end: each page is stored,
     * then the cursor moves past it; the next page is fetched (and parsed) while the current one
     * is stored. Returns the number of pages the pass has read in all.
     */
    protected int readPages(org.bson.Document pass, PollStats stats) throws Exception {
        var state = store.sourceState();
        String nextText = pass.getString("next");
        Number done = pass.get("pages", Number.class);
        int pages = done == null ? 0 : done.intValue();
        java.util.concurrent.ExecutorService ahead = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "launchpad-prefetch-" + source.id());
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.concurrent.Future<CollectionPage> prefetched = null;
            while (nextText != null) {
                CollectionPage page = prefetched != null ? await(prefetched) : fetchPage(parseNext(nextText), stats);
                String following = page.next() == null ? null : page.next().toString();
                prefetched = following == null ? null : ahead.submit(() -> fetchPage(parseNext(following), stats));
                storePage(page, stats);
                pages++;
                nextText = following;
                state.saveCursorField(source.id(), "pass", new org.bson.Document(pass).append("next", nextText).append("pages", pages));
            }
        } finally {
            ahead.shutdownNow();
        }
        return pages;
    }

    private static URI parseNext(String nextText) throws LaunchpadFormatException {
        try {
            return URI.create(nextText);
        } catch (IllegalArgumentException e) {
            throw new LaunchpadFormatException("stored next page is not a URL: " + LaunchpadJson.clip(nextText));
        }
    }

    /** The prefetched page, or the failure that fetching it met, as it was thrown. */
    private static CollectionPage await(java.util.concurrent.Future<CollectionPage> f) throws Exception {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    protected abstract UnaryOperator<Item> fetchDetail(DetailQueue.Entry entry, PollStats stats)
            throws FetchException, LaunchpadFormatException;

    @Override
    public void startBackground() {
        if (!fetchDetails || !backgroundQueued.compareAndSet(false, true)) {
            return;
        }
        background.submit(() -> {
            backgroundQueued.set(false);
            PollStats stats = new PollStats();
            try {
                drain(stats);
                LOG.info("{}", stats.summaryLine(source.id() + " background"));
            } catch (RuntimeException e) {
                LOG.warn("Background detail requests of {} stopped: {}", source.id(), e.getMessage());
            }
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
            List<DetailQueue.Entry> batch = new ArrayList<>(queue.next(detailBatch + failedNow.size(), maxAttempts));
            batch.removeIf(e -> failedNow.contains(e.item()));
            if (batch.size() > detailBatch) {
                batch = new ArrayList<>(batch.subList(0, detailBatch));
            }
            if (batch.isEmpty()) {
                break;
            }
            Map<DetailQueue.Entry, UnaryOperator<Item>> fetched = new LinkedHashMap<>();
            List<DetailQueue.Entry> gone = new ArrayList<>();
            for (DetailQueue.Entry e : batch) {
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
                Map<String, Stored> stored = stored(fetched.keySet().stream().map(DetailQueue.Entry::item).toList());
                List<Item> items = new ArrayList<>();
                List<DetailQueue.Entry> done = new ArrayList<>(gone);
                fetched.forEach((e, apply) -> {
                    Stored s = stored.get(e.item());
                    if (s != null) {
                        items.add(apply.apply(s.item()));
                        done.add(e);
                    } else {
                        queue.failed(List.of(e), "item not stored yet");
                        failedNow.add(e.item());
                    }
                });
                stats.stored(store.items().upsertKnown(items, documents(stored), Instant.now()));
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
            store.sourceState().saveCursorField(source.id(), "details", new Document("pending", queue.pending())
                    .append("lastDrain", Date.from(Instant.now())).append("requests", stats.requests())
                    .append("errors", stats.errors()));
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
