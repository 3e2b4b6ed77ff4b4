package dev.liaison.sources.releaseschedule;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import java.util.List;

/** The options of a {@code release-schedule} source, typed, with their defaults in one place. */
record ReleaseScheduleOptions(String series, int maxShrinkPercent) {

    static final int MAX_SHRINK_PERCENT = 50;

    /** What sources.yaml may set, with these defaults (checked when the file is read). */
    static List<OptionSpec> specs() {
        return List.of(
                OptionSpec.string("series", "The series the feed describes (default: the folder of the URL, e.g. indri "
                        + "in .../indri/schedule.ics); a schedule.yaml does not name it itself", null),
                OptionSpec.integer("max-shrink-percent", "A feed with this much fewer entries than stored is refused as "
                        + "probably truncated (the stored schedule is kept)", MAX_SHRINK_PERCENT, 1, 100));
    }

    /** A source's options (already checked against {@link #specs()}), defaults filled in. */
    static ReleaseScheduleOptions of(SourceConfig source) {
        return new ReleaseScheduleOptions(source.option("series", ReleaseSchedulePoller.seriesOf(source.url().getPath())),
                source.intOption("max-shrink-percent", MAX_SHRINK_PERCENT));
    }
}
