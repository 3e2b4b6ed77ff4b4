package dev.liaison.sources.pagewatch;

import dev.liaison.config.SourceConfig;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The options of one page-watch source, validated, with the defaults in one place.
 *
 * @param selector CSS selector of the content; null means the Sphinx defaults, tried in order
 * @param exclude CSS selector of elements inside the content to leave out, or null
 * @param ignore blocks whose whole text matches this are left out ("last updated" stamps)
 * @param antiFlapVersions a change back to one of this many earlier versions makes no event (0: off)
 * @param keepSnapshots snapshots kept per source (older ones are deleted)
 * @param maxBlocks blocks kept per version at most; more is recorded as an error and cut
 */
record PageWatchOptions(String selector, String exclude, Pattern ignore, int antiFlapVersions,
                        int keepSnapshots, int maxBlocks) {

    /** Where Sphinx themes put the page content, most specific first. */
    static final List<String> SPHINX_CONTENT = List.of(
            "div.docs-body", "div.body[role=main]", "div[role=main]", "main", "article", "div.body", "div.document", "body");

    static final String DEFAULT_IGNORE = "(?i)(last (updated|modified|edited)\\b|page (last )?(updated|generated|built|modified)\\b"
            + "|(generated|built|updated|modified) on\\b|(updated|modified|generated)\\s*:).{0,80}";

    static final int DEFAULT_KEEP = 100;
    static final int DEFAULT_MAX_BLOCKS = 5_000;

    static PageWatchOptions defaults() {
        return new PageWatchOptions(null, null, Pattern.compile(DEFAULT_IGNORE), 0, DEFAULT_KEEP, DEFAULT_MAX_BLOCKS);
    }

    static PageWatchOptions of(SourceConfig source) {
        String ignore = source.option("ignore-pattern", DEFAULT_IGNORE);
        Pattern pattern;
        try {
            pattern = Pattern.compile(ignore);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("ignore-pattern is not a valid regular expression: " + e.getDescription());
        }
        return new PageWatchOptions(blankToNull(source.option("selector", null)), blankToNull(source.option("exclude", null)),
                pattern, source.intOption("anti-flap-versions", 0), source.intOption("keep-snapshots", DEFAULT_KEEP),
                source.intOption("max-blocks", DEFAULT_MAX_BLOCKS));
    }

    PageWatchOptions withSelector(String css) {
        return new PageWatchOptions(css, exclude, ignore, antiFlapVersions, keepSnapshots, maxBlocks);
    }

    PageWatchOptions withAntiFlap(int n) {
        return new PageWatchOptions(selector, exclude, ignore, n, keepSnapshots, maxBlocks);
    }

    PageWatchOptions withMaxBlocks(int n) {
        return new PageWatchOptions(selector, exclude, ignore, antiFlapVersions, keepSnapshots, n);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
