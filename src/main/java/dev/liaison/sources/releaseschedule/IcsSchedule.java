package dev.liaison.sources.releaseschedule;

import dev.liaison.release.ReleaseEntry;
import java.io.IOException;
import java.io.StringReader;
import java.time.LocalDate;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.DateProperty;

/**
 * Reads the iCalendar feed releases.openstack.org publishes per series
 * ({@code <series>/schedule.ics}, and all series in {@code schedule.ics}) with ical4j. The feed
 * holds one all-day VEVENT per named week of the cycle, with SUMMARY
 * {@code "<Series> <week> (<title>; <title>)"}: the week ({@code R-16}, {@code R+0}) and the titles
 * of the cycle-wide events of that week (milestones, freezes, RC1, the release). Each VEVENT
 * becomes a week entry; each title in its parentheses a cycle-wide deadline entry. The feed holds
 * no project-specific deadline ("Nova Spec Freeze"): those are only in the series'
 * {@code schedule.yaml} ({@link YamlSchedule}).
 */
public final class IcsSchedule {

    /** "Indri R-16 (a; b)": series, week, the titles in parentheses. */
    private static final Pattern SUMMARY = Pattern.compile("^(\\S+) (R[-+]\\d+)(?: \\((.*)\\))?$", Pattern.DOTALL);
    /** Events read from one feed at most (a cycle has about 30 weeks; the all-series feed some 600). */
    public static final int MAX_EVENTS = 5_000;

    private IcsSchedule() {}

    /** True when the text looks like iCalendar. */
    public static boolean looksLikeIcs(String text) {
        return text.stripLeading().regionMatches(true, 0, "BEGIN:VCALENDAR", 0, 15);
    }

    public static Schedule parse(String text) throws ScheduleFormatException {
        if (text == null || !looksLikeIcs(text)) {
            throw new ScheduleFormatException("not an iCalendar feed (it does not start with BEGIN:VCALENDAR)");
        }
        Calendar calendar;
        try {
            calendar = new CalendarBuilder().build(new StringReader(text));
        } catch (ParserException e) {
            throw new ScheduleFormatException("broken iCalendar feed: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ScheduleFormatException("unreadable iCalendar feed: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        Map<String, ReleaseEntry> entries = new LinkedHashMap<>();
        int events = 0;
        for (Object c : calendar.getComponents()) {
            if (!(c instanceof VEvent event)) {
                continue;
            }
            if (++events > MAX_EVENTS) {
                problems.add("more than " + MAX_EVENTS + " events; the rest are left out");
                break;
            }
            try {
                for (ReleaseEntry e : entries(event)) {
                    entries.putIfAbsent(e.id(), e);
                }
            } catch (ScheduleFormatException | RuntimeException e) {
                problems.add("event " + value(event, Property.UID).orElse("#" + events) + ": " + e.getMessage());
            }
        }
        if (entries.isEmpty()) {
            throw new ScheduleFormatException("no schedule week in the feed (" + events + " events"
                    + (problems.isEmpty() ? "" : "; first problem: " + problems.get(0)) + ")");
        }
        return new Schedule(new ArrayList<>(entries.values()), problems);
    }

    private static List<ReleaseEntry> entries(VEvent event) throws ScheduleFormatException {
        String summary = value(event, Property.SUMMARY).orElseThrow(() -> new ScheduleFormatException("no SUMMARY")).strip();
        Matcher m = SUMMARY.matcher(summary);
        if (!m.matches()) {
            throw new ScheduleFormatException("SUMMARY '" + shorten(summary) + "' is not '<Series> R-<n> (<events>)'");
        }
        String series = m.group(1);
        String week = m.group(2);
        LocalDate start = date(event.getProperty(Property.DTSTART), "DTSTART");
        Optional<Property> dtEnd = event.getProperty(Property.DTEND);
        // DTEND of an all-day event is the day after its last day.
        LocalDate end = dtEnd.isPresent() ? date(dtEnd, "DTEND").minusDays(1) : start.plusDays(4);
        if (end.isBefore(start)) {
            end = start;
        }
        if (end.isAfter(start.plusDays(31))) {
            throw new ScheduleFormatException("week " + week + " spans " + start + " to " + end + ": not a week");
        }
        String description = value(event, Property.DESCRIPTION).orElse(null);
        String seriesId = series.toLowerCase(java.util.Locale.ROOT);
        List<ReleaseEntry> out = new ArrayList<>();
        String weekTitle = series + " " + week;
        out.add(new ReleaseEntry(seriesId + "/" + week, seriesId, ReleaseEntry.Type.WEEK, null, weekTitle, week, start, end, null));
        String inner = m.group(3);
        if (inner != null) {
            for (String title : splitTitles(inner)) {
                String slug = ReleaseEntry.slug(title);
                if (slug.isEmpty()) {
                    continue;
                }
                out.add(new ReleaseEntry(seriesId + "/" + slug, seriesId, ReleaseEntry.Type.DEADLINE, null, title, week,
                        start, end, description));
            }
        }
        return out;
    }

    /** Splits "a; b (c; d); e" at the semicolons outside parentheses. */
    static List<String> splitTitles(String inner) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char ch : inner.toCharArray()) {
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth = Math.max(0, depth - 1);
            }
            if (ch == ';' && depth == 0) {
                add(out, cur);
            } else {
                cur.append(ch);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String t = cur.toString().replaceAll("\\s+", " ").strip();
        if (!t.isEmpty()) {
            out.add(t);
        }
        cur.setLength(0);
    }

    private static LocalDate date(Optional<Property> p, String name) throws ScheduleFormatException {
        if (p.isEmpty()) {
            throw new ScheduleFormatException("no " + name);
        }
        if (!(p.get() instanceof DateProperty<?> dp)) {
            throw new ScheduleFormatException(name + " is not a date");
        }
        Temporal t = dp.getDate();
        try {
            return LocalDate.from(t);
        } catch (RuntimeException e) {
            if (t instanceof java.time.Instant i) {
                return LocalDate.ofInstant(i, java.time.ZoneOffset.UTC);
            }
            throw new ScheduleFormatException(name + " '" + p.get().getValue() + "' is not a date");
        }
    }

    private static Optional<String> value(VEvent event, String property) {
        return event.getProperty(property).map(Property::getValue).filter(v -> !v.isBlank());
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }
}
