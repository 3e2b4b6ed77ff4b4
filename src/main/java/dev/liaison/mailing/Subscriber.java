package dev.liaison.mailing;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Someone who gets digests and alerts: their address, name, timezone and hour, what they follow
 * (stories, projects, tags, item kinds; nothing means everything), the page-watch sources whose
 * changes they want at once, whether the daily digest is on, and their secret token (for the
 * unsubscribe link; made by Liaison, never written in a file), and how many days before a release
 * deadline of a project they follow they want an alert (0: none).
 */
public record Subscriber(String address, String name, ZoneId timezone, int hour, List<String> stories,
                         List<String> projects, List<String> tags, List<String> kinds, List<String> pages,
                         boolean digest, String token, int deadlineAlertDays) {

    /** The most days ahead a deadline alert may be asked for. */
    public static final int MAX_DEADLINE_ALERT_DAYS = 90;

    /** A subscriber who asks for no deadline alert. */
    public Subscriber(String address, String name, ZoneId timezone, int hour, List<String> stories, List<String> projects,
                      List<String> tags, List<String> kinds, List<String> pages, boolean digest, String token) {
        this(address, name, timezone, hour, stories, projects, tags, kinds, pages, digest, token, 0);
    }

    /** A practical address check: one @, no spaces or control characters, a dotted domain. */
    static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+");

    public Subscriber {
        Objects.requireNonNull(address, "address");
        address = address.trim().toLowerCase(Locale.ROOT);
        if (address.length() > 254 || !ADDRESS.matcher(address).matches()) {
            throw new IllegalArgumentException("'" + address + "' is not a mail address");
        }
        name = name == null ? "" : name.replaceAll("[\\r\\n\\t]+", " ").trim();
        Objects.requireNonNull(timezone, "timezone");
        if (hour < 0 || hour > 23) {
            throw new IllegalArgumentException("hour must be 0..23, not " + hour);
        }
        stories = stories == null ? List.of() : List.copyOf(stories);
        projects = projects == null ? List.of() : List.copyOf(projects);
        tags = tags == null ? List.of() : List.copyOf(tags);
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        pages = pages == null ? List.of() : List.copyOf(pages);
        if (deadlineAlertDays < 0 || deadlineAlertDays > MAX_DEADLINE_ALERT_DAYS) {
            throw new IllegalArgumentException("deadline-alert-days must be 0 (off) to " + MAX_DEADLINE_ALERT_DAYS + ", not " + deadlineAlertDays);
        }
    }

    public Subscriber withToken(String newToken) {
        return new Subscriber(address, name, timezone, hour, stories, projects, tags, kinds, pages, digest, newToken, deadlineAlertDays);
    }

    /** True when the subscriber narrowed nothing: they follow every story. */
    public boolean followsEverything() {
        return stories.isEmpty() && projects.isEmpty() && tags.isEmpty();
    }
}
