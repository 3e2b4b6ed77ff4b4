package dev.liaison.sources.pipermail;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.store.EmbeddedMongo;
import dev.liaison.store.Store;
import dev.liaison.testkit.LiaisonHome;
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
 * The pipermail backfill benchmark (bench/pipermail/floors.sh runs it with -Xmx256m against a
 * month rendered with Mailman's templates and served by a separate loopback HTTP server), the way
 * the Launchpad benchmark measures it: the poll cycle's own {@code duration-ms} (start-up
 * excluded) against two floors measured in the same JVM and run, (1) a plain sequential
 * HttpClient fetching the same URLs the backfill fetches (table of contents, thread index, every
 * message page) and (2) insertMany of the same item documents the backfill stored, in pages of
 * 200 (the poller's batch), into a fresh embedded store.
 *
 * <p>Order: one cold backfill into a scratch home (it also yields the documents for floor 2), the
 * fetch floor (one untimed pass, then timed), the store floor, then {@code ROUNDS} backfills, each
 * into a fresh home. Args: base URL of the list, the month label, the month's directory on disk.
 */
public final class PipermailBench {

    private static final Pattern DURATION = Pattern.compile("duration-ms=(\\d+)");

    public static void main(String[] args) throws Exception {
        String base = args[0].endsWith("/") ? args[0] : args[0] + "/";
        String label = args[1];
        Path monthDir = Path.of(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path work = Files.createTempDirectory("pipermail-bench");

        List<String> urls = new ArrayList<>();
        urls.add(base);
        urls.add(base + label + "/thread.html");
        try (var files = Files.list(monthDir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{6}\\.html")).sorted()
                    .forEach(n -> urls.add(base + label + "/" + n));
        }

        String mode = System.getProperty("bench.mode", "warm");
        if (!mode.equals("warm")) {
            cold(mode, base, label, urls, work, args.length > 4 ? Path.of(args[4]) : null);
            return;
        }

        // A cold backfill (a one-shot `poll --once --since` in a fresh JVM is this one).
        String cold = backfill(work.resolve("cold"), base, label);

        // Floor 1: a plain sequential client fetching the same URLs.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long bytes = fetchAll(http, urls); // untimed pass
        double fcpu0 = processCpu(), fserver0 = serverCpu();
        long t0 = System.nanoTime();
        fetchAll(http, urls);
        double fetchFloor = (System.nanoTime() - t0) / 1e9;
        double fetchCpu = processCpu() - fcpu0, fetchServer = serverCpu() - fserver0;

        // Floor 2: insertMany of the item documents the backfill stored, pages of 200, fresh embedded store.
        List<Document> docs = new ArrayList<>();
        LiaisonHome coldHome = new LiaisonHome(work.resolve("cold"));
        try (LiaisonRuntime rt = coldHome.open()) {
            rt.store().collection(Store.ITEMS).find().forEach(docs::add);
        }
        double storeFloor;
        try (EmbeddedMongo mongo = EmbeddedMongo.start(work.resolve("floor"));
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> c = client.getDatabase("liaison").getCollection("items");
            long t1 = System.nanoTime();
            for (int i = 0; i < docs.size(); i += PipermailPoller.BATCH) {
                c.insertMany(new ArrayList<>(docs.subList(i, Math.min(docs.size(), i + PipermailPoller.BATCH))),
                        new InsertManyOptions().ordered(false));
            }
            storeFloor = (System.nanoTime() - t1) / 1e9;
        }
        double floors = fetchFloor + storeFloor;

        System.out.printf("month %s: %d URLs, %d bytes, %d item documents%n", label, urls.size(), bytes, docs.size());
        System.out.printf("floor fetch (sequential client, same URLs): %.2f s%n", fetchFloor);
        System.out.printf("  CPU of the fetch floor: this JVM %.2f s, the HTTP server %.2f s%n", fetchCpu, fetchServer);
        System.out.printf("floor store (insertMany, pages of %d):     %.2f s%n", PipermailPoller.BATCH, storeFloor);
        System.out.printf("cold backfill (first in this JVM):          %.2f s = %.2f x floors  %s%n",
                duration(cold), duration(cold) / floors, summary(cold));
        for (int r = 1; r <= rounds; r++) {
            double cpu0 = processCpu(), server0 = serverCpu();
            String out = backfill(work.resolve("round" + r), base, label);
            double cpu = processCpu() - cpu0, server = serverCpu() - server0;
            System.out.printf("backfill round %d (fresh store):            %.2f s = %.2f x floors (%.2f s); target <= 1.5 x  %s%n",
                    r, duration(out), duration(out) / floors, floors, summary(out));
            System.out.printf("  CPU: this JVM %.2f s, the HTTP server %s (2 cores: %.2f s of wall time at the least)%n",
                    cpu, Double.isNaN(server) ? "not measured" : String.format("%.2f s", server),
                    (cpu + (Double.isNaN(server) ? 0 : server)) / Runtime.getRuntime().availableProcessors());
        }
        System.out.printf("heap max %d MB%n", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        String export = System.getProperty("bench.documents");
        if (export != null) {
            // the item documents, one JSON line each, for the cold store floor in a fresh JVM
            Files.write(Path.of(export), docs.stream().map(Document::toJson).toList());
        }
    }

    /**
     * One measurement in a fresh JVM, as a one-shot command runs: {@code cold-fetch} the fetch
     * floor (no untimed pass first), {@code cold-store} the store floor of the documents in
     * {@code documents} (one JSON line each, written by a warm run with -Dbench.documents; read
     * and the store opened before the clock starts), {@code cold-backfill} one backfill.
     */
    private static void cold(String mode, String base, String label, List<String> urls, Path work, Path documents) throws Exception {
        switch (mode) {
            case "cold-fetch" -> {
                long t0 = System.nanoTime();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                fetchAll(http, urls);
                System.out.printf("cold fetch floor: %.2f s%n", (System.nanoTime() - t0) / 1e9);
            }
            case "cold-store" -> {
                List<Document> docs = new ArrayList<>();
                for (String line : Files.readAllLines(documents)) {
                    docs.add(Document.parse(line));
                }
                try (EmbeddedMongo mongo = EmbeddedMongo.start(work.resolve("floor"));
                     MongoClient client = MongoClients.create(mongo.connectionString())) {
                    MongoCollection<Document> c = client.getDatabase("liaison").getCollection("items");
                    long t1 = System.nanoTime();
                    for (int i = 0; i < docs.size(); i += PipermailPoller.BATCH) {
                        c.insertMany(new ArrayList<>(docs.subList(i, Math.min(docs.size(), i + PipermailPoller.BATCH))),
                                new InsertManyOptions().ordered(false));
                    }
                    System.out.printf("cold store floor: %.2f s (%d documents)%n", (System.nanoTime() - t1) / 1e9, docs.size());
                }
            }
            case "cold-backfill" -> {
                String out = backfill(work.resolve("cold"), base, label);
                System.out.printf("cold backfill: %.2f s  %s%n", duration(out), summary(out));
            }
            default -> throw new IllegalArgumentException("unknown bench.mode " + mode);
        }
    }

    /** CPU seconds this JVM has used (all threads). */
    private static double processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** CPU seconds the HTTP server process (pid in BENCH_SERVER_PID) has used, from /proc; NaN when unknown. */
    private static double serverCpu() {
        String pid = System.getenv("BENCH_SERVER_PID");
        if (pid == null) {
            return Double.NaN;
        }
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, clock ticks (USER_HZ 100)
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static String backfill(Path home, String base, String label) {
        LiaisonHome h = new LiaisonHome(home).sources("""
                sources:
                  - id: bench
                    kind: pipermail
                    url: %s
                    schedule: 1h
                    project: nova
                """.formatted(base));
        LiaisonHome.Run run = h.cli("poll", "bench", "--once", "--since", label.substring(0, 4) + "-" + month(label));
        if (run.exitCode() != 0) {
            throw new IllegalStateException("backfill failed: " + run.err() + run.out());
        }
        return run.out().trim();
    }

    private static String month(String label) {
        String name = label.substring(label.indexOf('-') + 1);
        int m = java.time.Month.valueOf(name.toUpperCase(java.util.Locale.ROOT)).getValue();
        return String.format("%02d", m);
    }

    private static long fetchAll(HttpClient http, List<String> urls) throws Exception {
        long bytes = 0;
        for (String u : urls) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(u)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(u + ": HTTP " + r.statusCode());
            }
            bytes += r.body().length;
        }
        return bytes;
    }

    private static String summary(String out) {
        return out.lines().filter(l -> l.startsWith("poll ")).findFirst().orElse("").replaceFirst(".*items ", "items ");
    }

    private static double duration(String out) {
        Matcher m = DURATION.matcher(out.lines().filter(l -> l.startsWith("poll ")).findFirst().orElse(""));
        return m.find() ? Long.parseLong(m.group(1)) / 1000.0 : Double.NaN;
    }
}
