package dev.liaison.digest;

import dev.liaison.mailing.OutboxMail;
import dev.liaison.store.OutboxStore;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the outbox holds: claims due mails, sends each through the transport, marks it sent,
 * or records the failure and schedules the next attempt with back-off. A relay that is down loses
 * nothing; each mail goes out once it is back.
 */
public final class MailDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(MailDelivery.class);
    /** A mail still "sending" after this long was interrupted (by a crash) and is sent again. */
    public static final Duration STALE_SENDING = Duration.ofMinutes(5);

    private final OutboxStore outbox;
    private final MailTransport transport;
    private final String from;
    private final Duration backoffInitial;
    private final int maxAttempts;
    private final Clock clock;

    public MailDelivery(OutboxStore outbox, MailTransport transport, String from, Duration backoffInitial, int maxAttempts, Clock clock) {
        this.outbox = outbox;
        this.transport = transport;
        this.from = from;
        this.backoffInitial = backoffInitial;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    /** Sends every due mail; returns how many were sent. Called by the outbox-delivery route. */
    public int deliverDue() {
        Instant now = clock.instant();
        List<OutboxMail> due = outbox.claimDue(now, STALE_SENDING, 100);
        int sent = 0;
        for (OutboxMail mail : due) {
            try {
                MimeMessage message = MimeMessages.build(mail, from, now);
                transport.send(mail.id(), message);
                outbox.markSent(mail.id(), clock.instant());
                sent++;
                LOG.info("Sent {} to {} ({}), Message-ID {}", mail.key(), mail.to(), transport.describe(), mail.messageId());
            } catch (Exception e) {
                String reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                outbox.markFailed(mail.id(), reason, clock.instant(), backoffInitial, maxAttempts);
                LOG.warn("Sending {} to {} failed (attempt {}): {}", mail.key(), mail.to(), mail.attempts(), reason.replaceAll("[\\r\\n]+", " "));
            }
        }
        return sent;
    }

    public String describe() {
        return transport.describe();
    }
}
