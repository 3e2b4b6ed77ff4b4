package dev.liaison.sources.launchpad;

import dev.liaison.config.Durations;
import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of the Launchpad kinds ({@code launchpad-bugs}, {@code launchpad-blueprints}),
 * typed, with their defaults in one place ({@code overlap} is read by the bugs kind only).
 */
record LaunchpadOptions(int pageSize, boolean fetchDetails, int detailRate, int detailBatch, int detailMaxAttempts,
                        Duration overlap) {

    static final int PAGE_SIZE = 75;
    static final String OVERLAP = "10m";
    static final int DETAIL_RATE = 120;
    static final int DETAIL_BATCH = 20;
    static final int DETAIL_MAX_ATTEMPTS = 5;

    /** A source's options (already checked against the kind's specs), defaults filled in. */
    static LaunchpadOptions of(SourceConfig source) {
        return new LaunchpadOptions(source.intOption("page-size", PAGE_SIZE), source.booleanOption("fetch-details", true),
                source.intOption("detail-rate", DETAIL_RATE), source.intOption("detail-batch", DETAIL_BATCH),
                source.intOption("detail-max-attempts", DETAIL_MAX_ATTEMPTS),
                Durations.parse(source.option("overlap", OVERLAP)).orElseThrow());
    }

    static List<OptionSpec> common(String detailWhat) {
        List<OptionSpec> out = new ArrayList<>();
        out.add(OptionSpec.integer("page-size", "Entries per collection page (ws.size).", PAGE_SIZE, 1, 300));
        out.add(OptionSpec.bool("fetch-details", "Fetch " + detailWhat + " through the background queue.", true));
        out.add(OptionSpec.integer("detail-rate", "Detail requests per minute at most.", DETAIL_RATE, 1, 60_000));
        out.add(OptionSpec.integer("detail-batch", "Detail requests per stored batch.", DETAIL_BATCH, 1, 500));
        out.add(OptionSpec.integer("detail-max-attempts", "Failed attempts after which a detail request waits "
                + "until its item changes again.", DETAIL_MAX_ATTEMPTS, 1, 100));
        return out;
    }

    static OptionSpec overlapSpec() {
        return new OptionSpec("overlap", "How far before the stored watermark modified_since starts (clock skew, "
                + "bugs changed during the last pass).", OVERLAP, false,
                v -> Durations.parse(String.valueOf(v)).isPresent(), "a duration such as 10m");
    }
}
