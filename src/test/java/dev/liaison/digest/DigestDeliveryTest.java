package dev.liaison.digest;

import dev.liaison.mailing.OutboxMail;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.app.Mail;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.store.OutboxStore;
import dev.liaison.store.Store;
import dev.liaison.testkit.LiaisonHome;
import dev.liaison.testkit.MutableClock;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Digests end to end on the embedded store and a real SMTP server (GreenMail): what a subscriber
 * receives, and that mail is never lost or doubled when the relay is down or a send is cut off.
 */
class DigestDeliveryTest {

    @TempDir Path dir;
    GreenMail smtp;
    int smtpPort;
    LiaisonHome home;
    LiaisonRuntime runtime;
    DefaultCamelContext camel;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));

    @BeforeEach
    void start() throws Exception {
        smtpPort = LiaisonHome.freePort();
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"));
        smtp.start();
        home = new LiaisonHome(dir).properties("""
                liaison.smtp.host=127.0.0.1
                liaison.smtp.port=%d
                liaison.smtp.starttls=false
                liaison.base-url=https://liaison.example.org
                liaison.mail.from=Liaison <liaison@example.org>
                liaison.outbox.backoff-initial=1m
                """.formatted(smtpPort)).sources("""
                sources:
                  - id: nova-priorities-newton
                    kind: page-watch
                    url: https://specs.openstack.org/openstack/nova-specs/priorities/newton-priorities.html
                    schedule: 1h
                    project: nova
                  - id: nova-bugs
                    kind: launchpad-bugs
                    url: https://api.launchpad.net/devel/nova
                    schedule: 1h
                    project: nova
                """);
        Files.writeString(home.config().resolve("subscribers.yaml"), """
                subscribers:
                  - address: owner@example.org
                    name: Story Owner
                    timezone: Europe/Berlin
                    hour: 8
                    stories: [rolling-upgrades]
                    pages: [nova-priorities-newton]
                  - address: quiet@example.org
                    timezone: UTC
                    hour: 8
                    stories: [quotas]
                """);
        runtime = home.open();
        Store store = runtime.store();
        store.collection(Store.STORIES).insertMany(List.of(
                new Document("_id", "rolling-upgrades").append("title", "Rolling upgrades <script>alert(1)</script>")
                        .append("projects", List.of("nova")).append("tags", List.of()),
                new Document("_id", "quotas").append("title", "Quotas").append("projects", List.of("cinder")).append("tags", List.of())));
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
        runtime.close();
        smtp.stop();
    }

    Mail mail() {
        return Mail.withClock(runtime, clock);
    }

    /** A day of events: links, a status change, a mail thread, a page change, a failing source. */
    void aDayOfEvents(Mail mail) {
        Store store = runtime.store();
        clock.set(Instant.parse("2026-11-23T13:00:00Z"));
        store.items().upsert(List.of(
                Item.builder("bp:nova/online-schema-changes", "blueprint").project("nova").title("Online schema changes")
                        .url("https://blueprints.launchpad.net/nova/+spec/online-schema-changes").status("open", "Approved").build(),
                Item.builder("spec:nova/online-schema-changes", "spec").project("nova").title("Online Schema Changes")
                        .url("https://specs.openstack.org/openstack/nova-specs/specs/liberty/implemented/online-schema-changes.html").build(),
                Item.builder("mail:product-wg/2015-August/000123", "mail").project("product-wg")
                        .title("[Product] Nova </b>and the Product WG").build()), clock.instant());
        store.collection(Store.LINKS).insertOne(new Document("_id", "rolling-upgrades|bp:nova/online-schema-changes")
                .append("story", "rolling-upgrades").append("item", "bp:nova/online-schema-changes").append("how", "declared")
                .append("confidence", 1.0).append("state", "confirmed"));
        store.events().append(List.of(
                new Event("link.new:rolling-upgrades|bp:nova/online-schema-changes", "link.new", clock.instant(), "linker",
                        "bp:nova/online-schema-changes", Map.of("story", "rolling-upgrades", "how", "declared", "confidence", 1.0,
                        "state", "confirmed", "evidence", "tracker lists it")),
                new Event("link.new:rolling-upgrades|spec:nova/online-schema-changes", "link.new", clock.instant(), "linker",
                        "spec:nova/online-schema-changes", Map.of("story", "rolling-upgrades", "how", "similar", "confidence", 0.62,
                        "state", "suggested", "evidence", "zero-downtime <upgrade> of the database")),
                new Event("link.new:rolling-upgrades|mail:product-wg/2015-August/000123", "link.new", clock.instant(), "linker",
                        "mail:product-wg/2015-August/000123", Map.of("story", "rolling-upgrades", "how", "mentioned", "confidence", 0.9,
                        "state", "suggested", "evidence", "rolling upgrades")),
                new Event("page.changed:nova-priorities-newton:abc:2", Event.PAGE_CHANGED, clock.instant(), "nova-priorities-newton", null,
                        Map.of("url", "https://specs.openstack.org/openstack/nova-specs/priorities/newton-priorities.html",
                                "title", "Newton Project Priorities", "summary", "1 list item added",
                                "listItemsAdded", List.of(Map.of("section", "Cells v2", "text", "Add <b>cell</b> mapping"))
                                , "unifiedDiff", "--- a\n+++ b\n@@ -1 +1,2 @@\n+* Add cell mapping\n")),
                new Event("source.unhealthy:nova-bugs:never", Event.SOURCE_UNHEALTHY, clock.instant(), "nova-bugs", null,
                        Map.of("failures", 3, "error", "HTTP 503", "kind", "launchpad-bugs"))));
        clock.advance(Duration.ofHours(1));
        store.items().upsert(List.of(Item.builder("bp:nova/online-schema-changes", "blueprint").project("nova")
                .title("Online schema changes").url("https://blueprints.launchpad.net/nova/+spec/online-schema-changes")
                .status("fixed", "Implemented").build()), clock.instant());
    }

    @Test
    void theDigestArrivesAtTheSubscribersHourWithEverySectionEscapedAndUnsubscribable() throws Exception {
        Mail mail = mail();
        assertThat(mail.syncSubscribers()).isEmpty();
        aDayOfEvents(mail);
        MailDelivery delivery = mail.delivery(camel);

        clock.set(Instant.parse("2026-11-24T06:59:00Z")); // 07:59 in Berlin
        assertThat(mail.digests().runDue()).isZero();
        clock.set(Instant.parse("2026-11-24T07:00:30Z")); // 08:00 in Berlin
        assertThat(mail.digests().runDue()).as("owner's digest; quiet@ has nothing: no mail").isEqualTo(1);
        assertThat(mail.digests().runDue()).as("not twice").isZero();
        assertThat(delivery.deliverDue()).isEqualTo(1);

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("Liaison digest 2026-11-24: 1 status change, 2 new links, "
                + "1 priority page change, 1 failing source, 1 suggestion to review");
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("owner@example.org");
        assertThat(m.getFrom()[0].toString()).isEqualTo("Liaison <liaison@example.org>");
        String token = mail.subscribers().find("owner@example.org").orElseThrow().subscriber().token();
        assertThat(m.getHeader("List-Unsubscribe")[0]).isEqualTo("<https://liaison.example.org/unsubscribe/" + token + ">");
        assertThat(m.getMessageID()).isEqualTo(OutboxMail.messageId("owner@example.org", "digest:2026-11-24", "example.org"));
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        String text = (String) parts.getBodyPart(0).getContent();
        String html = (String) parts.getBodyPart(1).getContent();
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");

        List<String> lines = text.lines().toList();
        assertThat(lines).startsWith("Liaison digest for 2026-11-24, Story Owner",
                "1 status change, 2 new links, 1 priority page change, 1 failing source, 1 suggestion to review since 2026-11-23 12:00 UTC.",
                "", "WHAT MOVED FOR YOUR STORIES", "", "Status changes",
                "* [blueprint] Online schema changes: Approved -> Implemented", "  for: Rolling upgrades <script>alert(1)</script>",
                "  https://blueprints.launchpad.net/nova/+spec/online-schema-changes", "", "New links",
                "* Rolling upgrades <script>alert(1)</script>  <https://liaison.example.org/stories/rolling-upgrades>",
                "  - [blueprint, nova] Online schema changes  (confirmed, declared)",
                "    https://blueprints.launchpad.net/nova/+spec/online-schema-changes",
                "  - [mail, product-wg] [Product] Nova </b>and the Product WG  (suggested, mentioned)",
                "    \"rolling upgrades\"",
                "    confirm or reject: " + Digest.reviewUrl("https://liaison.example.org", "rolling-upgrades", "mail:product-wg/2015-August/000123"),
                "", "Release-priority page changes", "* Newton Project Priorities: 1 list item added",
                "  https://specs.openstack.org/openstack/nova-specs/priorities/newton-priorities.html",
                "  - Added in Cells v2: Add <b>cell</b> mapping", "", "Sources that have been failing",
                "* nova-bugs: 3 failed polls; last error: HTTP 503", "",
                "SUGGESTIONS TO REVIEW (best first, at most 3 per story)", "",
                "* Rolling upgrades <script>alert(1)</script>: 1 new suggestion",
                "  - [spec, nova] Online Schema Changes  (similar, 0.62)", "    \"zero-downtime <upgrade> of the database\"",
                "    confirm or reject: https://liaison.example.org/review?story=rolling-upgrades&item=spec%3Anova%2Fonline-schema-changes#"
                        + Digest.rowId("rolling-upgrades", "spec:nova/online-schema-changes"));
        assertThat(lines).endsWith("--", "You get this because you follow these stories on Liaison.",
                "Review queue: https://liaison.example.org/review",
                "Change what you follow or when: https://liaison.example.org/subscription/" + token,
                "Unsubscribe: https://liaison.example.org/unsubscribe/" + token);
        assertThat(html).doesNotContain("<script>").doesNotContain("</b>and").doesNotContain("<b>cell")
                .contains("Rolling upgrades &lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("Add &lt;b&gt;cell&lt;/b&gt; mapping")
                .contains("<strong>suggested</strong>")
                .contains("href=\"https://liaison.example.org/review?story=rolling-upgrades&amp;item=spec%3Anova%2Fonline-schema-changes#")
                .contains("href=\"https://liaison.example.org/unsubscribe/" + token + "\"");

        // The next day brings nothing new: no mail; the day after, only what happened since.
        clock.set(Instant.parse("2026-11-25T07:05:00Z"));
        assertThat(mail.digests().runDue()).isZero();
        assertThat(delivery.deliverDue()).isZero();
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void aDayTheDaemonWasDownIsNotLostAndARestartSkipsAndDoublesNothing() throws Exception {
        Mail first = mail();
        first.syncSubscribers();
        aDayOfEvents(first);
        // The daemon is down from the 23rd until the 26th at 10:00 Berlin; a new process starts.
        clock.set(Instant.parse("2026-11-26T09:00:00Z"));
        Mail restarted = mail();
        restarted.syncSubscribers();
        assertThat(restarted.digests().runDue()).isEqualTo(1);
        // A crash after queuing but before recording the period: the next run queues nothing new.
        runtime.store().collection(Store.SUBSCRIBERS).updateOne(new Document("_id", "owner@example.org"),
                new Document("$set", new Document("lastPeriod", "2026-11-25").append("lastUntil",
                        java.util.Date.from(Instant.parse("2026-11-23T12:00:00Z")))));
        assertThat(mail().digests().runDue()).as("same (subscriber, period): already in the outbox").isZero();
        assertThat(restarted.delivery(camel).deliverDue()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(smtp.getReceivedMessages()[0].getSubject()).contains("1 status change, 2 new links");
    }

    @Test
    void aRelayThatIsDownLosesNothingAndEachMailGoesOutOnceItIsBack() throws Exception {
        Mail mail = mail();
        mail.syncSubscribers();
        aDayOfEvents(mail);
        clock.set(Instant.parse("2026-11-24T07:01:00Z"));
        assertThat(mail.digests().runDue()).isEqualTo(1);
        smtp.stop();
        MailDelivery delivery = mail.delivery(camel);
        assertThat(delivery.deliverDue()).isZero();
        Document failed = mail.outbox().find("owner@example.org|digest:2026-11-24").orElseThrow();
        assertThat(failed.getString("status")).isEqualTo(OutboxStore.PENDING);
        assertThat(failed.getInteger("attempts")).isEqualTo(1);
        assertThat(failed.getString("lastError")).isNotBlank();
        clock.advance(Duration.ofSeconds(30));
        assertThat(delivery.deliverDue()).as("backing off: not yet").isZero();
        assertThat(mail.outbox().find("owner@example.org|digest:2026-11-24").orElseThrow().getInteger("attempts")).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(delivery.deliverDue()).isZero();
        assertThat(mail.outbox().find("owner@example.org|digest:2026-11-24").orElseThrow().getInteger("attempts")).isEqualTo(2);

        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"));
        smtp.start();
        clock.advance(Duration.ofMinutes(5));
        assertThat(delivery.deliverDue()).isEqualTo(1);
        clock.advance(Duration.ofHours(2));
        assertThat(delivery.deliverDue()).isZero();
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(mail.outbox().count(OutboxStore.SENT)).isEqualTo(1);
    }

    @Test
    void aSendCutOffByACrashIsRetriedWithTheSameMessageId() throws Exception {
        Mail mail = mail();
        mail.syncSubscribers();
        aDayOfEvents(mail);
        clock.set(Instant.parse("2026-11-24T07:01:00Z"));
        mail.digests().runDue();
        // The process claimed the mail and died before marking it sent.
        List<OutboxMail> claimed = mail.outbox().claimDue(clock.instant(), MailDelivery.STALE_SENDING, 10);
        assertThat(claimed).hasSize(1);
        Mail afterRestart = mail();
        MailDelivery delivery = afterRestart.delivery(camel);
        assertThat(delivery.deliverDue()).as("still 'sending', not stale yet").isZero();
        clock.advance(MailDelivery.STALE_SENDING.plusSeconds(1));
        assertThat(delivery.deliverDue()).isEqualTo(1);
        assertThat(delivery.deliverDue()).isZero();
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(smtp.getReceivedMessages()[0].getMessageID()).isEqualTo(claimed.get(0).messageId());
    }

    @Test
    void aPageChangeIsMailedToItsWatchersAtOnceAndAlsoAppearsInTheDigest() throws Exception {
        Mail mail = mail();
        mail.syncSubscribers();
        aDayOfEvents(mail);
        assertThat(mail.alerts().run()).isEqualTo(1);
        assertThat(mail.alerts().run()).as("each alert once").isZero();
        assertThat(mail.delivery(camel).deliverDue()).isEqualTo(1);
        MimeMessage alert = smtp.getReceivedMessages()[0];
        assertThat(alert.getSubject()).isEqualTo("Liaison alert: Newton Project Priorities changed");
        MimeMultipart parts = (MimeMultipart) alert.getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("Added in Cells v2: Add <b>cell</b> mapping", "+* Add cell mapping");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("Add &lt;b&gt;cell&lt;/b&gt; mapping").contains("<pre");
        assertThat(alert.getAllRecipients()).extracting(Object::toString).containsExactly("owner@example.org");

        clock.set(Instant.parse("2026-11-24T07:01:00Z"));
        mail.digests().runDue();
        mail.delivery(camel).deliverDue();
        assertThat(smtp.getReceivedMessages()).hasSize(2);
        assertThat(smtp.getReceivedMessages()[1].getSubject()).contains("1 priority page change");
    }

    @Test
    void withoutARelayMailsAreWrittenAsEmlFiles() throws Exception {
        home.properties("liaison.base-url=https://liaison.example.org\n");
        runtime.close();
        runtime = home.open();
        Mail mail = mail();
        mail.syncSubscribers();
        aDayOfEvents(mail);
        clock.set(Instant.parse("2026-11-24T07:01:00Z"));
        assertThat(mail.digests().sendNow(java.util.Optional.empty())).isEqualTo(1);
        MailDelivery delivery = mail.delivery(null);
        assertThat(delivery.deliverDue()).isEqualTo(1);
        Path eml = home.data().resolve("outbox").resolve("owner@example.org_digest_2026-11-24.eml");
        assertThat(eml).exists();
        String raw = Files.readString(eml);
        assertThat(raw).contains("Subject: Liaison digest 2026-11-24").contains("multipart/alternative")
                .contains("List-Unsubscribe: <https://liaison.example.org/unsubscribe/");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }
}
