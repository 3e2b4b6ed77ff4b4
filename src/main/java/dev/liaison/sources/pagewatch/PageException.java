package dev.liaison.sources.pagewatch;

/** A fetched page that cannot be used as a version of the watched page; the message says why. */
final class PageException extends Exception {
    PageException(String message) {
        super(message);
    }
}
