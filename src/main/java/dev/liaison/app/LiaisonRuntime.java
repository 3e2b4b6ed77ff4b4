package dev.liaison.app;

import dev.liaison.config.Settings;
import dev.liaison.config.SourceConfig;
import dev.liaison.sources.SourcesFile;
import dev.liaison.fetch.Fetcher;
import dev.liaison.fetch.HostAllowList;
import dev.liaison.sources.PollService;
import dev.liaison.sources.SourceKinds;
import dev.liaison.store.Store;
import dev.liaison.sources.LiaisonMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Everything a Liaison process works with, made in one place: settings, sources, the store, the
 * fetcher, metrics and the poll service. The daemon binds these into Camel's registry; the
 * command-line commands use them directly.
 */
public final class LiaisonRuntime implements AutoCloseable {

    private final Paths paths;
    private final Settings settings;
    private final SourceKinds kinds;
    private final List<SourceConfig> sources;
    private final Store store;
    private final Fetcher fetcher;
    private final LiaisonMetrics metrics;
    private final PollService pollService;
    private final Mail mail;

    /** Where things are. */
    public record Paths(Path config, Path data, Path routes) {}

    private LiaisonRuntime(Paths paths, Settings settings, SourceKinds kinds, List<SourceConfig> sources, Store store) {
        this.paths = paths;
        this.settings = settings;
        this.kinds = kinds;
        this.sources = sources;
        this.store = store;
        this.fetcher = new Fetcher(settings.fetchSettings(), allowList(settings, sources),
                Version.userAgent(settings.get("liaison.fetch.contact")));
        this.metrics = new LiaisonMetrics();
        this.pollService = new PollService(sources, kinds, store, fetcher, settings, metrics, Clock.systemUTC());
        this.mail = new Mail(this, Clock.systemUTC());
    }

    /** Reads and validates the configuration (throws ConfigException), then opens the store. */
    public static LiaisonRuntime open(Paths paths, Map<String, String> env) throws IOException {
        Settings settings = Settings.load(paths.config(), env);
        SourceKinds kinds = SourceKinds.discover();
        List<SourceConfig> sources = SourcesFile.load(paths.config(), kinds);
        Store store = Store.open(settings.get("liaison.mongo.uri"), settings.get("liaison.mongo.database"), paths.data(),
                settings.duration("liaison.mongo.timeout"));
        return new LiaisonRuntime(paths, settings, kinds, sources, store);
    }

    /** The origins of the configured sources (enabled or not), plus the extra hosts setting. */
    public static HostAllowList allowList(Settings settings, List<SourceConfig> sources) {
        List<String> hosts = new ArrayList<>();
        for (SourceConfig s : sources) {
            hosts.add(s.url().toString());
        }
        String extra = settings.get("liaison.fetch.extra-hosts");
        if (!extra.isBlank()) {
            hosts.addAll(Arrays.asList(extra.split("\\s*,\\s*")));
        }
        return new HostAllowList(hosts);
    }

    public Paths paths() { return paths; }
    public Settings settings() { return settings; }
    public SourceKinds kinds() { return kinds; }
    public List<SourceConfig> sources() { return sources; }
    public Store store() { return store; }
    public Fetcher fetcher() { return fetcher; }
    public LiaisonMetrics metrics() { return metrics; }
    public PollService pollService() { return pollService; }
    public Mail mail() { return mail; }

    @Override
    public void close() {
        try {
            fetcher.close();
            metrics.close();
        } finally {
            store.close();
        }
    }
}
