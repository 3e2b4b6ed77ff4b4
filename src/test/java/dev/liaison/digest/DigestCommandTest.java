package dev.liaison.digest;

import dev.liaison.mailing.Subscriber;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.Daemon;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.store.Store;
import dev.liaison.testkit.LiaisonHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The digest commands, check-config on subscribers, and the unsubscribe page, as a person uses them. */
class DigestCommandTest {

    @TempDir Path dir;

    LiaisonHome home() throws Exception {
        LiaisonHome home = new LiaisonHome(dir).properties("liaison.digest.settle=0s\n");
        Files.writeString(home.config().resolve("subscribers.yaml"), """
                subscribers:
                  - address: owner@example.org
                    stories: [rolling-upgrades]
                    pages: [nova-priorities-newton]
                """);
        try (LiaisonRuntime runtime = home.open()) {
            runtime.store().collection(Store.STORIES).insertOne(new Document("_id", "rolling-upgrades")
                    .append("title", "Rolling upgrades").append("projects", List.of("nova")).append("tags", List.of()));
        }
        return home;
    }

    @Test
    void previewShowsTheDigestAndSendsNothingThenSendNowWritesItOnce() throws Exception {
        LiaisonHome home = home();
        try (LiaisonRuntime runtime = home.open()) {
            runtime.mail().syncSubscribers();
            runtime.store().events().append(List.of(new Event("link.new:rolling-upgrades|bug:1", "link.new", Instant.now(),
                    "linker", "bug:1", Map.of("story", "rolling-upgrades", "how", "mentioned", "confidence", 0.9,
                    "state", "suggested", "evidence", "bug #1 <b>"))));
        }
        Path html = dir.resolve("preview.html");
        LiaisonHome.Run preview = home.cli("digest", "preview", "owner@example.org", "--html", html.toString());
        assertThat(preview.exitCode()).as(preview.err()).isZero();
        assertThat(preview.out()).contains("Subject: Liaison digest ").contains("1 new link").contains("Rolling upgrades")
                .contains("(suggested, mentioned)").contains("\nUnsubscribe: http://127.0.0.1:" + home.httpPort() + "/unsubscribe/");
        assertThat(Files.readString(html)).contains("bug #1 &lt;b&gt;");
        assertThat(home.data().resolve("outbox")).doesNotExist();

        LiaisonHome.Run send = home.cli("digest", "send", "--now", "--to", "owner@example.org");
        assertThat(send.exitCode()).as(send.err()).isZero();
        assertThat(send.out()).contains("digests queued=1 mails sent=1 via .eml files");
        try (var files = Files.list(home.data().resolve("outbox"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement().asString().endsWith(".eml");
        }
        LiaisonHome.Run again = home.cli("digest", "send", "--now");
        assertThat(again.out()).contains("digests queued=0 mails sent=0");

        assertThat(home.cli("digest", "preview", "nobody@example.org").exitCode()).isEqualTo(2);
        assertThat(home.cli("digest", "send").exitCode()).as("--now is required").isEqualTo(2);
    }

    @Test
    void onTheFirstDaySendNowDeliversExactlyWhatPreviewShowsEvenAfterTheStartUpRunFoundNothing() throws Exception {
        LiaisonHome home = home();
        Files.writeString(home.config().resolve("subscribers.yaml"), """
                subscribers:
                  - address: new@example.org
                    timezone: UTC
                    hour: 0
                    stories: [rolling-upgrades]
                """);
        try (LiaisonRuntime runtime = home.open()) {
            runtime.mail().syncSubscribers();
            // The daemon's start-up run: the hour has come, nothing has happened yet: no mail.
            assertThat(runtime.mail().digests().runDue()).isZero();
            assertThat(runtime.mail().subscribers().find("new@example.org").orElseThrow().lastPeriod()).isNotNull();
            runtime.store().events().append(List.of(new Event("link.new:rolling-upgrades|bug:7", "link.new",
                    Instant.now().plusMillis(2), "linker", "bug:7", Map.of("story", "rolling-upgrades", "how", "similar",
                    "confidence", 0.4, "state", "suggested", "evidence", "rolling upgrade of computes"))));
        }
        LiaisonHome.Run preview = home.cli("digest", "preview", "new@example.org");
        assertThat(preview.exitCode()).as(preview.err()).isZero();
        assertThat(preview.out()).contains("1 suggestion to review").contains("rolling upgrade of computes");

        LiaisonHome.Run send = home.cli("digest", "send", "--now", "--to", "new@example.org");
        assertThat(send.out()).as(send.err()).contains("digests queued=1 mails sent=1");
        Path eml;
        try (var files = Files.list(home.data().resolve("outbox"))) {
            eml = files.filter(p -> p.getFileName().toString().startsWith("new@example.org")).findFirst().orElseThrow();
        }
        jakarta.mail.internet.MimeMessage sent;
        try (var in = Files.newInputStream(eml)) {
            sent = new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()), in);
        }
        String text = (String) ((jakarta.mail.internet.MimeMultipart) sent.getContent()).getBodyPart(0).getContent();
        assertThat("Subject: " + sent.getSubject() + "\n\n" + text.replace("\r\n", "\n"))
                .as("the mail is what preview showed").isEqualTo(preview.out().replace("\r\n", "\n"));

        LiaisonHome.Run again = home.cli("digest", "send", "--now", "--to", "new@example.org");
        assertThat(again.out()).contains("digests queued=0 mails sent=0");
        LiaisonHome.Run previewAfter = home.cli("digest", "preview", "new@example.org");
        assertThat(previewAfter.out()).contains("nothing new since");
    }

