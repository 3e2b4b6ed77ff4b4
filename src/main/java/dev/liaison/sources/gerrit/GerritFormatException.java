package dev.liaison.sources.gerrit;

/** A Gerrit answer that is not what the REST API sends (broken JSON, an HTML page, a change without a number). */
public final class GerritFormatException extends Exception {
    public GerritFormatException(String message) {
        super(message);
    }
}
