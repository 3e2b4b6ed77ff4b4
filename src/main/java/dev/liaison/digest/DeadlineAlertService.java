package dev.liaison.digest;

import dev.liaison.mailing.OutboxMail;
import dev.liaison.mailing.Subscriber;
import dev.liaison.release.ReleaseCalendar;
import dev.liaison.release.ReleaseEntry;
import dev.liaison.store.OutboxStore;
import dev.liaison.store.ReleaseScheduleStore;
import dev.liaison.store.SubscriberStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mails a subscriber who set {@code deadline-alert-days: N} when a release deadline of a project
 * they follow (its own, such as "Nova Spec Freeze", or one of the whole cycle, such as feature
 * freeze) is N days away or nearer, in their own timezone. One mail per (subscriber, deadline),
 * ever: the outbox's unique (subscriber, {@code deadline:<series>/<slug>}) key is the state, so a
 * restart, a second instance or a rerun never sends it twice; which ones are queued already is
 * read in one query per run. A deadline that moved later keeps its id and is not mailed again.
 * Runs from the {@code deadline-alert} route every hour.
 */
public final class DeadlineAlertService {

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineAlertService.class);

    private final ReleaseScheduleStore schedules;
    private final SubscriberStore subscribers;
    private final OutboxStore outbox;
    private final DigestComposer composer;
    private final MailRenderer renderer;
    private final String baseUrl;
    private final String mailDomain;
    private final Clock clock;

    /** One alert as the mail shows it; every text in it came from the schedule and is escaped in HTML. */
    public record Alert(String deadlineId, String title, String series, String week, LocalDate due, LocalDate weekStart,
                        LocalDate weekEnd, long daysToGo, List<String> projects, String description, int daysAhead) {

        public String when() {
            return daysToGo == 0 ? "today" : daysToGo == 1 ? "tomorrow" : "in " + daysToGo + " days";
        }

        public String headline() {
            String who = projects.size() == 1 ? projects.get(0) + ": " : "";
            String what = projects.size() == 1 && title.toLowerCase(java.util.Locale.ROOT).startsWith(projects.get(0) + " ")
                    ? title.substring(projects.get(0).length() + 1) : title;
            return who + what + " " + when() + " (" + due + ")";
        }
    }

    public DeadlineAlertService(ReleaseScheduleStore schedules, SubscriberStore subscribers, OutboxStore outbox,
                                DigestComposer composer, MailRenderer renderer, String baseUrl, String mailDomain, Clock clock) {
        this.schedules = schedules;
        this.subscribers = subscribers;
        this.outbox = outbox;
        this.composer = composer;
        this.renderer = renderer;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.mailDomain = mailDomain;
        this.clock = clock;
    }

    /** Queues the deadline alerts that are due and not queued before; returns how many. */
    public int run() {
        List<Subscriber> asking = new ArrayList<>();
        for (SubscriberStore.Entry e : subscribers.all()) {
            if (e.subscriber().deadlineAlertDays() > 0) {
                asking.add(e.subscriber());
            }
        }
        if (asking.isEmpty()) {
            return 0;
        }
        ReleaseCalendar calendar = new ReleaseCalendar(schedules.all());
        if (calendar.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        Map<String, Set<String>> projects = composer.followedProjects(asking);
        record Due(Subscriber subscriber, Alert alert) {}
        Map<String, Due> due = new LinkedHashMap<>();
        for (Subscriber s : asking) {
            LocalDate today = LocalDate.ofInstant(now, s.timezone());
            Map<String, Alert> alerts = new LinkedHashMap<>();
            for (String project : projects.getOrDefault(s.address(), Set.of())) {
                for (ReleaseEntry d : calendar.deadlinesBetween(project, today, today.plusDays(s.deadlineAlertDays()))) {
                    Alert before = alerts.get(d.id());
                    Set<String> concerned = new TreeSet<>(before == null ? List.of() : before.projects());
                    concerned.add(project);
                    alerts.put(d.id(), new Alert(d.id(), d.title(), d.seriesTitle(), d.week(), d.due(), d.start(), d.end(),
                            ChronoUnit.DAYS.between(today, d.due()), List.copyOf(concerned), d.description(), s.deadlineAlertDays()));
                }
            }
            for (Alert a : alerts.values()) {
                due.put(s.address() + "|deadline:" + a.deadlineId(), new Due(s, a));
            }
        }
        // One query for what was queued before; only the rest is rendered and queued.
        Set<String> queued = outbox.existingIds(due.keySet());
        int n = 0;
        for (Due d : due.values()) {
            Subscriber s = d.subscriber();
            String key = "deadline:" + d.alert().deadlineId();
            OutboxMail probe = new OutboxMail(s.address(), key, "deadline", s.address(), "", "", "", "", "", 0);
            if (queued.contains(probe.id())) {
                continue;
            }
            String unsubscribe = baseUrl + "/unsubscribe/" + s.token();
            MailRenderer.Rendered r = renderer.deadline(d.alert(), unsubscribe);
            if (outbox.enqueue(new OutboxMail(s.address(), key, "deadline", s.address(), r.subject(), r.text(), r.html(),
                    OutboxMail.messageId(s.address(), key, mailDomain), unsubscribe, 0), now)) {
                n++;
            }
        }
        if (n > 0) {
            LOG.info("Deadline alerts: {} mail(s) queued", n);
        }
        return n;
    }
}
