package dev.liaison.item;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one normalised model of anything Liaison reads from outside: a mail, a spec, a bug, a
 * blueprint. The id is stable and derived from the source's own identity, so the same thing read
 * twice is the same item. {@link #contentHash()} covers every field that comes from the source, so
 * an unchanged item hashes the same on every poll.
 *
 * <p>{@code attributes} holds kind-specific values (thread ids, importance, tags ...); values must
 * be JSON-like: strings, numbers, booleans, lists and maps of those.
 */
public record Item(
        String id,
        String kind,
        String source,
        String project,
        String url,
        String title,
        String text,
        String author,
        Instant created,
        Instant updated,
        String status,
        String statusRaw,
        String release,
        String milestone,
        List<Ref> refs,
        Map<String, Object> attributes) {

    public static final int MAX_TEXT_CHARS = 200_000;

    public Item {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        if (id.isBlank() || id.length() > 512) {
            throw new IllegalArgumentException("an item id must be 1..512 characters: " + id);
        }
        if (kind.isBlank()) {
            throw new IllegalArgumentException("an item needs a kind");
        }
        title = title == null ? "" : title;
        text = text == null ? "" : text;
        if (text.length() > MAX_TEXT_CHARS) {
            text = text.substring(0, MAX_TEXT_CHARS);
        }
        refs = refs == null ? List.of() : List.copyOf(refs);
        attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** Starts a builder for an item with this id and kind. */
    public static Builder builder(String id, String kind) {
        return new Builder(id, kind);
    }

    public Builder toBuilder() {
        Builder b = new Builder(id, kind);
        b.source = source; b.project = project; b.url = url; b.title = title; b.text = text;
        b.author = author; b.created = created; b.updated = updated; b.status = status;
        b.statusRaw = statusRaw; b.release = release; b.milestone = milestone;
        b.refs = new ArrayList<>(refs); b.attributes = new LinkedHashMap<>(attributes);
        return b;
    }

    /** SHA-256 over every field read from the source, in a fixed order. */
    public String contentHash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object field : new Object[] {id, kind, source, project, url, title, text, author,
                    created, updated, status, statusRaw, release, milestone}) {
                update(sha, field == null ? "\u0000" : field.toString());
            }
            for (Ref ref : refs) {
                update(sha, ref.type());
                update(sha, ref.target());
                update(sha, ref.relation());
            }
            update(sha, canonical(attributes));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0x1f);
    }

    private static String canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder("{");
            new TreeMap<>(stringKeys(map)).forEach((k, v) -> sb.append(k).append('=').append(canonical(v)).append(';'));
            return sb.append('}').toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            list.forEach(v -> sb.append(canonical(v)).append(';'));
            return sb.append(']').toString();
        }
        return String.valueOf(value);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    public static final class Builder {
        private final String id;
        private final String kind;
        private String source, project, url, title, text, author, status, statusRaw, release, milestone;
        private Instant created, updated;
        private List<Ref> refs = new ArrayList<>();
        private Map<String, Object> attributes = new LinkedHashMap<>();

        private Builder(String id, String kind) {
            this.id = id;
            this.kind = kind;
        }

        public Builder source(String v) { source = v; return this; }
        public Builder project(String v) { project = v; return this; }
        public Builder url(String v) { url = v; return this; }
        public Builder title(String v) { title = v; return this; }
        public Builder text(String v) { text = v; return this; }
        public Builder author(String v) { author = v; return this; }
        public Builder created(Instant v) { created = v; return this; }
        public Builder updated(Instant v) { updated = v; return this; }
        public Builder status(String normalised, String raw) { status = normalised; statusRaw = raw; return this; }
        public Builder release(String v) { release = v; return this; }
        public Builder milestone(String v) { milestone = v; return this; }
        public Builder refs(List<Ref> v) { refs = new ArrayList<>(v); return this; }
        public Builder ref(Ref v) { refs.add(v); return this; }
        public Builder attribute(String key, Object value) {
            if (value != null) {
                attributes.put(key, value);
            }
            return this;
        }

        public Item build() {
            return new Item(id, kind, source, project, url, title, text, author, created, updated,
                    status, statusRaw, release, milestone, refs, attributes);
        }
    }
}
