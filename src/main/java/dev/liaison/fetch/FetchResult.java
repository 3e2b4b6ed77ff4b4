package dev.liaison.fetch;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Optional;

/**
 * A completed GET: either a 2xx with its body (decompressed, within the size limit), or a 304
 * answer to a conditional request, which means the stored version is current.
 */
public record FetchResult(URI requested, URI finalUrl, int status, byte[] body, String contentType,
                          Validators validators) {

    public boolean notModified() {
        return status == 304;
    }

    /** The charset the server declared in Content-Type, if it declared a known one. */
    public Optional<Charset> declaredCharset() {
        if (contentType == null) {
            return Optional.empty();
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                String name = p.substring(8).trim().replace("\"", "");
                try {
                    return Optional.of(Charset.forName(name));
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The body as text in the declared charset, or UTF-8 when none was declared. */
    public String text() {
        return new String(body, declaredCharset().orElse(StandardCharsets.UTF_8));
    }
}
