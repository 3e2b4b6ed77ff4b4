package dev.liaison.sources.mail;

/** A mail that cannot become an item, with the reason in words a person can act on. */
public final class MailParseException extends Exception {

    public MailParseException(String reason) {
        super(reason, null, false, false);
    }
}
