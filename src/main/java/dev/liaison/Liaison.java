package dev.liaison;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.liaison.app.Daemon;
import dev.liaison.app.Version;
import dev.liaison.app.SignalStop;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.config.ConfigException;
import dev.liaison.config.Settings;
import dev.liaison.config.SourceConfig;
import dev.liaison.sources.SourcesFile;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollService;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.SourceKinds;
import dev.liaison.store.SourceStateStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code liaison} command. Without a subcommand it runs the daemon. Exit codes: 0 ok,
 * 1 runtime failure, 2 bad usage or bad configuration.
 */
@Command(name = "liaison", mixinStandardHelpOptions = true, versionProvider = Liaison.VersionProvider.class,
        description = "Keeps product user stories connected to the developer work that serves them.",
        subcommands = {Liaison.Run.class, Liaison.CheckConfig.class, Liaison.Poll.class, Liaison.Status.class,
                Liaison.Items.class, Liaison.Events.class, Liaison.DigestCommand.class, StoryCommands.Stories.class,
                StoryCommands.Trackers.class, StoryCommands.Links.class, StoryCommands.LinkCommand.class,
                Liaison.VersionCommand.class})
public final class Liaison implements Callable<Integer> {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_USAGE = 2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--config", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR",
            description = "Configuration directory (default ./config, env LIAISON_CONFIG).")
    Path config;

    @Option(names = "--data", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR",
            description = "Data directory (default ./data, env LIAISON_DATA).")
    Path data;

    @Option(names = "--routes", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR",
            description = "Camel routes directory (default ./routes, env LIAISON_ROUTES).")
    Path routes;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private Map<String, String> env = System.getenv();

    public static void main(String[] args) {
        System.exit(execute(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        Liaison root = new Liaison();
        root.env = env;
        CommandLine cl = new CommandLine(root);
        withHelp(cl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> e instanceof ConfigException ? BAD_USAGE : FAILED);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("liaison: " + ex.getMessage());
            err.println("Try 'liaison --help'.");
            return BAD_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException) {
                err.println(ex.getMessage());
                return BAD_USAGE;
            }
            if (ex instanceof IllegalArgumentException) {
                err.println("liaison: " + ex.getMessage());
                return BAD_USAGE;
            }
            if (ex instanceof java.io.IOException && ex.getMessage() != null) {
                err.println("liaison: " + ex.getMessage()); // already says what and where
                return FAILED;
            }
            err.println("liaison: " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
            return FAILED;
        });
        return cl.execute(args);
    }

    /** {@code --help} (and {@code -h}) on every command and subcommand. */
    private static void withHelp(CommandLine cl) {
        cl.getCommandSpec().mixinStandardHelpOptions(true);
        for (CommandLine sub : cl.getSubcommands().values()) {
            withHelp(sub);
        }
    }

    /** Item kinds Liaison's sources make; an unknown one is a usage error unless items of it are stored. */
    static final List<String> ITEM_KINDS = dev.liaison.item.ItemId.KINDS;

    /** Event types Liaison appends; an unknown one is a usage error unless events of it are stored. */
    static final List<String> EVENT_TYPES = List.of("item.new", "item.changed", "item.status", "link.new", "link.confirmed",
            "link.retracted", "page.changed", "source.unhealthy");

    LiaisonRuntime.Paths paths() {
        return new LiaisonRuntime.Paths(
                dir(config, "LIAISON_CONFIG", "config"),
                dir(data, "LIAISON_DATA", "data"),
                dir(routes, "LIAISON_ROUTES", "routes"));
    }

    private Path dir(Path option, String envName, String fallback) {
        if (option != null) {
            return option;
        }
        String fromEnv = env.get(envName);
        return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : fallback);
    }

    /** The standard output and error of this command line. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    static ObjectMapper json() {
        return JSON;
    }

    LiaisonRuntime open() throws Exception {
        return LiaisonRuntime.open(paths(), env);
    }

    @Override
    public Integer call() throws Exception {
        return new Run().runDaemon(this);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"liaison " + Version.get()};
        }
    }

    @Command(name = "run", description = "Run the daemon (the default command).")
    static final class Run implements Callable<Integer> {
        @ParentCommand Liaison root;

        @Override
        public Integer call() throws Exception {
            return runDaemon(root);
        }

        int runDaemon(Liaison root) throws Exception {
            LiaisonRuntime.Paths paths = root.paths();
            Settings settings = Settings.load(paths.config(), root.env);
            if (settings.get("liaison.mongo.uri").isBlank() && dev.liaison.store.EmbeddedMongo.runningElsewhere(paths.data(),
                    (int) settings.duration("liaison.mongo.timeout").toMillis()).isPresent()) {
                root.spec.commandLine().getErr().println("liaison: another Liaison process is running on data dir "
                        + paths.data() + " (stop it first)");
                return FAILED;
            }
            try (LiaisonRuntime runtime = root.open(); Daemon daemon = new Daemon(runtime)) {
                SignalStop.install(daemon::requestStop);
                daemon.start();
                daemon.awaitStop();
            } catch (java.io.IOException e) {
                // the HTTP port taken, the data dir unusable: one line, exit 1
                root.spec.commandLine().getErr().println("liaison: " + e.getMessage());
                return FAILED;
            }
            return OK;
        }
    }

    @Command(name = "check-config", description = "Validate the configuration and list the sources.")
    static final class CheckConfig implements Callable<Integer> {
        @ParentCommand Liaison root;

        @Override
        public Integer call() {
            LiaisonRuntime.Paths paths = root.paths();
            PrintWriter out = root.spec.commandLine().getOut();
            Settings settings = Settings.load(paths.config(), root.env);
            SourceKinds kinds = SourceKinds.discover();
            List<SourceConfig> sources = SourcesFile.load(paths.config(), kinds);
            out.println("configuration " + paths.config() + ": OK (" + sources.size() + " sources)");
            for (SourceConfig s : sources) {
                out.println("  " + s.id() + "  " + s.kind() + "  " + s.url() + "  every " + s.schedule().text()
                        + "  " + availability(s, kinds));
            }
            out.println("allowed hosts: " + String.join(", ", LiaisonRuntime.allowList(settings, sources).hosts()));
            if (java.nio.file.Files.isRegularFile(paths.config().resolve(dev.liaison.digest.SubscribersFile.FILE_NAME))) {
                List<String> problems;
                List<String> notices;
                int count;
                try (dev.liaison.store.Store store = dev.liaison.store.Store.open(settings.get("liaison.mongo.uri"),
                        settings.get("liaison.mongo.database"), paths.data(), settings.duration("liaison.mongo.timeout"))) {
                    var r = dev.liaison.digest.SubscribersFile.load(paths.config(),
                            id -> new dev.liaison.store.StoryStore(store).find(id).isPresent());
                    problems = r.problems();
                    notices = r.notices();
                    count = r.subscribers().size();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("cannot open the store to check subscribers: " + e.getMessage(), e);
                }
                out.println("subscribers: " + count + " valid, " + problems.size() + " bad"
                        + (notices.isEmpty() ? "" : ", " + notices.size() + " following a story not imported yet"));
                for (String n : notices) {
                    out.println("  " + n);
                }
                for (String p : problems) {
                    root.spec.commandLine().getErr().println(p);
                }
                if (!problems.isEmpty()) {
                    return BAD_USAGE;
                }
            }
            return OK;
        }
    }

    static String availability(SourceConfig s, SourceKinds kinds) {
        if (!kinds.isAvailable(s.kind())) {
            return "unknown kind (skipped)";
        }
        return s.enabled() ? "enabled" : "disabled";
    }

    @Command(name = "poll", description = "Run one poll cycle of one source, then exit.")
    static final class Poll implements Callable<Integer> {
        @ParentCommand Liaison root;

        @Parameters(index = "0", paramLabel = "SOURCE-ID", description = "The id of a source in sources.yaml.")
        String sourceId;

        @Option(names = "--once", required = true, description = "One poll cycle, then exit.")
        boolean once;

        @Option(names = "--since", paramLabel = "YYYY-MM", description = "Backfill from this month.")
        String since;

        @Option(names = "--no-background", description = "Do not drain the source's background work "
                + "(e.g. Launchpad detail requests) after the cycle; it stays queued for the next run.")
        boolean noBackground;

        @Override
        public Integer call() throws Exception {
            PollRequest request;
            if (since != null) {
                try {
                    request = PollRequest.backfillFrom(YearMonth.parse(since));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("--since must be a month as YYYY-MM, not '" + since + "'");
                }
            } else {
                request = PollRequest.incremental();
            }
            // The summary is printed here, once: the poller's own log line of it would repeat it.
            for (String quiet : List.of("dev.liaison.sources.PollService", "dev.liaison.sources.launchpad.LaunchpadPoller")) {
                if (org.slf4j.LoggerFactory.getLogger(quiet) instanceof ch.qos.logback.classic.Logger l && l.getLevel() == null) {
                    l.setLevel(ch.qos.logback.classic.Level.WARN);
                }
            }
            try (LiaisonRuntime runtime = root.open();
                 Progress progress = Progress.onTerminal(root.spec.commandLine().getOut(), "poll " + sourceId,
                         () -> runtime.store().events().count())) {
                PrintWriter out = root.spec.commandLine().getOut();
                PollStats stats;
                try {
                    stats = runtime.pollService().poll(sourceId, request);
                    progress.close();
                } catch (PollService.PollFailedException e) {
                    progress.close();
                    out.println(e.stats().summaryLine(sourceId) + " FAILED");
                    root.spec.commandLine().getErr().println("liaison: " + e.getMessage());
                    return FAILED;
                }
                for (String error : stats.errorMessages()) {
                    root.spec.commandLine().getErr().println("  error: " + error);
                }
                out.println(stats.summaryLine(sourceId));
                if (!noBackground) {
                    long t0 = System.nanoTime();
                    var background = runtime.pollService().drainBackground(sourceId);
                    if (background.isPresent()) {
                        PollStats b = background.get();
                        b.durationMillis((System.nanoTime() - t0) / 1_000_000);
                        for (String error : b.errorMessages()) {
                            root.spec.commandLine().getErr().println("  background error: " + error);
                        }
                        out.println(b.summaryLine(sourceId + " background"));
                    }
                }
                return OK;
            }
        }
    }

    /**
     * A line every few seconds while a long command runs, only when stdout is a terminal (never in
     * a pipe, a file or a test): how long it has run and how many events it has appended.
     */
    static final class Progress implements AutoCloseable {
        static final long EVERY_SECONDS = 5;
        private final java.util.concurrent.ScheduledExecutorService timer;

        private Progress(java.util.concurrent.ScheduledExecutorService timer) {
            this.timer = timer;
        }

        static Progress onTerminal(PrintWriter out, String what, java.util.function.LongSupplier events) {
            if (System.console() == null) {
                return new Progress(null);
            }
            long t0 = System.nanoTime();
            long before = events.getAsLong();
            java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "liaison-progress");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(() -> {
                try {
                    out.println(what + ": running for " + (System.nanoTime() - t0) / 1_000_000_000L + " s, "
                            + (events.getAsLong() - before) + " event(s) so far");
                } catch (RuntimeException ignored) {
                    // progress is a courtesy; never let it disturb the work
                }
            }, EVERY_SECONDS, EVERY_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            return new Progress(timer);
        }

        @Override
        public void close() {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }

    @Command(name = "status", description = "Each source: last success, last error, consecutive failures, items stored.")
    static final class Status implements Callable<Integer> {
        @ParentCommand Liaison root;

        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() throws Exception {
            try (LiaisonRuntime runtime = root.open()) {
                Map<String, Long> counts = runtime.store().items().countsBySource();
                Map<String, SourceStateStore.Background> backgrounds = runtime.store().sourceState().backgrounds();
                List<Map<String, Object>> rows = new ArrayList<>();
                for (SourceConfig s : runtime.sources()) {
                    SourceStateStore.Health h = runtime.store().sourceState().health(s.id()).orElse(null);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", s.id());
                    row.put("kind", s.kind());
                    row.put("state", dev.liaison.web.HealthReport.sourceStatus(s, runtime.kinds(), h,
                            runtime.settings().integer("liaison.poll.failure-alert-after", 1, 1000)));
                    row.put("lastSuccess", h == null || h.lastSuccess() == null ? null : h.lastSuccess().toString());
                    row.put("lastError", h == null || h.lastError() == null ? null : h.lastError().toString());
                    row.put("lastErrorMessage", h == null ? null : h.lastErrorMessage());
                    row.put("consecutiveFailures", h == null ? 0 : h.consecutiveFailures());
                    row.put("items", counts.getOrDefault(s.id(), 0L));
                    SourceStateStore.Background b = backgrounds.get(s.id());
                    if (b != null) {
                        row.put("background", dev.liaison.web.HealthReport.backgroundMap(b));
                    }
                    rows.add(row);
                }
                PrintWriter out = root.spec.commandLine().getOut();
                if (json) {
                    out.println(JSON.writeValueAsString(rows));
                } else {
                    out.printf("%-28s %-22s %-34s %-22s %-22s %8s %8s%n", "SOURCE", "KIND", "STATE", "LAST SUCCESS",
                            "LAST ERROR", "FAILURES", "ITEMS");
                    for (Map<String, Object> r : rows) {
                        out.printf("%-28s %-22s %-34s %-22s %-22s %8s %8s%n", r.get("id"), r.get("kind"), r.get("state"),
                                dash(r.get("lastSuccess")), dash(r.get("lastError")), r.get("consecutiveFailures"), r.get("items"));
                        if (r.get("lastErrorMessage") != null) {
                            out.println("    last error: " + r.get("lastErrorMessage"));
                        }
                        if (r.get("background") instanceof Map<?, ?> b && (((Number) b.get("errors")).longValue() > 0
                                || Boolean.TRUE.equals(b.get("failed")))) {
                            out.println("    background: " + b.get("errors") + " error(s) in the run of " + dash(b.get("lastRun"))
                                    + (Boolean.TRUE.equals(b.get("failed")) ? ", stopped" : "")
                                    + (b.get("lastErrorMessage") == null ? "" : "; last: " + b.get("lastErrorMessage")));
                        }
                    }
                }
                return OK;
            }
        }
    }

    private static String dash(Object o) {
        return o == null ? "-" : String.valueOf(o).replaceFirst("\\.\\d+Z$", "Z");
    }

    @Command(name = "items", description = "List stored items: id, kind, title, status, URL, references.")
    static final class Items implements Callable<Integer> {
        @ParentCommand Liaison root;

        @Option(names = "--kind", paramLabel = "K", description = "Only items of this kind: spec, blueprint, bug, review, mail.") String kind;
        @Option(names = "--source", paramLabel = "S", description = "Only items of this source (its id in sources.yaml).") String source;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most N items (default 1000); the output says when it cut.") int limit;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            try (LiaisonRuntime runtime = root.open()) {
                if (source != null && runtime.sources().stream().noneMatch(s -> s.id().equals(source))
                        && runtime.store().items().list(null, source, 1).isEmpty()) {
                    throw new IllegalArgumentException("unknown source '" + source + "' (sources: "
                            + String.join(", ", runtime.sources().stream().map(SourceConfig::id).toList()) + ")");
                }
                if (kind != null && !ITEM_KINDS.contains(kind) && runtime.store().items().list(kind, null, 1).isEmpty()) {
                    throw new IllegalArgumentException("unknown kind '" + kind + "' (kinds: " + String.join(", ", ITEM_KINDS) + ")");
                }
                List<Item> items = new ArrayList<>(runtime.store().items().list(kind, source, limit + 1));
                boolean cut = items.size() > limit;
                if (cut) {
                    items = items.subList(0, limit);
                }
                PrintWriter out = root.spec.commandLine().getOut();
                if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (Item i : items) {
                        Map<String, Object> m = dev.liaison.item.ItemViews.summary(i);
                        m.put("attributes", i.attributes());
                        rows.add(m);
                    }
                    out.println(JSON.writeValueAsString(rows));
                } else {
                    for (Item i : items) {
                        out.println(i.id() + "  [" + i.kind() + (i.status() == null ? "" : ", " + i.status()) + "]  "
                                + oneLine(i.title()));
                        if (i.url() != null) {
                            out.println("    " + i.url());
                        }
                        if (!i.refs().isEmpty()) {
                            out.println("    refs: " + String.join(" ", i.refs().stream().map(Ref::target).toList()));
                        }
                    }
                    out.println(items.size() + " item(s)" + (cut ? "; cut at --limit " + limit
                            + ", there are more: use --limit N, --kind K or --source S" : ""));
                }
                return OK;
            }
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
    }

    @Command(name = "events", description = "List events, oldest first.")
    static final class Events implements Callable<Integer> {
        @ParentCommand Liaison root;

        @Option(names = "--since", paramLabel = "ISO-TIME", description = "e.g. 2026-11-24T00:00:00Z") String since;
        @Option(names = "--type", paramLabel = "T", description = "e.g. item.new, item.status, page.changed") String type;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most N events (default 1000), oldest first; the output says when it cut.") int limit;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            Instant from = null;
            if (since != null) {
                try {
                    from = Instant.parse(since);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("--since must be an ISO time such as 2026-11-24T00:00:00Z, not '" + since + "'");
                }
            }
            try (LiaisonRuntime runtime = root.open()) {
                if (type != null && !EVENT_TYPES.contains(type) && runtime.store().events().since(null, type, 1).isEmpty()) {
                    throw new IllegalArgumentException("unknown event type '" + type + "' (types: " + String.join(", ", EVENT_TYPES) + ")");
                }
                List<Event> events = new ArrayList<>(runtime.store().events().since(from, type, limit + 1));
                boolean cut = events.size() > limit;
                if (cut) {
                    events = events.subList(0, limit);
                }
                PrintWriter out = root.spec.commandLine().getOut();
                if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (Event e : events) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", e.id());
                        m.put("type", e.type());
                        m.put("at", e.at().toString());
                        m.put("source", e.source());
                        m.put("item", e.itemId());
                        m.put("data", e.data());
                        rows.add(m);
                    }
                    out.println(JSON.writeValueAsString(rows));
                } else {
                    for (Event e : events) {
                        out.println(e.at() + "  " + e.type() + "  " + (e.itemId() == null ? e.source() : e.itemId())
                                + describe(e));
                    }
                    out.println(events.size() + " event(s)" + (cut ? "; cut at --limit " + limit + ", there are more: next with --since "
                            + events.get(events.size() - 1).at() + ", or use --limit N or --type T" : ""));
                }
                return OK;
            }
        }

        private static String describe(Event e) {
            dev.liaison.item.EventData data = dev.liaison.item.EventData.of(e);
            String title = null;
            if (data instanceof dev.liaison.item.EventData.ItemStatus s) {
                return "  " + s.from() + " -> " + s.to();
            } else if (data instanceof dev.liaison.item.EventData.ItemNew n) {
                title = n.title();
            } else if (data instanceof dev.liaison.item.EventData.ItemChanged c) {
                title = c.title();
            } else if (data instanceof dev.liaison.item.EventData.PageChanged p) {
                title = p.title();
            } else if (data instanceof dev.liaison.item.EventData.LinkChange l && l.story() != null) {
                title = "story " + l.story() + " (" + l.how() + ")";
            } else if (data instanceof dev.liaison.item.EventData.SourceUnhealthy u) {
                title = u.error();
            }
            return title == null ? "" : "  " + oneLine(title);
        }
    }

    @Command(name = "digest", description = "Preview or send the daily digests.",
            subcommands = {DigestCommand.Preview.class, DigestCommand.Send.class})
    static final class DigestCommand implements Callable<Integer> {
        @ParentCommand Liaison root;
        @Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "say 'digest preview ADDRESS' or 'digest send --now'");
        }

        @Command(name = "preview", description = "Show what the subscriber's digest would say now; sends nothing.")
        static final class Preview implements Callable<Integer> {
            @ParentCommand DigestCommand parent;

            @Parameters(index = "0", paramLabel = "ADDRESS") String address;

            @Option(names = "--html", paramLabel = "FILE", description = "Also write the HTML part to FILE.")
            Path html;

            @Override
            public Integer call() throws Exception {
                Liaison root = parent.root;
                try (LiaisonRuntime runtime = root.open()) {
                    runtime.mail().syncSubscribers();
                    var rendered = runtime.mail().digests().preview(address);
                    if (rendered.isEmpty()) {
                        throw new IllegalArgumentException("no subscriber with address '" + address + "'");
                    }
                    PrintWriter out = root.spec.commandLine().getOut();
                    out.println("Subject: " + rendered.get().subject());
                    out.println();
                    out.print(rendered.get().text());
                    out.flush();
                    if (html != null) {
                        java.nio.file.Files.writeString(html, rendered.get().html());
                        out.println("(HTML part written to " + html + ")");
                    }
                    return OK;
                }
            }
        }

        @Command(name = "send", description = "Queue and send what is due as if each subscriber's hour had come.")
        static final class Send implements Callable<Integer> {
            @ParentCommand DigestCommand parent;

            @Option(names = "--now", required = true, description = "Do it now.") boolean now;
            @Option(names = "--to", paramLabel = "ADDRESS", description = "Only this subscriber.") String to;

            @Override
            public Integer call() throws Exception {
                Liaison root = parent.root;
                try (LiaisonRuntime runtime = root.open();
                     org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext()) {
                    runtime.mail().syncSubscribers();
                    if (to != null && runtime.mail().subscribers().find(to).isEmpty()) {
                        throw new IllegalArgumentException("no subscriber with address '" + to + "'");
                    }
                    camel.start();
                    int queued = runtime.mail().digests().sendNow(java.util.Optional.ofNullable(to));
                    var delivery = runtime.mail().delivery(camel);
                    int sent = delivery.deliverDue();
                    PrintWriter out = root.spec.commandLine().getOut();
                    out.println("digests queued=" + queued + " mails sent=" + sent + " via " + delivery.describe()
                            + " pending=" + runtime.mail().outbox().count("pending"));
                    return OK;
                }
            }
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Callable<Integer> {
        @ParentCommand Liaison root;

        @Override
        public Integer call() {
            root.spec.commandLine().getOut().println("liaison " + Version.get());
            return OK;
        }
    }
}
