package dev.liaison.bench;

import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Item;
import dev.liaison.store.LinkStore;
import dev.liaison.store.StoryStore;
import dev.liaison.story.Backer;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Web benchmark: 1,000 stories and 100,000 items (20,000 of them linked) in the embedded store,
 * the daemon serving; median of warm requests to the story page, the review queue and the API
 * lists. Run: bench/web/run.sh
 */
public final class WebBench {

    public static void main(String[] args) throws Exception {
        int stories = 1000;
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path home = Files.createTempDirectory("liaison-web-bench");
        Files.createDirectories(home.resolve("config"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(home.resolve("config/application.properties"), "liaison.http.port=" + port + "\n");
        Files.writeString(home.resolve("config/sources.yaml"), "sources: []\n");
        LiaisonRuntime.Paths paths = new LiaisonRuntime.Paths(home.resolve("config"), home.resolve("data"), Path.of("routes"));
        try (LiaisonRuntime runtime = LiaisonRuntime.open(paths, Map.of())) {
            long t0 = System.nanoTime();
            Instant now = Instant.parse("2026-11-24T10:00:00Z");
            List<Story> storyList = new ArrayList<>();
            for (int i = 0; i < stories; i++) {
                storyList.add(new Story("story-" + i, "Story " + i + " about upgrades", "text " + i, "tracked",
                        List.of("project-" + (i % 20), "project-" + ((i + 7) % 20)), List.of("tag-" + (i % 7)), List.of(), List.of(),
                        List.of(new Backer("Org " + (i % 10), 1 + i % 5)), "bench"));
            }
            new StoryStore(runtime.store()).upsert(storyList, now);
            List<Item> batch = new ArrayList<>();
            List<Link> links = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                String kind = i % 4 == 0 ? "spec" : i % 4 == 1 ? "bug" : i % 4 == 2 ? "blueprint" : "mail";
                String id = kind + ":" + i;
                batch.add(Item.builder(id, kind).project("project-" + (i % 20)).title("Item " + i + " of the bench")
                        .url("https://example.org/" + i).status("open", "New").build());
                if (i % 5 == 0) {
                    links.add(new Link("story-" + (i % stories), id, i % 3 == 0 ? Link.SIMILAR : Link.MENTIONED, (i % 100) / 100.0,
                            i % 2 == 0 ? Link.SUGGESTED : Link.CONFIRMED, "project-" + (i % 20), kind, null,
                            List.of(new Evidence(Link.MENTIONED, "snippet " + i, "text", null))));
                }
                if (batch.size() == 500) {
                    runtime.store().items().upsert(batch, now);
                    batch.clear();
                }
            }
            runtime.store().items().upsert(batch, now);
            LinkStore linkStore = new LinkStore(runtime.store());
            for (int i = 0; i < links.size(); i += 500) {
                linkStore.propose(links.subList(i, Math.min(links.size(), i + 500)), now);
            }
            System.out.printf("loaded %d stories, %d items, %d links in %d ms%n", stories, items, links.size(), (System.nanoTime() - t0) / 1_000_000);
            try (Daemon daemon = new Daemon(runtime)) {
                daemon.start();
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + port;
                // Warm up until the in-memory lists are loaded (they load in the background at start).
                long until = System.nanoTime() + 120_000_000_000L;
                int fast = 0;
                while (fast < 3 && System.nanoTime() < until) {
                    long s0 = System.nanoTime();
                    http.send(HttpRequest.newBuilder(URI.create(base + "/api/items")).build(), HttpResponse.BodyHandlers.ofString());
                    fast = (System.nanoTime() - s0) < 50_000_000L ? fast + 1 : 0;
                }
                for (String path : List.of("/stories/story-42", "/review", "/stories", "/api/stories", "/api/stories/story-42",
                        "/api/items", "/api/items?kind=spec&project=project-4", "/api/links/suggested", "/api/events", "/api/sources")) {
                    long[] times = new long[21];
                    int status = 0;
                    long bytes = 0;
                    for (int w = 0; w < 5; w++) {
                        http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
                    }
                    for (int r = 0; r < times.length; r++) {
                        long s = System.nanoTime();
                        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
                        times[r] = (System.nanoTime() - s) / 1_000;
                        status = resp.statusCode();
                        bytes = resp.body().length();
                    }
                    Arrays.sort(times);
                    System.out.printf("%-40s status %d  %7d chars  median %6.1f ms  p90 %6.1f ms%n", path, status, bytes,
                            times[times.length / 2] / 1000.0, times[(int) (times.length * 0.9)] / 1000.0);
                }
            }
        }
    }
}
