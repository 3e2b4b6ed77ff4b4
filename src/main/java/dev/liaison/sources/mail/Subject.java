package dev.liaison.sources.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mail subject made readable: CR/LF and runs of blanks collapsed, the list's own
 * {@code [list]} prefix removed wherever it stands, topic tags ({@code [nova][ptg]},
 * {@code [Product]}) kept in the title and also listed (lower case) as tags. {@link #key()} is
 * the subject without reply markers and tags, for matching replies to their thread.
 */
public record Subject(String title, List<String> tags, String key) {

    public static final int MAX_CHARS = 500;
    private static final Pattern REPLY = Pattern.compile("^(?i)(?:(?:re|fwd?|aw|sv|antw|wg)\\s*(?:\\[\\d+\\])?\\s*:\\s*)+");
    private static final Pattern TAG = Pattern.compile("^\\[([^\\[\\]]{1,60})\\]\\s*");
    private static final Pattern CONTROLS = Pattern.compile("[\\r\\n\\t\\u0000-\\u001f]+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** The pattern removing one list prefix, by prefix (a source has one or two; compiled once). */
    private static final java.util.Map<String, Pattern> PREFIXES = new java.util.concurrent.ConcurrentHashMap<>();

    public Subject {
        tags = List.copyOf(tags);
    }

    /**
     * Cleans {@code raw}; {@code listPrefixes} are the list's own prefixes without brackets
     * (e.g. {@code openstack-dev}), compared case-insensitively.
     */
    public static Subject of(String raw, List<String> listPrefixes) {
        String s = raw == null ? "" : SPACES.matcher(CONTROLS.matcher(raw).replaceAll(" ")).replaceAll(" ").trim();
        for (String p : listPrefixes) {
            if (p == null || p.isBlank()) {
                continue;
            }
            s = PREFIXES.computeIfAbsent(p.trim(), q -> Pattern.compile("(?i)\\[" + Pattern.quote(q) + "\\]\\s*")).matcher(s).replaceAll("");
        }
        s = s.trim();
        if (s.length() > MAX_CHARS) {
            s = s.substring(0, MAX_CHARS);
        }
        // Tags: bracketed words at the start, after any reply markers.
        String rest = s;
        List<String> tags = new ArrayList<>();
        while (true) {
            Matcher r = REPLY.matcher(rest);
            if (r.find()) {
                rest = rest.substring(r.end());
            }
            Matcher t = TAG.matcher(rest);
            if (!t.find()) {
                break;
            }
            String tag = t.group(1).trim().toLowerCase(Locale.ROOT);
            if (!tag.isEmpty() && !tags.contains(tag)) {
                tags.add(tag);
            }
            rest = rest.substring(t.end());
        }
        String key = REPLY.matcher(rest).replaceFirst("").trim().toLowerCase(Locale.ROOT);
        key = SPACES.matcher(key).replaceAll(" ");
        return new Subject(s, tags, key);
    }

    /** True when the subject marks a reply or forward ("Re:", "Fwd:", "AW:" ...). */
    public static boolean isReply(String title) {
        String t = title == null ? "" : title.trim();
        while (TAG.matcher(t).find()) {
            Matcher m = TAG.matcher(t);
            m.find();
            t = t.substring(m.end());
        }
        return REPLY.matcher(t).find();
    }
}