    @Test
    void aPersonsOwnChangesWinOverSubscribersYaml() throws Exception {
        LiaisonHome home = home();
        try (LiaisonRuntime runtime = home.open()) {
            runtime.mail().syncSubscribers();
            var store = runtime.mail().subscribers();
            Subscriber fromFile = store.find("owner@example.org").orElseThrow().subscriber();
            Subscriber changed = new Subscriber(fromFile.address(), "Owner", java.time.ZoneId.of("Asia/Tokyo"), 6,
                    fromFile.stories(), List.of(), List.of(), List.of(), List.of(), true, null);
            store.save(changed, dev.liaison.store.SubscriberStore.ORIGIN_PERSON, Instant.now());
            runtime.mail().syncSubscribers();
            Subscriber after = store.find("owner@example.org").orElseThrow().subscriber();
            assertThat(after.hour()).as("the file does not revert the person's change").isEqualTo(6);
            assertThat(after.timezone().getId()).isEqualTo("Asia/Tokyo");
            assertThat(after.token()).isEqualTo(fromFile.token());
        }
    }

    @Test
    void checkConfigReportsBadSubscribersOnOneLineEach() throws Exception {
        LiaisonHome home = home();
        Files.writeString(home.config().resolve("subscribers.yaml"), """
                subscribers:
                  - address: owner@example.org
                    stories: [rolling-upgrades]
                  - address: lead@example.org
                    timezone: Nowhere/Else
                  - address: pm@example.org
                    stories: [no-such-story]
                """);
        LiaisonHome.Run run = home.cli("check-config");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).contains("subscribers: 2 valid, 1 bad, 1 following a story not imported yet")
                .contains("subscriber 'pm@example.org': story 'no-such-story' does not exist yet; kept");
        assertThat(run.err().lines().toList()).hasSize(1).anyMatch(l -> l.contains("unknown timezone 'Nowhere/Else'"));

        Files.writeString(home.config().resolve("subscribers.yaml"), """
                subscribers:
                  - address: pm@example.org
                    stories: [rolling-upgrades, story-from-a-story-dir]
                """);
        LiaisonHome.Run later = home.cli("check-config");
        assertThat(later.exitCode()).as("a story that comes later is no configuration error: " + later.err()).isZero();
        assertThat(later.out()).contains("subscribers: 1 valid, 0 bad, 1 following a story not imported yet");
    }

    @Test
    void theUnsubscribeLinkWorksThroughTheDaemon() throws Exception {
        LiaisonHome home = home();
        HttpClient http = HttpClient.newHttpClient();
        try (LiaisonRuntime runtime = home.open(); Daemon daemon = new Daemon(runtime)) {
            daemon.start();
            String token = runtime.mail().subscribers().find("owner@example.org").orElseThrow().subscriber().token();
            String base = "http://127.0.0.1:" + home.httpPort() + "/unsubscribe/";
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + token)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Unsubscribe owner@example.org?").contains("method=\"post\"");
            assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
            assertThat(runtime.mail().subscribers().find("owner@example.org").orElseThrow().subscriber().digest()).isTrue();

            HttpResponse<String> done = http.send(HttpRequest.newBuilder(URI.create(base + token))
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("Unsubscribed");
            var after = runtime.mail().subscribers().find("owner@example.org").orElseThrow().subscriber();
            assertThat(after.digest()).isFalse();
            assertThat(after.pages()).isEmpty();
            runtime.mail().syncSubscribers();
            assertThat(runtime.mail().subscribers().find("owner@example.org").orElseThrow().subscriber().digest())
                    .as("the file does not overrule an unsubscribe").isFalse();

            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + "not-a-real-token-at-all")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
        }
    }
}
