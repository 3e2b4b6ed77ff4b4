package dev.liaison.sources.launchpad;

import dev.liaison.store.LaunchpadDetailQueue;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import com.fasterxml.jackson.databind.JsonNode;
import dev.liaison.Liaison;
import dev.liaison.item.Item;
import dev.liaison.store.EmbeddedMongo;
import dev.liaison.store.ItemDocuments;
import dev.liaison.testkit.LiaisonHome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * The Launchpad backfill benchmark (bench/launchpad/run.sh runs it with -Xmx256m): a loopback
 * Launchpad with N bug tasks and M blueprints; two floors measured in the same run (a plain
 * sequential client fetching the same collection pages; insertMany of as many documents of the
 * same size in pages of 75 into a fresh embedded store); then the poll cycles' own durations
 * (start-up excluded, detail queue not drained); then an incremental poll with 10 changed bugs
 * and its request counts.
 */
public final class LaunchpadBench {

    private static final Pattern DURATION = Pattern.compile("duration-ms=(\\d+)");

    public static void main(String[] args) throws Exception {
        int nBugs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int nBps = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int pageSize = args.length > 2 ? Integer.parseInt(args[2]) : LaunchpadOptions.PAGE_SIZE;
        boolean details = args.length <= 3 || Boolean.parseBoolean(args[3]);
        Path work = Files.createTempDirectory("lp-bench");
        try (FakeLaunchpad lp = new FakeLaunchpad("nova").addBugs(1_000_000, nBugs).addBlueprints(nBps).start(0)) {
            String bugsFirst = lp.projectUrl() + "?ws.op=searchTasks&order_by=id&ws.size=" + pageSize;
            for (String s : LaunchpadStatus.BUG_STATUSES) {
                bugsFirst += "&status=" + java.net.URLEncoder.encode(s, "UTF-8").replace("+", "%20");
            }
            String bpsFirst = lp.projectUrl() + "/all_specifications?ws.size=" + pageSize;

            // Floor 1: a plain sequential client fetching the same pages (and keeping the bodies for floor 2).
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<byte[]> bugPages = new ArrayList<>();
            List<byte[]> bpPages = new ArrayList<>();
            fetchAll(http, bugsFirst, bugPages); // warm-up
            bugPages.clear();
            long t0 = System.nanoTime();
            fetchAll(http, bugsFirst, bugPages);
            fetchAll(http, bpsFirst, bpPages);
            double fetchFloor = (System.nanoTime() - t0) / 1e9;

            // Floor 2: insertMany of as many documents of the same size, pages of 75, fresh embedded store.
            java.util.Map<String, Document> byId = new java.util.LinkedHashMap<>();
            for (byte[] page : bugPages) {
                for (JsonNode e : CollectionPage.parse(page).entries()) {
                    Item item = BugItems.merge(null, List.of(BugItems.task(e)), "nova", "nova-bugs");
                    byId.put(item.id(), ItemDocuments.toDocument(item, item.contentHash()));
                }
            }
            for (byte[] page : bpPages) {
                for (JsonNode e : CollectionPage.parse(page).entries()) {
                    Item item = BlueprintItems.read(e, "nova", "nova-blueprints").item();
                    byId.put(item.id(), ItemDocuments.toDocument(item, item.contentHash()));
                }
            }
            List<Document> docs = new ArrayList<>(byId.values());
            byId = null;
            double storeFloor;
            try (EmbeddedMongo mongo = EmbeddedMongo.start(work.resolve("floor"));
                 MongoClient client = MongoClients.create(mongo.connectionString())) {
                MongoCollection<Document> c = client.getDatabase("liaison").getCollection("items");
                long t1 = System.nanoTime();
                for (int i = 0; i < docs.size(); i += 75) {
                    c.insertMany(new ArrayList<>(docs.subList(i, Math.min(docs.size(), i + 75))), new InsertManyOptions().ordered(false));
                }
                storeFloor = (System.nanoTime() - t1) / 1e9;
            }
            int docCount = docs.size();
            docs = null;
            bugPages = null;
            bpPages = null;

            LiaisonHome home = new LiaisonHome(work.resolve("home")).sources("""
                    sources:
                      - id: nova-bugs
                        kind: launchpad-bugs
                        url: %s
                        schedule: 30m
                        project: nova
                        page-size: %d
                        detail-rate: 60000
                        fetch-details: %s
                      - id: nova-blueprints
                        kind: launchpad-blueprints
                        url: %s
                        schedule: 12h
                        project: nova
                        page-size: %d
                        detail-rate: 60000
                        fetch-details: %s
                    """.formatted(lp.projectUrl(), pageSize, details, lp.projectUrl(), pageSize, details));
            String bugs = cli(home, "poll", "nova-bugs", "--once", "--no-background");
            String bps = cli(home, "poll", "nova-blueprints", "--once", "--no-background");
            double pollBugs = duration(bugs);
            double pollBps = duration(bps);
            double poll = pollBugs + pollBps;
            double floors = fetchFloor + storeFloor;

            // Incremental: 10 changed bugs. The backfill's detail queue (20,000 bug resources, hours
            // at the default rate) is emptied first so that only the incremental poll's requests count.
            try (var runtime = home.open()) {
                runtime.store().collection(LaunchpadDetailQueue.COLLECTION).deleteMany(new Document());
            }
            lp.resetCounts();
            for (int i = 0; i < 10; i++) {
                long n = 1_000_000 + i * 97;
                lp.changeStatus(n, "In Progress".equals(lp.bug(n).status) ? "Fix Released" : "In Progress");
            }
            String inc = cli(home, "poll", "nova-bugs", "--once");

            System.out.printf("backfill: %d bug tasks, %d blueprints, %d documents, page size %d, detail queue %s%n", nBugs, nBps, docCount, pageSize, details ? "on" : "off");
            System.out.printf("floor fetch (sequential client, same pages): %.2f s%n", fetchFloor);
            System.out.printf("floor store (insertMany, pages of 75):       %.2f s%n", storeFloor);
            System.out.printf("poll cycle launchpad-bugs:                   %.2f s  %s%n", pollBugs, summary(bugs));
            System.out.printf("poll cycle launchpad-blueprints:             %.2f s  %s%n", pollBps, summary(bps));
            System.out.printf("poll total %.2f s = %.2f x (floors %.2f s); target <= 1.5 x%n", poll, poll / floors, floors);
            System.out.printf("incremental, 10 changed bugs: searchTasks requests=%d, bug requests=%d  %s%n",
                    lp.requests("searchTasks"), lp.requests("bug"), inc.replace("\n", " | "));
            System.out.printf("heap max %d MB%n", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }

    private static void fetchAll(HttpClient http, String first, List<byte[]> into) throws Exception {
        String next = first;
        while (next != null) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(next)).build(), HttpResponse.BodyHandlers.ofByteArray());
            into.add(r.body());
            JsonNode link = FakeLaunchpad.JSON.readTree(r.body()).get("next_collection_link");
            next = link == null ? null : link.asText();
        }
    }

    private static String cli(LiaisonHome home, String... args) {
        LiaisonHome.Run run = home.cli(args);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("liaison " + String.join(" ", args) + " failed: " + run.err() + run.out());
        }
        return run.out().trim();
    }

    private static String summary(String out) {
        return out.lines().findFirst().orElse("").replaceFirst(".*items ", "items ");
    }

    private static double duration(String out) {
        Matcher m = DURATION.matcher(out.lines().findFirst().orElse(""));
        return m.find() ? Long.parseLong(m.group(1)) / 1000.0 : Double.NaN;
    }
}
