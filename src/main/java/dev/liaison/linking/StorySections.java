package dev.liaison.linking;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The titled sections of a story's text, as its authors wrote them in RST or Markdown: a line
 * underlined with {@code = - ~ ^ * + #}, a line that is only {@code **bold**}, or a Markdown
 * {@code #} heading starts a section; its body runs to the next heading. Sections with too few
 * words to say anything on their own are left out.
 */
public final class StorySections {

    /** A heading and the text under it. */
    public record Section(String heading, String body) {}

    /** Words a section's body needs to be compared on its own. */
    public static final int MIN_WORDS = 25;

    private static final Pattern UNDERLINE = Pattern.compile("^([=\\-~^*+#`'\"])\\1{2,}\\s*$");
    private static final Pattern BOLD = Pattern.compile("^\\*\\*([^*].{1,118}?)\\*\\*:?\\s*$");
    private static final Pattern MARKDOWN = Pattern.compile("^#{1,6}\\s+(.{2,120}?)\\s*#*\\s*$");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]{2,}");

    private StorySections() {}

    /** The first {@code max} sections of {@code text} worth comparing (none for a text without headings). */
    public static List<Section> of(String text, int max) {
        List<Section> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        String[] lines = text.split("\r?\n", -1);
        String heading = null;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < lines.length && out.size() < max; i++) {
            String line = lines[i].strip();
            String next = i + 1 < lines.length ? lines[i + 1].strip() : "";
            String title = null;
            if (!line.isEmpty() && !UNDERLINE.matcher(line).matches() && UNDERLINE.matcher(next).matches()) {
                title = line;
                i++; // the underline
            } else if (BOLD.matcher(line).matches()) {
                var m = BOLD.matcher(line);
                m.matches();
                title = m.group(1).strip();
            } else if (MARKDOWN.matcher(line).matches()) {
                var m = MARKDOWN.matcher(line);
                m.matches();
                title = m.group(1).strip();
            } else if (UNDERLINE.matcher(line).matches()) {
                continue; // an overline
            }
            if (title != null) {
                add(out, heading, body);
                heading = title;
                body.setLength(0);
            } else if (heading != null) {
                body.append(line).append('\n');
            }
        }
        if (out.size() < max) {
            add(out, heading, body);
        }
        return out;
    }

    private static void add(List<Section> out, String heading, StringBuilder body) {
        if (heading == null) {
            return;
        }
        int words = 0;
        var m = WORD.matcher(body);
        while (m.find() && words < MIN_WORDS) {
            words++;
        }
        if (words >= MIN_WORDS) {
            out.add(new Section(heading, body.toString().strip()));
        }
    }
}
