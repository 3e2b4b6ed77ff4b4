package dev.liaison.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.liaison.config.SourceConfig;
import dev.liaison.sources.SourceKinds;
import dev.liaison.store.SourceStateStore;
import dev.liaison.store.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * {@code GET /health}: 200 with status UP while the store answers, 503 DOWN when it does not;
 * the store's and each source's status in the body (see {@link #sourceStatus}). A failing source
 * does not make Liaison DOWN (the others go on).
 */
public final class HealthReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final List<SourceConfig> sources;
    private final SourceKinds kinds;
    private final int failuresBeforeDown;

    public HealthReport(Store store, List<SourceConfig> sources, SourceKinds kinds, int failuresBeforeDown) {
        this.store = store;
        this.sources = sources;
        this.kinds = kinds;
        this.failuresBeforeDown = failuresBeforeDown;
    }

    /** The report as a map; "status" is UP or DOWN. */
    public Map<String, Object> report() {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean storeUp = store.ping();
        out.put("status", storeUp ? "UP" : "DOWN");
        out.put("store", Map.of("status", storeUp ? "UP" : "DOWN", "description", store.description()));
        Map<String, SourceStateStore.Health> health = new HashMap<>();
        Map<String, SourceStateStore.Background> background = new HashMap<>();
        if (storeUp) {
            try {
                store.sourceState().all().forEach(h -> health.put(h.source(), h));
                background.putAll(store.sourceState().backgrounds());
            } catch (RuntimeException e) {
                // the store went away between the ping and this read: report what we know
            }
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (SourceConfig s : sources) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("kind", s.kind());
            SourceStateStore.Health h = health.get(s.id());
            m.put("status", sourceStatus(s, kinds, h, failuresBeforeDown));
            if (h != null) {
                m.put("lastSuccess", h.lastSuccess() == null ? null : h.lastSuccess().toString());
                m.put("lastError", h.lastError() == null ? null : h.lastError().toString());
                m.put("lastErrorMessage", h.lastErrorMessage());
                m.put("consecutiveFailures", h.consecutiveFailures());
            }
            SourceStateStore.Background b = background.get(s.id());
            if (b != null) {
                m.put("background", backgroundMap(b));
            }
            list.add(m);
        }
        out.put("sources", list);
        return out;
    }

    /** A source's last background run as shown in /health, /sources and {@code status --json}. */
    public static Map<String, Object> backgroundMap(SourceStateStore.Background b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lastRun", b.lastRun() == null ? null : b.lastRun().toString());
        m.put("errors", b.errors());
        m.put("failed", b.failed());
        m.put("lastError", b.lastError() == null ? null : b.lastError().toString());
        m.put("lastErrorMessage", b.lastErrorMessage());
        return m;
    }

    /**
     * The one word for a source's health, the same in {@code /health}, {@code /sources} and
     * {@code liaison status}: {@code DISABLED}, {@code KIND_NOT_AVAILABLE}, {@code UNKNOWN} (not
     * polled yet), {@code DOWN} (failing and never succeeded, or failed at least
     * {@code failuresBeforeDown} times in a row), {@code FAILING} (the last polls failed, fewer
     * times than that, after an earlier success), {@code UP}.
     */
    public static String sourceStatus(SourceConfig s, SourceKinds kinds, SourceStateStore.Health h, int failuresBeforeDown) {
        if (!s.enabled()) {
            return "DISABLED";
        }
        if (!kinds.isAvailable(s.kind())) {
            return "KIND_NOT_AVAILABLE";
        }
        if (h == null || (h.lastSuccess() == null && h.consecutiveFailures() == 0)) {
            return "UNKNOWN";
        }
        if (h.consecutiveFailures() > 0 && (h.lastSuccess() == null || h.consecutiveFailures() >= failuresBeforeDown)) {
            return "DOWN";
        }
        return h.consecutiveFailures() > 0 ? "FAILING" : "UP";
    }

    /** Camel entry point: fills the exchange with the JSON report and the status code. */
    public void respond(Exchange exchange) throws JsonProcessingException {
        Map<String, Object> report = report();
        exchange.getMessage().setBody(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, "UP".equals(report.get("status")) ? 200 : 503);
    }
}
