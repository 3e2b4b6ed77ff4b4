package dev.liaison.sources;

/** Runs poll cycles of one source. Implementations keep no state that is not also in the store. */
public interface Poller {

    /**
     * One poll cycle: fetch what changed, parse it, store it, move the cursor after storing.
     * Counters go into {@code stats}. Problems with single pages or messages are recorded with
     * {@link PollStats#error(String, String)} and do not end the cycle; an exception ends it and
     * marks the poll failed (the cursor stays where the last stored batch left it).
     */
    void poll(PollRequest request, PollStats stats) throws Exception;
}
