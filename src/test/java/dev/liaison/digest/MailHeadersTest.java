package dev.liaison.digest;

import dev.liaison.mailing.MailHeaders;
import dev.liaison.mailing.OutboxMail;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Text from outside never reaches a header with CR or LF in it. */
class MailHeadersTest {

    @Test
    void aPageTitleWithCrLfCannotInjectHeaders() throws Exception {
        Digest.PageChange page = new Digest.PageChange("p", "Priorities\r\nBcc: everyone@example.org\r\n\r\n<b>x</b>",
                "https://example.org/p", "1 list item added", List.of("Added in A: <script>"), "+ x", Instant.now());
        MailRenderer.Rendered r = new MailRenderer().alert(page, "https://liaison.example.org/unsubscribe/t");
        assertThat(r.subject()).doesNotContain("\r").doesNotContain("\n")
                .isEqualTo("Liaison alert: Priorities Bcc: everyone@example.org <b>x</b> changed");
        assertThat(r.html()).doesNotContain("<script>").contains("&lt;script&gt;");

        OutboxMail mail = new OutboxMail("ptl@example.org", "alert:1", "alert", "ptl@example.org", r.subject(), r.text(),
                r.html(), OutboxMail.messageId("ptl@example.org", "alert:1", "example.org"), "https://x/\r\nBcc: a@b", 0);
        MimeMessage m = MimeMessages.build(mail, "Liaison <liaison@example.org>", Instant.parse("2026-11-24T08:00:00Z"));
        assertThat(m.getRecipients(Message.RecipientType.BCC)).isNull();
        assertThat(m.getAllRecipients()).hasSize(1);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        m.writeTo(raw);
        String headers = raw.toString().split("\r\n\r\n", 2)[0];
        assertThat(headers.lines()).noneMatch(l -> l.startsWith("Bcc:"));
        assertThat(m.getHeader("List-Unsubscribe")[0]).isEqualTo("<https://x/ Bcc: a@b>");
    }

    @Test
    void messageIdsAreStablePerSubscriberAndKey() {
        String a = OutboxMail.messageId("a@example.org", "digest:2026-11-24", "example.org");
        assertThat(a).isEqualTo(OutboxMail.messageId("a@example.org", "digest:2026-11-24", "example.org"))
                .isNotEqualTo(OutboxMail.messageId("a@example.org", "digest:2026-11-25", "example.org"))
                .matches("<liaison\\.[0-9a-f]{32}@example\\.org>");
        assertThat(MailHeaders.clean("x".repeat(400))).hasSize(MailHeaders.MAX);
    }
}
