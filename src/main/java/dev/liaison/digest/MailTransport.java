package dev.liaison.digest;

import jakarta.mail.internet.MimeMessage;

/** Where mails go: an SMTP relay (through camel-mail) or .eml files. */
public interface MailTransport {

    /** Sends one message; throws when it was not accepted. */
    void send(String outboxId, MimeMessage message) throws Exception;

    /** What this transport is, for the log. */
    String describe();
}
