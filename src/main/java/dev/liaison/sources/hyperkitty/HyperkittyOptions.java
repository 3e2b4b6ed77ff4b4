package dev.liaison.sources.hyperkitty;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import java.util.List;

/** The options of a {@code hyperkitty} source, typed, with their defaults in one place. */
record HyperkittyOptions(int pageSize, int maxPages, int fullCheckHours, int checkPageSize, int concurrency, String subjectPrefix) {

    static final int PAGE_SIZE = 50;
    static final int MAX_PAGES = 40;
    static final int FULL_CHECK_HOURS = 24;
    static final int CHECK_PAGE_SIZE = 500;
    static final int CONCURRENCY = 4;

    /** What sources.yaml may set, with these defaults (checked when the file is read). */
    static List<OptionSpec> specs() {
        return List.of(
                OptionSpec.integer("page-size", "Emails asked for per API page (limit)", PAGE_SIZE, 1, 500),
                OptionSpec.integer("max-pages", "API pages read at most per poll (the rest next poll)", MAX_PAGES, 1, 10_000),
                OptionSpec.integer("full-check-hours", "Hours between two reads of the whole list (deleted, re-threaded and late mail); "
                        + "read sooner when HyperKitty's count does not match", FULL_CHECK_HOURS, 0, 100_000),
                OptionSpec.integer("check-page-size", "Emails asked for per API page when the whole list is read", CHECK_PAGE_SIZE, 10, 5_000),
                OptionSpec.integer("concurrency", "Email details fetched in parallel (the fetcher's per-host limit still applies)",
                        CONCURRENCY, 1, 32),
                OptionSpec.string("subject-prefix", "A subject prefix to remove besides [<list>] (without brackets)", null));
    }

    /** A source's options (already checked against {@link #specs()}), defaults filled in. */
    static HyperkittyOptions of(SourceConfig source) {
        return new HyperkittyOptions(source.intOption("page-size", PAGE_SIZE), source.intOption("max-pages", MAX_PAGES),
                source.intOption("full-check-hours", FULL_CHECK_HOURS), source.intOption("check-page-size", CHECK_PAGE_SIZE),
                Math.max(1, source.intOption("concurrency", CONCURRENCY)), source.option("subject-prefix", null));
    }
}
