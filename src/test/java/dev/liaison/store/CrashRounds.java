package dev.liaison.store;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;

/**
 * Kills a {@link CrashWriter} child JVM with SIGKILL at random (seeded) moments, and after each
 * kill opens the store and checks it: nothing torn (start-up repaired nothing, every unique index
 * holds one entry per document), every acknowledged item, event, link and validator readable by
 * {@code _id}, nothing doubled (one {@code item.new} event and one link per item, no two links
 * for the same story and item), and the cursor at or past the last acknowledged batch. Then the
 * next child resumes from the cursor. A last child runs to its end and the counts must be exact.
 */
public final class CrashRounds {

    /** What the rounds did. */
    public record Result(int kills, int killsDuringStartUp, int acknowledgedBatches, long millis) {}

    private CrashRounds() {}

    public static Result run(Path data, long seed, int kills, int batchSize) throws Exception {
        long t0 = System.nanoTime();
        Random random = new Random(seed);
        int lastAcked = -1;
        int duringStartUp = 0;
        for (int round = 0; round < kills; round++) {
            Child child = Child.start(data, batchSize, -1);
            boolean early = random.nextInt(4) == 0;
            if (early) {
                Thread.sleep(random.nextInt(1000));
            } else {
                if (!child.resumed.await(60, TimeUnit.SECONDS)) {
                    child.process.destroyForcibly();
                    throw new AssertionError("round " + round + ": the writer did not start within 60 s");
                }
                Thread.sleep(random.nextInt(1200));
            }
            child.process.destroyForcibly(); // SIGKILL
            child.process.waitFor(30, TimeUnit.SECONDS);
            child.reader.join(5_000);
            if (child.resumedAt.get() >= 0 && child.resumedAt.get() < lastAcked + 1) {
                throw new AssertionError("round " + round + ": resumed at batch " + child.resumedAt.get()
                        + " although batch " + lastAcked + " was acknowledged");
            }
            if (child.resumedAt.get() < 0) {
                duringStartUp++;
            }
            lastAcked = Math.max(lastAcked, child.lastAck.get());
            verify(data, lastAcked, batchSize, false, "after kill " + (round + 1) + " (seed " + seed + ")");
        }
        int end = lastAcked + 3;
        Child last = Child.start(data, batchSize, end);
        if (!last.process.waitFor(120, TimeUnit.SECONDS) || last.process.exitValue() != 0) {
            last.process.destroyForcibly();
            throw new AssertionError("the last writer did not finish cleanly (exit "
                    + (last.process.isAlive() ? "none" : last.process.exitValue()) + ")");
        }
        last.reader.join(5_000);
        if (last.lastAck.get() != end - 1) {
            throw new AssertionError("the last writer acknowledged up to " + last.lastAck.get() + ", not " + (end - 1));
        }
        verify(data, end - 1, batchSize, true, "after the last writer (seed " + seed + ")");
        return new Result(kills, duringStartUp, end, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A running child and what it printed. */
    private static final class Child {
        final Process process;
        final Thread reader;
        final CountDownLatch resumed = new CountDownLatch(1);
        final AtomicInteger resumedAt = new AtomicInteger(-1);
        final AtomicInteger lastAck = new AtomicInteger(-1);

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "crash-writer-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Path data, int batchSize, int end) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-DLIAISON_LOG_LEVEL=WARN", "-cp", System.getProperty("java.class.path"),
                    CrashWriter.class.getName(), data.toString(), String.valueOf(batchSize), String.valueOf(end));
            pb.redirectError(ProcessBuilder.Redirect.appendTo(data.resolveSibling(data.getFileName() + "-writer.log").toFile()));
            return new Child(pb.start());
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("RESUME ")) {
                        resumedAt.set(Integer.parseInt(line.substring(7).trim()));
                        resumed.countDown();
                    } else if (line.startsWith("ACK ")) {
                        lastAck.set(Integer.parseInt(line.substring(4).trim()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the child was killed mid-line: what it printed whole is what it got acknowledged
            }
        }
    }

    /** Checks the store; {@code exact}: batches after {@code lastAcked} must not exist at all. */
    static void verify(Path data, int lastAcked, int batchSize, boolean exact, String when) throws IOException {
        try (EmbeddedMongo embedded = EmbeddedMongo.start(data);
                MongoClient client = MongoClients.create(embedded.connectionString())) {
            check(embedded.repairs().isEmpty(), when + ": start-up found the store torn: " + embedded.repairs());
            check(embedded.indexMismatches().isEmpty(), when + ": unique indexes do not match: " + embedded.indexMismatches());
            MongoDatabase db = client.getDatabase("liaison");
            for (int k = 0; k <= lastAcked; k++) {
                List<String> ids = new ArrayList<>();
                List<String> urls = new ArrayList<>();
                for (int i = 0; i < batchSize; i++) {
                    ids.add(CrashWriter.itemId(k, i));
                    urls.add("https://bugs.launchpad.net/nova/+bug/" + CrashWriter.itemId(k, i).substring(4));
                }
                long items = db.getCollection(Store.ITEMS).countDocuments(Filters.in("_id", ids));
                check(items == batchSize, when + ": batch " + k + " acknowledged, " + items + " of its " + batchSize + " items found");
                long validators = db.getCollection(Store.HTTP_VALIDATORS).countDocuments(Filters.in("_id", urls));
                check(validators == batchSize, when + ": batch " + k + ": " + validators + " validators found");
            }
            if (lastAcked >= 0) {
                // One by one too: an _id lookup must find what a scan finds.
                for (int i = 0; i < batchSize; i++) {
                    String id = CrashWriter.itemId(lastAcked, i);
                    check(db.getCollection(Store.ITEMS).find(Filters.eq("_id", id)).first() != null,
                            when + ": " + id + " not found by _id");
                }
            }
            Map<String, Integer> newEvents = new HashMap<>();
            for (Document e : db.getCollection(Store.EVENTS).find(Filters.eq("type", "item.new"))
                    .projection(Projections.include("item"))) {
                newEvents.merge(e.getString("item"), 1, Integer::sum);
            }
            Map<String, Integer> linksPerItem = new HashMap<>();
            Set<String> pairs = new HashSet<>();
            for (Document l : db.getCollection(Store.LINKS).find().projection(Projections.include("story", "item"))) {
                linksPerItem.merge(l.getString("item"), 1, Integer::sum);
                check(pairs.add(l.getString("story") + "|" + l.getString("item")),
                        when + ": two links for " + l.getString("story") + " and " + l.getString("item"));
            }
            for (var e : newEvents.entrySet()) {
                check(e.getValue() == 1, when + ": " + e.getValue() + " item.new events for " + e.getKey());
            }
            for (var e : linksPerItem.entrySet()) {
                check(e.getValue() == 1, when + ": " + e.getValue() + " links for " + e.getKey());
            }
            int acknowledgedItems = (lastAcked + 1) * batchSize;
            for (int k = 0; k <= lastAcked; k++) {
                for (int i = 0; i < batchSize; i++) {
                    String id = CrashWriter.itemId(k, i);
                    check(newEvents.containsKey(id), when + ": no item.new event for acknowledged " + id);
                    check(linksPerItem.containsKey(id), when + ": no link for acknowledged " + id);
                }
            }
            long items = db.getCollection(Store.ITEMS).estimatedDocumentCount();
            Document cursor = db.getCollection(Store.SOURCE_STATE).find(Filters.eq("_id", CrashWriter.CURSOR_ID)).first();
            int next = cursor == null ? 0 : cursor.getInteger("next");
            check(next >= lastAcked + 1, when + ": the cursor is at " + next + " although batch " + lastAcked + " was acknowledged");
            if (exact) {
                check(items == acknowledgedItems, when + ": " + items + " items, expected " + acknowledgedItems);
                check(newEvents.size() == acknowledgedItems, when + ": " + newEvents.size() + " item.new events");
                check(linksPerItem.size() == acknowledgedItems, when + ": " + linksPerItem.size() + " linked items");
                check(next == lastAcked + 1, when + ": the cursor is at " + next);
            } else {
                // At most the batch that was being written when the child was killed goes beyond.
                check(items <= acknowledgedItems + batchSize, when + ": " + items + " items for " + acknowledgedItems + " acknowledged");
                check(next <= lastAcked + 2, when + ": the cursor is at " + next + ", past the batch being written");
            }
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
