package dev.liaison.fetch;

/**
 * Where the {@link Fetcher} counts what it did for a caller: each request (bytes of body read,
 * whether the answer was 304) and each failure, with where it happened. A poll's
 * {@code PollStats} is one.
 */
public interface FetchLog {

    void request(long bodyBytes, boolean wasNotModified);

    void error(String where, String message);
}
