package dev.liaison.web;

import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Item;
import dev.liaison.store.LinkStore;
import dev.liaison.store.StoryStore;
import dev.liaison.story.Backer;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import dev.liaison.story.Story;
import dev.liaison.testkit.LiaisonHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A running daemon with a small, realistic data set: two stories (one whose title holds a script
 * tag), spec, blueprint, bug and mail items, and declared, mentioned and similar links.
 */
final class WebFixture implements AutoCloseable {

    static final String TOKEN = "test-api-token-0123456789";

    final LiaisonHome home;
    final LiaisonRuntime runtime;
    final Daemon daemon;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    WebFixture(Path dir) throws Exception {
        home = new LiaisonHome(dir);
        home.env().put("LIAISON_API_TOKEN", TOKEN);
        runtime = home.open();
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        new StoryStore(runtime.store()).upsert(List.of(
                new Story("rolling-upgrades", "Rolling upgrades", "Operators need to upgrade without downtime.", "tracked",
                        List.of("nova", "cinder", "neutron"), List.of("operators"), List.of("zero downtime upgrades"),
                        List.of("pm@example.org"), List.of(new Backer("ACME Cloud", 1), new Backer("Example Telco", 2)), "fixture"),
                new Story("evil-story", "Evil <script>alert('x')</script> story", "text", "proposed", List.of("nova"),
                        List.of(), List.of(), List.of(), List.of(new Backer("ACME Cloud", 2)), "fixture")), now);
        runtime.store().items().upsert(List.of(
                Item.builder("spec:nova/online-schema-changes", "spec").project("nova").title("Online Schema Changes")
                        .url("https://specs.openstack.org/openstack/nova-specs/specs/liberty/implemented/online-schema-changes.html")
                        .status("implemented", "implemented").build(),
                Item.builder("bp:nova/online-schema-changes", "blueprint").project("nova").title("Online schema changes")
                        .url("https://blueprints.launchpad.net/nova/+spec/online-schema-changes").status("fixed", "Implemented").build(),
                Item.builder("bug:1521928", "bug").project("nova").title("Upgrade fails <b>bold</b>")
                        .url("https://bugs.launchpad.net/nova/+bug/1521928").status("open", "Confirmed").build(),
                Item.builder("mail:product-wg/2015-August/000123", "mail").project("product-wg").title("Nova and the Product WG")
                        .url("http://lists.openstack.org/pipermail/product-wg/2015-August/000123.html").build()), now);
        new LinkStore(runtime.store()).propose(List.of(
                new Link("rolling-upgrades", "bp:nova/online-schema-changes", Link.DECLARED, 1.0, Link.CONFIRMED, "nova", "blueprint",
                        "complete", List.of(new Evidence(Link.DECLARED, "tracker lists it", "tracker", null))),
                new Link("rolling-upgrades", "spec:nova/online-schema-changes", Link.VIA, 0.7, Link.SUGGESTED, "nova", "spec",
                        null, List.of(new Evidence(Link.VIA, "spec cites the blueprint", "spec", "bp:nova/online-schema-changes"))),
                // Mentions, not similar suggestions: the daemon's linker ranks similar ones again
                // from the texts, and these fixture texts are too short to keep them.
                new Link("rolling-upgrades", "bug:1521928", Link.MENTIONED, 0.41, Link.SUGGESTED, "nova", "bug", null,
                        List.of(new Evidence(Link.MENTIONED, "upgrade <without> downtime", "title", null))),
                new Link("rolling-upgrades", "mail:product-wg/2015-August/000123", Link.MENTIONED, 0.9, Link.SUGGESTED, "product-wg",
                        "mail", null, List.of(new Evidence(Link.MENTIONED, "rolling upgrades", "body", null))),
                new Link("evil-story", "bug:1521928", Link.MENTIONED, 0.3, Link.SUGGESTED, "nova", "bug", null,
                        List.of(new Evidence(Link.MENTIONED, "<img src=x onerror=alert(1)>", "title", null)))), now);
        daemon = new Daemon(runtime);
        daemon.start();
    }

    String base() {
        return "http://127.0.0.1:" + home.httpPort();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        daemon.close();
        runtime.close();
    }
}
