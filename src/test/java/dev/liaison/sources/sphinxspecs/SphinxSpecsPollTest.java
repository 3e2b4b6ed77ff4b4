package dev.liaison.sources.sphinxspecs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.store.Store;
import dev.liaison.testkit.LiaisonHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.builder.NotifyBuilder;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kind end to end on small sites made from real pages: a spec moving from approved to
 * implemented (through a redirect stub), pages that fail and are read again later, a crash
 * before validators are saved, the site root down, and the scheduled route.
 */
class SphinxSpecsPollTest {

    static final String ABORT_SAMPLE = "specs/mitaka/implemented/abort-live-migration.html";
    static final String LOCKED_SAMPLE = "specs/liberty/implemented/add-locking-information-in-server-get-response.html";
    static final Pattern SUMMARY = Pattern.compile(
            "items new=(\\d+) changed=(\\d+) unchanged=(\\d+) requests=(\\d+) not-modified=(\\d+) errors=(\\d+) events=(\\d+)");

    @TempDir Path dir;
    Path site;
    StaticSite server;
    LiaisonHome home;
    Instant clock = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void start() throws IOException {
        site = dir.resolve("site");
        Files.createDirectories(site);
        server = new StaticSite(site, "/openstack/nova-specs/");
        home = new LiaisonHome(dir.resolve("home")).sources("""
                sources:
                  - id: nova-specs
                    kind: sphinx-specs
                    url: %s
                    schedule: 6h
                    project: nova
                    batch-size: 2
                """.formatted(server.root()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Writes a page with a modification time later than any before (so Last-Modified moves on). */
    void page(String path, byte[] body) throws IOException {
        Path p = site.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, body);
        clock = clock.plusSeconds(60);
        Files.setLastModifiedTime(p, FileTime.from(clock));
    }

    void page(String path, String html) throws IOException {
        page(path, html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static byte[] sample(String path) throws IOException {
        return SpecPageParserTest.sample("openstackdocstheme-1.20", path);
    }

    static String links(String... hrefs) {
        StringBuilder sb = new StringBuilder("<html><body><div class=\"body\" role=\"main\"><section id=\"i\"><h1>Index</h1><ul>");
        for (String h : hrefs) {
            sb.append("<li><a href=\"").append(h).append("\">").append(h).append("</a></li>");
        }
        return sb.append("</ul></section></div></body></html>").toString();
    }

    static String stub(String to) {
        return "<html><head><meta http-equiv=\"refresh\" content=\"0; url=" + to + "\" /></head></html>";
    }

    record Counts(long newItems, long changed, long unchanged, long requests, long notModified, long errors, long events) {}

    LiaisonHome.Run last;

    Counts poll(int expectedExit) {
        LiaisonHome.Run run = home.cli("poll", "nova-specs", "--once");
        last = run;
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(expectedExit);
        Matcher m = SUMMARY.matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        long[] c = new long[7];
        for (int i = 0; i < 7; i++) {
            c[i] = Long.parseLong(m.group(i + 1));
        }
        return new Counts(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
    }

    @Test
    void aSpecMovingFromApprovedToImplementedIsOneItemWithOneStatusEvent() throws Exception {
        page("index.html", links("specs/mitaka/index.html"));
        page("specs/mitaka/index.html", links("approved/abort-live-migration.html", "template.html"));
        page("specs/mitaka/approved/abort-live-migration.html", sample(ABORT_SAMPLE));
        page("specs/mitaka/template.html", sample(ABORT_SAMPLE));
        assertThat(poll(0)).isEqualTo(new Counts(1, 0, 0, 3, 0, 0, 1));

        // The spec is implemented: its page moves, the old address becomes a Sphinx redirect stub
        // (the index still links the old address).
        page("specs/mitaka/implemented/abort-live-migration.html", sample(ABORT_SAMPLE));
        page("specs/mitaka/approved/abort-live-migration.html", stub("../implemented/abort-live-migration.html"));
        Counts moved = poll(0);
        assertThat(moved.newItems()).isZero();
        assertThat(moved.changed()).isEqualTo(1);
        assertThat(moved.errors()).isZero();

        try (LiaisonRuntime runtime = home.open()) {
            Store store = runtime.store();
            assertThat(store.items().count()).isEqualTo(1);
            Item item = store.items().find("spec:nova/abort-live-migration").orElseThrow();
            assertThat(item.status()).isEqualTo("implemented");
            assertThat(item.url()).endsWith("/specs/mitaka/implemented/abort-live-migration.html");
            List<Event> status = store.events().since(Instant.EPOCH, Event.ITEM_STATUS, 10);
            assertThat(status).singleElement().satisfies(e -> {
                assertThat(e.itemId()).isEqualTo("spec:nova/abort-live-migration");
                assertThat(e.data()).containsEntry("from", "approved").containsEntry("to", "implemented");
            });
            assertThat(store.events().count(Event.ITEM_NEW)).isEqualTo(1);
        }

        // Unchanged: every page, the stub and the page it leads to included, answered 304.
        Counts again = poll(0);
        assertThat(again).isEqualTo(new Counts(0, 0, 0, 4, 4, 0, 0));
    }

    @Test
    void failedPagesAreReportedAndReadAgainAtTheNextPoll() throws Exception {
        home.properties("liaison.fetch.retries=1\nliaison.fetch.max-body=46KB\n");
        page("index.html", links("specs/liberty/index.html", "specs/mitaka/index.html", "specs/missing/index.html"));
        page("specs/liberty/index.html", links("implemented/add-locking-information-in-server-get-response.html",
                "approved/cut.html", "approved/moved-away.html", "approved/gone.html"));
        page("specs/mitaka/index.html", links("implemented/abort-live-migration.html"));
        page("specs/liberty/implemented/add-locking-information-in-server-get-response.html", sample(LOCKED_SAMPLE));
        byte[] whole = sample(LOCKED_SAMPLE);
        page("specs/liberty/approved/cut.html", Arrays.copyOf(whole, whole.length / 3));
        page("specs/liberty/approved/moved-away.html", stub("https://docs.openstack.org/placement/latest/specs/moved.html"));
        page("specs/mitaka/implemented/abort-live-migration.html", sample(ABORT_SAMPLE)); // 49 KB: over max-body
        server.fail("specs/liberty/approved/gone.html", 500);

        Counts first = poll(0);
        assertThat(first.newItems()).as("the one good spec").isEqualTo(1);
        // the missing index (404), the truncated page, the page over max-body, the 500 after its retry
        assertThat(first.errors()).isEqualTo(4);
        assertThat(last.err()).contains("specs/liberty/approved/cut.html: page is truncated")
                .contains("abort-live-migration.html").contains("exceeds the limit of 47104 bytes")
                .contains("specs/liberty/approved/gone.html")
                .contains("specs/missing/index.html")
                .doesNotContain("moved-away");

        // Repaired: the next poll reads exactly what failed; nothing read before is rewritten.
        server.heal();
        home.properties("liaison.fetch.retries=1\n");
        page("specs/liberty/approved/cut.html", whole);
        page("specs/liberty/approved/gone.html", sample(LOCKED_SAMPLE));
        server.resetCounts();
        Counts second = poll(0);
        assertThat(second.newItems()).as("cut, abort-live-migration and gone").isEqualTo(3);
        assertThat(second.changed()).isZero();
        assertThat(second.errors()).as("only the index that does not exist").isEqualTo(1);
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().list("spec", "nova-specs", 100)).extracting(Item::id).containsExactlyInAnyOrder(
                    "spec:nova/add-locking-information-in-server-get-response",
                    "spec:nova/cut", "spec:nova/gone", "spec:nova/abort-live-migration");
        }
    }

    @Test
    void aCrashBeforeValidatorsAreSavedDoublesNothing() throws Exception {
        page("index.html", links("specs/mitaka/index.html"));
        page("specs/mitaka/index.html", links("implemented/abort-live-migration.html",
                "../liberty/implemented/add-locking-information-in-server-get-response.html"));
        page("specs/mitaka/implemented/abort-live-migration.html", sample(ABORT_SAMPLE));
        page("specs/liberty/implemented/add-locking-information-in-server-get-response.html", sample(LOCKED_SAMPLE));
        assertThat(poll(0).newItems()).isEqualTo(2);
        try (LiaisonRuntime runtime = home.open()) {
            // As if the process died after storing the items, before the validators and cursor.
            runtime.store().collection(Store.HTTP_VALIDATORS).deleteMany(new Document());
            runtime.store().collection(Store.SOURCE_STATE).deleteMany(new Document());
        }
        Counts rerun = poll(0);
        assertThat(rerun).isEqualTo(new Counts(0, 0, 2, 4, 0, 0, 0));
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().count()).isEqualTo(2);
            assertThat(runtime.store().events().count()).isEqualTo(2);
        }
        assertThat(poll(0)).isEqualTo(new Counts(0, 0, 0, 4, 4, 0, 0));
    }

    @Test
    void itemsStoredWithoutTheirStoryReferencesAreReadAgainOnceAndGainThem() throws Exception {
        String cited = new String(sample(ABORT_SAMPLE), java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("(<h2>Problem description)", "<p>User-Story: ha-vm-recovery</p>$1");
        page("index.html", links("specs/mitaka/index.html"));
        page("specs/mitaka/index.html", links("implemented/abort-live-migration.html",
                "../liberty/implemented/add-locking-information-in-server-get-response.html"));
        page("specs/mitaka/implemented/abort-live-migration.html", cited);
        page("specs/liberty/implemented/add-locking-information-in-server-get-response.html", sample(LOCKED_SAMPLE));
        assertThat(poll(0)).isEqualTo(new Counts(2, 0, 0, 4, 0, 0, 2));
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().find("spec:nova/abort-live-migration").orElseThrow().refs())
                    .extracting(Ref::target).contains("story:ha-vm-recovery");
            // As an earlier version left it: the item without its story reference, a cursor without the refs mark.
            Item old = runtime.store().items().find("spec:nova/abort-live-migration").orElseThrow();
            runtime.store().collection(Store.ITEMS).updateOne(new Document("_id", old.id()), new Document("$set", new Document("refs",
                    runtime.store().collection(Store.ITEMS).find(new Document("_id", old.id())).first()
                            .getList("refs", Document.class).stream().filter(r -> !Ref.STORY.equals(r.getString("type"))).toList())
                    .append("hash", "from-an-earlier-version")));
            dev.liaison.store.SpecSiteCursor c = runtime.store().sourceState().specSiteCursor("nova-specs");
            runtime.store().sourceState().saveSpecSiteCursor("nova-specs", new dev.liaison.store.SpecSiteCursor(c.ids(), null,
                    c.indexes(), c.redirects()));
            assertThat(runtime.store().items().find(old.id()).orElseThrow().refs()).extracting(Ref::target)
                    .doesNotContain("story:ha-vm-recovery");
        }
        assertThat(poll(0)).as("every page read again, no 304; only the item that lacked a reference changes")
                .isEqualTo(new Counts(0, 1, 1, 4, 0, 0, 1));
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().find("spec:nova/abort-live-migration").orElseThrow().refs())
                    .extracting(Ref::target).contains("story:ha-vm-recovery");
        }
        assertThat(poll(0)).as("conditional again").isEqualTo(new Counts(0, 0, 0, 4, 4, 0, 0));
    }

    @Test
    void anIndexFolderAndItsIndexHtmlAreReadOnce() throws Exception {
        // Sphinx pages link the root as "index.html" and release indexes both as "specs/mitaka/"
        // and "specs/mitaka/index.html": one page each, fetched once per poll.
        page("index.html", links("index.html", "specs/mitaka/", "specs/mitaka/index.html"));
        page("specs/mitaka/index.html", links("../../index.html", "index.html", "approved/abort-live-migration.html"));
        page("specs/mitaka/approved/abort-live-migration.html", sample(ABORT_SAMPLE));
        assertThat(poll(0)).as("the root, the mitaka index, the spec").isEqualTo(new Counts(1, 0, 0, 3, 0, 0, 1));
        assertThat(server.requests()).isEqualTo(3);
        assertThat(poll(0)).isEqualTo(new Counts(0, 0, 0, 3, 3, 0, 0));
    }

    @Test
    void aSpecReProposedForLaterReleasesIsOneItemThatKnowsEveryReleaseAndMovesWithTheLatest() throws Exception {
        page("index.html", links("specs/liberty/index.html", "specs/mitaka/index.html"));
        page("specs/liberty/index.html", links("approved/abort-live-migration.html"));
        page("specs/mitaka/index.html", links("approved/abort-live-migration.html"));
        page("specs/liberty/approved/abort-live-migration.html", sample(ABORT_SAMPLE));
        page("specs/mitaka/approved/abort-live-migration.html", sample(ABORT_SAMPLE));
        Counts first = poll(0);
        assertThat(first.newItems()).as("two copies, one spec").isEqualTo(1);
        try (LiaisonRuntime runtime = home.open()) {
            Item item = runtime.store().items().find("spec:nova/abort-live-migration").orElseThrow();
            assertThat(item.release()).as("the latest release").isEqualTo("mitaka");
            assertThat(item.status()).isEqualTo("approved");
            assertThat(item.url()).endsWith("/specs/mitaka/approved/abort-live-migration.html");
            assertThat(item.attributes().get("releases")).isEqualTo(List.of("liberty", "mitaka"));
            assertThat(runtime.store().items().find("spec:nova/liberty/abort-live-migration"))
                    .as("an old id (release in it) finds the one item").map(Item::id).contains("spec:nova/abort-live-migration");
        }

        // Re-proposed for newton, implemented there: the same item moves, with one status event.
        page("index.html", links("specs/liberty/index.html", "specs/mitaka/index.html", "specs/newton/index.html"));
        page("specs/newton/index.html", links("implemented/abort-live-migration.html"));
        page("specs/newton/implemented/abort-live-migration.html", sample(ABORT_SAMPLE));
        Counts moved = poll(0);
        assertThat(moved.newItems()).isZero();
        assertThat(moved.changed()).isEqualTo(1);
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().count()).isEqualTo(1);
            Item item = runtime.store().items().find("spec:nova/abort-live-migration").orElseThrow();
            assertThat(item.release()).isEqualTo("newton");
            assertThat(item.status()).isEqualTo("implemented");
            assertThat(item.attributes().get("releases")).isEqualTo(List.of("liberty", "mitaka", "newton"));
            assertThat(runtime.store().events().since(Instant.EPOCH, Event.ITEM_STATUS, 10)).singleElement().satisfies(e ->
                    assertThat(e.data()).containsEntry("from", "approved").containsEntry("to", "implemented")
                            .containsEntry("fromRelease", "mitaka").containsEntry("toRelease", "newton"));
        }
        assertThat(poll(0)).as("unchanged: all 304, nothing written").isEqualTo(new Counts(0, 0, 0, 7, 7, 0, 0));
    }

    @Test
    void itemsAndLinksOfTheOldIdsMoveToOneItemPerSpec() throws Exception {
        page("index.html", links("specs/liberty/index.html", "specs/mitaka/index.html"));
        page("specs/liberty/index.html", links("approved/abort-live-migration.html"));
        page("specs/mitaka/index.html", links("approved/abort-live-migration.html"));
        page("specs/liberty/approved/abort-live-migration.html", sample(ABORT_SAMPLE));
        page("specs/mitaka/approved/abort-live-migration.html", sample(ABORT_SAMPLE));
        // What an earlier version stored: one item per release copy, links and a tracker's declared link to them.
        try (LiaisonRuntime runtime = home.open()) {
            Store store = runtime.store();
            List<Item> old = List.of(
                    Item.builder("spec:nova/liberty/abort-live-migration", "spec").source("nova-specs").project("nova")
                            .title("Abort live migration").status("approved", "approved").release("liberty").build(),
                    Item.builder("spec:nova/mitaka/abort-live-migration", "spec").source("nova-specs").project("nova")
                            .title("Abort live migration").status("approved", "approved").release("mitaka").build());
            store.items().upsert(old);
            var evidence = List.of(new dev.liaison.story.Evidence("declared", "tracker", "tracker", null));
            new dev.liaison.store.LinkStore(store).propose(List.of(
                    new dev.liaison.story.Link("live-migration", "spec:nova/liberty/abort-live-migration",
                            dev.liaison.story.Link.DECLARED, 1.0, dev.liaison.story.Link.CONFIRMED, "nova", "spec", "pending", evidence),
                    new dev.liaison.story.Link("live-migration", "spec:nova/mitaka/abort-live-migration",
                            dev.liaison.story.Link.SIMILAR, 0.4, dev.liaison.story.Link.SUGGESTED, "nova", "spec", null, evidence),
                    new dev.liaison.story.Link("other-story", "spec:nova/mitaka/abort-live-migration",
                            dev.liaison.story.Link.SIMILAR, 0.3, dev.liaison.story.Link.SUGGESTED, "nova", "spec", null, evidence)),
                    Instant.parse("2026-01-01T00:00:00Z"));
            store.sourceState().saveCursor("nova-specs", new Document("indexes", List.of()));
        }
        Counts c = poll(0);
        assertThat(c.newItems()).as("the one item per spec, every page read again").isEqualTo(1);
        try (LiaisonRuntime runtime = home.open()) {
            Store store = runtime.store();
            assertThat(store.items().list("spec", "nova-specs", 10)).extracting(Item::id)
                    .containsExactly("spec:nova/abort-live-migration");
            var links = new dev.liaison.store.LinkStore(store);
            assertThat(links.forStory("live-migration")).singleElement().satisfies(l -> {
                assertThat(l.item()).isEqualTo("spec:nova/abort-live-migration");
                assertThat(l.state()).as("the tracker's confirmed link wins over the suggestion").isEqualTo("confirmed");
                assertThat(l.trackerStatus()).isEqualTo("pending");
            });
            assertThat(links.forStory("other-story")).extracting(dev.liaison.story.Link::item)
                    .containsExactly("spec:nova/abort-live-migration");
            assertThat(links.find("live-migration", "spec:nova/mitaka/abort-live-migration")).as("found by its old id").isPresent();
            assertThat(links.reject("other-story", "spec:nova/liberty/abort-live-migration", "test", Instant.now()))
                    .as("a decision on an old id lands on the one item").isTrue();
            assertThat(links.find("other-story", "spec:nova/abort-live-migration").orElseThrow().state()).isEqualTo("rejected");
        }
        assertThat(poll(0).newItems() + poll(0).changed()).as("migrated once").isZero();
    }

    @Test
    void anIndexWhoseSpecPagesAreMostlyNoSpecsFailsThePollButKeepsWhatItRead() throws Exception {
        page("index.html", links("specs/mitaka/index.html"));
        page("specs/mitaka/index.html", links("implemented/abort-live-migration.html", "approved/a.html", "approved/b.html",
                "approved/c.html"));
        page("specs/mitaka/implemented/abort-live-migration.html", sample(ABORT_SAMPLE));
        for (String name : new String[] {"a", "b", "c"}) {
            page("specs/mitaka/approved/" + name + ".html", "<html><body><div class=\"body\" role=\"main\"><p>moved</p></div></body></html>");
        }
        Counts failed = poll(1);
        assertThat(failed.newItems()).as("the one real spec is stored all the same").isEqualTo(1);
        assertThat(last.out() + last.err()).contains("index lists 4 spec pages; 3 of them are no spec page");
        try (LiaisonRuntime runtime = home.open()) {
            var health = runtime.store().sourceState().health("nova-specs").orElseThrow();
            assertThat(health.lastErrorMessage()).contains("3 of them are no spec page");
            assertThat(health.consecutiveFailures()).isEqualTo(1);
        }
    }

    @Test
    void theSiteRootDownFailsThePollAndLosesNothing() throws Exception {
        page("index.html", links("specs/mitaka/index.html"));
        page("specs/mitaka/index.html", links("implemented/abort-live-migration.html"));
        page("specs/mitaka/implemented/abort-live-migration.html", sample(ABORT_SAMPLE));
        assertThat(poll(0).newItems()).isEqualTo(1);
        home.properties("liaison.fetch.retries=0\n");
        server.fail("", 503);
        Counts failed = poll(1);
        assertThat(failed.newItems() + failed.changed()).isZero();
        server.heal();
        assertThat(poll(0)).isEqualTo(new Counts(0, 0, 0, 3, 3, 0, 0));
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().count()).isEqualTo(1);
            assertThat(runtime.store().sourceState().health("nova-specs").orElseThrow().consecutiveFailures()).isZero();
        }
    }

    @Test
    void maxPagesBoundsWhatOnePollReads() throws Exception {
        home.sources("""
                sources:
                  - id: nova-specs
                    kind: sphinx-specs
                    url: %s
                    schedule: 6h
                    max-pages: 2
                """.formatted(server.root()));
        page("index.html", links("specs/mitaka/index.html"));
        page("specs/mitaka/index.html", links("approved/a.html", "approved/b.html", "approved/c.html"));
        for (String name : List.of("a", "b", "c")) {
            page("specs/mitaka/approved/" + name + ".html", sample(ABORT_SAMPLE));
        }
        Counts c = poll(0);
        assertThat(c.newItems()).isEqualTo(2);
        assertThat(c.errors()).isEqualTo(1);
        assertThat(last.err()).contains("3 spec pages found, more than max-pages=2: only the first 2 were read");
        try (LiaisonRuntime runtime = home.open()) {
            assertThat(runtime.store().items().list("spec", "nova-specs", 10)).extracting(Item::id)
                    .as("project read from the URL's <project>-specs").containsExactly("spec:nova/a", "spec:nova/b");
        }
    }

    @Test
    void aSourceWithoutAProjectOrUsableUrlIsRefusedAtLoad() {
        home.sources("""
                sources:
                  - id: some-specs
                    kind: sphinx-specs
                    url: http://127.0.0.1:1/docs
                    schedule: 6h
                """);
        LiaisonHome.Run run = home.cli("poll", "some-specs", "--once");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("set the project (spec ids are spec:<project>/<name>)");
    }

    @Test
    void theScheduledRoutePollsTheSite() throws Exception {
        page("index.html", links("specs/mitaka/index.html"));
        page("specs/mitaka/index.html", links("implemented/abort-live-migration.html"));
        page("specs/mitaka/implemented/abort-live-migration.html", sample(ABORT_SAMPLE));
        try (LiaisonRuntime runtime = home.open(); Daemon daemon = new Daemon(runtime)) {
            daemon.start();
            assertThat(daemon.camelContext().getRoute("nova-specs")).as("route from the sphinx-specs template").isNotNull();
            NotifyBuilder polled = new NotifyBuilder(daemon.camelContext()).fromRoute("nova-specs").whenDone(1).create();
            assertThat(polled.matches(20, TimeUnit.SECONDS)).isTrue();
            assertThat(runtime.store().items().find("spec:nova/abort-live-migration")).isPresent();
        }
    }
}
