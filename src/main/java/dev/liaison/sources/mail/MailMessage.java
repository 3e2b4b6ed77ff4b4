package dev.liaison.sources.mail;

import java.util.List;

/**
 * One parsed mail: identity and threading headers (ids without angle brackets), the sender, the
 * decoded subject, the date (null when none could be read), the text body, the names of parts
 * that were not shown as text, and notes on anything repaired while parsing.
 */
public record MailMessage(String messageId, String inReplyTo, List<String> references, Sender sender,
                          String subject, MailDate date, String body, List<String> attachments, List<String> notes) {

    public MailMessage {
        messageId = messageId == null ? "" : messageId;
        inReplyTo = inReplyTo == null ? "" : inReplyTo;
        references = references == null ? List.of() : List.copyOf(references);
        sender = sender == null ? new Sender("", "") : sender;
        subject = subject == null ? "" : subject;
        body = body == null ? "" : body;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** The parent for threading: In-Reply-To, else the last of References; empty for a root. */
    public String parentId() {
        if (!inReplyTo.isEmpty()) {
            return inReplyTo;
        }
        return references.isEmpty() ? "" : references.get(references.size() - 1);
    }
}
