package dev.liaison.sources.mail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits an mbox (a pipermail {@code YYYY-Month.txt}, a HyperKitty export) into raw messages.
 * A message starts at a {@code From } line that ends with a ctime date, so body lines that start
 * with "From " do not split a message; pipermail's obfuscated {@code From x at y  date} lines
 * count as separators too.
 */
public final class Mbox {

    static final Pattern FROM_LINE = Pattern.compile(
            "^From \\S.*?\\s((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \\d]?\\d \\d{1,2}:\\d{2}(?::\\d{2})?(?: [A-Z]{1,5}| [+-]\\d{4})? \\d{4})\\s*$");

    /** Largest unpacked archive read. */
    public static final long MAX_UNPACKED = 64L * 1024 * 1024;

    private Mbox() {}

    /** The messages of a month archive, and whether the file ended early. */
    public record Unpacked(List<byte[]> messages, boolean truncated) {}

    /** Unpacks (when gzip) and splits; a truncated gzip keeps the complete messages before the cut. */
    public static Unpacked unpack(byte[] body, String name) throws IOException {
        byte[] raw = body;
        boolean truncated = false;
        if (body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4);
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 64 * 1024)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) != -1) {
                    out.write(buf, 0, n);
                    if (out.size() > MAX_UNPACKED) {
                        throw new IOException(name + " unpacks to more than " + MAX_UNPACKED + " bytes");
                    }
                }
            } catch (EOFException | ZipException e) {
                truncated = true;
            }
            raw = out.toByteArray();
        } else if (name.endsWith(".gz")) {
            throw new IOException(name + " is not gzip data");
        }
        List<byte[]> messages = new ArrayList<>(split(raw));
        if (truncated && !messages.isEmpty()) {
            messages.remove(messages.size() - 1); // the last one may be cut short
        }
        return new Unpacked(messages, truncated);
    }


    /** The raw messages of {@code mbox}, each starting with its From line. */
    public static List<byte[]> split(byte[] mbox) {
        List<byte[]> out = new ArrayList<>();
        int start = -1;
        int pos = 0;
        int n = mbox.length;
        while (pos < n) {
            int nl = indexOf(mbox, (byte) '\n', pos);
            int end = nl < 0 ? n : nl;
            if (end - pos >= 5 && mbox[pos] == 'F' && mbox[pos + 1] == 'r' && mbox[pos + 2] == 'o' && mbox[pos + 3] == 'm'
                    && mbox[pos + 4] == ' ') {
                String line = new String(mbox, pos, Math.min(end - pos, 400), StandardCharsets.ISO_8859_1).replace("\r", "");
                if (FROM_LINE.matcher(line).matches()) {
                    if (start >= 0) {
                        out.add(java.util.Arrays.copyOfRange(mbox, start, pos));
                    }
                    start = pos;
                }
            }
            pos = nl < 0 ? n : nl + 1;
        }
        if (start >= 0) {
            out.add(java.util.Arrays.copyOfRange(mbox, start, n));
        } else if (n > 0 && !new String(mbox, StandardCharsets.ISO_8859_1).isBlank()) {
            out.add(mbox); // a single message without a From line
        }
        return out;
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
