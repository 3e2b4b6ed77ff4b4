package dev.liaison.sources.hyperkitty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The URLs and JSON shapes of HyperKitty 1.3 (field names from its serializers): list pages of
 * emails ({@code count/next/results}, limit-offset pagination), one email with its content, and
 * the mbox export. Plain Java; no fetching.
 */
public final class HyperkittyApi {

    private static final Pattern LIST_URL = Pattern.compile("^(.*/)list/([^/@]+)@([^/]+)/?$");
    private static final Pattern HASH_IN_URL = Pattern.compile("/(?:email|message)/([A-Z0-9]{20,64})/?$");
    private static final Pattern THREAD_IN_URL = Pattern.compile("/thread/([A-Z0-9]{20,64})/?$");
    private static final Pattern OFFSET = Pattern.compile("(?:^|&)offset=(\\d{1,15})(?:&|$)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI prefix;
    private final String local;
    private final String domain;

    private HyperkittyApi(URI prefix, String local, String domain) {
        this.prefix = prefix;
        this.local = local;
        this.domain = domain;
    }

    /** The API of the list whose archive page is {@code listUrl}; null when the URL is not one. */
    public static HyperkittyApi of(URI listUrl) {
        Matcher m = LIST_URL.matcher(listUrl.toString());
        if (!m.matches()) {
            return null;
        }
        return new HyperkittyApi(URI.create(m.group(1)), m.group(2), m.group(3));
    }

    public String listLocalPart() { return local; }
    public String address() { return local + "@" + domain; }

    public URI emails(int limit) {
        return emails(limit, 0);
    }

    /** One page of the list's emails, most recently archived first. */
    public URI emails(int limit, long offset) {
        return prefix.resolve("api/list/" + address() + "/emails/?ordering=-archived_date&limit=" + limit + "&offset=" + offset);
    }

    /** The list's own API resource (answers 404 for a list the server does not have). */
    public URI list() {
        return prefix.resolve("api/list/" + address() + "/");
    }

    /**
     * A link the server wrote (HyperKitty builds them from the request's Host and scheme, which a
     * proxy may have replaced) put back onto the configured base: whatever comes before
     * {@code api/} or {@code list/} is replaced by the configured prefix. Null when it is not one
     * of this list's links.
     */
    public URI onBase(String link) {
        if (link == null || link.isBlank()) {
            return null;
        }
        String marker = "api/list/" + address() + "/";
        int at = link.indexOf(marker);
        if (at < 0) {
            marker = "list/" + address() + "/";
            at = link.indexOf(marker);
        }
        if (at < 0) {
            return null;
        }
        try {
            return prefix.resolve(link.substring(at));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The {@code offset} query parameter of a list page URL, or -1. */
    public static long offsetOf(URI page) {
        Matcher m = OFFSET.matcher(page.getRawQuery() == null ? "" : page.getRawQuery());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    public URI email(String hash) {
        return prefix.resolve("api/list/" + address() + "/email/" + hash + "/");
    }

    public URI messagePage(String hash) {
        return prefix.resolve("list/" + address() + "/message/" + hash + "/");
    }

    /** The mbox export of one month (start inclusive, end exclusive, as HyperKitty takes them). */
    public URI monthExport(YearMonth month) {
        LocalDate start = month.atDay(1);
        return prefix.resolve("list/" + address() + "/export/" + local + "-" + month + ".mbox.gz?start=" + start
                + "&end=" + start.plusMonths(1));
    }

    /** The mbox export of the mail dated from {@code start} (inclusive) to {@code end} (exclusive). */
    public URI export(LocalDate start, LocalDate end) {
        return prefix.resolve("list/" + address() + "/export/" + local + "-" + start + ".mbox.gz?start=" + start + "&end=" + end);
    }

    public String itemId(String hash) {
        return "mail:" + local + "/" + hash;
    }

    public String threadId(String threadHash) {
        return "thread:" + local + "/" + threadHash;
    }

    /** HyperKitty's message_id_hash: base32 of the SHA-1 of the Message-ID without angle brackets. */
    public static String messageIdHash(String messageId) {
        String id = messageId.trim();
        if (id.startsWith("<") && id.endsWith(">")) {
            id = id.substring(1, id.length() - 1);
        }
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest(id.getBytes(StandardCharsets.UTF_8));
            return base32(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base32(byte[] data) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder sb = new StringBuilder();
        int buffer = 0, bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return sb.toString();
    }

    /**
     * One page of a paginated list: its entries, the next page's link as the server wrote it
     * (null at the end) and the list's total ({@code count}, -1 when absent).
     */
    public record Page(List<JsonNode> results, String next, long count) {}

    /** True when the answer is one JSON array: a deployment without REST pagination. */
    public static boolean isUnpaginated(byte[] body) {
        for (byte b : body) {
            if (b == '[') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t' && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF) {
                return false;
            }
        }
        return false;
    }

    public static Page page(byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IOException(root == null ? "empty answer" : "not a HyperKitty list page: not a JSON object");
        }
        List<JsonNode> results = new ArrayList<>();
        JsonNode list = root.get("results");
        if (list == null || !list.isArray()) {
            throw new IOException("not a HyperKitty list page: no 'results' array");
        }
        list.forEach(results::add);
        JsonNode n = root.get("next");
        String next = n != null && n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
        JsonNode c = root.get("count");
        return new Page(results, next, c != null && c.canConvertToLong() ? c.asLong() : -1);
    }

    /**
     * Reads an unpaginated answer (one JSON array of every email) entry by entry, handing them on
     * in chunks of {@code chunk}, so that only the body and one chunk are held, never a tree of
     * the whole list. Throws when the array is cut or an entry is not an object; the chunks
     * handed on before stay handed on.
     */
    public static void eachChunk(byte[] body, int chunk, ChunkConsumer consumer) throws IOException, InterruptedException {
        try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                throw new IOException("not a JSON array");
            }
            List<JsonNode> batch = new ArrayList<>();
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new IOException("the array is cut short");
                }
                if (t != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    throw new IOException("an entry that is not an object");
                }
                batch.add(p.readValueAsTree());
                if (batch.size() >= chunk) {
                    consumer.accept(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                consumer.accept(batch);
            }
        }
    }

    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(List<JsonNode> entries) throws IOException, InterruptedException;
    }

    public static JsonNode email(byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IOException("not a HyperKitty email: not a JSON object");
        }
        return root;
    }

    /** The message_id_hash of an email entry (the field, or the end of its URL). */
    public static String hashOf(JsonNode email) {
        String h = text(email, "message_id_hash");
        if (h != null && h.matches("[A-Z0-9]{20,64}")) {
            return h;
        }
        return hashInUrl(text(email, "url"));
    }

    public static String hashInUrl(String url) {
        if (url == null) {
            return null;
        }
        Matcher m = HASH_IN_URL.matcher(url);
        return m.find() ? m.group(1) : null;
    }

    public static String threadInUrl(String url) {
        if (url == null) {
            return null;
        }
        Matcher m = THREAD_IN_URL.matcher(url);
        return m.find() ? m.group(1) : null;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
    }
}
