package dev.liaison.sources.launchpad;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small helpers to read untrusted Launchpad JSON: text fields, dates, names from links. */
public final class LaunchpadJson {

    /** Longest text kept from one JSON field (titles, names, links); descriptions are bounded by Item. */
    static final int MAX_FIELD = 2_000;
    private static final Pattern BUG_NUMBER = Pattern.compile("/(?:bugs|\\+bug)/(\\d{1,9})(?:$|[/?#])");

    private LaunchpadJson() {}

    /** A non-blank text field, or null (missing, null, not text, or blank). */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isBlank() ? null : s;
    }

    /** A short text field with control characters removed and its length bounded. */
    static String shortText(JsonNode node, String field) {
        String s = text(node, field);
        return s == null ? null : clip(s.replaceAll("[\\p{Cntrl}&&[^\\t]]+", " ").trim());
    }

    static String clip(String s) {
        return s.length() > MAX_FIELD ? s.substring(0, MAX_FIELD) : s;
    }

    /** A date field as an instant, or null when missing or unreadable. */
    static Instant date(JsonNode node, String field) {
        String s = text(node, field);
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s).truncatedTo(ChronoUnit.MILLIS);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** The last path segment of a link ({@code .../~jdoe} gives jdoe, {@code .../+milestone/liberty-1} gives liberty-1). */
    static String lastSegment(String link) {
        if (link == null) {
            return null;
        }
        String s = link;
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        int slash = s.lastIndexOf('/');
        String seg = slash >= 0 ? s.substring(slash + 1) : s;
        return seg.isBlank() ? null : clip(seg);
    }

    /** A person's name from a person link ({@code https://api.launchpad.net/devel/~jdoe}). */
    static String person(String link) {
        String seg = lastSegment(link);
        return seg != null && seg.startsWith("~") ? seg.substring(1) : seg;
    }

    /** The bug number in a bug or bug-task link, or -1. */
    static long bugNumber(String link) {
        if (link == null) {
            return -1;
        }
        Matcher m = BUG_NUMBER.matcher(link);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
