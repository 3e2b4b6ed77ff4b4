package dev.liaison.sources.launchpad;

import dev.liaison.config.Durations;
import dev.liaison.sources.OptionSpec;
import java.util.ArrayList;
import java.util.List;

/** The options of the Launchpad kinds and their defaults, in one place. */
final class LaunchpadOptions {

    static final int PAGE_SIZE = 75;
    static final String OVERLAP = "10m";
    static final int DETAIL_RATE = 120;
    static final int DETAIL_BATCH = 20;
    static final int DETAIL_MAX_ATTEMPTS = 5;

    private LaunchpadOptions() {}

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

    static OptionSpec overlap() {
        return new OptionSpec("overlap", "How far before the stored watermark modified_since starts (clock skew, "
                + "bugs changed during the last pass).", OVERLAP, false,
                v -> Durations.parse(String.valueOf(v)).isPresent(), "a duration such as 10m");
    }
}
