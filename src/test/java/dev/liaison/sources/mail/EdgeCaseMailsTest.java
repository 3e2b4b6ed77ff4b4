package dev.liaison.sources.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The 21 mails of HyperKitty's own tests: every one parses or is rejected with a reason. */
class EdgeCaseMailsTest {

    static final Path DIR = Path.of("src/test/resources/fixtures/mail/edge-case-emails");

    static Map<String, List<MailMessage>> parsed = new LinkedHashMap<>();
    static Map<String, String> rejected = new LinkedHashMap<>();

    static synchronized void parseAll() throws IOException {
        if (!parsed.isEmpty()) {
            return;
        }
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.sorted().toList()) {
                List<MailMessage> messages = new ArrayList<>();
                for (byte[] raw : Mbox.split(Files.readAllBytes(f))) {
                    try {
                        messages.add(Rfc822.parse(raw));
                    } catch (MailParseException e) {
                        rejected.put(f.getFileName().toString(), e.getMessage());
                    }
                }
                parsed.put(f.getFileName().toString(), messages);
            }
        }
    }

    static MailMessage one(String name) throws IOException {
        parseAll();
        assertThat(parsed.get(name)).as(name).isNotEmpty();
        return parsed.get(name).get(0);
    }

    @Test
    void allTwentyOneParseOrAreRejectedWithAReason() throws IOException {
        parseAll();
        assertThat(parsed).hasSize(21);
        for (var e : parsed.entrySet()) {
            assertThat(!e.getValue().isEmpty() || rejected.containsKey(e.getKey())).as(e.getKey()).isTrue();
            for (MailMessage m : e.getValue()) {
                assertThat(m.subject()).as(e.getKey()).doesNotContain("\n", "\r");
                assertThat(m.body()).as(e.getKey()).doesNotContain("\u0000");
            }
        }
        rejected.values().forEach(reason -> assertThat(reason).isNotBlank());
    }

    @Test
    void badDatesAreRepairedFromZoneNamesResentDateOrTheFromLine() throws IOException {
        MailMessage tz = one("bad_date_tz.txt");
        assertThat(tz.date().instant()).isEqualTo(Instant.parse("1999-12-01T05:56:33Z"));
        assertThat(tz.notes()).anyMatch(n -> n.contains("invalid offset"));

        MailMessage resent = one("resent-date.txt");
        assertThat(resent.date().instant()).isEqualTo(Instant.parse("1999-11-09T02:53:05Z"));
        assertThat(resent.notes()).contains("date taken from Resent-Date");

        MailMessage unixFrom = one("unixfrom-date.txt");
        assertThat(unixFrom.date().instant()).isEqualTo(Instant.parse("1999-11-09T21:54:11Z"));

        MailMessage nonAscii = one("non-ascii-date-header.txt");
        assertThat(nonAscii.notes()).anyMatch(n -> n.startsWith("unreadable Date header"));
        assertThat(nonAscii.date().instant()).isEqualTo(Instant.parse("2001-06-27T15:23:36Z"));
    }

    @Test
    void encodedHeadersAndBrokenFoldingAreDecoded() throws IOException {
        assertThat(one("bad_folding.txt").subject()).startsWith("[<redacted>] Sicherheit 2005: Stichworte und Vorschlag PC-Mitglieder;")
                .endsWith("Ergänzung!");
        assertThat(one("bad-subject-header.txt").subject()).startsWith("(et en plus, en local");
        parseAll();
        List<MailMessage> thread = parsed.get("non-ascii-headers.txt");
        assertThat(thread).hasSizeGreaterThan(1);
        assertThat(thread.get(0).sender()).isEqualTo(new Sender("Vít Ondruch", "vondruch@redhat.com"));
        assertThat(thread.get(1).inReplyTo()).isEqualTo("4FFC1688.7090907@city-fan.org");
        assertThat(thread.get(1).references()).containsExactly("4FFC1228.3060409@redhat.com", "4FFC1688.7090907@city-fan.org");
    }

    @Test
    void oddInReplyToValuesStillThread() throws IOException {
        assertThat(one("strange-in-reply-to-header.txt").inReplyTo()).isEqualTo("200704070053.46646.other.person@example.com");
        MailMessage unclosed = one("wrong-in-reply-to-header.txt");
        assertThat(unclosed.inReplyTo()).isEqualTo("200704070053.46646.other.person@example");
        assertThat(unclosed.notes()).contains("In-Reply-To without its closing '>'");
    }

    @Test
    void charsetsTheMessageGetsWrongAreSurvived() throws IOException {
        MailMessage gb = one("another-wrong-encoding.txt");
        assertThat(gb.body()).contains("Questionnaire for Open Source Testing");
        MailMessage unknown = one("unknown-charset.txt");
        assertThat(unknown.notes()).anyMatch(n -> n.contains("unknown charset 'iso-0646-6'"));
        assertThat(unknown.body()).contains("Hi Mailman-cabal").doesNotContain("<p>");
        MailMessage wrongUtf8 = one("payload-utf8-wrong.txt");
        assertThat(wrongUtf8.notes()).anyMatch(n -> n.contains("not valid UTF-8") || n.contains("binary"));
        MailMessage unconvertable = one("unconvertable_message.txt");
        assertThat(unconvertable.body()).contains("very slow list");
    }

    @Test
    void attachmentsAreListedNotInlined() throws IOException {
        MailMessage signed = one("attachment-2.txt");
        assertThat(signed.body()).contains("I'm happy to announce a new list for Mailman 3 users");
        assertThat(signed.attachments()).containsExactly("signature.asc (application/pgp-signature)");
        assertThat(one("attachment-3.txt").attachments()).containsExactly("webpage.txt (text/plain)");
        assertThat(one("unconvertable_msg-2.txt").attachments()).hasSize(1);
        assertThat(one("unicode_issue.txt").notes()).contains("multipart message without a boundary: no text shown");
        assertThat(one("bad_content_type.txt").body()).contains("Some text").doesNotContain("Binary data");
    }

    @Test
    void pipermailTextArchiveHeaders() throws Exception {
        byte[] raw = Files.readAllBytes(Path.of("src/test/resources/fixtures/mail/stackalytics-openstack-dev-2012-July-excerpt.txt"));
        MailMessage m = Rfc822.parse(raw);
        assertThat(m.sender()).isEqualTo(new Sender("Salvatore Orlando", "sorlando@nicira.com"));
        assertThat(m.subject()).isEqualTo("[openstack-dev] [nova] [pci device passthrough] fails with \"NameError: global name '_' is not defined\"");
        assertThat(m.inReplyTo()).isEqualTo("5004FBF1.1080102@redhat.com");
        assertThat(m.messageId()).isEqualTo("CAGR=i3htLvDOdh5u6mxqmo0zVP1eKKYAxAhj=e1-rpQWZOiF6Q@gmail.com");
        assertThat(m.date().instant()).isEqualTo(Instant.parse("2012-07-17T07:30:43Z"));
    }

    @Test
    void nothingToIdentifyIsRejectedWithAReason() {
        assertThatThrownBy(() -> Rfc822.parse(new byte[0])).hasMessage("empty message");
        assertThatThrownBy(() -> Rfc822.parse("just some text\nwithout headers\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no mail headers found");
        assertThatThrownBy(() -> Rfc822.parse("X-Foo: bar\n\nbody".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("no From, Subject, Message-ID or Date header");
        assertThatThrownBy(() -> Rfc822.parse(new byte[Rfc822.MAX_MESSAGE_BYTES + 1]))
                .hasMessageContaining("exceeds the limit");
    }

    @Test
    void aMessageWithoutADateParsesAndSaysSo() throws MailParseException {
        MailMessage m = Rfc822.parse("From: a@b.c\nSubject: [nova] x\r\n y\nMessage-ID: <1@b.c>\n\nhello\n".getBytes(StandardCharsets.UTF_8));
        assertThat(m.date()).isNull();
        assertThat(m.notes()).contains("no date");
        assertThat(m.subject()).isEqualTo("[nova] x y");
        assertThat(m.body()).isEqualTo("hello\n");
    }
}
