package dev.liaison.sources.mail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;

/**
 * Parses one RFC 822 / MIME message (as found in an mbox, a pipermail {@code .txt.gz} or a
 * HyperKitty export) into a {@link MailMessage}. Lenient like the archivers it reads: folded and
 * badly folded headers, RFC 2047 words in unknown charsets, undeclared or wrong body charsets,
 * odd In-Reply-To values, missing dates (the mbox {@code From } line or Resent-Date stand in) are
 * repaired and noted. A message is rejected only when nothing identifies it.
 */
public final class Rfc822 {

    public static final int MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
    private static final int MAX_HEADER_BYTES = 256 * 1024;
    private static final int MAX_DEPTH = 8;
    private static final Charset FALLBACK = Charset.forName("windows-1252");
    private static final Pattern HEADER = Pattern.compile("^([!-9;-~]+)[ \\t]*:(.*)$", Pattern.DOTALL);
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");
    private static final Pattern BETWEEN_WORDS = Pattern.compile("(\\?=)\\s+(=\\?)");
    private static final Pattern MSG_ID = Pattern.compile("<([^<>\\s]{1,500})>");
    private static final Pattern PARAM = Pattern.compile(";\\s*([A-Za-z0-9*_.-]+)\\s*=\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^;\\s]+)");

    private Rfc822() {}

