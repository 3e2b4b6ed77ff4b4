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

    private Quoting() {}

    /** The quoted line ranges of {@code text}. */
    public static List<List<Integer>> quotedRanges(String text) {
        String[] lines = text == null ? new String[0] : text.split("\n", -1);
        boolean[] quoted = new boolean[lines.length];
        for (int i = 0; i < lines.length; i++) {
            if (ORIGINAL.matcher(lines[i]).matches()) {
                for (int j = i; j < lines.length; j++) {
                    quoted[j] = true;
                }
                break;
            }
            if (QUOTED.matcher(lines[i]).matches()) {
                quoted[i] = true;
            }
        }
        for (int i = 0; i + 1 < lines.length; i++) {
            if (!quoted[i] && ATTRIBUTION.matcher(lines[i]).matches() && nextNonBlankQuoted(lines, quoted, i + 1)) {
                quoted[i] = true;
                if (i > 0 && !quoted[i - 1] && !lines[i - 1].isBlank() && lines[i - 1].matches("(?i)^\\s*On\\s.*")) {
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
