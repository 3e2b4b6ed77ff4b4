package dev.liaison.sources;

/**
 * Optional for a {@link Poller}: work a poll cycle leaves behind to do slowly, outside the cycle
 * (for example per-item detail requests, rate-limited, kept in a persistent queue). The scheduled
 * poll starts it after each cycle without waiting for it; {@code liaison poll --once} drains it
 * after the cycle, in the same command, unless told not to.
 */
public interface BackgroundWork {

    /** Starts the work in the background if it is not already running; returns at once. */
    void startBackground();

    /**
     * Does the work that is pending now, in order after any background run, and returns its
     * statistics (requests, items changed, errors, its own duration).
     */
    PollStats drainBackground() throws Exception;
}
