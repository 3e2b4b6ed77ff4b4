package dev.liaison.sources;

/**
 * Optional for a {@link Poller}: work a poll cycle leaves behind to do slowly, outside the cycle
 * (for example per-item detail requests, rate-limited, kept in a persistent queue). The scheduled
 * poll starts it after each cycle without waiting for it; {@code liaison poll --once} drains it
 * after the cycle, in the same command, unless told not to.
 */
public interface BackgroundWork {

    /**
     * Starts the work in the background if it is not already running; returns at once. When a run
     * ends, {@code finished} gets its statistics and, if it stopped on an exception, what it was
     * (null otherwise), so that background failures reach the source's health like a poll's.
     */
    void startBackground(Finished finished);

    /** Told when a background run ends. */
    @FunctionalInterface
    interface Finished {
        void finished(PollStats stats, String failure);
    }

    /**
     * Does the work that is pending now, in order after any background run, and returns its
     * statistics (requests, items changed, errors, its own duration).
     */
    PollStats drainBackground() throws Exception;
}
