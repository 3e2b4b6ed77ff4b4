package dev.liaison.sources.launchpad;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small Launchpad on loopback, serving generated data in Launchpad's shapes (the real bug_task
 * entries of {@code fixtures/launchpad/stackalytics-bug-task-entries.json}, the real blueprint
 * fields of {@code specification-entry-fragment-solum-api.json}, and the real nova blueprint
 * names, titles and spec URLs of {@code nova-specs-index.json}):
 * <ul>
 *   <li>{@code GET /devel/<project>?ws.op=searchTasks} with {@code status}, {@code modified_since},
 *   {@code ws.size}, {@code ws.start}, ordered by bug id, {@code next_collection_link};</li>
 *   <li>{@code GET /devel/bugs/<N>} (the bug resource);</li>
 *   <li>{@code GET /devel/<project>/all_specifications} paged, and
 *   {@code /devel/<project>/+spec/<name>/bugs} (linked bugs).</li>
 * </ul>
 * Bugs are generated on the fly from a compact model, so 50,000 of them cost little memory.
 * Run {@link #main} to serve it for the daemon or a benchmark.
 */
public final class FakeLaunchpad implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] STATUSES = {"New", "Confirmed", "Triaged", "In Progress", "Fix Committed",
            "Fix Released", "Invalid", "Won't Fix", "Incomplete", "Opinion"};
    private static final String[] IMPORTANCES = {"Undecided", "Low", "Medium", "High", "Critical", "Wishlist"};
    private static final Instant EPOCH = Instant.parse("2015-01-01T00:00:00Z");

    /** One bug (its task in the project), mutable for tests of incremental polls. */
    static final class Bug {
        final long id;
        volatile String status;
        volatile String importance;
        volatile Instant modified;
        volatile String description;
        final Instant created;
        final String title;
        final List<String> series = new ArrayList<>();

        Bug(long id, String status, String importance, Instant created, String title, String description) {
            this.id = id;
            this.status = status;
            this.importance = importance;
            this.created = created;
            this.modified = created;
            this.title = title;
            this.description = description;
        }
    }

    /** One blueprint. */
    record Blueprint(String name, String title, String specUrl, String release, String definition,
                     String implementation, String lifecycle, List<Long> bugs) {}

    private final String project;
    private final ConcurrentSkipListMap<Long, Bug> bugs = new ConcurrentSkipListMap<>();
    private final List<Blueprint> blueprints = new ArrayList<>();
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private HttpServer server;
    private String base;

    public FakeLaunchpad(String project) {
        this.project = project;
    }

    /** Adds {@code n} bugs numbered from {@code first}, deterministic. */
    public FakeLaunchpad addBugs(long first, int n) {
        for (int i = 0; i < n; i++) {
            long id = first + i;
            Instant created = EPOCH.plusSeconds(i * 600L);
            Bug b = new Bug(id, STATUSES[(int) (id % STATUSES.length)], IMPORTANCES[(int) (id % IMPORTANCES.length)], created,
                    "Instance " + id + " fails to boot after resize with volume attached",
                    "Steps to reproduce: boot, attach a volume, resize. Expected ACTIVE, got ERROR.\n"
                            + (id % 7 == 0 ? "Related-Bug: #" + (id - 1) + "\n" : "")
                            + (id % 11 == 0 ? "See https://blueprints.launchpad.net/" + project + "/+spec/online-schema-changes\n" : ""));
            if (id % 13 == 0) {
                b.series.add(project + "/kilo");
            }
            bugs.put(id, b);
        }
        return this;
    }

    /** Blueprints from the real nova-specs index, cycled with a suffix when more are asked for. */
    public FakeLaunchpad addBlueprints(int n) {
        JsonNode specs;
        try (InputStream in = FakeLaunchpad.class.getResourceAsStream("/fixtures/launchpad/nova-specs-index.json")) {
            specs = JSON.readTree(in).get("specs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<JsonNode> withBp = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode s : specs) {
            for (JsonNode url : s.path("blueprint_urls")) {
                String name = url.asText().replaceFirst(".*/\\+spec/", "").replaceAll("[/#?].*", "");
                if (url.asText().contains("/" + project + "/+spec/") && seen.add(name)) {
                    ObjectNode copy = ((ObjectNode) s).deepCopy();
                    copy.put("bp", name);
                    withBp.add(copy);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            JsonNode s = withBp.get(i % withBp.size());
            String suffix = i < withBp.size() ? "" : "-copy" + (i / withBp.size());
            boolean implemented = "implemented".equals(s.path("state").asText());
            List<Long> linked = new ArrayList<>();
            if (i % 5 == 0 && !bugs.isEmpty()) {
                linked.add(bugs.firstKey() + i);
            }
            blueprints.add(new Blueprint(s.get("bp").asText() + suffix, s.path("title").asText(),
                    s.path("published_url").asText(), s.path("release").asText(),
                    "Approved", implemented ? "Implemented" : "Started", implemented ? "Complete" : "Started", linked));
        }
        return this;
    }

    public Bug bug(long id) {
        return bugs.get(id);
    }

    /** Changes a bug's status now (it becomes "modified since" now). */
    public void changeStatus(long id, String status) {
        Bug b = bugs.get(id);
        b.status = status;
        b.modified = Instant.now();
    }

    public void setBlueprint(int index, Blueprint bp) {
        blueprints.set(index, bp);
    }

    public Blueprint blueprint(int index) {
        return blueprints.get(index);
    }

    public int blueprintCount() {
        return blueprints.size();
    }

    /** Starts serving on 127.0.0.1 (port 0: any free port). */
    public FakeLaunchpad start(int port) throws IOException {
        // Without TCP_NODELAY the JDK server's header and body segments meet delayed ACKs: ~40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-launchpad");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/devel";
        return this;
    }

    /** {@code http://127.0.0.1:<port>/devel} */
    public String base() {
        return base;
    }

    public String projectUrl() {
        return base + "/" + project;
    }

    public long requests(String kind) {
        AtomicLong n = requests.get(kind);
        return n == null ? 0 : n.get();
    }

    public void resetCounts() {
        requests.clear();
    }

    private void count(String kind) {
        requests.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            URI uri = ex.getRequestURI();
            String path = uri.getPath();
            Map<String, List<String>> q = query(uri.getRawQuery());
            byte[] body;
            if (path.equals("/devel/" + project) && "searchTasks".equals(first(q, "ws.op"))) {
                count("searchTasks");
                body = searchTasks(q);
            } else if (path.matches("/devel/bugs/\\d+")) {
                count("bug");
                Bug b = bugs.get(Long.parseLong(path.substring(path.lastIndexOf('/') + 1)));
                body = b == null ? null : bugResource(b);
            } else if (path.equals("/devel/" + project + "/all_specifications")) {
                count("all_specifications");
                body = specifications(q);
            } else if (path.matches("/devel/" + project + "/\\+spec/[^/]+/bugs")) {
                count("spec-bugs");
                body = specBugs(path.split("/")[4]);
            } else {
                body = null;
            }
            if (body == null) {
                byte[] nf = "Object: not found".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(404, nf.length);
                ex.getResponseBody().write(nf);
            } else {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (RuntimeException e) {
            ex.sendResponseHeaders(500, -1);
        } finally {
            ex.close();
        }
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new TreeMap<>();
        if (raw == null) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String first(Map<String, List<String>> q, String k) {
        List<String> v = q.get(k);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static int intParam(Map<String, List<String>> q, String k, int dflt) {
        String v = first(q, k);
        return v == null ? dflt : Integer.parseInt(v);
    }

    private byte[] searchTasks(Map<String, List<String>> q) throws IOException {
        int size = intParam(q, "ws.size", 75);
        int start = intParam(q, "ws.start", 0);
        Set<String> statuses = new HashSet<>(q.getOrDefault("status", List.of()));
        String since = first(q, "modified_since");
        Instant sinceAt = since == null ? null : OffsetDateTime.parse(since.replace(' ', '+')).toInstant();
        // Walk the matching bug tasks in bug id order (a bug's project task, then its series
        // tasks), as Launchpad pages them: by task, so a bug's tasks can straddle two pages. Skip to
        // the page without materialising the collection.
        ArrayNode entries = JSON.createArrayNode();
        int total = 0;
        for (Bug b : bugs.values()) {
            if ((!statuses.isEmpty() && !statuses.contains(b.status)) || (sinceAt != null && b.modified.isBefore(sinceAt))) {
                continue;
            }
            for (int t = 0; t <= b.series.size(); t++) {
                if (total >= start && total < start + size) {
                    entries.add(task(b, t == 0 ? project : b.series.get(t - 1)));
                }
                total++;
            }
        }
        ObjectNode page = JSON.createObjectNode();
        page.put("total_size", total);
        page.put("start", start);
        if (start + size < total) {
            page.put("next_collection_link", link(q, start + size));
        }
        if (start > 0) {
            page.put("prev_collection_link", link(q, Math.max(0, start - size)));
        }
        page.set("entries", entries);
        page.put("resource_type_link", base + "/#bug_task-page-resource");
        return JSON.writeValueAsBytes(page);
    }

    private String link(Map<String, List<String>> q, int start) {
        StringBuilder sb = new StringBuilder(base + "/" + project + "?");
        boolean firstParam = true;
        for (Map.Entry<String, List<String>> e : q.entrySet()) {
            if (e.getKey().equals("ws.start")) {
                continue;
            }
            for (String v : e.getValue()) {
                sb.append(firstParam ? "" : "&").append(enc(e.getKey())).append('=').append(enc(v));
                firstParam = false;
            }
        }
        return sb.append("&ws.start=").append(start).toString();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private ObjectNode task(Bug b, String target) {
        String display = target.substring(0, 1).toUpperCase(Locale.ROOT) + target.substring(1).replace("/", " ");
        ObjectNode t = JSON.createObjectNode();
        String created = ts(b.created);
        t.put("date_closed", isClosed(b.status) ? ts(b.modified) : null);
        t.put("date_assigned", b.id % 3 == 0 ? created : null);
        t.put("title", "Bug #" + b.id + " in " + display + ": \"" + b.title + "\"");
        t.put("bug_link", base + "/bugs/" + b.id);
        t.putNull("bug_watch_link");
        t.put("milestone_link", b.id % 4 == 0 ? base + "/" + project + "/+milestone/liberty-1" : null);
        t.putNull("date_left_closed");
        t.put("date_fix_committed", b.status.startsWith("Fix") ? ts(b.modified) : null);
        t.put("date_fix_released", b.status.equals("Fix Released") ? ts(b.modified) : null);
        t.putNull("date_in_progress");
        t.put("resource_type_link", base + "/#bug_task");
        t.put("status", b.status);
        t.put("bug_target_name", target);
        t.put("importance", b.importance);
        t.put("assignee_link", b.id % 3 == 0 ? base + "/~dev" + (b.id % 50) : null);
        t.putNull("date_triaged");
        t.put("self_link", base + "/" + target + "/+bug/" + b.id);
        t.put("target_link", base + "/" + target);
        t.put("bug_target_display_name", display);
        t.put("related_tasks_collection_link", base + "/" + target + "/+bug/" + b.id + "/related_tasks");
        t.putNull("date_confirmed");
        t.putNull("date_left_new");
        t.put("web_link", "https://bugs.launchpad.net/" + target + "/+bug/" + b.id);
        t.put("owner_link", base + "/~reporter" + (b.id % 97));
        t.put("date_created", created);
        t.putNull("date_incomplete");
        t.put("is_complete", isClosed(b.status) || b.status.startsWith("Fix"));
        return t;
    }

    private static boolean isClosed(String s) {
        return s.equals("Invalid") || s.equals("Won't Fix") || s.equals("Opinion") || s.equals("Expired");
    }

    private static String ts(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC).toString().replace("Z", "+00:00");
    }

    private byte[] bugResource(Bug b) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("self_link", base + "/bugs/" + b.id);
        o.put("web_link", "https://bugs.launchpad.net/bugs/" + b.id);
        o.put("resource_type_link", base + "/#bug");
        o.put("id", b.id);
        o.put("title", b.title);
        o.put("description", b.description);
        ArrayNode tags = o.putArray("tags");
        tags.add("compute");
        if (b.id % 2 == 0) {
            tags.add("volumes");
        }
        o.put("date_created", ts(b.created));
        o.put("date_last_updated", ts(b.modified));
        o.put("heat", (int) (b.id % 40));
        o.putNull("duplicate_of_link");
        o.put("bug_tasks_collection_link", base + "/bugs/" + b.id + "/bug_tasks");
        return JSON.writeValueAsBytes(o);
    }

    private byte[] specifications(Map<String, List<String>> q) throws IOException {
        int size = intParam(q, "ws.size", 75);
        int start = intParam(q, "ws.start", 0);
        ArrayNode entries = JSON.createArrayNode();
        for (int i = start; i < Math.min(blueprints.size(), start + size); i++) {
            entries.add(spec(blueprints.get(i)));
        }
        ObjectNode page = JSON.createObjectNode();
        page.put("total_size", blueprints.size());
        page.put("start", start);
        if (start + size < blueprints.size()) {
            page.put("next_collection_link", base + "/" + project + "/all_specifications?ws.size=" + size + "&ws.start=" + (start + size));
        }
        page.set("entries", entries);
        page.put("resource_type_link", base + "/#specification-page-resource");
        return JSON.writeValueAsBytes(page);
    }

    private ObjectNode spec(Blueprint bp) {
        String self = base + "/" + project + "/+spec/" + bp.name();
        ObjectNode s = JSON.createObjectNode();
        s.put("self_link", self);
        s.put("web_link", "https://blueprints.launchpad.net/" + project + "/+spec/" + bp.name());
        s.put("resource_type_link", base + "/#specification");
        s.put("http_etag", "\"" + Integer.toHexString(bp.hashCode()) + "\"");
        s.put("name", bp.name());
        s.put("title", bp.title());
        s.put("summary", bp.title() + ". See the specification for details.");
        s.put("whiteboard", "Approved for " + bp.release() + ".");
        s.put("workitems_text", "");
        s.put("specification_url", bp.specUrl());
        s.put("definition_status", bp.definition());
        s.put("implementation_status", bp.implementation());
        s.put("lifecycle_status", bp.lifecycle());
        s.put("priority", "Medium");
        s.put("information_type", "Public");
        s.put("target_link", base + "/" + project);
        s.put("milestone_link", base + "/" + project + "/+milestone/" + bp.release() + "-3");
        s.put("owner_link", base + "/~owner");
        s.put("assignee_link", base + "/~assignee");
        s.put("drafter_link", base + "/~drafter");
        s.put("approver_link", base + "/~approver");
        s.put("starter_link", base + "/~assignee");
        s.put("completer_link", "Complete".equals(bp.lifecycle()) ? base + "/~assignee" : null);
        s.put("date_created", "2015-10-01T01:29:27.357395+00:00");
        s.put("date_started", "2015-11-21T22:34:20.949638+00:00");
        s.put("date_completed", "Complete".equals(bp.lifecycle()) ? "2016-04-01T16:22:41.981924+00:00" : null);
        s.put("direction_approved", true);
        s.put("has_accepted_goal", true);
        s.put("is_started", true);
        s.put("is_complete", "Complete".equals(bp.lifecycle()));
        s.put("bugs_collection_link", self + "/bugs");
        s.put("dependencies_collection_link", self + "/dependencies");
        s.put("linked_branches_collection_link", self + "/linked_branches");
        return s;
    }

    private byte[] specBugs(String name) throws IOException {
        Blueprint bp = null;
        for (Iterator<Blueprint> it = blueprints.iterator(); it.hasNext(); ) {
            Blueprint b = it.next();
            if (b.name().equals(name)) {
                bp = b;
            }
        }
        if (bp == null) {
            return null;
        }
        ObjectNode page = JSON.createObjectNode();
        page.put("total_size", bp.bugs().size());
        page.put("start", 0);
        ArrayNode entries = page.putArray("entries");
        for (Long n : bp.bugs()) {
            ObjectNode e = entries.addObject();
            e.put("self_link", base + "/bugs/" + n);
            e.put("id", n);
            e.put("title", "linked bug " + n);
        }
        return JSON.writeValueAsBytes(page);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }

    /**
     * Serves a fake Launchpad until killed: {@code FakeLaunchpad [port] [bugs] [blueprints] [project]}
     * (defaults 18480, 2000, 300, nova). Prints the project's API URL.
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18480;
        int nBugs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int nBps = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        String project = args.length > 3 ? args[3] : "nova";
        FakeLaunchpad lp = new FakeLaunchpad(project).addBugs(1_500_000, nBugs).addBlueprints(nBps).start(port);
        System.out.println(lp.projectUrl());
        System.out.flush();
        Thread.currentThread().join();
    }

}
