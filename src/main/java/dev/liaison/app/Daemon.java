package dev.liaison.app;

import dev.liaison.config.SourceConfig;
import dev.liaison.app.LinkService;
import dev.liaison.web.HealthReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running Liaison: Camel Main with the routes from the routes dir (one route per file;
 * the source routes made from their kind's template by {@link SourceRoutes}), the HTTP server for
 * health and metrics, and the runtime's beans in the registry.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final LiaisonRuntime runtime;
    private final Main main;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private dev.liaison.web.ListIndex listIndex;
    private final LinkService linkService;

    public Daemon(LiaisonRuntime runtime) {
        this.runtime = runtime;
        this.main = new Main();
        Path routes = runtime.paths().routes().toAbsolutePath().normalize();
        Properties p = runtime.settings().camelProperties();
        p.putIfAbsent("camel.main.name", "liaison");
        p.setProperty("camel.main.routes-include-pattern", "file:" + routes + "/**/*.camel.yaml");
        p.putIfAbsent("camel.main.shutdown-timeout", "5");
        p.putIfAbsent("camel.main.routes-reload-enabled", "false");
        p.setProperty("camel.server.enabled", "true");
        p.setProperty("camel.server.host", runtime.settings().get("liaison.http.host"));
        p.setProperty("camel.server.port", String.valueOf(runtime.settings().port("liaison.http.port")));
        p.setProperty("camel.server.maxBodySize", String.valueOf(runtime.settings().bytes("liaison.http.max-body")));
        p.setProperty("liaison.link.period-ms", String.valueOf(runtime.settings().duration("liaison.link.interval").toMillis()));
        p.setProperty("liaison.link.delay-ms", String.valueOf(runtime.settings().duration("liaison.poll.initial-delay").toMillis()));
        main.setInitialProperties(p);
        main.setDefaultPropertyPlaceholderLocation("false");

        Duration initialDelay = runtime.settings().duration("liaison.poll.initial-delay");
        for (SourceConfig s : runtime.sources()) {
            if (!s.enabled()) {
                LOG.info("Source {} ({}) is disabled", s.id(), s.kind());
            }
        }
        main.bind("sourceRoutes", new SourceRoutes(runtime.pollService().runnable(), runtime.kinds(), initialDelay));
        main.bind("pollService", runtime.pollService());
        main.bind("liaisonMetrics", runtime.metrics());
        HealthReport health = new HealthReport(runtime.store(), runtime.sources(), runtime.kinds(),
                runtime.settings().integer("liaison.poll.failure-alert-after", 1, 1000));
        main.bind("healthReport", health);
        main.bind("store", runtime.store());
        main.bind("digestService", runtime.mail().digests());
        main.bind("alertService", runtime.mail().alerts());
        main.bind("deadlineAlertService", runtime.mail().deadlineAlerts());
        main.bind("unsubscribe", new dev.liaison.web.UnsubscribePage(runtime.mail().subscribers()));
        dev.liaison.web.WebData webData = new dev.liaison.web.WebData(runtime.store(), runtime.sources(), java.time.Clock.systemUTC());
        dev.liaison.web.WebAuth webAuth = new dev.liaison.web.WebAuth(runtime.settings().get("liaison.api.token"),
                runtime.settings().duration("liaison.http.session-lifetime"), java.time.Clock.systemUTC());
        listIndex = new dev.liaison.web.ListIndex(runtime.store());
        main.bind("api", new dev.liaison.web.Api(runtime.store(), webData, webAuth, runtime.mail().subscribers(), health,
                java.time.Clock.systemUTC(), listIndex));
        main.bind("pages", new dev.liaison.web.Pages(runtime.store(), webData, webAuth, runtime.mail().subscribers(), health,
                runtime.settings().publicBaseUrl(), listIndex));
        linkService = new LinkService(runtime, java.time.Clock.systemUTC());
        main.bind("linkService", linkService);
    }

    /** Starts Camel and the HTTP server; returns once they run. */
    public void start() throws Exception {
        checkCanListen(runtime.settings().get("liaison.http.host"), runtime.settings().port("liaison.http.port"));
        runtime.mail().syncSubscribers();
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void beforeConfigure(org.apache.camel.main.BaseMainSupport m) {
                m.getCamelContext().getRegistry().bind("mailDelivery", runtime.mail().delivery(m.getCamelContext()));
            }
        });
        main.start();
        listIndex.start();
        LOG.info("Liaison started: http://{}:{}/health, {} source route(s), store {}",
                runtime.settings().get("liaison.http.host"), runtime.settings().get("liaison.http.port"),
                runtime.pollService().runnable().size(), runtime.store().description());
    }

    /** The HTTP port cannot be bound: the daemon does not start (Camel would only log it and run without HTTP). */
    public static final class CannotListenException extends java.io.IOException {
        CannotListenException(String message) {
            super(message);
        }
    }

    static void checkCanListen(String host, int port) throws CannotListenException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new CannotListenException("cannot listen on " + host + ":" + port + " (liaison.http.host, liaison.http.port): "
                    + e.getMessage());
        }
    }

    /** Blocks until {@link #requestStop()} is called (by SIGTERM/SIGINT), then stops. */
    public void awaitStop() throws InterruptedException {
        stopRequested.await();
        stop();
    }

    public void requestStop() {
        stopRequested.countDown();
    }

    public boolean awaitStopRequest(long timeout, TimeUnit unit) throws InterruptedException {
        return stopRequested.await(timeout, unit);
    }

    public void stop() {
        if (listIndex != null) {
            listIndex.close();
        }
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Stopping Camel: {}", e.getMessage());
        } finally {
            linkService.close();
        }
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    @Override
    public void close() {
        stop();
    }
}
