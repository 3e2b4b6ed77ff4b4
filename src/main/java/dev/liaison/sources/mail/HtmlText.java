package dev.liaison.sources.mail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes fetched HTML bytes: the charset the server declared, else the page's own meta
 * declaration, else UTF-8 when the bytes are valid UTF-8, else windows-1252 (what browsers do for
 * ISO-8859-1 and undeclared legacy pages).
 */
public final class HtmlText {

    private static final Pattern META = Pattern.compile("(?i)<meta[^>]+charset\\s*=\\s*[\"']?([A-Za-z0-9_.:-]+)");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private HtmlText() {}

    private static String nonAsciiUtf8(byte[] body) {
        boolean nonAscii = false;
        for (byte b : body) {
            if (b < 0) {
                nonAscii = true;
                break;
            }
        }
        if (!nonAscii) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    public static String decode(byte[] body, Optional<Charset> declared) {
        Charset cs = declared.orElse(null);
        if (cs == null) {
            String head = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.ISO_8859_1);
            Matcher m = META.matcher(head);
            if (m.find()) {
                try {
                    cs = Charset.forName(m.group(1));
                } catch (RuntimeException e) {
                    cs = null;
                }
            }
        }
        if (cs != null) {
            String name = cs.name().toLowerCase(Locale.ROOT);
            boolean legacy = name.equals("iso-8859-1") || name.equals("us-ascii") || name.equals("windows-1252");
            if (legacy) {
                // Mailman 2 often declares us-ascii over UTF-8 bodies: valid UTF-8 with non-ASCII
                // bytes is taken as UTF-8 (legacy text is almost never valid UTF-8 by chance).
                String utf8 = nonAsciiUtf8(body);
                if (utf8 != null) {
                    return utf8;
                }
                cs = WINDOWS_1252; // the HTML rule: these labels mean windows-1252
            }
            if (!cs.equals(StandardCharsets.UTF_8)) {
                return new String(body, cs);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return new String(body, WINDOWS_1252);
        }
    }
}
