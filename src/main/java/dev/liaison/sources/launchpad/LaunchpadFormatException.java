package dev.liaison.sources.launchpad;

/** A Launchpad answer that is not what the web service sends (not JSON, truncated, wrong shape). */
public final class LaunchpadFormatException extends Exception {

    public LaunchpadFormatException(String message) {
        super(message);
    }
}
