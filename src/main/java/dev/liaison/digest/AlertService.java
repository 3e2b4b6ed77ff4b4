package dev.liaison.digest;

import dev.liaison.mailing.OutboxMail;
import dev.liaison.mailing.Subscriber;
import dev.liaison.item.Event;
import dev.liaison.store.EventStore;
import dev.liaison.store.OutboxStore;
import dev.liaison.store.SourceStateStore;
import dev.liaison.store.SubscriberStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mails each {@code page.changed} event to the page's watchers as soon as it is seen (the
 * page-alert route runs every 20 seconds). The cursor is the time of the last event handled,
 * kept in {@code source_state} under {@code page-alerts}; events are re-read with an overlap and
 * the outbox's unique (subscriber, alert) key makes that harmless.
 */
public final class AlertService {

    private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);
    public static final String CURSOR = "page-alerts";
    private static final Duration OVERLAP = Duration.ofMinutes(5);

    private final EventStore events;
    private final SourceStateStore state;
    private final SubscriberStore subscribers;
    private final OutboxStore outbox;
    private final MailRenderer renderer;
    private final String baseUrl;
    private final String mailDomain;
    private final Clock clock;

    public AlertService(EventStore events, SourceStateStore state, SubscriberStore subscribers, OutboxStore outbox,
                        MailRenderer renderer, String baseUrl, String mailDomain, Clock clock) {
        this.events = events;
        this.state = state;
        this.subscribers = subscribers;
        this.outbox = outbox;
        this.renderer = renderer;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.mailDomain = mailDomain;
        this.clock = clock;
    }

    /** Queues alerts for page changes not yet alerted; returns how many mails were queued. */
    public int run() {
        Instant now = clock.instant();
        Instant since = state.cursorInstant(CURSOR, "lastEventAt");
        if (since == null) {
            // First run: alert from the start of this installation's page history, which is short.
            since = Instant.EPOCH;
        }
        List<Event> changes = events.since(since.minus(OVERLAP), Event.PAGE_CHANGED, 10_000);
        if (changes.isEmpty()) {
            return 0;
        }
        List<SubscriberStore.Entry> all = subscribers.all();
        int queued = 0;
        Instant last = since;
        for (Event e : changes) {
            Digest.PageChange page = DigestComposer.pageChange(e);
            for (SubscriberStore.Entry entry : all) {
                Subscriber s = entry.subscriber();
                if (!(s.pages().contains(e.source()) || page.url() != null && s.pages().contains(page.url()))) {
                    continue;
                }
                String key = "alert:" + e.id();
                String unsubscribe = baseUrl + "/unsubscribe/" + s.token();
                MailRenderer.Rendered r = renderer.alert(page, unsubscribe);
                if (outbox.enqueue(new OutboxMail(s.address(), key, "alert", s.address(), r.subject(), r.text(), r.html(),
                        OutboxMail.messageId(s.address(), key, mailDomain), unsubscribe, 0), now)) {
                    queued++;
                }
            }
            if (e.at().isAfter(last)) {
                last = e.at();
            }
        }
        state.saveCursorInstant(CURSOR, "lastEventAt", last);
        if (queued > 0) {
            LOG.info("Page alerts: {} mail(s) queued", queued);
        }
        return queued;
    }
}
