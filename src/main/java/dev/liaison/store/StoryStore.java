package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.WriteModel;
import dev.liaison.story.Backer;
import dev.liaison.story.Story;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;

/**
 * User stories by slug, stored idempotently with a content hash: importing the same story twice
 * stores it once and changes nothing. One query and at most two bulk writes per batch.
 */
public final class StoryStore {

    private final MongoCollection<Document> stories;

    private final LinkStore links;

    public StoryStore(Store store) {
        this.stories = store.collection(Store.STORIES);
        this.links = new LinkStore(store);
    }

    /** What a batch did: the stories that are new, changed, and how many were unchanged. */
    public record Result(List<Story> created, List<Story> changed, int unchanged) {}

    public Result upsert(List<Story> batch, Instant now) {
        Map<String, Story> byId = new LinkedHashMap<>();
        batch.forEach(s -> byId.put(s.id(), s));
        if (byId.isEmpty()) {
            return new Result(List.of(), List.of(), 0);
        }
        Map<String, Document> existing = new HashMap<>();
        for (Document d : stories.find(Filters.in("_id", byId.keySet())).projection(Projections.include("hash", "firstSeen"))) {
            existing.put(d.getString("_id"), d);
        }
        List<Document> inserts = new ArrayList<>();
        List<WriteModel<Document>> replaces = new ArrayList<>();
        List<Story> created = new ArrayList<>(), changed = new ArrayList<>();
        int unchanged = 0;
        Date at = Date.from(now);
        for (Story s : byId.values()) {
            String hash = s.contentHash();
            Document before = existing.get(s.id());
            Document doc = toDocument(s, hash).append("lastChanged", at);
            if (before == null) {
                inserts.add(doc.append("firstSeen", at));
                created.add(s);
            } else if (!hash.equals(before.getString("hash"))) {
                doc.append("firstSeen", before.get("firstSeen", at));
                replaces.add(new ReplaceOneModel<>(Filters.eq("_id", s.id()), doc));
                changed.add(s);
            } else {
                unchanged++;
            }
        }
        absorb(byId.values());
        if (!inserts.isEmpty()) {
            stories.insertMany(inserts, new InsertManyOptions().ordered(false));
        }
        if (!replaces.isEmpty()) {
            stories.bulkWrite(replaces, new BulkWriteOptions().ordered(false));
        }
        return new Result(created, changed, unchanged);
    }

    /** The story with this slug, or the one that has it as an alias (a slug merged into it). */
    public Optional<Story> find(String id) {
        Document d = stories.find(Filters.eq("_id", id)).first();
        if (d == null) {
            d = stories.find(Filters.eq("aliases", id)).sort(Sorts.ascending("_id")).first();
        }
        return Optional.ofNullable(d).map(StoryStore::toStory);
    }

    /** The slug a story is stored under, for its own slug or an alias; the argument when unknown. */
    public String resolve(String id) {
        return find(id).map(Story::id).orElse(id);
    }

    /**
     * Stored stories whose slug is now an alias of a story in this batch (two files with the same
     * title, imported before they were recognised as one story) are folded into it: their links
     * move to it (where it has none for the item) and the old story document goes.
     */
    private void absorb(java.util.Collection<Story> batch) {
        Map<String, String> into = new HashMap<>();
        for (Story s : batch) {
            for (String alias : s.aliases()) {
                if (!alias.equals(s.id()) && dev.liaison.story.StoryParser.isSlugAlias(alias)) {
                    into.put(alias, s.id());
                }
            }
        }
        if (into.isEmpty()) {
            return;
        }
        List<String> absorbed = new ArrayList<>();
        for (Document d : stories.find(Filters.in("_id", into.keySet())).projection(Projections.include("_id"))) {
            absorbed.add(d.getString("_id"));
        }
        for (String old : absorbed) {
            links.moveStory(old, into.get(old));
        }
        if (!absorbed.isEmpty()) {
            stories.deleteMany(Filters.in("_id", absorbed));
        }
    }

    /** What lists and digests need of a story without its text: slug, title, projects, tags. */
    public record Heading(String id, String title, List<String> projects, List<String> tags) {}

    /** The headings of every story, by slug (the text is not read). */
    public List<Heading> headings() {
        List<Heading> out = new ArrayList<>();
        stories.find().projection(Projections.include("title", "projects", "tags")).sort(Sorts.ascending("_id"))
                .forEach(d -> out.add(new Heading(d.getString("_id"), d.getString("title"),
                        d.getList("projects", String.class, List.of()), d.getList("tags", String.class, List.of()))));
        return out;
    }

    public List<Story> all() {
        List<Story> out = new ArrayList<>();
        for (Document d : stories.find().sort(Sorts.ascending("_id"))) {
            out.add(toStory(d));
        }
        return out;
    }

    /** Stories stored or changed at or after {@code since} (all when null). */
    public List<Story> changedSince(Instant since) {
        List<Story> out = new ArrayList<>();
        var filter = since == null ? new Document() : Filters.gte("lastChanged", Date.from(since));
        for (Document d : stories.find(filter).sort(Sorts.ascending("_id"))) {
            out.add(toStory(d));
        }
        return out;
    }

    /** The latest lastChanged of any story, or null when there are none. */
    public Instant lastChange() {
        Document d = stories.find().sort(Sorts.descending("lastChanged")).projection(Projections.include("lastChanged")).first();
        return d == null || d.getDate("lastChanged") == null ? null : d.getDate("lastChanged").toInstant();
    }

    /** The collection's own count (see {@code ItemStore.count}: no counting query over every document). */
    public long count() {
        return stories.estimatedDocumentCount();
    }

    static Document toDocument(Story s, String hash) {
        List<Document> backers = new ArrayList<>();
        for (Backer b : s.backers()) {
            backers.add(new Document("organisation", b.organisation()).append("rank", b.rank()));
        }
        return new Document("_id", s.id()).append("title", s.title()).append("text", s.text()).append("state", s.state())
                .append("projects", s.projects()).append("tags", s.tags()).append("aliases", s.aliases())
                .append("owners", s.owners()).append("backers", backers).append("origin", s.origin()).append("hash", hash);
    }

    static Story toStory(Document d) {
        List<Backer> backers = new ArrayList<>();
        for (Document b : d.getList("backers", Document.class, List.of())) {
            Number rank = b.get("rank", Number.class);
            backers.add(new Backer(b.getString("organisation"), rank == null ? 0 : rank.intValue()));
        }
        return new Story(d.getString("_id"), d.getString("title"), d.getString("text"), d.getString("state"),
                d.getList("projects", String.class, List.of()), d.getList("tags", String.class, List.of()),
                d.getList("aliases", String.class, List.of()), d.getList("owners", String.class, List.of()), backers,
                d.getString("origin"));
    }
}
