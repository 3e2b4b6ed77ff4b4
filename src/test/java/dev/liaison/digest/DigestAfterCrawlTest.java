package dev.liaison.digest;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.liaison.app.LiaisonRuntime;
import dev.liaison.app.Mail;
import dev.liaison.linking.NovaSpecFixtures;
import dev.liaison.sources.sphinxspecs.StaticSite;
import dev.liaison.store.LinkStore;
import dev.liaison.story.Link;
import dev.liaison.testkit.LiaisonHome;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest a story owner reads after a real crawl: three stories followed from
 * subscribers.yaml before they were imported, the whole nova-specs site crawled over loopback,
 * the Product WG development proposals imported and linked, one suggestion rejected and one
 * confirmed by a person, then the digest sent through a real SMTP server (GreenMail).
 */
class DigestAfterCrawlTest {

    /** The documented limit: a digest for three stories stays within this many lines of text. */
    static final int MAX_LINES_FOR_THREE_STORIES = 150;

    static final List<String> STORIES = List.of("rolling-upgrades", "categorized-configs", "complex-instance-placement");

    @TempDir Path dir;

    @Test
    void aDigestForThreeStoriesAfterACrawlIsShortWellFormedAndHonest() throws Exception {
        StaticSite.untar("/fixtures/sphinx-specs/nova-specs-site-html.tar.gz", dir.resolve("site"));
        int smtpPort = LiaisonHome.freePort();
        GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"));
        smtp.start();
        try (StaticSite site = new StaticSite(dir.resolve("site"), "/openstack/nova-specs/")) {
            // No liaison.base-url: links must use the HTTP port Liaison listens on.
            LiaisonHome home = new LiaisonHome(dir.resolve("home")).properties("""
                    liaison.fetch.per-host-concurrency=8
                    liaison.digest.settle=0s
                    # suggestions to review are what this test is about: every story's best 10, whatever they score
                    liaison.link.min-confidence=0
                    liaison.smtp.host=127.0.0.1
                    liaison.smtp.port=%d
                    liaison.smtp.starttls=false
                    """.formatted(smtpPort)).sources("""
                    sources:
                      - id: nova-specs
                        kind: sphinx-specs
                        url: %s
                        schedule: 6h
                        project: nova
                    """.formatted(site.root()));
            Files.writeString(home.config().resolve("subscribers.yaml"), """
                    subscribers:
                      - address: owner@example.org
                        name: Story Owner
                        stories: [%s]
                    """.formatted(String.join(", ", STORIES)));
            try (LiaisonRuntime runtime = home.open()) {
                assertThat(runtime.mail().syncSubscribers()).as("stories that come later are no problem").isEmpty();
                assertThat(runtime.mail().subscribers().find("owner@example.org").orElseThrow().subscriber().stories())
                        .containsExactlyElementsOf(STORIES);
            }
            LiaisonHome.Run poll = home.cli("poll", "nova-specs", "--once");
            assertThat(poll.exitCode()).as(poll.err()).isZero();
            LiaisonHome.Run imported = home.cli("stories", "import", NovaSpecFixtures.STORIES.resolve("development-proposals").toString());
            assertThat(imported.exitCode()).as(imported.err()).isZero();

            String rejectedTitle;
            String confirmedItem;
            try (LiaisonRuntime runtime = home.open()) {
                LinkStore links = new LinkStore(runtime.store());
                List<Link> suggested = links.forStory("rolling-upgrades").stream().filter(l -> l.state().equals(Link.SUGGESTED))
                        .sorted(Comparator.comparingDouble(Link::confidence).reversed()).toList();
                assertThat(suggested).as("the crawl and the import made suggestions").hasSizeGreaterThan(4);
                Link best = suggested.get(0);
                links.reject(best.story(), best.item(), "test", Instant.now());
                rejectedTitle = runtime.store().items().find(best.item()).map(i -> i.title()).orElse(best.item());
                Link next = suggested.get(1);
                links.confirm(next.story(), next.item(), "test", Instant.now());
                confirmedItem = next.item();

                Mail mail = Mail.withClock(runtime, Clock.systemUTC());
                assertThat(mail.digests().sendNow(java.util.Optional.empty())).isEqualTo(1);
                try (org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext()) {
                    camel.start();
                    assertThat(mail.delivery(camel).deliverDue()).isEqualTo(1);
                }
            }

            MimeMessage[] received = smtp.getReceivedMessages();
            assertThat(received).hasSize(1);
            MimeMultipart parts = (MimeMultipart) received[0].getContent();
            String text = (String) parts.getBodyPart(0).getContent();
            String html = (String) parts.getBodyPart(1).getContent();
            List<String> lines = text.lines().toList();

            assertThat(lines.size()).as("within the documented limit:\n" + text).isLessThanOrEqualTo(MAX_LINES_FOR_THREE_STORIES);
            assertThat(lines.get(0)).matches("Liaison digest for \\d{4}-\\d{2}-\\d{2}, Story Owner");
            assertThat(lines.get(1)).matches("(\\d+ [a-z -]+(, )?)+ since .* UTC\\.");
            assertThat(lines).contains("SUGGESTIONS TO REVIEW (best first, at most 3 per story)", "--");
            // Line breaks intact: no line carries two entries or two addresses (evidence, a quote
            // of the story's own text, may hold both).
            for (String line : lines.stream().filter(l -> !l.startsWith("    \"")).toList()) {
                assertThat(line).as("one entry per line").doesNotContainPattern("\\S\\s*(\\* |  - )\\[");
                assertThat(Pattern.compile("https?://").matcher(line).results().count()).as(line).isLessThanOrEqualTo(1);
            }
            // Every Liaison link uses the configured public address (here: the HTTP port, no base-url).
            String base = "http://127.0.0.1:" + home.httpPort() + "/";
            Matcher m = Pattern.compile("https?://127\\.0\\.0\\.1[^\\s>\"]*").matcher(text + html);
            int liaisonLinks = 0;
            while (m.find()) {
                if (!m.group().startsWith(site.root())) {
                    assertThat(m.group()).startsWith(base);
                    liaisonLinks++;
                }
            }
            assertThat(liaisonLinks).isGreaterThan(5);
            assertThat(text + html).doesNotContain(":8080").doesNotContain("(no project)");
            // Decided links: the rejected one is nowhere, the confirmed one is not pending.
            assertThat(text).doesNotContain(rejectedTitle);
            assertThat(text).doesNotContain("item=" + Digest.enc(confirmedItem));
            for (String story : STORIES) {
                assertThat(text).contains(base + "stories/" + story);
            }
            // At most three suggestions per story, the rest as a count and a link.
            for (String story : STORIES) {
                long shown = lines.stream().filter(l -> l.contains("review?story=" + story + "&item=")).count();
                assertThat(shown).isLessThanOrEqualTo(Digest.MAX_NEW_LINKS_PER_STORY + Digest.MAX_SUGGESTIONS_PER_STORY);
            }
            assertThat(text).containsPattern("  - and \\d+ more: " + Pattern.quote(base + "review?story=rolling-upgrades"));

            // The HTML part is well formed.
            Parser parser = Parser.htmlParser().setTrackErrors(50);
            org.jsoup.Jsoup.parse(html, "", parser);
            assertThat(parser.getErrors()).as("HTML parse errors").isEmpty();
        } finally {
            smtp.stop();
        }
    }
}
