package dev.liaison.sources;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Liaison's metrics in Prometheus text format: polls, items stored, events, and fetch counters
 * per source, plus the JVM's own.
 */
public final class LiaisonMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public LiaisonMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** Adds one finished poll cycle of a source. */
    public void pollFinished(String source, String kind, boolean ok, PollStats stats, int eventsAppended, int consecutiveFailures) {
        counter("liaison.polls", "Poll cycles run", source, kind, "outcome", ok ? "ok" : "failed").increment();
        counter("liaison.items.stored", "Items stored by poll cycles", source, kind, "result", "new").increment(stats.itemsNew());
        counter("liaison.items.stored", "Items stored by poll cycles", source, kind, "result", "changed").increment(stats.itemsChanged());
        counter("liaison.items.stored", "Items stored by poll cycles", source, kind, "result", "unchanged").increment(stats.itemsUnchanged());
        counter("liaison.events", "Events appended by poll cycles", source, kind, null, null).increment(eventsAppended);
        counter("liaison.fetch.requests", "HTTP requests made", source, kind, null, null).increment(stats.requests());
        counter("liaison.fetch.not.modified", "HTTP 304 answers to conditional requests", source, kind, null, null).increment(stats.notModified());
        counter("liaison.fetch.errors", "Errors recorded during polls (fetch and parse)", source, kind, null, null).increment(stats.errors());
        counter("liaison.fetch.bytes", "Bytes received", source, kind, null, null).increment(stats.bytes());
        failures.computeIfAbsent(source, s -> {
            AtomicInteger holder = new AtomicInteger();
            Gauge.builder("liaison.source.consecutive.failures", holder, AtomicInteger::get)
                    .description("Consecutive failed polls of a source")
                    .tag("source", s).tag("kind", kind)
                    .register(registry);
            return holder;
        }).set(consecutiveFailures);
    }

    /** Adds one finished background run of a source (e.g. Launchpad's detail queue). */
    public void backgroundFinished(String source, String kind, boolean ok, PollStats stats) {
        counter("liaison.background.runs", "Background runs (detail queues)", source, kind, "outcome", ok ? "ok" : "failed").increment();
        counter("liaison.background.errors", "Errors recorded by background runs (fetch and parse)", source, kind, null, null)
                .increment(stats.errors() + (ok ? 0 : 1));
        counter("liaison.fetch.requests", "HTTP requests made", source, kind, null, null).increment(stats.requests());
        counter("liaison.fetch.errors", "Errors recorded during polls (fetch and parse)", source, kind, null, null).increment(stats.errors());
        counter("liaison.fetch.bytes", "Bytes received", source, kind, null, null).increment(stats.bytes());
    }

    private Counter counter(String name, String help, String source, String kind, String tag, String value) {
        Counter.Builder b = Counter.builder(name).description(help).tag("source", source).tag("kind", kind);
        if (tag != null) {
            b.tag(tag, value);
        }
        return b.register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
