package dev.liaison.digest;

import dev.liaison.mailing.MailHeaders;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders digests and alerts with Pebble: the HTML part through an engine that escapes every
 * value by default (everything shown came from outside), the text part through one that does not
 * (plain text needs no escaping; header values are cleaned separately).
 */
public final class MailRenderer {

    /** A rendered mail: subject, plain text, HTML. */
    public record Rendered(String subject, String text, String html) {}

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final PebbleTemplate digestHtml;
    private final PebbleTemplate alertHtml;
    private final PebbleTemplate alertText;
    private final PebbleTemplate deadlineHtml;
    private final PebbleTemplate deadlineText;

    public MailRenderer() {
        ClasspathLoader loader = new ClasspathLoader();
        loader.setPrefix("templates/mail");
        PebbleEngine html = new PebbleEngine.Builder().loader(loader).autoEscaping(true).defaultEscapingStrategy("html")
                .strictVariables(false).newLineTrimming(true).build();
        ClasspathLoader textLoader = new ClasspathLoader();
        textLoader.setPrefix("templates/mail");
        PebbleEngine text = new PebbleEngine.Builder().loader(textLoader).autoEscaping(false).newLineTrimming(true).build();
        digestHtml = html.getTemplate("digest.html.peb");
        alertHtml = html.getTemplate("alert.html.peb");
        alertText = text.getTemplate("alert.txt.peb");
        deadlineHtml = html.getTemplate("deadline.html.peb");
        deadlineText = text.getTemplate("deadline.txt.peb");
    }

    public Rendered digest(Digest digest, String unsubscribeUrl) {
        Map<String, Object> model = new HashMap<>();
        model.put("digest", digest);
        model.put("from", WHEN.format(digest.from()));
        model.put("unsubscribeUrl", unsubscribeUrl);
        String subject = MailHeaders.clean("Liaison digest " + digest.period() + ": " + digest.summary());
        return new Rendered(subject, DigestText.render(digest, unsubscribeUrl), render(digestHtml, model));
    }

    public Rendered alert(Digest.PageChange page, String unsubscribeUrl) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", page);
        model.put("unsubscribeUrl", unsubscribeUrl);
        String subject = MailHeaders.clean("Liaison alert: " + page.title() + " changed");
        return new Rendered(subject, render(alertText, model), render(alertHtml, model));
    }

    /** An alert that a release deadline of followed projects is near. */
    public Rendered deadline(DeadlineAlertService.Alert alert, String unsubscribeUrl) {
        Map<String, Object> model = new HashMap<>();
        model.put("alert", alert);
        model.put("unsubscribeUrl", unsubscribeUrl);
        String subject = MailHeaders.clean("Liaison: " + alert.headline());
        return new Rendered(subject, render(deadlineText, model), render(deadlineHtml, model));
    }

    private static String render(PebbleTemplate t, Map<String, Object> model) {
        StringWriter w = new StringWriter();
        try {
            t.evaluate(w, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
