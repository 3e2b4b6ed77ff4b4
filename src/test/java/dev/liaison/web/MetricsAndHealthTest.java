package dev.liaison.web;

import dev.liaison.sources.LiaisonMetrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.liaison.config.Schedule;
import dev.liaison.config.SourceConfig;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.SourceKinds;
import dev.liaison.store.Store;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsAndHealthTest {

    @TempDir Path dir;

    @Test
    void metricsAreValidPrometheusTextWithPerSourceCounters() {
        try (LiaisonMetrics metrics = new LiaisonMetrics()) {
            PollStats stats = new PollStats();
            stats.request(1000, false);
            stats.request(0, true);
            stats.itemsStored(3, 1, 5);
            stats.error("page", "broken \"quoted\"\nline");
            metrics.pollFinished("nova-specs", "sphinx-specs", true, stats, 4, 0);
            metrics.pollFinished("nova-specs", "sphinx-specs", false, new PollStats(), 0, 1);

            List<PrometheusText.Sample> samples = PrometheusText.parse(metrics.scrape());
            assertThat(value(samples, "liaison_polls_total", Map.of("source", "nova-specs", "outcome", "ok"))).isEqualTo(1.0);
            assertThat(value(samples, "liaison_polls_total", Map.of("source", "nova-specs", "outcome", "failed"))).isEqualTo(1.0);
            assertThat(value(samples, "liaison_fetch_requests_total", Map.of("source", "nova-specs"))).isEqualTo(2.0);
            assertThat(value(samples, "liaison_fetch_not_modified_total", Map.of("source", "nova-specs"))).isEqualTo(1.0);
            assertThat(value(samples, "liaison_fetch_bytes_total", Map.of("source", "nova-specs"))).isEqualTo(1000.0);
            assertThat(value(samples, "liaison_fetch_errors_total", Map.of("source", "nova-specs"))).isEqualTo(1.0);
            assertThat(value(samples, "liaison_items_stored_total", Map.of("source", "nova-specs", "result", "new"))).isEqualTo(3.0);
            assertThat(value(samples, "liaison_events_total", Map.of("source", "nova-specs"))).isEqualTo(4.0);
            assertThat(value(samples, "liaison_source_consecutive_failures", Map.of("source", "nova-specs"))).isEqualTo(1.0);
            assertThat(samples).anyMatch(s -> s.name().startsWith("jvm_memory_used_bytes"));
        }
    }

    @Test
    void theParserRejectsWhatIsNotPrometheusText() {
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x counter\nx{a=b} 1\n")).hasMessageContaining("bad labels");
        assertThatThrownBy(() -> PrometheusText.parse("y 1\n")).hasMessageContaining("undeclared");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx one\n")).hasMessageContaining("bad value");
    }

    private static double value(List<PrometheusText.Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(PrometheusText.Sample::value).sum();
    }

    @Test
    void healthIs200UpWhileTheStoreAnswersAnd503DownWhenItDoesNot() throws Exception {
        MongoServer server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        List<SourceConfig> sources = List.of(new SourceConfig("feed", "test-lines", URI.create("http://127.0.0.1/x"),
                Schedule.parse("1h"), null, true, Map.of()));
        try (Store store = Store.open("mongodb://127.0.0.1:" + address.getPort() + "/?serverSelectionTimeoutMS=500", "liaison", dir)) {
            HealthReport health = new HealthReport(store, sources, SourceKinds.discover(), 3);
            CamelContext camel = new DefaultCamelContext();
            Exchange up = new DefaultExchange(camel);
            health.respond(up);
            assertThat(up.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
            assertThat(up.getMessage().getBody(String.class)).contains("\"status\" : \"UP\"").contains("\"id\" : \"feed\"");

            server.shutdownNow();
            Exchange down = new DefaultExchange(camel);
            health.respond(down);
            assertThat(down.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
            assertThat(down.getMessage().getBody(String.class)).contains("\"status\" : \"DOWN\"");
        } finally {
            server.shutdownNow();
        }
    }
}
