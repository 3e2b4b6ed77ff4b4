package dev.liaison.sources.pipermail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.sources.mail.ThreadQueries;
import dev.liaison.testkit.LiaisonHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipermail kind end to end: command line, poll service, fetcher, parsers, store. */
class PipermailSourceTest {

    static final Path PWG = Path.of("src/test/resources/fixtures/pipermail/product-wg");
    static final String PREFIX = "/pipermail/product-wg/";

    @TempDir Path dir;
    ArchiveServer server;
    LiaisonHome home;

    @BeforeEach
    void start() {
        server = new ArchiveServer().tree(PWG, PREFIX);
        home = home("");
    }

    LiaisonHome home(String options) {
        return new LiaisonHome(dir).sources("""
                sources:
                  - id: pwg
                    kind: pipermail
                    url: http://127.0.0.1:%d/pipermail/product-wg/
                    schedule: 1h
                    project: nova
                %s""".formatted(server.port(), options));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    LiaisonHome.Run poll(String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "poll"; args[1] = "pwg"; args[2] = "--once";
        System.arraycopy(extra, 0, args, 3, extra.length);
        return home.cli(args);
    }

    @Test
    void backfillStoresEveryMonthThreadedThenASecondPollOnlyRevalidates() throws Exception {
        LiaisonHome.Run first = poll("--since", "2015-07");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("items new=7 ", " errors=0 ");
        assertThat(server.requests(PREFIX + "2015-[A-Za-z]+/\\d{6}\\.html")).isEqualTo(7);

        try (LiaisonRuntime rt = home.open()) {
            Item real = rt.store().items().find("mail:product-wg/2015-August/000198").orElseThrow();
            assertThat(real.kind()).isEqualTo("mail");
            assertThat(real.title()).isEqualTo("Re: [Product] Nova and the Product Working Group");
            assertThat(real.author()).isEqualTo("John Garbutt");
            assertThat(real.url()).endsWith("/pipermail/product-wg/2015-August/000198.html");
            assertThat(real.created()).isEqualTo(Instant.parse("2015-08-11T22:08:35Z"));
            assertThat(real.text()).contains("Q: I know feature B, C and D are high priority").doesNotContain("&gt;");
            assertThat(real.attributes()).containsEntry("list", "product-wg")
                    .containsEntry("address", "john@johngarbutt.com")
                    .containsEntry("tags", List.of("product"))
                    .containsEntry("thread", "thread:product-wg/2015-August/000190")
                    .containsEntry("parent", "mail:product-wg/2015-August/000195")
                    .containsEntry("messageId", "CABib2_real-pwg-198@mail.gmail.com")
                    .containsEntry("dateZone", "Z");
            assertThat((List<?>) real.attributes().get("quoted")).isNotEmpty();

            Item bugMail = rt.store().items().find("mail:product-wg/2015-August/000195").orElseThrow();
            assertThat(bugMail.refs()).extracting(Ref::target).contains("bug:1474079");

            Item september = rt.store().items().find("mail:product-wg/2015-September/000203").orElseThrow();
            assertThat(september.attributes()).as("a thread crosses the month boundary")
                    .containsEntry("thread", "thread:product-wg/2015-August/000190");
            assertThat(september.refs()).extracting(Ref::target).contains("bp:nova/online-schema-changes", "review:206580");

            ThreadQueries.Thread thread = new ThreadQueries(rt.store()).thread("thread:product-wg/2015-August/000190").orElseThrow();
            assertThat(thread.root().id()).isEqualTo("mail:product-wg/2015-August/000190");
            assertThat(thread.messages()).extracting(Item::id).containsExactly(
                    "mail:product-wg/2015-August/000190", "mail:product-wg/2015-August/000191",
                    "mail:product-wg/2015-August/000195", "mail:product-wg/2015-August/000198",
                    "mail:product-wg/2015-September/000203");
            assertThat(thread.participants()).extracting(ThreadQueries.Participant::address)
                    .containsExactly("john@johngarbutt.com", "itzshamail@gmail.com", "carol.l.barrett@intel.com");
            assertThat(thread.participants().get(0).messages()).isEqualTo(2);
            assertThat(thread.lastActivity()).isEqualTo(Instant.parse("2015-09-01T13:10:52Z"));
            assertThat(new ThreadQueries(rt.store()).threadOf("mail:product-wg/2015-August/000191")).get()
                    .extracting(ThreadQueries.Thread::id).isEqualTo("thread:product-wg/2015-August/000190");
            assertThat(rt.store().events().count(Event.ITEM_NEW)).isEqualTo(7);
            assertThat(rt.store().sourceState().cursor("pwg").get("months", org.bson.Document.class).keySet())
                    .containsExactlyInAnyOrder("2015-July", "2015-August", "2015-September");
        }

        server.resetRequests();
        LiaisonHome.Run second = poll();
        assertThat(second.out()).contains("items new=0 ", "requests=2 ", "not-modified=2 ");
        assertThat(server.requests(PREFIX + ".*\\d{6}\\.html")).isZero();

        server.resetRequests();
        LiaisonHome.Run again = poll("--since", "2015-07");
        assertThat(again.out()).contains("items new=0 ", "requests=4 ", "not-modified=4 ");
        assertThat(server.requests(PREFIX + ".*\\d{6}\\.html")).isZero();
    }

    @Test
    void theScheduledRouteReadsTheLatestMonthsOnItsFirstPoll() throws Exception {
        home = home("    initial-months: 3\n");
        try (LiaisonRuntime rt = home.open(); dev.liaison.app.Daemon daemon = new dev.liaison.app.Daemon(rt)) {
            daemon.start();
            org.apache.camel.builder.NotifyBuilder polled = new org.apache.camel.builder.NotifyBuilder(daemon.camelContext())
                    .fromRoute("pwg").whenDone(1).create();
            assertThat(polled.matches(20, java.util.concurrent.TimeUnit.SECONDS)).as("first scheduled poll ran").isTrue();
            assertThat(rt.store().items().countBySource("pwg")).isEqualTo(7);
            assertThat(rt.store().sourceState().health("pwg").orElseThrow().lastSuccess()).isNotNull();
        }
    }

    @Test
    void aFailedPageIsFetchedAgainNextTimeAndNothingElseIs() {
        server.status(PREFIX + "2015-August/000195.html", 503);
        LiaisonHome.Run first = poll("--since", "2015-08");
        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("items new=5 ");
        assertThat(first.err()).contains("2015-August/000195.html");

        server.server.resetAll();
        server.tree(PWG, PREFIX);
        LiaisonHome.Run second = poll("--since", "2015-08");
        assertThat(second.out()).contains("items new=1 ", " errors=0 ");
        assertThat(server.requests(PREFIX + ".*\\d{6}\\.html")).isEqualTo(1);
        assertThat(server.requests(PREFIX + "2015-August/000195.html")).isEqualTo(1);
    }

    @Test
    void aMonthATransientFailureLeftUnfinishedIsReadByLaterPollsAndShownUntilWhole() {
        // the backfill reads August; one page fails; later polls read only the newest month,
        // yet August is read again until it is whole, and status shows the hole meanwhile
        server.status(PREFIX + "2015-August/000195.html", 503);
        LiaisonHome.Run first = poll("--since", "2015-08");
        assertThat(first.exitCode()).isZero();
        assertThat(first.err()).contains("gap: month 2015-August not read whole");
        assertThat(home.cli("status").out()).contains("last error: gap: month 2015-August not read whole");
        LiaisonHome.Run still = poll();
        assertThat(still.err()).contains("gap: month 2015-August not read whole");
        server.server.resetAll();
        server.tree(PWG, PREFIX);
        LiaisonHome.Run filled = poll();
        assertThat(filled.out()).as(filled.err()).contains("items new=1 ", " errors=0 ");
        assertThat(server.requests(PREFIX + "2015-August/000195.html")).isEqualTo(1);
        assertThat(poll().err()).doesNotContain("gap");
    }

    @Test
    void aMessagePageThatChangedIsReadAgain() throws Exception {
        assertThat(poll("--since", "2015-08").out()).contains("items new=6 ");
        // the archive is regenerated: 000195 is now another message (index and page agree)
        String page = Files.readString(PWG.resolve("2015-August/000195.html"))
                .replace("Re: [Product] Nova and the Product Working Group</H1>", "[Product] Ironic and the Product Working Group</H1>")
                .replace("<TITLE> Re: [Product] Nova and the Product Working Group", "<TITLE> [Product] Ironic and the Product Working Group");
        String index = Files.readString(PWG.resolve("2015-August/thread.html"))
                .replace("<A HREF=\"000195.html\">Re: [Product] Nova and the Product Working Group", "<A HREF=\"000195.html\">[Product] Ironic and the Product Working Group");
        server.file(PREFIX + "2015-August/000195.html", page.getBytes(StandardCharsets.UTF_8));
        server.file(PREFIX + "2015-August/thread.html", index.getBytes(StandardCharsets.UTF_8));
        server.server.resetRequests();
        LiaisonHome.Run run = poll("--since", "2015-08");
        assertThat(run.out()).as(run.err()).contains("items new=0 ", "changed=1 ");
        assertThat(server.requests(PREFIX + ".*\\d{6}\\.html")).as("only the changed page").isEqualTo(1);
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().list("mail", "pwg", 100)).filteredOn(i -> i.id().endsWith("/000195"))
                    .singleElement().satisfies(i -> assertThat(i.title()).contains("Ironic"));
        }
    }

    @Test
    void missingBrokenAndHugePagesAreRecordedAndTheRestIsStored() throws Exception {
        server.status(PREFIX + "2015-August/000191.html", 404);
        server.file(PREFIX + "2015-August/000193.html", "<html><body><h1>Oops</h1><p>unclosed".getBytes(StandardCharsets.UTF_8));
        byte[] huge = new byte[20 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'a');
        server.file(PREFIX + "2015-August/000190.html", huge);
        LiaisonHome.Run run = poll("--since", "2015-08");
        assertThat(run.exitCode()).as("never fatal").isZero();
        assertThat(run.out()).contains("items new=3 ", " errors=3 ");
        assertThat(run.err()).contains("000191.html: http status - HTTP 404")
                .contains("000193.html: not a pipermail message page")
                .contains("000190.html: too large");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().countBySource("pwg")).isEqualTo(3);
            assertThat(rt.store().sourceState().health("pwg").orElseThrow().lastErrorMessage()).isNotBlank();
        }
    }

    @Test
    void aShrunkIndexOrAVanishedMonthIsReportedAndNothingIsDeleted() throws Exception {
        assertThat(poll("--since", "2015-07").out()).contains("items new=7 ");
        String thread = Files.readString(PWG.resolve("2015-August/thread.html"));
        String shrunk = thread.substring(0, thread.indexOf("<!--1 ")) + thread.substring(thread.lastIndexOf("<!--0 "));
        server.file(PREFIX + "2015-August/thread.html", shrunk.getBytes(StandardCharsets.UTF_8));
        String toc = Files.readString(PWG.resolve("index.html"));
        String noJuly = toc.replaceAll("(?s)<tr>\\s*<td>July 2015:.*?</tr>", "");
        server.file(PREFIX, noJuly.getBytes(StandardCharsets.UTF_8));
        LiaisonHome.Run run = poll("--since", "2015-07");
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).as(run.out()).contains("shrank from 5 to 2 messages").contains("month 2015-July: no longer listed");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().countBySource("pwg")).isEqualTo(7);
            assertThat(rt.store().items().list("mail", "pwg", 100)).filteredOn(i -> "deleted".equals(i.status()))
                    .as("the three August messages no longer listed: kept, marked").extracting(Item::id)
                    .containsExactlyInAnyOrder("mail:product-wg/2015-August/000191", "mail:product-wg/2015-August/000195",
                            "mail:product-wg/2015-August/000198");
        }
        LiaisonHome.Run again = poll("--since", "2015-08");
        assertThat(again.err()).as("a shrink is reported once").doesNotContain("shrank");
    }

    @Test
    void aRegeneratedMonthWithFewerMessagesKeepsEveryStoredMessage() throws Exception {
        assertThat(poll("--since", "2015-08").out()).contains("items new=6 ");
        Map<String, Item> before = new java.util.HashMap<>();
        try (LiaisonRuntime rt = home.open()) {
            rt.store().items().list("mail", "pwg", 100).forEach(i -> before.put(i.id(), i));
        }
        // the archive regenerated without 000191: every later message takes the next lower number
        Path aug = PWG.resolve("2015-August");
        String thread = Files.readString(aug.resolve("thread.html"));
        thread = thread.substring(0, thread.indexOf("<!--1 0000191")) + thread.substring(thread.indexOf("<!--2 0000195"));
        thread = thread.replace("000193", "000191").replace("000195", "000193").replace("000198", "000195");
        server.file(PREFIX + "2015-August/thread.html", thread.getBytes(StandardCharsets.UTF_8));
        server.file(PREFIX + "2015-August/000191.html", Files.readAllBytes(aug.resolve("000193.html")));
        server.file(PREFIX + "2015-August/000193.html", Files.readAllBytes(aug.resolve("000195.html")));
        server.file(PREFIX + "2015-August/000195.html", Files.readAllBytes(aug.resolve("000198.html")));
        server.status(PREFIX + "2015-August/000198.html", 404);
        LiaisonHome.Run run = poll("--since", "2015-08");
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).as(run.out()).contains("shrank from 5 to 4 messages", "1 no longer listed now marked deleted");
        try (LiaisonRuntime rt = home.open()) {
            List<Item> all = rt.store().items().list("mail", "pwg", 100);
            for (Item old : before.values()) {
                assertThat(all).as("still stored: " + old.id() + " " + old.title())
                        .anySatisfy(i -> {
                            assertThat(i.text()).isEqualTo(old.text());
                            assertThat(i.attributes().get("messageId")).isEqualTo(old.attributes().get("messageId"));
                        });
            }
            Map<String, Item> byId = new java.util.HashMap<>();
            all.forEach(i -> byId.put(i.id(), i));
            assertThat(byId.get("mail:product-wg/2015-August/000191").attributes().get("messageId"))
                    .as("a number holds the message its page shows now")
                    .isEqualTo(before.get("mail:product-wg/2015-August/000193").attributes().get("messageId"));
            assertThat(byId.get("mail:product-wg/2015-August/000193").status()).isNull();
            assertThat(all).filteredOn(i -> i.id().contains("~")).as("the messages their numbers no longer show, kept and marked")
                    .hasSize(3).allSatisfy(i -> {
                        assertThat(i.status()).isEqualTo("deleted");
                        assertThat(i.statusRaw()).contains("another message");
                    });
            assertThat(byId.get("mail:product-wg/2015-August/000198").status()).isEqualTo("deleted");
        }
    }

    @Test
    void aBrokenTableOfContentsFallsBackToTheMonthsListedBefore() throws Exception {
        server.status(PREFIX + "2015-September/thread.html", 503);
        assertThat(poll("--since", "2015-07").out()).contains("items new=6 ");
        server.server.resetAll();
        server.tree(PWG, PREFIX);
        server.file(PREFIX, "<html><body>Service temporarily unavailable".getBytes(StandardCharsets.UTF_8));
        LiaisonHome.Run run = poll();
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("no months found");
        assertThat(run.out()).as("the newest month known from before is still read").contains("items new=1 ");
    }

    @Test
    void withoutAThreadIndexTheDateIndexIsRead() throws Exception {
        server.status(PREFIX + "2015-August/thread.html", 404);
        LiaisonHome.Run run = poll("--since", "2015-08");
        assertThat(run.out()).contains("items new=6 ", " errors=1 ");
        assertThat(run.err()).contains("2015-August/thread.html");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().items().find("mail:product-wg/2015-August/000198").orElseThrow().attributes())
                    .as("no nesting without thread.html: each message is its own thread start")
                    .doesNotContainKey("parent");
        }
    }

    @Test
    void nearAMonthBoundaryTheIncrementalPollAlsoChecksThePreviousMonth() {
        var config = new dev.liaison.config.SourceConfig("pwg", "pipermail",
                java.net.URI.create("http://127.0.0.1/pipermail/product-wg/"), dev.liaison.config.Schedule.parse("1h"), "nova", true, java.util.Map.of());
        var months = PipermailPages.toc(readUnchecked(PWG.resolve("index.html")));
        var early = new PipermailPoller(config, null, java.time.Clock.fixed(Instant.parse("2015-09-03T10:00:00Z"), java.time.ZoneOffset.UTC));
        assertThat(early.choose(months, dev.liaison.sources.PollRequest.incremental(), false))
                .extracting(PipermailPages.MonthEntry::label).containsExactly("2015-August", "2015-September");
        var later = new PipermailPoller(config, null, java.time.Clock.fixed(Instant.parse("2015-09-20T10:00:00Z"), java.time.ZoneOffset.UTC));
        assertThat(later.choose(months, dev.liaison.sources.PollRequest.incremental(), false))
                .extracting(PipermailPages.MonthEntry::label).containsExactly("2015-September");
        assertThat(later.choose(months, dev.liaison.sources.PollRequest.backfillFrom(java.time.YearMonth.of(2015, 8)), false))
                .extracting(PipermailPages.MonthEntry::label).containsExactly("2015-August", "2015-September");
    }

    static String readUnchecked(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void textArchiveBackfillReadsAWholeMonthInOneRequest() throws Exception {
        home = home("    txt-archives: true\n");
        LiaisonHome.Run run = poll("--since", "2015-07");
        assertThat(run.out()).as(run.err()).contains("items new=7 ", " errors=0 ");
        assertThat(server.requests(PREFIX + ".*\\d{6}\\.html")).isZero();
        assertThat(server.requests(PREFIX + ".*\\.txt\\.gz")).isEqualTo(3);
        try (LiaisonRuntime rt = home.open()) {
            Item real = rt.store().items().find("mail:product-wg/2015-August/000198").orElseThrow();
            assertThat(real.attributes()).containsEntry("messageId", "CABib2_real-pwg-198@mail.gmail.com")
                    .containsEntry("thread", "thread:product-wg/2015-August/000190")
                    .containsEntry("address", "john@johngarbutt.com");
            assertThat(real.author()).isEqualTo("John Garbutt");
            assertThat(real.created()).isEqualTo(Instant.parse("2015-08-11T22:08:35Z"));
            assertThat(real.url()).endsWith("/2015-August/000198.html");
            assertThat(rt.store().items().find("mail:product-wg/2015-September/000203").orElseThrow().attributes())
                    .as("the text archive's In-Reply-To finds the parent in the previous month")
                    .containsEntry("parent", "mail:product-wg/2015-August/000198")
                    .containsEntry("inReplyTo", "CABib2_real-pwg-198@mail.gmail.com")
                    .containsEntry("thread", "thread:product-wg/2015-August/000190");
        }
    }

    @Test
    void aTruncatedTextArchiveFallsBackToPagesForTheRest() throws Exception {
        home = home("    txt-archives: true\n");
        byte[] gz = Files.readAllBytes(PWG.resolve("2015-August.txt.gz"));
        server.file(PREFIX + "2015-August.txt.gz", java.util.Arrays.copyOf(gz, gz.length / 2));
        LiaisonHome.Run run = poll("--since", "2015-08");
        assertThat(run.out()).contains("items new=6 ");
        assertThat(run.err()).contains("truncated");
        assertThat(server.requests(PREFIX + "2015-August/\\d{6}\\.html")).isBetween(1, 5);
    }

    /**
     * A month of 450 messages (more than two of the poller's batches, so pages are fetched and
     * parsed while earlier batches are being stored): every message is stored once with its
     * thread and parent, with one item.new event each, and the month is recorded as read whole.
     */
    @Test
    void aMonthOfSeveralBatchesIsStoredWholeWithOneEventPerMessage() throws Exception {
        int threads = 150;
        byte[] template = Files.readAllBytes(PWG.resolve("2015-August/000190.html"));
        String page = new String(template, StandardCharsets.US_ASCII);
        StringBuilder index = new StringBuilder("<html><body><h1>2015-August Archives by thread</h1><ul>\n");
        server.file(PREFIX, Files.readAllBytes(PWG.resolve("index.html")));
        for (int t = 0; t < threads; t++) {
            for (int depth = 0; depth < 3; depth++) {
                String n = String.format("%06d", 1 + t * 3 + depth);
                String subject = (depth == 0 ? "" : "Re: ") + "[Product] Topic number " + t;
                index.append("<!--").append(depth).append(" x-->\n<LI><A HREF=\"").append(n).append(".html\">").append(subject)
                        .append("\n</A><A NAME=\"").append(n).append("\">&nbsp;</A>\n<I>Author ").append(depth).append("\n</I>\n");
                String body = page.replace("[Product] Nova and the Product Working Group", subject)
                        .replace("CAFP-nova-pwg-1", "generated-" + n)
                        .replace("I would love to start a conversation", "Message " + n + " would love to start a conversation");
                server.file(PREFIX + "2015-August/" + n + ".html", body.getBytes(StandardCharsets.US_ASCII));
            }
        }
        server.file(PREFIX + "2015-August/thread.html", index.append("</ul></body></html>\n").toString().getBytes(StandardCharsets.US_ASCII));

        LiaisonHome.Run run = poll("--since", "2015-08");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // the 450 of August and the one message of the fixture's September
        assertThat(run.out()).contains("items new=451 ", " errors=0 ", "events=451 ");
        try (LiaisonRuntime rt = home.open()) {
            assertThat(rt.store().events().count(Event.ITEM_NEW)).isEqualTo(451);
            assertThat(rt.store().items().countBySource("pwg")).isEqualTo(451);
            Item last = rt.store().items().find("mail:product-wg/2015-August/000450").orElseThrow();
            assertThat(last.title()).isEqualTo("Re: [Product] Topic number 149");
            assertThat(last.attributes()).containsEntry("thread", "thread:product-wg/2015-August/000448")
                    .containsEntry("parent", "mail:product-wg/2015-August/000449")
                    .containsEntry("messageId", "generated-000450@mail.gmail.com");
            assertThat(last.text()).contains("Message 000450 would love");
            assertThat(rt.store().sourceState().pipermailCursor("pwg").months())
                    .containsEntry("2015-August", new dev.liaison.store.SourceStateStore.PipermailMonth(450, "000450"));
        }
        LiaisonHome.Run again = poll("--since", "2015-08");
        assertThat(again.out()).contains("items new=0 ");
    }
}
