package dev.liaison.app;

import dev.liaison.config.ConfigException;
import dev.liaison.config.Settings;
import dev.liaison.config.SourceConfig;
import dev.liaison.digest.AlertService;
import dev.liaison.digest.DeadlineAlertService;
import dev.liaison.store.ReleaseScheduleStore;
import dev.liaison.digest.DigestComposer;
import dev.liaison.digest.DigestService;
import dev.liaison.digest.EmlFileTransport;
import dev.liaison.digest.MailDelivery;
import dev.liaison.digest.MailRenderer;
import dev.liaison.digest.MailTransport;
import dev.liaison.digest.SmtpTransport;
import dev.liaison.digest.SubscribersFile;
import dev.liaison.store.OutboxStore;
import dev.liaison.store.Store;
import dev.liaison.store.SubscriberStore;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Digests, alerts and their delivery, made in one place from the settings: the subscriber and
 * outbox stores, the composer and renderer, the digest and alert services, and the transport
 * (SMTP through camel-mail when a relay is configured, .eml files under the data dir otherwise).
 */
public final class Mail {

    private static final Logger LOG = LoggerFactory.getLogger(Mail.class);

    private final LiaisonRuntime runtime;
    private final Settings settings;
    private final Store store;
    private final Clock clock;
    private final SubscriberStore subscribers;
    private final OutboxStore outbox;
    private final DigestService digests;
    private final AlertService alerts;
    private final DeadlineAlertService deadlineAlerts;
    private final String from;

    /** Mail services on a runtime with another clock (tests move time by hand). */
    public static Mail withClock(LiaisonRuntime runtime, Clock clock) {
        return new Mail(runtime, clock);
    }

    Mail(LiaisonRuntime runtime, Clock clock) {
        this.runtime = runtime;
        this.settings = runtime.settings();
        this.store = runtime.store();
        this.clock = clock;
        this.subscribers = new SubscriberStore(store);
        this.outbox = new OutboxStore(store);
        this.from = settings.get("liaison.mail.from");
        String domain = domainOf(from);
        Map<String, String> sourceProjects = new LinkedHashMap<>();
        for (SourceConfig s : runtime.sources()) {
            if (s.project() != null) {
                sourceProjects.put(s.id(), s.project());
            }
        }
        String baseUrl = settings.publicBaseUrl();
        MailRenderer renderer = new MailRenderer();
        this.digests = new DigestService(subscribers, outbox, new DigestComposer(store, baseUrl, sourceProjects), renderer,
                baseUrl, domain, settings.bool("liaison.digest.send-empty"), settings.duration("liaison.digest.settle"), clock);
        this.alerts = new AlertService(store.events(), store.sourceState(), subscribers, outbox, renderer, baseUrl, domain, clock);
        this.deadlineAlerts = new DeadlineAlertService(new ReleaseScheduleStore(store), subscribers, outbox,
                new DigestComposer(store, baseUrl, sourceProjects), renderer, baseUrl, domain, clock);
    }

    static String domainOf(String from) {
        try {
            String address = new InternetAddress(from, true).getAddress();
            return address.substring(address.indexOf('@') + 1);
        } catch (AddressException | StringIndexOutOfBoundsException e) {
            throw new ConfigException(null, null, "liaison.mail.from", "'" + from + "' is not a mail address");
        }
    }

    /** Reads subscribers.yaml and syncs it into the store; returns the problems with bad entries. */
    public List<String> syncSubscribers() {
        SubscribersFile.Result r = SubscribersFile.load(runtime.paths().config(),
                id -> new dev.liaison.store.StoryStore(store).find(id).isPresent());
        for (String problem : r.problems()) {
            LOG.warn("{}", problem);
        }
        for (String notice : r.notices()) {
            LOG.info("{}", notice);
        }
        int added = subscribers.sync(r.subscribers(), clock.instant());
        LOG.info("Subscribers: {} from {} ({} new), {} bad entr{} skipped", r.subscribers().size(), SubscribersFile.FILE_NAME,
                added, r.problems().size(), r.problems().size() == 1 ? "y" : "ies");
        return r.problems();
    }

    /** The delivery of the outbox; {@code camel} is needed only when an SMTP relay is configured. */
    public MailDelivery delivery(CamelContext camel) {
        return new MailDelivery(outbox, transport(camel), from, settings.duration("liaison.outbox.backoff-initial"),
                settings.integer("liaison.outbox.max-attempts", 1, 100), clock);
    }

    private MailTransport transport(CamelContext camel) {
        String host = settings.get("liaison.smtp.host");
        if (host.isBlank()) {
            return new EmlFileTransport(runtime.paths().data().resolve("outbox"));
        }
        return new SmtpTransport(camel, host, settings.port("liaison.smtp.port"), settings.bool("liaison.smtp.starttls"),
                settings.get("liaison.smtp.username"), settings.get("liaison.smtp.password"));
    }

    public boolean smtpConfigured() {
        return !settings.get("liaison.smtp.host").isBlank();
    }

    public SubscriberStore subscribers() { return subscribers; }
    public OutboxStore outbox() { return outbox; }
    public DigestService digests() { return digests; }
    public AlertService alerts() { return alerts; }
    public DeadlineAlertService deadlineAlerts() { return deadlineAlerts; }
}
