package dev.liaison.sources.mail;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mail's date as written (RFC 2822 header, pipermail's {@code time.ctime} display format with a
 * zone, or an mbox {@code From } line) turned into an instant, keeping the offset it was written
 * in. A zone the parser cannot read is taken as UTC and said so in {@link #note()}.
 */
public record MailDate(Instant instant, ZoneOffset offset, String note) {

    private static final Map<String, Integer> MONTHS = Map.ofEntries(
            Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4),
            Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8),
            Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));

    /** Zone abbreviations mail software writes (RFC 822 obsolete zones and common ctime names). */
    private static final Map<String, Integer> ZONES = Map.ofEntries(
            Map.entry("UT", 0), Map.entry("UTC", 0), Map.entry("GMT", 0), Map.entry("Z", 0), Map.entry("WET", 0),
            Map.entry("BST", 60), Map.entry("CET", 60), Map.entry("MET", 60), Map.entry("WEST", 60),
            Map.entry("CEST", 120), Map.entry("MEST", 120), Map.entry("EET", 120), Map.entry("EEST", 180),
            Map.entry("MSK", 180), Map.entry("IST", 330), Map.entry("CST", -360), Map.entry("CDT", -300),
            Map.entry("EST", -300), Map.entry("EDT", -240), Map.entry("MST", -420), Map.entry("MDT", -360),
            Map.entry("PST", -480), Map.entry("PDT", -420), Map.entry("AKST", -540), Map.entry("AKDT", -480),
            Map.entry("HST", -600), Map.entry("JST", 540), Map.entry("KST", 540), Map.entry("AEST", 600),
            Map.entry("AEDT", 660), Map.entry("NZST", 720), Map.entry("NZDT", 780));

    // [Day,] D Mon YYYY HH:MM[:SS] [zone]
    private static final Pattern RFC = Pattern.compile(
            "^(?:[A-Za-z]{3,9},?\\s*)?(\\d{1,2})\\s+([A-Za-z]{3})[a-z]*\\.?\\s+(\\d{2,4})\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?"
                    + "(?:\\.\\d+)?\\s*([+-]\\d{4}|[A-Za-z]{1,5})?(?:\\s*\\(([A-Za-z]{1,5})\\))?");
    // Www Mmm D HH:MM:SS [ZONE] YYYY   (ctime, pipermail display and mbox From_ lines)
    private static final Pattern CTIME = Pattern.compile(
            "^(?:[A-Za-z]{3}\\s+)?([A-Za-z]{3})\\s+(\\d{1,2})\\s+(\\d{1,2}):(\\d{2}):(\\d{2})\\s+(?:([A-Za-z]{1,5}|[+-]\\d{4})\\s+)?(\\d{4})");
    // 2015-08-11T22:08:35Z / 2015-08-11T22:08:35+02:00 (HyperKitty JSON)
    private static final Pattern BREAKS = Pattern.compile("[\\r\\n\\t]+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern ISO = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T.*");

    public MailDate {
        offset = offset == null ? ZoneOffset.UTC : offset;
        note = note == null ? "" : note;
    }

    /** The date written in {@code raw}, or empty when there is none that can be read. */
    public static Optional<MailDate> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = SPACES.matcher(BREAKS.matcher(raw).replaceAll(" ").trim()).replaceAll(" ");
        if (s.isEmpty() || s.length() > 200) {
            return Optional.empty();
        }
        try {
            if (ISO.matcher(s).matches()) {
                var odt = java.time.OffsetDateTime.parse(s.endsWith("Z") || s.matches(".*[+-]\\d{2}:\\d{2}$") ? s : s + "Z");
                return Optional.of(new MailDate(odt.toInstant(), odt.getOffset(), ""));
            }
            Matcher m = RFC.matcher(s);
            if (m.find()) {
                Integer month = MONTHS.get(m.group(2).toLowerCase(Locale.ROOT));
                if (month != null) {
                    int year = year(m.group(3));
                    return build(year, month, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(4)),
                            Integer.parseInt(m.group(5)), m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
                            m.group(7), m.group(8));
                }
            }
            m = CTIME.matcher(s);
            if (m.find()) {
                Integer month = MONTHS.get(m.group(1).toLowerCase(Locale.ROOT));
                if (month != null) {
                    return build(Integer.parseInt(m.group(7)), month, Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                            m.group(6), null);
                }
            }
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static int year(String y) {
        int v = Integer.parseInt(y);
        if (y.length() == 2) {
            return v < 50 ? 2000 + v : 1900 + v;
        }
        if (y.length() == 3) {
            return 1900 + v;
        }
        return v;
    }

    private static Optional<MailDate> build(int year, int month, int day, int hour, int minute, int second,
                                            String zone, String comment) {
        LocalDateTime local = LocalDateTime.of(year, month, day, Math.min(hour, 23), minute, Math.min(second, 59));
        String note = "";
        ZoneOffset offset = ZoneOffset.UTC;
        if (zone == null) {
            note = "no time zone given, taken as UTC";
        } else if (zone.startsWith("+") || zone.startsWith("-")) {
            int hh = Integer.parseInt(zone.substring(1, 3));
            int mm = Integer.parseInt(zone.substring(3, 5));
            if (hh > 14 || mm > 59) {
                Integer named = comment == null ? null : ZONES.get(comment.toUpperCase(Locale.ROOT));
                if (named != null) {
                    offset = ZoneOffset.ofTotalSeconds(named * 60);
                    note = "invalid offset " + zone + ", used the zone name " + comment;
                } else {
                    note = "invalid offset " + zone + ", taken as UTC";
                }
            } else {
                int total = (hh * 60 + mm) * 60;
                offset = ZoneOffset.ofTotalSeconds(zone.startsWith("-") ? -total : total);
            }
        } else {
            Integer named = ZONES.get(zone.toUpperCase(Locale.ROOT));
            if (named != null) {
                offset = ZoneOffset.ofTotalSeconds(named * 60);
            } else {
                note = "unknown time zone " + zone + ", taken as UTC";
            }
        }
        return Optional.of(new MailDate(local.toInstant(offset), offset, note));
    }
}