    /** The headers of a message: names in lower case, values unfolded and decoded, first value first. */
    public record Headers(Map<String, List<String>> values) {
        public String first(String name) {
            List<String> v = values.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    public static MailMessage parse(byte[] raw) throws MailParseException {
        if (raw == null || raw.length == 0 || new String(raw, StandardCharsets.ISO_8859_1).isBlank()) {
            throw new MailParseException("empty message");
        }
        if (raw.length > MAX_MESSAGE_BYTES) {
            throw new MailParseException("message of " + raw.length + " bytes exceeds the limit of " + MAX_MESSAGE_BYTES + " bytes");
        }
        List<String> notes = new ArrayList<>();
        String text = new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        String unixFromDate = null;
        if (text.startsWith("From ")) {
            int nl = text.indexOf('\n');
            String line = nl < 0 ? text : text.substring(0, nl);
            unixFromDate = line;
            text = nl < 0 ? "" : text.substring(nl + 1);
        }
        Part top = splitPart(text, notes, true);
        Headers h = top.headers;
        if (h.values().isEmpty()) {
            throw new MailParseException("no mail headers found (the message does not start with 'Name: value' lines)");
        }
        String from = h.first("from");
        String subject = h.first("subject");
        String messageIdRaw = h.first("message-id");
        String dateRaw = h.first("date");
        if (from == null && subject == null && messageIdRaw == null && dateRaw == null) {
            throw new MailParseException("no From, Subject, Message-ID or Date header");
        }
        String messageId = firstId(messageIdRaw, notes, "Message-ID");
        String inReplyTo = firstId(h.first("in-reply-to"), notes, "In-Reply-To");
        List<String> references = new ArrayList<>();
        String refs = h.first("references");
        if (refs != null) {
            Matcher m = MSG_ID.matcher(refs);
            while (m.find() && references.size() < 100) {
                references.add(m.group(1));
            }
        }
        MailDate date = null;
        if (dateRaw != null) {
            date = MailDate.parse(dateRaw).orElse(null);
            if (date == null) {
                notes.add("unreadable Date header '" + clip(dateRaw) + "'");
            }
        }
        if (date == null && h.first("resent-date") != null) {
            date = MailDate.parse(h.first("resent-date")).orElse(null);
            if (date != null) {
                notes.add("date taken from Resent-Date");
            }
        }
        if (date == null && unixFromDate != null) {
            Matcher m = Mbox.FROM_LINE.matcher(unixFromDate);
            if (m.find()) {
                date = MailDate.parse(m.group(1)).orElse(null);
                if (date != null) {
                    notes.add("date taken from the mbox From line");
                }
            }
        }
        if (date == null) {
            notes.add("no date");
        } else if (!date.note().isEmpty()) {
            notes.add(date.note());
        }
        List<String> attachments = new ArrayList<>();
        String body = bodyText(top, notes, attachments, 0);
        return new MailMessage(messageId, inReplyTo, references, Sender.parse(from), Subject.of(subject, List.of()).title(),
                date, body, attachments, notes);
    }

    private static String clip(String s) {
        String c = s.replaceAll("[\\p{Cntrl}]", "?");
        return c.length() > 80 ? c.substring(0, 80) + "…" : c;
    }

    private static String firstId(String value, List<String> notes, String header) {
        if (value == null || value.isBlank()) {
            return "";
        }
        Matcher m = MSG_ID.matcher(value);
        if (m.find()) {
            return m.group(1);
        }
        Matcher open = Pattern.compile("<([^<>\\s]{1,500})\\s*$").matcher(value.trim());
        if (open.find()) {
            notes.add(header + " without its closing '>'");
            return open.group(1);
        }
        String bare = value.trim();
        if (!bare.contains(" ") && bare.contains("@") && bare.length() <= 500) {
            notes.add(header + " without angle brackets");
            return bare;
        }
        notes.add("unreadable " + header + " '" + clip(value) + "'");
        return "";
    }

    /** A MIME part: its headers and its raw body (ISO-8859-1 chars standing for bytes). */
    private record Part(Headers headers, String body) {}

    private static Part splitPart(String text, List<String> notes, boolean top) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int pos = 0;
        String lastName = null;
        StringBuilder value = null;
        int len = text.length();
        while (pos < len && pos < MAX_HEADER_BYTES) {
            int nl = text.indexOf('\n', pos);
            String line = nl < 0 ? text.substring(pos) : text.substring(pos, nl);
            int next = nl < 0 ? len : nl + 1;
            if (line.isEmpty()) {
                pos = next;
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && value != null) {
                value.append(' ').append(line.trim());
                pos = next;
                continue;
            }
            Matcher m = HEADER.matcher(line);
            if (!m.matches()) {
                if (headers.isEmpty() && lastName == null) {
                    break; // no headers at all: everything is body
                }
                notes.add("header block ended by a line that is not a header");
                break;
            }
            if (lastName != null) {
                add(headers, lastName, value.toString());
            }
            lastName = m.group(1).toLowerCase(Locale.ROOT);
            value = new StringBuilder(m.group(2).trim());
            pos = next;
        }
        if (lastName != null) {
            add(headers, lastName, value.toString());
        }
        if (pos >= MAX_HEADER_BYTES && top) {
            notes.add("header block longer than " + MAX_HEADER_BYTES + " bytes, cut");
        }
        return new Part(new Headers(headers), pos >= len ? "" : text.substring(pos));
    }

    private static void add(Map<String, List<String>> headers, String name, String rawValue) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(decodeHeader(rawValue));
    }

