package dev.liaison.sources.pipermail;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import java.util.List;

/** The options of a {@code pipermail} source, typed, with their defaults in one place. */
record PipermailOptions(int boundaryDays, int initialMonths, int concurrency, boolean txtArchives, String subjectPrefix,
                        String list) {

    static final int BOUNDARY_DAYS = 7;
    static final int INITIAL_MONTHS = 1;
    static final int CONCURRENCY = 4;

    /** What sources.yaml may set, with these defaults (checked when the file is read). */
    static List<OptionSpec> specs() {
        return List.of(
                OptionSpec.integer("boundary-days", "Days into a new month during which the previous month's index is also checked",
                        BOUNDARY_DAYS, 0, 31),
                OptionSpec.integer("initial-months", "Months read by the first incremental poll (older ones need --since)",
                        INITIAL_MONTHS, 1, 24),
                OptionSpec.integer("concurrency", "Message pages fetched in parallel (the fetcher's per-host limit still applies)",
                        CONCURRENCY, 1, 32),
                OptionSpec.bool("txt-archives", "Backfills read a month's YYYY-Month.txt.gz (one request) instead of its message pages", false),
                OptionSpec.string("subject-prefix", "A subject prefix to remove besides [<list>] (without brackets)", null),
                OptionSpec.string("list", "The list name (default: the last path segment of the URL)", null));
    }

    /** A source's options (already checked against {@link #specs()}), defaults filled in; blank texts read as absent. */
    static PipermailOptions of(SourceConfig source) {
        return new PipermailOptions(source.intOption("boundary-days", BOUNDARY_DAYS), source.intOption("initial-months", INITIAL_MONTHS),
                Math.max(1, source.intOption("concurrency", CONCURRENCY)), source.booleanOption("txt-archives", false),
                blankToNull(source.option("subject-prefix", null)), blankToNull(source.option("list", null)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
