package dev.liaison.sources;

import java.time.YearMonth;
import java.util.Optional;

/**
 * What a poll cycle is asked to do: the normal incremental poll, or a backfill from a month.
 */
public record PollRequest(Optional<YearMonth> since) {

    public static PollRequest incremental() {
        return new PollRequest(Optional.empty());
    }

    public static PollRequest backfillFrom(YearMonth month) {
        return new PollRequest(Optional.of(month));
    }

    public boolean isBackfill() {
        return since.isPresent();
    }
}
