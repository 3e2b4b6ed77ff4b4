package dev.liaison.sources.sphinxspecs;

/**
 * A poll of a spec site that found no spec, or far fewer than its indexes list: a failed poll
 * (recorded as the source's error, shown by status, /health, /sources and the digest), never a
 * quiet success. The message says what the indexes held.
 */
final class NoSpecsFoundException extends Exception {

    NoSpecsFoundException(String message) {
        super(message);
    }
}
