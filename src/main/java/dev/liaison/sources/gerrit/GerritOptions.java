package dev.liaison.sources.gerrit;

import dev.liaison.config.Durations;
import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import java.time.Duration;
import java.util.List;

/** The options of a {@code gerrit} source, typed, with their defaults in one place. */
record GerritOptions(String query, int pageSize, int maxPages, int maxMessage, Duration overlap) {

    static final int PAGE_SIZE = 100;
    static final String OVERLAP = "10m";
    static final int MAX_PAGES = 100;
    static final int MAX_MESSAGE = 65_536;

    /** What sources.yaml may set, with these defaults (checked when the file is read). */
    static List<OptionSpec> specs() {
        return List.of(
                new OptionSpec("query", "The Gerrit search, e.g. project:openstack/nova-specs (Liaison adds after:).",
                        null, true, v -> v instanceof String s && !s.isBlank() && !s.contains("\n"), "a Gerrit search on one line"),
                OptionSpec.integer("page-size", "Changes per request (n=).", PAGE_SIZE, 1, 500),
                OptionSpec.integer("max-pages", "Requests per poll at most; a longer pass continues at the next poll.",
                        MAX_PAGES, 1, 100_000),
                OptionSpec.integer("max-message", "Characters of a commit message kept as the item's text "
                        + "(references are read from the whole message).", MAX_MESSAGE, 1_000, 200_000),
                new OptionSpec("overlap", "How far before the stored watermark after: starts (clock skew, changes "
                        + "updated while the last poll paged).", OVERLAP, false,
                        v -> Durations.parse(String.valueOf(v)).isPresent(), "a duration such as 10m"));
    }

    /** A source's options (already checked against {@link #specs()}), defaults filled in. */
    static GerritOptions of(SourceConfig source) {
        return new GerritOptions(source.option("query", "").strip(), source.intOption("page-size", PAGE_SIZE),
                source.intOption("max-pages", MAX_PAGES), source.intOption("max-message", MAX_MESSAGE),
                Durations.parse(source.option("overlap", OVERLAP)).orElseThrow());
    }
}
