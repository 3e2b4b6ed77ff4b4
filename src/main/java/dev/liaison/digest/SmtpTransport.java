package dev.liaison.digest;

import jakarta.mail.internet.MimeMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Sends through an SMTP relay with camel-mail. The message is built completely beforehand
 * (subject, recipients, parts, Message-ID), and camel-mail sends a MimeMessage body as it is.
 * User and password come from the environment; Camel masks them in any URI it logs.
 */
public final class SmtpTransport implements MailTransport {

    private final ProducerTemplate producer;
    private final String uri;
    private final String description;

    public SmtpTransport(CamelContext camel, String host, int port, boolean starttls, String username, String password) {
        this.producer = camel.createProducerTemplate();
        StringBuilder sb = new StringBuilder("smtp://").append(host).append(':').append(port)
                .append("?connectionTimeout=15000&mail.smtp.timeout=30000&mail.smtp.writetimeout=30000");
        if (starttls) {
            sb.append("&mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true");
        }
        if (username != null && !username.isBlank()) {
            sb.append("&username=RAW(").append(username).append(")&mail.smtp.auth=true");
        }
        if (password != null && !password.isBlank()) {
            sb.append("&password=RAW(").append(password).append(')');
        }
        this.uri = sb.toString();
        this.description = "SMTP " + host + ":" + port + (starttls ? " with STARTTLS" : "")
                + (username == null || username.isBlank() ? "" : " as " + URLEncoder.encode(username, StandardCharsets.UTF_8));
    }

    @Override
    public void send(String outboxId, MimeMessage message) throws Exception {
        Exchange result = producer.send(uri, e -> e.getMessage().setBody(message));
        if (result.getException() != null) {
            throw result.getException();
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