    /** Raw header text (bytes as ISO-8859-1 chars) to a string: 8-bit as UTF-8 when valid, RFC 2047 words decoded. */
    static String decodeHeader(String raw) {
        String s = raw;
        if (!isAscii(s)) {
            byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            s = strictDecode(bytes, StandardCharsets.UTF_8);
            if (s == null) {
                s = new String(bytes, FALLBACK);
            }
        }
        if (s.contains("=?")) {
            s = BETWEEN_WORDS.matcher(s).replaceAll("$1$2");
            Matcher m = ENCODED_WORD.matcher(s);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(decodeWord(m.group(1), m.group(2), m.group(3))));
            }
            m.appendTail(sb);
            s = sb.toString();
        }
        return s.replaceAll("[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]", " ").trim();
    }

    private static String decodeWord(String charsetName, String encoding, String data) {
        byte[] bytes;
        try {
            if (encoding.equalsIgnoreCase("b")) {
                bytes = Base64.getMimeDecoder().decode(data.replaceAll("[^A-Za-z0-9+/=]", ""));
            } else {
                bytes = quotedPrintable(data.replace('_', ' '), false);
            }
        } catch (IllegalArgumentException e) {
            return data;
        }
        return decode(bytes, charsetName.replaceAll("\\*.*$", ""), null);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    private static String strictDecode(byte[] bytes, Charset cs) {
        try {
            return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Bytes in the named charset; unknown or wrong charsets fall back to UTF-8 then windows-1252 (noted). */
    static String decode(byte[] bytes, String charsetName, List<String> notes) {
        Charset cs = null;
        if (charsetName != null && !charsetName.isBlank()) {
            try {
                cs = Charset.forName(charsetName.trim().replace("\"", ""));
            } catch (RuntimeException e) {
                if (notes != null) {
                    notes.add("unknown charset '" + clip(charsetName) + "'");
                }
            }
        }
        if (cs != null) {
            String s = strictDecode(bytes, cs);
            if (s != null) {
                return s;
            }
            if (notes != null) {
                notes.add("text is not valid " + cs.name());
            }
        }
        String s = strictDecode(bytes, StandardCharsets.UTF_8);
        return s != null ? s : new String(bytes, FALLBACK);
    }

    static byte[] quotedPrintable(String s, boolean body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=' && i + 1 < s.length()) {
                if (body && s.charAt(i + 1) == '\n') {
                    i++;
                    continue;
                }
                if (i + 2 < s.length()) {
                    int hi = Character.digit(s.charAt(i + 1), 16);
                    int lo = Character.digit(s.charAt(i + 2), 16);
                    if (hi >= 0 && lo >= 0) {
                        out.write(hi * 16 + lo);
                        i += 2;
                        continue;
                    }
                }
            }
            out.write(c & 0xff);
        }
        return out.toByteArray();
    }

    /** The media type of a Content-Type value as this parser reads it: lower case; not type/subtype: application/octet-stream. */
    public static String mediaType(String contentType) {
        return ContentType.of(contentType, "application/octet-stream").value();
    }

    /** A Content-Type (or -Disposition) value: the main value lower-cased and its parameters. */
    record ContentType(String value, Map<String, String> params) {
        static ContentType of(String header, String fallback) {
            if (header == null || header.isBlank()) {
                return new ContentType(fallback, Map.of());
            }
            int semi = header.indexOf(';');
            String value = (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
            Map<String, String> params = new LinkedHashMap<>();
            Matcher m = PARAM.matcher(semi < 0 ? "" : header.substring(semi));
            while (m.find()) {
                params.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), m.group(3) != null ? m.group(3) : m.group(2));
            }
            if (fallback.contains("/") && !value.matches("[a-z0-9.+-]+/[a-z0-9.+-]+")) {
                value = "application/octet-stream";
            }
            return new ContentType(value, params);
        }
    }

    private static String bodyText(Part part, List<String> notes, List<String> attachments, int depth) {
        ContentType type = ContentType.of(part.headers.first("content-type"), "text/plain");
        String disposition = part.headers.first("content-disposition");
        ContentType disp = ContentType.of(disposition, "inline");
        String filename = disp.params().getOrDefault("filename", type.params().get("name"));
        if (type.value().startsWith("multipart/")) {
            String boundary = type.params().get("boundary");
            if (boundary == null || boundary.isBlank() || depth >= MAX_DEPTH) {
                notes.add(depth >= MAX_DEPTH ? "MIME parts nested too deep" : "multipart message without a boundary: no text shown");
                return "";
            }
            List<Part> parts = new ArrayList<>();
            for (String chunk : multipartChunks(part.body, boundary, notes)) {
                parts.add(splitPart(chunk, notes, false));
            }
            String plain = null, html = null;
            boolean alternative = type.value().equals("multipart/alternative");
            StringBuilder mixed = new StringBuilder();
            for (Part p : parts) {
                ContentType t = ContentType.of(p.headers.first("content-type"), "text/plain");
                boolean attachment = ContentType.of(p.headers.first("content-disposition"), "inline").value().contains("attachment");
                if (t.value().startsWith("multipart/") || (!attachment && t.value().equals("text/plain"))) {
                    String s = bodyText(p, notes, attachments, depth + 1);
                    if (alternative) {
                        if (plain == null) {
                            plain = s;
                        }
                    } else {
                        mixed.append(mixed.length() > 0 ? "\n" : "").append(s);
                    }
                } else if (!attachment && t.value().equals("text/html") && html == null) {
                    html = bodyText(p, notes, attachments, depth + 1);
                } else {
                    bodyText(p, notes, attachments, depth + 1);
                }
            }
            if (alternative) {
                return plain != null ? plain : html != null ? html : "";
            }
            if (mixed.length() == 0 && html != null) {
                return html;
            }
            return mixed.toString();
        }
        boolean attachment = disp.value().contains("attachment");
        if (attachment || !type.value().startsWith("text/")) {
            attachments.add((filename == null ? "(unnamed)" : Subject.of(filename, List.of()).title()) + " (" + type.value() + ")");
            return "";
        }
        byte[] bytes = transferDecode(part.body, part.headers.first("content-transfer-encoding"), notes);
        String charset = type.params().get("charset");
        if (charset == null && type.params().containsKey("charset*")) {
            notes.add("unreadable charset parameter");
        }
        String s = decode(bytes, charset, notes);
        if (type.value().equals("text/html")) {
            s = Jsoup.parse(s).wholeText();
        }
        return cleanBody(s, notes);
    }

    private static List<String> multipartChunks(String body, String boundary, List<String> notes) {
        List<String> chunks = new ArrayList<>();
        String delimiter = "--" + boundary;
        StringBuilder current = null;
        boolean closed = false;
        int pos = 0;
        while (pos <= body.length() && !closed) {
            int nl = body.indexOf('\n', pos);
            String line = nl < 0 ? body.substring(pos) : body.substring(pos, nl);
            if (line.startsWith(delimiter)) {
                String rest = line.substring(delimiter.length()).trim();
                if (rest.isEmpty() || rest.equals("--")) {
                    if (current != null) {
                        chunks.add(current.toString());
                    }
                    current = rest.isEmpty() ? new StringBuilder() : null;
                    closed = !rest.isEmpty();
                    pos = nl < 0 ? body.length() + 1 : nl + 1;
                    continue;
                }
            }
            if (current != null) {
                current.append(line).append('\n');
            }
            pos = nl < 0 ? body.length() + 1 : nl + 1;
        }
        if (chunks.isEmpty() && current == null) {
            notes.add("multipart boundary not found");
        } else if (!closed) {
            if (current != null && current.length() > 0) {
                chunks.add(current.toString());
            }
            notes.add("multipart without its closing boundary");
        }
        return chunks;
    }

    private static byte[] transferDecode(String body, String encoding, List<String> notes) {
        String e = encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
        if (e.equals("base64")) {
            try {
                return Base64.getMimeDecoder().decode(body.replaceAll("[^A-Za-z0-9+/=]", "").replaceAll("=+$", ""));
            } catch (IllegalArgumentException ex) {
                notes.add("broken base64 body");
                return new byte[0];
            }
        }
        if (e.equals("quoted-printable")) {
            return quotedPrintable(body, true);
        }
        return body.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Drops control characters, NULs and U+FFFD; a body that is mostly not text is replaced by a
     * note. Public so that a source reading mail text another way (HyperKitty's API) stores the
     * same text as from the raw message.
     */
    public static String cleanBody(String s, List<String> notes) {
        int bad = 0;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\t' || c >= ' ' && c != 0x7f && !(c >= 0x80 && c <= 0x9f) && c != '\ufffd') {
                sb.append(c);
            } else if (c != '\r') {
                bad++;
            }
        }
        if (s.length() > 64 && bad > s.length() / 10) {
            notes.add("body looks binary (" + bad + " control characters): not kept as text");
            return "";
        }
        return sb.toString();
    }
}
