package dev.liaison.mailing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A mail ready to send: one per (subscriber, key), the key being {@code digest:<date>} or
 * {@code alert:<event id>}. The Message-ID is derived from that pair, so the same mail always
 * has the same Message-ID, also when a send is retried after a crash.
 */
public record OutboxMail(String subscriber, String key, String kind, String to, String subject, String text,
                         String html, String messageId, String unsubscribeUrl, int attempts) {

    public OutboxMail {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(key, "key");
        subject = MailHeaders.clean(subject);
        to = MailHeaders.clean(to);
    }

    public String id() {
        return subscriber + "|" + key;
    }

    /** The stable Message-ID of the mail for this subscriber and key. */
    public static String messageId(String subscriber, String key, String domain) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((subscriber + "|" + key).getBytes(StandardCharsets.UTF_8));
            return "<liaison." + HexFormat.of().formatHex(h, 0, 16) + "@" + MailHeaders.clean(domain).replaceAll("[^A-Za-z0-9.-]", "") + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
