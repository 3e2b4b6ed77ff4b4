package dev.liaison.digest;

import dev.liaison.mailing.MailHeaders;
import dev.liaison.mailing.OutboxMail;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

/** Builds the MIME message of an outbox mail: multipart/alternative, stable Message-ID, List-Unsubscribe. */
public final class MimeMessages {

    private MimeMessages() {}

    /** A MimeMessage that keeps the Message-ID it was given when saved or sent. */
    static final class StableIdMessage extends MimeMessage {
        private final String messageId;

        StableIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }

    public static MimeMessage build(OutboxMail mail, String from, Instant date) throws MessagingException {
        Session session = Session.getInstance(new Properties());
        MimeMessage m = new StableIdMessage(session, mail.messageId());
        m.setFrom(new InternetAddress(MailHeaders.clean(from)));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(MailHeaders.clean(mail.to()), true));
        m.setSubject(MailHeaders.clean(mail.subject()), "UTF-8");
        m.setSentDate(Date.from(date));
        MimeBodyPart text = new MimeBodyPart();
        text.setText(mail.text(), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(mail.html(), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        if (mail.unsubscribeUrl() != null && !mail.unsubscribeUrl().isBlank()) {
            m.setHeader("List-Unsubscribe", "<" + MailHeaders.clean(mail.unsubscribeUrl()) + ">");
            m.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        m.setHeader("Auto-Submitted", "auto-generated");
        m.saveChanges();
        return m;
    }
}
