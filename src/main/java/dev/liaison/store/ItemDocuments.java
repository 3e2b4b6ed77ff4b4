package dev.liaison.store;

import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/** Item and BSON, both ways. */
public final class ItemDocuments {

    private ItemDocuments() {}

    public static Document toDocument(Item item, String hash) {
        Document d = new Document("_id", item.id())
                .append("kind", item.kind())
                .append("source", item.source())
                .append("project", item.project())
                .append("url", item.url())
                .append("title", item.title())
                .append("text", item.text())
                .append("author", item.author())
                .append("created", date(item.created()))
                .append("updated", date(item.updated()))
                .append("status", item.status())
                .append("statusRaw", item.statusRaw())
                .append("release", item.release())
                .append("milestone", item.milestone());
        List<Document> refs = new ArrayList<>(item.refs().size());
        for (Ref r : item.refs()) {
            refs.add(new Document("type", r.type()).append("target", r.target()).append("relation", r.relation())
                    .append("evidence", r.evidence()));
        }
        d.append("refs", refs);
        d.append("attrs", new Document(bsonSafe(item.attributes())));
        d.append("hash", hash);
        return d;
    }

    @SuppressWarnings("unchecked")
    public static Item toItem(Document d) {
        Item.Builder b = Item.builder(d.getString("_id"), d.getString("kind"))
                .source(d.getString("source"))
                .project(d.getString("project"))
                .url(d.getString("url"))
                .title(d.getString("title"))
                .text(d.getString("text"))
                .author(d.getString("author"))
                .created(instant(d.get("created")))
                .updated(instant(d.get("updated")))
                .status(d.getString("status"), d.getString("statusRaw"))
                .release(d.getString("release"))
                .milestone(d.getString("milestone"));
        Object refs = d.get("refs");
        if (refs instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Document r) {
                    b.ref(new Ref(r.getString("type"), r.getString("target"), r.getString("relation"), r.getString("evidence")));
                }
            }
        }
        Object attrs = d.get("attrs");
        if (attrs instanceof Document a) {
            a.forEach((k, v) -> b.attribute(k, plain(v)));
        }
        return b.build();
    }

    private static Object plain(Object v) {
        if (v instanceof Document doc) {
            Map<String, Object> m = new LinkedHashMap<>();
            doc.forEach((k, x) -> m.put(k, plain(x)));
            return m;
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(x -> out.add(plain(x)));
            return out;
        }
        if (v instanceof Date date) {
            return date.toInstant().toString();
        }
        return v;
    }

    private static Map<String, Object> bsonSafe(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k.replace('.', '_').replace('$', '_'), bsonValue(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object bsonValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, x) -> copy.put(String.valueOf(k), x));
            return new Document(bsonSafe(copy));
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(x -> out.add(bsonValue(x)));
            return out;
        }
        if (v instanceof Instant i) {
            return i.toString();
        }
        return v;
    }

    static Date date(Instant i) {
        return i == null ? null : Date.from(i);
    }

    static Instant instant(Object o) {
        if (o instanceof Date d) {
            return d.toInstant();
        }
        if (o instanceof String s && !s.isBlank()) {
            return Instant.parse(s);
        }
        return null;
    }
}
