package dev.liaison.sources.sphinxspecs;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import java.util.List;

/** The options of a {@code sphinx-specs} source, typed, with their defaults in one place. */
record SphinxSpecsOptions(int batchSize, int maxPages) {

    static final int BATCH_SIZE = 100;
    static final int MAX_PAGES = 5000;

    /** What sources.yaml may set, with these defaults (checked when the file is read). */
    static List<OptionSpec> specs() {
        return List.of(
                OptionSpec.integer("batch-size", "Most spec items stored per batch (one query and a few bulk writes each)",
                        BATCH_SIZE, 1, 500),
                OptionSpec.integer("max-pages", "Most spec pages read in one poll; more are reported as an error",
                        MAX_PAGES, 1, 100_000));
    }

    /** A source's options (already checked against {@link #specs()}), defaults filled in. */
    static SphinxSpecsOptions of(SourceConfig source) {
        return new SphinxSpecsOptions(source.intOption("batch-size", BATCH_SIZE), source.intOption("max-pages", MAX_PAGES));
    }
}
