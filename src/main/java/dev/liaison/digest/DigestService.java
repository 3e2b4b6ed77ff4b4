package dev.liaison.digest;

import dev.liaison.mailing.OutboxMail;
import dev.liaison.mailing.Subscriber;
import dev.liaison.store.OutboxStore;
import dev.liaison.store.SubscriberStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the daily digests: for each subscriber whose hour has come and whose digest for today is
 * not made yet, compose everything since their last digest, render it and queue it in the
 * outbox; then record the period and the time covered. Queuing is idempotent (one outbox entry
 * per subscriber and period), so a crash between the two steps neither skips nor doubles a digest.
 */
public final class DigestService {

    private static final Logger LOG = LoggerFactory.getLogger(DigestService.class);

    private final SubscriberStore subscribers;
    private final OutboxStore outbox;
    private final DigestComposer composer;
    private final MailRenderer renderer;
    private final String baseUrl;
    private final String mailDomain;
    private final boolean sendEmpty;
    private final Duration settle;
    private final Clock clock;

    public DigestService(SubscriberStore subscribers, OutboxStore outbox, DigestComposer composer, MailRenderer renderer,
                         String baseUrl, String mailDomain, boolean sendEmpty, Duration settle, Clock clock) {
        this.subscribers = subscribers;
        this.outbox = outbox;
        this.composer = composer;
        this.renderer = renderer;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.mailDomain = mailDomain;
        this.sendEmpty = sendEmpty;
        this.settle = settle;
        this.clock = clock;
    }

    /** Queues the digests that are due now; returns how many were queued. Called by the digest route. */
    public int runDue() {
        return run(false, Optional.empty());
    }

    /**
     * Queues, for everyone (or one address), what is new since their last digest, at once: exactly
     * what {@link #preview} shows at the same moment. When today's digest has not been made yet,
     * this is today's digest (the scheduled hour then has nothing left to send today but what
     * arrives after); when it has (sent, or found empty by the scheduled run), it is an extra
     * digest of today with its own key. Either way the next digest starts where this one ended, so
     * a second {@code send --now} sends nothing until something new happens.
     */
    public int sendNow(Optional<String> to) {
        return run(true, to.map(a -> a.trim().toLowerCase(Locale.ROOT)));
    }

    private int run(boolean now, Optional<String> only) {
        Instant at = clock.instant();
        Instant until = at.minus(settle);
        List<DigestComposer.Work> work = new ArrayList<>();
        java.util.Map<String, String> keys = new java.util.HashMap<>();
        for (SubscriberStore.Entry e : subscribers.all()) {
            Subscriber s = e.subscriber();
            if (!s.digest() || only.isPresent() && !only.get().equals(s.address())) {
                continue;
            }
            Optional<String> period = now
                    ? Optional.of(DigestSchedule.currentPeriod(s, at))
                    : DigestSchedule.duePeriod(s, e.lastPeriod(), at);
            if (period.isPresent()) {
                work.add(new DigestComposer.Work(s, period.get(), from(e, until)));
                String key = "digest:" + period.get();
                if (now && period.get().equals(e.lastPeriod())) {
                    key += "+" + until.toEpochMilli();
                }
                keys.put(s.address(), key);
            }
        }
        if (work.isEmpty()) {
            return 0;
        }
        int queued = 0;
        for (Digest d : composer.compose(work, until)) {
            Subscriber s = d.subscriber();
            if (!d.isEmpty() || sendEmpty) {
                String key = keys.get(s.address());
                MailRenderer.Rendered r = renderer.digest(d, unsubscribeUrl(s));
                OutboxMail mail = new OutboxMail(s.address(), key, "digest", s.address(), r.subject(), r.text(), r.html(),
                        OutboxMail.messageId(s.address(), key, mailDomain), unsubscribeUrl(s), 0);
                if (outbox.enqueue(mail, at)) {
                    queued++;
                }
            } else {
                LOG.debug("Nothing new for {} in {}: no digest", s.address(), d.period());
            }
            subscribers.markDigest(s.address(), d.period(), until);
        }
        LOG.info("Digests: {} queued for {} subscriber(s) due", queued, work.size());
        return queued;
    }

    /**
     * Where a subscriber's next digest starts: where their last one ended; for someone who has
     * had none, when they subscribed (their progress starts then); never after {@code until}.
     */
    private static Instant from(SubscriberStore.Entry e, Instant until) {
        Instant from = e.lastUntil() == null ? until.minus(Duration.ofDays(1)) : e.lastUntil();
        return from.isAfter(until) ? until : from;
    }

    /**
     * What the subscriber's digest would say now, sending nothing and recording nothing: the same
     * period, window and content {@link #sendNow} would queue at this moment.
     */
    public Optional<MailRenderer.Rendered> preview(String address) {
        Optional<SubscriberStore.Entry> e = subscribers.find(address);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        Instant at = clock.instant();
        Instant until = at.minus(settle);
        Subscriber s = e.get().subscriber();
        Digest d = composer.compose(List.of(new DigestComposer.Work(s, DigestSchedule.currentPeriod(s, at), from(e.get(), until))), until).get(0);
        return Optional.of(renderer.digest(d, unsubscribeUrl(s)));
    }

    String unsubscribeUrl(Subscriber s) {
        return baseUrl + "/unsubscribe/" + s.token();
    }
}
