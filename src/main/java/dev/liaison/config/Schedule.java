package dev.liaison.config;

import java.time.Duration;
import java.util.Locale;
import org.quartz.CronExpression;

/**
 * When a source is polled: either a fixed interval ({@code 30s}, {@code 15m}, {@code 6h},
 * {@code 1d}, {@code PT15M}) or a cron expression (Unix five fields, or Quartz six or seven).
 */
public record Schedule(String text, Duration interval, String quartzCron) {

    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    /** Parses a schedule, or throws IllegalArgumentException with a reason a person can act on. */
    public static Schedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a schedule is required (an interval like 30m, or a cron expression)");
        }
        String t = text.trim();
        var duration = Durations.parse(t);
        if (duration.isPresent()) {
            return interval(t, duration.get());
        }
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            throw new IllegalArgumentException("'" + t + "' is not an ISO-8601 duration");
        }
        String[] fields = t.split("\\s+");
        String cron;
        if (fields.length == 5) {
            // Unix cron: minute hour day-of-month month day-of-week. Quartz wants seconds first and
            // '?' in one of the two day fields.
            String dom = fields[2];
            String dow = fields[4];
            if (dow.equals("*")) {
                dow = "?";
            } else if (dom.equals("*")) {
                dom = "?";
            }
            cron = String.join(" ", "0", fields[0], fields[1], dom, fields[3], dow);
        } else if (fields.length == 6 || fields.length == 7) {
            cron = t;
        } else {
            throw new IllegalArgumentException("'" + t + "' is neither an interval (30s, 15m, 6h, 1d) nor a cron expression");
        }
        try {
            CronExpression.validateExpression(cron);
        } catch (Exception e) {
            throw new IllegalArgumentException("'" + t + "' is not a valid cron expression: " + e.getMessage());
        }
        return new Schedule(t, null, cron);
    }

    private static Schedule interval(String text, Duration d) {
        if (d.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("interval '" + text + "' is shorter than 1s");
        }
        return new Schedule(text, d, null);
    }

    public boolean isCron() {
        return quartzCron != null;
    }

    /** The Camel endpoint URI that fires this schedule for the given route name. */
    public String camelUri(String name, Duration initialDelay) {
        if (isCron()) {
            return "quartz:liaison/" + name + "?cron=" + quartzCron.replace(' ', '+');
        }
        return "timer:liaison-" + name + "?period=" + interval.toMillis() + "&delay=" + initialDelay.toMillis();
    }
}
