package dev.liaison.sources.sphinxspecs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Bytes of an HTML page to text: the declared charset (header, else meta), else UTF-8; bad bytes are reported. */
final class PageText {

    private static final Pattern META_CHARSET = Pattern.compile(
            "(?i)<meta[^>]+charset\\s*=\\s*[\"']?([A-Za-z0-9._:-]+)");

    /** The decoded text and, when bytes had to be replaced, a warning saying so. */
    record Decoded(String text, String warning) {}

    private PageText() {}

    static Decoded decode(byte[] body, Optional<Charset> declared) {
        Charset charset = declared.orElseGet(() -> sniff(body).orElse(StandardCharsets.UTF_8));
        if (charset.equals(StandardCharsets.UTF_8)) {
            // The JDK's own UTF-8 decoding is several times faster than a CharsetDecoder; bad
            // sequences become U+FFFD, so compare with the U+FFFD the page really contains.
            // That decoder is strict (overlong forms, surrogates, cut sequences all become U+FFFD),
            // so a text without U+FFFD came from well-formed bytes: no second pass over them.
            String text = new String(body, StandardCharsets.UTF_8);
            long replacements = count(text);
            if (replacements == 0) {
                return new Decoded(text, null);
            }
            long genuine = countEncodedReplacementChars(body);
            return replacements == genuine ? new Decoded(text, null) : new Decoded(text, "not valid UTF-8: "
                    + (replacements - genuine) + " undecodable byte sequence(s) replaced with U+FFFD");
        }
        try {
            CharBuffer chars = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return new Decoded(chars.toString(), null);
        } catch (CharacterCodingException e) {
            String text = new String(body, charset);
            long replaced = text.chars().filter(c -> c == '\uFFFD').count();
            return new Decoded(text, "not valid " + charset.name() + ": " + replaced
                    + " undecodable byte sequence(s) replaced with U+FFFD");
        }
    }

    /**
     * True when the bytes are well-formed UTF-8 (no overlong forms, no surrogates): what a text
     * decoded by the JDK without U+FFFD in it also tells ({@link #decode} relies on that).
     */
    static boolean validUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int extra;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                extra = 1; min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                extra = 2; min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                extra = 3; min = 0x10000;
            } else {
                return false;
            }
            if (i + extra >= n) {
                return false;
            }
            int cp = c & (0x3f >> extra);
            for (int k = 1; k <= extra; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return false;
            }
            i += extra + 1;
        }
        return true;
    }

    private static long count(String text) {
        long n = 0;
        for (int i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) {
            n++;
        }
        return n;
    }

    /** U+FFFD written in the page itself (EF BF BD). */
    private static long countEncodedReplacementChars(byte[] body) {
        long n = 0;
        for (int i = 0; i + 2 < body.length; i++) {
            if (body[i] == (byte) 0xEF && body[i + 1] == (byte) 0xBF && body[i + 2] == (byte) 0xBD) {
                n++;
                i += 2;
            }
        }
        return n;
    }

    private static Optional<Charset> sniff(byte[] body) {
        String head = new String(body, 0, Math.min(body.length, 2048), StandardCharsets.ISO_8859_1);
        Matcher m = META_CHARSET.matcher(head);
        if (m.find()) {
            try {
                return Optional.of(Charset.forName(m.group(1).toLowerCase(Locale.ROOT)));
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** True when the page ends its html element: a body cut off in transfer does not. */
    static boolean complete(String html) {
        int from = Math.max(0, html.length() - 4096);
        return html.substring(from).toLowerCase(Locale.ROOT).contains("</html>");
    }
}
