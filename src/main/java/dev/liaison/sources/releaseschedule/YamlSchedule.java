package dev.liaison.sources.releaseschedule;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.liaison.release.ReleaseEntry;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a series' {@code schedule.yaml} from the openstack/releases repository
 * ({@code doc/source/<series>/schedule.yaml}): the source of the published calendar, and the only
 * place that holds the project-specific deadlines. Its {@code cycle} lists the weeks
 * ({@code start}, {@code end}, {@code name} such as {@code R-16}) with the labels of their
 * cross-project ({@code x-project}) and project-specific ({@code project-specific}) events. Labels
 * are {@code <series initial>-<project>-<event>} ({@code h-nova-spec-freeze}); the project is the
 * label's second part and the title is made from the rest ("Nova Spec Freeze"), since the titles
 * live in schedule.rst. Named weeks and project-specific deadlines become entries; the
 * cross-project events are left to the iCalendar feed, which carries their titles.
 */
public final class YamlSchedule {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(100_000).maxNestingDepth(50).build())
            .build());
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9.-]*");
    private static final Pattern WEEK = Pattern.compile("R[-+]\\d+");
    public static final int MAX_WEEKS = 200;

    private YamlSchedule() {}

    /** Parses the schedule of {@code series} (from the file's path: the YAML does not name it). */
    public static Schedule parse(String text, String series) throws ScheduleFormatException {
        if (series == null || series.isBlank()) {
            throw new ScheduleFormatException("the series of a schedule.yaml is not known (set the source's 'series' option)");
        }
        String seriesId = series.toLowerCase(Locale.ROOT);
        String seriesTitle = Character.toUpperCase(seriesId.charAt(0)) + seriesId.substring(1);
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            throw new ScheduleFormatException("broken schedule YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("cycle").isArray()) {
            throw new ScheduleFormatException("not a release schedule: no 'cycle' list");
        }
        List<String> problems = new ArrayList<>();
        Map<String, ReleaseEntry> entries = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode week : root.path("cycle")) {
            index++;
            if (index > MAX_WEEKS) {
                problems.add("more than " + MAX_WEEKS + " weeks; the rest are left out");
                break;
            }
            String name = week.path("name").asText("").strip();
            try {
                LocalDate start = date(week, "start");
                LocalDate end = date(week, "end");
                if (end.isBefore(start) || end.isAfter(start.plusDays(31))) {
                    throw new ScheduleFormatException("week " + start + " to " + end + " is not a week");
                }
                if (name.isEmpty()) {
                    continue; // weeks before the cycle: not part of it
                }
                if (!WEEK.matcher(name).matches()) {
                    throw new ScheduleFormatException("week name '" + shorten(name) + "' is not R-<n>");
                }
                entries.putIfAbsent(seriesId + "/" + name, new ReleaseEntry(seriesId + "/" + name, seriesId,
                        ReleaseEntry.Type.WEEK, null, seriesTitle + " " + name, name, start, end, null));
                for (JsonNode label : week.path("project-specific")) {
                    ReleaseEntry d = projectDeadline(label.asText(""), seriesId, name, start, end);
                    if (d == null) {
                        problems.add("week " + name + ": label '" + shorten(label.asText("")) + "' names no project event");
                    } else if (entries.putIfAbsent(d.id(), d) != null) {
                        ReleaseEntry again = new ReleaseEntry(d.id() + "@" + name, seriesId, d.type(), d.project(), d.title(),
                                name, start, end, null);
                        entries.putIfAbsent(again.id(), again);
                    }
                }
            } catch (ScheduleFormatException e) {
                problems.add("week " + (name.isEmpty() ? "#" + index : name) + ": " + e.getMessage());
            }
        }
        if (entries.isEmpty()) {
            throw new ScheduleFormatException("no named week in the schedule" + (problems.isEmpty() ? "" : " (first problem: " + problems.get(0) + ")"));
        }
        return new Schedule(new ArrayList<>(entries.values()), problems);
    }

    /** {@code h-nova-spec-freeze} in hibiscus: nova's "Nova Spec Freeze"; null when the label names no project event. */
    static ReleaseEntry projectDeadline(String label, String series, String week, LocalDate start, LocalDate end) {
        String l = label.strip().toLowerCase(Locale.ROOT);
        if (!LABEL.matcher(l).matches() || l.length() > 120) {
            return null;
        }
        String rest = l.startsWith(series.substring(0, 1) + "-") ? l.substring(2) : l;
        int dash = rest.indexOf('-');
        if (dash <= 0 || dash == rest.length() - 1) {
            return null;
        }
        String project = rest.substring(0, dash);
        StringBuilder title = new StringBuilder();
        for (String word : rest.split("-")) {
            if (!word.isEmpty()) {
                title.append(title.length() == 0 ? "" : " ").append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return new ReleaseEntry(series + "/" + rest, series, ReleaseEntry.Type.DEADLINE, project, title.toString(), week,
                start, end, null);
    }

    private static LocalDate date(JsonNode week, String field) throws ScheduleFormatException {
        String v = week.path(field).asText("").strip();
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new ScheduleFormatException("'" + field + "' '" + shorten(v) + "' is not a date (YYYY-MM-DD)");
        }
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }
}
