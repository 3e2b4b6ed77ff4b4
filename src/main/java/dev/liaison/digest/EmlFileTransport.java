package dev.liaison.digest;

import jakarta.mail.internet.MimeMessage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With no SMTP relay configured, each mail is written as {@code <outbox id>.eml} under
 * {@code data/outbox/} (atomically: a retried mail replaces its own file, never doubles it).
 */
public final class EmlFileTransport implements MailTransport {

    private static final Logger LOG = LoggerFactory.getLogger(EmlFileTransport.class);
    private final Path dir;

    public EmlFileTransport(Path dir) {
        this.dir = dir;
    }

    @Override
    public void send(String outboxId, MimeMessage message) throws Exception {
        Files.createDirectories(dir);
        String name = outboxId.replaceAll("[^A-Za-z0-9@._-]", "_") + ".eml";
        Path tmp = dir.resolve(name + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            message.writeTo(out);
        }
        Path target = dir.resolve(name);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Mail {} written to {} (no SMTP relay configured)", outboxId, target);
    }

    @Override
    public String describe() {
        return ".eml files in " + dir;
    }
}
