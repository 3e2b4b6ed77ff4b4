package dev.liaison.sources.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Marks quoted text in a mail body so linking can weigh it lower: lines starting with {@code >}
 * (any depth), the attribution line just before a quoted block ("On ... wrote:"), and everything
 * after an Outlook-style "-----Original Message-----" separator. Markers are line ranges,
 * {@code [first, last]} inclusive, 0-based.
 */
public final class Quoting {

    private static final Pattern QUOTED = Pattern.compile("^\\s{0,3}>.*");
    private static final Pattern ATTRIBUTION = Pattern.compile("(?i).*(wrote|writes|escribió|a écrit|schrieb|napsal\\(a\\)):\\s*$");
    private static final Pattern ORIGINAL = Pattern.compile("(?i)^\\s*-{2,}\\s*Original Message\\s*-{2,}\\s*$");

    private static final Pattern ATTRIBUTION_FIRST_LINE = Pattern.compile("(?i)^\\s*On\\s.*");

    private Quoting() {}

    // Cheap tests that rule a line out before its pattern runs (most lines of a mail are neither
    // quoted nor an attribution nor a separator); each only rejects lines the pattern cannot match.

    /** False when {@link #QUOTED} cannot match: the first non-space within four characters is not {@code >}. */
    private static boolean mayBeQuoted(String line) {
        for (int i = 0; i < line.length() && i < 4; i++) {
            char c = line.charAt(i);
            if (c == '>') {
                return true;
            }
            if (!isRegexSpace(c)) {
                return false;
            }
        }
        return false;
    }

    /** False when {@link #ATTRIBUTION} cannot match: the line does not end with a colon (before trailing spaces or a line terminator). */
    private static boolean mayBeAttribution(String line) {
        int end = line.length();
        while (end > 0 && (isRegexSpace(line.charAt(end - 1)) || isLineTerminator(line.charAt(end - 1)))) {
            end--;
        }
        return end > 0 && line.charAt(end - 1) == ':';
    }

    /** {@code \s} in a Java pattern without UNICODE_CHARACTER_CLASS. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static boolean isLineTerminator(char c) {
        return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    /** The quoted line ranges of {@code text}. */
    public static List<List<Integer>> quotedRanges(String text) {
        String[] lines = text == null ? new String[0] : text.split("\n", -1);
        boolean[] quoted = new boolean[lines.length];
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("--") && ORIGINAL.matcher(lines[i]).matches()) {
                for (int j = i; j < lines.length; j++) {
                    quoted[j] = true;
                }
                break;
            }
            if (mayBeQuoted(lines[i]) && QUOTED.matcher(lines[i]).matches()) {
                quoted[i] = true;
            }
        }
        for (int i = 0; i + 1 < lines.length; i++) {
            if (!quoted[i] && mayBeAttribution(lines[i]) && ATTRIBUTION.matcher(lines[i]).matches() && nextNonBlankQuoted(lines, quoted, i + 1)) {
                quoted[i] = true;
                if (i > 0 && !quoted[i - 1] && !lines[i - 1].isBlank() && ATTRIBUTION_FIRST_LINE.matcher(lines[i - 1]).matches()) {
                    quoted[i - 1] = true; // attribution folded over two lines
                }
            }
        }
        List<List<Integer>> ranges = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= lines.length; i++) {
            boolean q = i < lines.length && quoted[i];
            if (q && start < 0) {
                start = i;
            } else if (!q && start >= 0) {
                ranges.add(List.of(start, i - 1));
                start = -1;
            }
        }
        return ranges;
    }

    private static boolean nextNonBlankQuoted(String[] lines, boolean[] quoted, int from) {
        for (int j = from; j < lines.length; j++) {
            if (!lines[j].isBlank()) {
                return quoted[j];
            }
        }
        return false;
    }

    /** The lines of {@code text} that are not quoted, joined: what the author wrote. */
    public static String unquoted(String text, List<List<Integer>> ranges) {
        String[] lines = text.split("\n", -1);
        boolean[] q = new boolean[lines.length];
        for (List<Integer> r : ranges) {
            for (int i = r.get(0); i <= r.get(1) && i < lines.length; i++) {
                q[i] = true;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (!q[i]) {
                sb.append(lines[i]).append('\n');
            }
        }
        return sb.toString();
    }
}
