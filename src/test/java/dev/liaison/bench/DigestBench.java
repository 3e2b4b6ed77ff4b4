package dev.liaison.bench;

import dev.liaison.digest.Digest;
import dev.liaison.digest.DigestComposer;
import dev.liaison.digest.MailRenderer;
import dev.liaison.mailing.Subscriber;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.Document;

/**
 * Digest benchmark: 1,000 subscribers over 50,000 events on the embedded store. Measures
 * composing (all queries included) and rendering both parts of every digest.
 * Run: bench/digest/run.sh
 */
public final class DigestBench {

    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int eventCount = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        Path data = Files.createTempDirectory("liaison-digest-bench");
        Random random = new Random(42);
        try (Store store = Store.open("", "liaison", data)) {
            long t0 = System.nanoTime();
            int stories = 1000;
            List<Document> storyDocs = new ArrayList<>();
            for (int i = 0; i < stories; i++) {
                storyDocs.add(new Document("_id", "story-" + i).append("title", "Story " + i + " <about> upgrades")
                        .append("projects", List.of("project-" + (i % 20))).append("tags", List.of("tag-" + (i % 7))));
            }
            store.collection(Store.STORIES).insertMany(storyDocs);
            Instant base = Instant.parse("2026-11-23T00:00:00Z");
            int itemCount = eventCount / 2;
            List<Item> items = new ArrayList<>();
            List<Document> links = new ArrayList<>();
            for (int i = 0; i < itemCount; i++) {
                String id = (i % 3 == 0 ? "spec:nova/spec-" : i % 3 == 1 ? "bug:" : "bp:nova/bp-") + i;
                items.add(Item.builder(id, i % 3 == 0 ? "spec" : i % 3 == 1 ? "bug" : "blueprint").project("project-" + (i % 20))
                        .title("Item " + i + " & co").url("https://example.org/" + i).build());
                links.add(new Document("_id", "story-" + (i % stories) + "|" + id).append("story", "story-" + (i % stories))
                        .append("item", id).append("state", i % 4 == 0 ? "suggested" : "confirmed"));
                if (items.size() == 500) {
                    store.items().upsert(items, base);
                    items.clear();
                }
            }
            store.items().upsert(items, base);
            for (int i = 0; i < links.size(); i += 500) {
                store.collection(Store.LINKS).insertMany(links.subList(i, Math.min(links.size(), i + 500)));
            }
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < eventCount; i++) {
                int item = random.nextInt(itemCount);
                String id = items.isEmpty() ? null : null;
                String itemId = (item % 3 == 0 ? "spec:nova/spec-" : item % 3 == 1 ? "bug:" : "bp:nova/bp-") + item;
                Instant at = base.plusSeconds(60 + i);
                if (i % 500 == 0) {
                    events.add(new Event("page.changed:p" + i, Event.PAGE_CHANGED, at, "priorities-" + (i % 3), null,
                            Map.of("url", "https://example.org/p", "title", "Priorities", "summary", "1 list item added",
                                    "listItemsAdded", List.of(Map.of("section", "S", "text", "added <item>")))));
                } else if (i % 2 == 0) {
                    events.add(new Event("link.new:" + i, "link.new", at, "linker", itemId, Map.of("story", "story-" + (item % stories),
                            "how", "similar", "confidence", 0.5, "state", "suggested", "evidence", "some snippet <b>")));
                } else {
                    events.add(new Event("item.status:" + i, Event.ITEM_STATUS, at, "src", itemId,
                            Map.of("title", "Item " + item, "from", "New", "to", "Fix Released")));
                }
                if (events.size() == 1000) {
                    store.events().append(events);
                    events.clear();
                }
            }
            store.events().append(events);
            long loaded = System.nanoTime();

            List<DigestComposer.Work> work = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                List<String> follow = List.of("story-" + random.nextInt(stories), "story-" + random.nextInt(stories),
                        "story-" + random.nextInt(stories));
                List<String> projects = i % 10 == 0 ? List.of("project-" + (i % 20)) : List.of();
                Subscriber s = new Subscriber("user" + i + "@example.org", "User " + i, ZoneId.of("Europe/Berlin"), 8,
                        follow, projects, List.of(), List.of(), List.of(), true, "token-" + i);
                work.add(new DigestComposer.Work(s, "2026-11-24", base));
            }
            DigestComposer composer = new DigestComposer(store, "https://liaison.example.org", Map.of("priorities-0", "project-0"));
            MailRenderer renderer = new MailRenderer();
            long c0 = System.nanoTime();
            List<Digest> digests = composer.compose(work, base.plusSeconds(eventCount + 3600));
            long c1 = System.nanoTime();
            long bytes = 0;
            int nonEmpty = 0;
            for (Digest d : digests) {
                if (!d.isEmpty()) {
                    nonEmpty++;
                    MailRenderer.Rendered r = renderer.digest(d, "https://liaison.example.org/unsubscribe/x");
                    bytes += r.text().length() + r.html().length();
                }
            }
            long c2 = System.nanoTime();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("subscribers=%d events=%d load-ms=%d compose-ms=%d render-ms=%d total-ms=%d digests-with-content=%d rendered-chars=%d heap-used-mb=%d max-heap-mb=%d%n",
                    subscribers, eventCount, (loaded - t0) / 1_000_000, (c1 - c0) / 1_000_000, (c2 - c1) / 1_000_000,
                    (c2 - c0) / 1_000_000, nonEmpty, bytes, (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
        }
    }
}
