package dev.liaison.sources.pagewatch;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code page-watch} kind: watches one page (a release-priority page, any page), keeps each
 * real version as a snapshot and appends a {@code page.changed} event with a structured diff when
 * the content changes. The first fetch is the baseline; cosmetic changes (theme, navigation,
 * scripts, whitespace, "last updated" stamps) make no event.
 */
public final class PageWatchKind implements SourceKind {

    @Override
    public String name() {
        return "page-watch";
    }

    @Override
    public String description() {
        return "one watched page: a snapshot per real change and a page.changed event with a structured diff";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                new OptionSpec("selector", "CSS selector of the content to watch (default: where Sphinx themes put it: "
                        + String.join(", ", PageWatchOptions.SPHINX_CONTENT) + ", the first that matches)",
                        null, false, PageWatchKind::validCss, "a CSS selector"),
                new OptionSpec("exclude", "CSS selector of elements inside the content to leave out", null, false,
                        PageWatchKind::validCss, "a CSS selector"),
                new OptionSpec("ignore-pattern", "Regular expression; a block whose whole text matches it is left out",
                        PageWatchOptions.DEFAULT_IGNORE, false, PageWatchKind::validRegex, "a regular expression"),
                OptionSpec.integer("anti-flap-versions", "A change back to one of this many earlier versions makes no event (0: off)",
                        0, 0, 50),
                OptionSpec.integer("keep-snapshots", "Snapshots kept per page", PageWatchOptions.DEFAULT_KEEP, 2, 10_000),
                OptionSpec.integer("max-blocks", "Blocks (headings, paragraphs, items, rows) read per page at most",
                        PageWatchOptions.DEFAULT_MAX_BLOCKS, 10, 100_000));
    }

    @Override
    public List<Problem> validate(SourceConfig source) {
        List<Problem> problems = new ArrayList<>();
        String scheme = source.url().getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            problems.add(new Problem("url", "a watched page must be an http or https URL"));
        }
        try {
            PageWatchOptions options = PageWatchOptions.of(source);
            int flap = options.antiFlapVersions();
            int keep = options.keepSnapshots();
            if (keep <= flap) {
                problems.add(new Problem("keep-snapshots", "must be larger than anti-flap-versions (" + flap
                        + "): the versions compared against must be kept"));
            }
        } catch (IllegalArgumentException e) {
            // a number or pattern that does not parse: reported by the option checks
        }
        return problems;
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        return new PageWatchPoller(source, context, PageWatchOptions.of(source));
    }

    private static boolean validCss(Object v) {
        if (!(v instanceof String s) || s.isBlank()) {
            return false;
        }
        try {
            PageExtractor.validateSelector(s);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean validRegex(Object v) {
        if (!(v instanceof String s)) {
            return false;
        }
        try {
            Pattern.compile(s);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
