package dev.liaison.sources;

import dev.liaison.config.Settings;
import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.Fetcher;
import dev.liaison.item.Event;
import dev.liaison.store.Store;
import dev.liaison.sources.LiaisonMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs poll cycles: the scheduled routes and {@code liaison poll --once} both come here. One
 * cycle of a source at a time (a cycle still running when the next is due is skipped); every
 * cycle's outcome is recorded in {@code source_state}, the metrics and the log; a failing source
 * never affects another.
 */
public final class PollService {

    private static final Logger LOG = LoggerFactory.getLogger(PollService.class);

    private final Map<String, SourceConfig> sources = new LinkedHashMap<>();
    private final SourceKinds kinds;
    private final Store store;
    private final Fetcher fetcher;
    private final Settings settings;
    private final LiaisonMetrics metrics;
    private final Clock clock;
    private final Map<String, Poller> pollers = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public PollService(List<SourceConfig> sources, SourceKinds kinds, Store store, Fetcher fetcher,
                       Settings settings, LiaisonMetrics metrics, Clock clock) {
        sources.forEach(s -> this.sources.put(s.id(), s));
        this.kinds = kinds;
        this.store = store;
        this.fetcher = fetcher;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Sources that are enabled and whose kind this build has. */
    public List<SourceConfig> runnable() {
        List<SourceConfig> out = new ArrayList<>();
        for (SourceConfig s : sources.values()) {
            if (s.enabled() && kinds.isAvailable(s.kind())) {
                out.add(s);
            }
        }
        return out;
    }

    public List<SourceConfig> all() {
        return List.copyOf(sources.values());
    }

    public Optional<SourceConfig> source(String id) {
        return Optional.ofNullable(sources.get(id));
    }

    /**
     * The scheduled poll of a source (called by its route). A poller with {@link BackgroundWork}
     * has it started after the cycle, without waiting for it.
     */
    public PollStats poll(String sourceId) {
        PollStats stats = poll(sourceId, PollRequest.incremental());
        Poller poller = pollers.get(sourceId);
        if (poller instanceof BackgroundWork work) {
            try {
                work.startBackground((background, failure) -> recordBackground(sourceId, background, failure));
            } catch (RuntimeException e) {
                LOG.warn("Could not start the background work of {}: {}", sourceId, e.getMessage());
            }
        }
        return stats;
    }

    /**
     * Drains the background work a source's poller has pending (none when its kind has none or
     * it has not polled in this process): returns its statistics, or empty.
     */
    public Optional<PollStats> drainBackground(String sourceId) throws Exception {
        Poller poller = pollers.get(sourceId);
        if (!(poller instanceof BackgroundWork work)) {
            return Optional.empty();
        }
        PollStats stats;
        try {
            stats = work.drainBackground();
        } catch (Exception e) {
            recordBackground(sourceId, new PollStats(), e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            throw e;
        }
        LOG.info("{}", stats.summaryLine(sourceId + " background"));
        recordBackground(sourceId, stats, null);
        return Optional.of(stats);
    }

    /**
     * Records how a source's background work ended (its errors too, such as a detail request
     * answered with HTTP 500 or malformed JSON) where status, /health, /sources and the metrics
     * read it.
     */
    private void recordBackground(String sourceId, PollStats stats, String failure) {
        SourceConfig source = sources.get(sourceId);
        List<String> errors = stats.errorMessages();
        String firstError = failure != null ? failure.replaceAll("[\\r\\n]+", " ") : errors.isEmpty() ? null : errors.get(0);
        try {
            store.sourceState().recordBackground(sourceId, clock.instant(), stats.errors() + (failure == null ? 0 : 1),
                    firstError, failure != null, java.util.Map.of("requests", stats.requests(), "changed", stats.itemsChanged(),
                            "durationMs", stats.durationMillis()));
        } catch (RuntimeException e) {
            LOG.warn("Could not record the background work of {}: {}", sourceId, e.getMessage());
        }
        metrics.backgroundFinished(sourceId, source == null ? "" : source.kind(), failure == null, stats);
    }

    /**
     * One poll cycle. Returns its statistics, or null when a cycle of this source was already
     * running. Throws IllegalArgumentException for a source that cannot be polled.
     */
    public PollStats poll(String sourceId, PollRequest request) {
        SourceConfig source = sources.get(sourceId);
        if (source == null) {
            throw new IllegalArgumentException("no source with id '" + sourceId + "' in sources.yaml");
        }
        SourceKind kind = kinds.find(source.kind()).orElseThrow(() ->
                new IllegalArgumentException("source '" + sourceId + "' is of kind '" + source.kind() + "', which this build does not have"));
        ReentrantLock lock = locks.computeIfAbsent(sourceId, id -> new ReentrantLock());
        if (!lock.tryLock()) {
            LOG.info("Poll of {} skipped: the previous cycle is still running", sourceId);
            return null;
        }
        try {
            return run(source, kind, request);
        } finally {
            lock.unlock();
        }
    }

    private PollStats run(SourceConfig source, SourceKind kind, PollRequest request) {
        PollStats stats = new PollStats();
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        boolean ok;
        String failure = null;
        try {
            store.sourceState().recordStart(source.id(), started);
            Poller poller = pollers.computeIfAbsent(source.id(), id -> kind.poller(source, new PollContext(source, fetcher, store, settings)));
            poller.poll(request, stats);
            ok = true;
        } catch (Exception | StackOverflowError e) {
            ok = false;
            failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("[\\r\\n]+", " "));
            LOG.warn("Poll of {} failed: {}", source.id(), failure, e instanceof RuntimeException ? e : null);
        }
        stats.durationMillis((System.nanoTime() - t0) / 1_000_000);
        Instant finished = clock.instant();
        int failures = 0;
        try {
            java.util.Map<String, Object> poll = pollSummary(stats, started);
            if (ok) {
                List<String> errors = stats.errorMessages();
                store.sourceState().recordSuccess(source.id(), finished, poll, !errors.isEmpty(), errors.isEmpty() ? null : errors.get(0));
            } else {
                failures = store.sourceState().recordFailure(source.id(), finished, failure, poll);
                int threshold = settings.integer("liaison.poll.failure-alert-after", 1, 1000);
                if (failures == threshold) {
                    Instant lastSuccess = store.sourceState().health(source.id()).map(h -> h.lastSuccess()).orElse(null);
                    store.events().append(List.of(new Event(
                            Event.SOURCE_UNHEALTHY + ":" + source.id() + ":" + (lastSuccess == null ? "never" : lastSuccess.toEpochMilli()),
                            Event.SOURCE_UNHEALTHY, finished, source.id(), null,
                            new dev.liaison.item.EventData.SourceUnhealthy(failures, failure, source.kind()).toMap())));
                }
            }
            store.flush();
        } catch (RuntimeException e) {
            LOG.error("Could not record the outcome of the poll of {}: {}", source.id(), e.getMessage());
        }
        metrics.pollFinished(source.id(), source.kind(), ok, stats, (int) stats.events(), failures);
        LOG.info("{}{}", stats.summaryLine(source.id()), ok ? "" : " FAILED: " + failure);
        if (!ok) {
            throw new PollFailedException(source.id(), failure, stats);
        }
        return stats;
    }

    private static java.util.Map<String, Object> pollSummary(PollStats stats, Instant started) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("started", java.util.Date.from(started));
        m.put("durationMs", stats.durationMillis());
        m.put("new", stats.itemsNew());
        m.put("changed", stats.itemsChanged());
        m.put("unchanged", stats.itemsUnchanged());
        m.put("requests", stats.requests());
        m.put("notModified", stats.notModified());
        m.put("errors", stats.errors());
        m.put("bytes", stats.bytes());
        m.put("events", stats.events());
        m.put("errorMessages", stats.errorMessages());
        return m;
    }

    /** A poll cycle that ended in failure; its statistics and reason are recorded before this is thrown. */
    public static final class PollFailedException extends RuntimeException {
        private final transient PollStats stats;

        PollFailedException(String source, String reason, PollStats stats) {
            super("poll of " + source + " failed: " + reason);
            this.stats = stats;
        }

        public PollStats stats() {
            return stats;
        }
    }
}
