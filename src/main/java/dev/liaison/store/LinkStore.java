package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.WriteModel;
import dev.liaison.item.Event;
import dev.liaison.item.EventData;
import dev.liaison.story.Evidence;
import dev.liaison.story.Link;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Story links, unique on (story, item) with the id {@code story|item}. Proposals are merged into
 * what is stored: a stronger kind replaces a weaker one, new evidence is added, a rejected link
 * stays rejected (never suggested again) and a confirmed one stays confirmed. Only real changes are
 * written, so re-running on unchanged data writes nothing and appends no event. Events
 ({@code link.new}, {@code link.confirmed}) have deterministic ids and are written before the
 * links, so a crash between the two loses nothing and doubles nothing.
 */
public final class LinkStore {

    /** Evidence kept per link (the strongest first); more is dropped. */
    public static final int MAX_EVIDENCE = 5;

    private final MongoCollection<Document> links;
    private final EventStore events;

    public LinkStore(Store store) {
        this.links = store.collection(Store.LINKS);
        this.events = store.events();
        this.state = store.sourceState();
    }

    private final SourceStateStore state;

    /** Where the version of the strong and rejected links is counted (with the linker's state). */
    public static final String VERSION_SOURCE = "linker";
    public static final String VERSION_COUNTER = "strongLinks";

    /**
     * A number that grows whenever a strong (declared, mentioned, manual, confirmed) or rejected
     * link is written, by any process: a reader of {@link #strong()} and {@link #rejectedIds()}
     * reads them again only when it has changed.
     */
    public long strongVersion() {
        return state.counter(VERSION_SOURCE, VERSION_COUNTER);
    }

    private void strongChanged() {
        state.increment(VERSION_SOURCE, VERSION_COUNTER);
    }

    private static boolean strongOrRejected(Link l) {
        return l.strong() || Link.REJECTED.equals(l.state());
    }

    /** What a batch of proposals did. */
    public record Result(int created, int updated, int unchanged, List<Event> events) {}

    /** Merges proposed links into the store: one query and at most two bulk writes per batch. */
    public Result propose(Collection<Link> proposals, Instant now) {
        Map<String, Link> merged = new LinkedHashMap<>();
        for (Link l : proposals) {
            merged.merge(l.id(), l, LinkStore::merge);
        }
        if (merged.isEmpty()) {
            return new Result(0, 0, 0, List.of());
        }
        Map<String, Link> existing = new HashMap<>();
        Map<String, Document> existingDocs = new HashMap<>();
        for (Document d : links.find(Filters.in("_id", merged.keySet()))) {
            existing.put(d.getString("_id"), toLink(d));
            existingDocs.put(d.getString("_id"), d);
        }
        Date at = Date.from(now);
        List<Document> inserts = new ArrayList<>();
        List<WriteModel<Document>> replaces = new ArrayList<>();
        List<Event> newEvents = new ArrayList<>();
        int unchanged = 0;
        boolean strongChanged = false;
        for (Link p : merged.values()) {
            Link before = existing.get(p.id());
            if (before == null) {
                strongChanged |= strongOrRejected(p);
                inserts.add(toDocument(p).append("firstSeen", at).append("lastChanged", at));
                newEvents.add(event(Link.EVENT_NEW, p, now));
                if (Link.CONFIRMED.equals(p.state())) {
                    newEvents.add(event(Link.EVENT_CONFIRMED, p, now));
                }
                continue;
            }
            Link after = Link.REJECTED.equals(before.state()) ? before : merge(before, p);
            if (after.equals(before)) {
                unchanged++;
                continue;
            }
            if (Link.CONFIRMED.equals(after.state()) && !Link.CONFIRMED.equals(before.state())) {
                newEvents.add(event(Link.EVENT_CONFIRMED, after, now));
            }
            strongChanged |= strongOrRejected(after) || strongOrRejected(before);
            replaces.add(new ReplaceOneModel<>(Filters.eq("_id", p.id()), keepReview(existingDocs.get(p.id()), toDocument(after)
                    .append("firstSeen", existingDocs.get(p.id()).get("firstSeen", at)).append("lastChanged", at))));
        }
        events.append(newEvents);
        if (!inserts.isEmpty()) {
            DuplicateKeys.insertMany(links, inserts);
        }
        if (!replaces.isEmpty()) {
            links.bulkWrite(replaces, new BulkWriteOptions().ordered(false));
        }
        if (strongChanged) {
            strongChanged();
        }
        return new Result(inserts.size(), replaces.size(), unchanged, newEvents);
    }

    /** The score a link's similar evidence states, -1 when it has none. */
    private static double similarity(Link l) {
        return l.evidence().stream().mapToDouble(Evidence::similarity).filter(x -> x >= 0).findFirst().orElse(-1);
    }

    /**
     * Merges two views of the same link: the stronger kind leads, confidence is the larger,
     * evidence is the union (strongest first, bounded), confirmed wins over suggested, and a
     * tracker status given by the newer one wins.
     */
    static Link merge(Link a, Link b) {
        Link lead = Link.strength(b.how()) > Link.strength(a.how()) ? b : a;
        // A similarity is a measure of now: a new one replaces the old (score and evidence), so
        // the link does not depend on the statistics it was first scored with.
        // A score within a hundredth of the stored one is the same score computed another way (it
        // is not stored again).
        boolean rescored = b.evidence().stream().anyMatch(e -> Link.SIMILAR.equals(e.how()));
        double before = similarity(a), after = similarity(b);
        if (rescored && before >= 0 && after >= 0 && Math.abs(before - after) < 0.015) {
            b = new Link(b.story(), b.item(), b.how(), Link.SIMILAR.equals(b.how()) ? a.confidence() : b.confidence(), b.state(),
                    b.project(), b.itemKind(), b.trackerStatus(), b.evidence().stream().filter(e -> !Link.SIMILAR.equals(e.how())).toList());
            rescored = false;
        }
        List<Evidence> evidence = new ArrayList<>(rescored
                ? a.evidence().stream().filter(e -> !Link.SIMILAR.equals(e.how())).toList() : a.evidence());
        for (Evidence e : b.evidence()) {
            if (!evidence.contains(e)) {
                evidence.add(e);
            }
        }
        evidence.sort((x, y) -> Integer.compare(Link.strength(y.how()), Link.strength(x.how())));
        if (evidence.size() > MAX_EVIDENCE) {
            evidence = new ArrayList<>(evidence.subList(0, MAX_EVIDENCE));
        }
        String state = Link.CONFIRMED.equals(a.state()) || Link.CONFIRMED.equals(b.state()) ? Link.CONFIRMED : Link.SUGGESTED;
        double confidence = rescored && Link.SIMILAR.equals(a.how()) && Link.SIMILAR.equals(b.how()) ? b.confidence()
                : Math.max(a.confidence(), b.confidence());
        return new Link(a.story(), a.item(), lead.how(), confidence, state,
                b.project() != null ? b.project() : a.project(), b.itemKind() != null ? b.itemKind() : a.itemKind(),
                b.trackerStatus() != null ? b.trackerStatus() : a.trackerStatus(), evidence);
    }

    /** Who decided a link and when: part of the link, kept whatever evidence is merged into it later. */
    static final String REVIEWED_BY = "reviewedBy", REVIEWED_AT = "reviewedAt";

    private static Document keepReview(Document before, Document after) {
        if (before != null && before.get(REVIEWED_BY) != null) {
            after.append(REVIEWED_BY, before.get(REVIEWED_BY)).append(REVIEWED_AT, before.get(REVIEWED_AT));
        }
        return after;
    }

    /**
     * A person ({@code by}) confirms a link: it is created as a manual link when there was none.
     * Returns true when it changed. Use the review service ({@code LinkReview}), which checks what
     * a person asked for.
     */
    public boolean confirm(String story, String item, String by, Instant now) {
        return setState(story, item, Link.CONFIRMED, by, now);
    }

    /** A person ({@code by}) rejects a link: it is kept as rejected, so no machine suggests it again. Returns true when it changed. */
    public boolean reject(String story, String item, String by, Instant now) {
        return setState(story, item, Link.REJECTED, by, now);
    }

    /** Who last decided a link, and when; empty when no person did. */
    public Optional<Review> review(String story, String item) {
        Document d = links.find(Filters.eq("_id", Link.id(story, dev.liaison.item.SpecIds.canonical(item)))).first();
        return d == null || d.getString(REVIEWED_BY) == null ? Optional.empty()
                : Optional.of(new Review(d.getString(REVIEWED_BY), d.getDate(REVIEWED_AT) == null ? null : d.getDate(REVIEWED_AT).toInstant()));
    }

    /** A person's decision on a link: who and when. */
    public record Review(String by, Instant at) {}

    private boolean setState(String story, String itemId, String state, String by, Instant now) {
        String item = dev.liaison.item.SpecIds.canonical(itemId); // an old spec id is the one item that spec now is
        Optional<Link> before = find(story, item);
        if (before.isPresent() && before.get().state().equals(state)) {
            return false;
        }
        Link after = before.map(l -> new Link(l.story(), l.item(), l.how(), l.confidence(), state, l.project(), l.itemKind(),
                        l.trackerStatus(), l.evidence()))
                .orElseGet(() -> new Link(story, item, Link.MANUAL, 1.0, state, null, dev.liaison.item.ItemId.kindOf(item), null,
                        List.of(new Evidence(Link.MANUAL, "set by a person", by, null))));
        List<Event> ev = new ArrayList<>();
        if (before.isEmpty()) {
            ev.add(event(Link.EVENT_NEW, after, now));
        }
        if (Link.CONFIRMED.equals(state)) {
            ev.add(event(Link.EVENT_CONFIRMED, after, now));
        }
        events.append(ev);
        Date at = Date.from(now);
        Document doc = toDocument(after).append("lastChanged", at).append("firstSeen", at)
                .append(REVIEWED_BY, by).append(REVIEWED_AT, at);
        if (before.isPresent()) {
            Document old = links.find(Filters.eq("_id", after.id())).first();
            doc.put("firstSeen", old == null ? at : old.get("firstSeen", at));
        }
        links.replaceOne(Filters.eq("_id", after.id()), doc, new com.mongodb.client.model.ReplaceOptions().upsert(true));
        strongChanged();
        return true;
    }

    public Optional<Link> find(String story, String item) {
        return Optional.ofNullable(links.find(Filters.eq("_id", Link.id(story, dev.liaison.item.SpecIds.canonical(item))))
                .first()).map(LinkStore::toLink);
    }

    /**
     * Moves a story's links to another story (the first became an alias of the second). Where both
     * have a link to the same item, the stronger one stays (see {@link #rekey}).
     */
    public void moveStory(String from, String to) {
        rekey(Filters.eq("story", from), story -> to, item -> item);
    }

    /** What a re-keying did: links now under a new key, and links dropped because a stronger one holds their key. */
    public record Rekeyed(int moved, int dropped) {}

    /**
     * The one way links change key: a story became an alias of another, or an item's id changed
     * (see {@link SpecIdMigration}). Each link the filter selects is given the story and item the
     * two functions make of its own; links that end on the same (story, item), those already there
     * included, become the strongest of them: a person's confirmation, then a rejection, then a
     * declared, mentioned or manual link, then the most confident. The survivor keeps its review,
     * evidence and dates. Two reads and one ordered bulk write; idempotent, so a crash half-way is
     * finished by running it again.
     */
    Rekeyed rekey(Bson which, java.util.function.UnaryOperator<String> story, java.util.function.UnaryOperator<String> item) {
        Map<String, List<Document>> byNewId = new LinkedHashMap<>();
        java.util.Set<String> selected = new java.util.HashSet<>();
        for (Document d : links.find(which)) {
            String now = Link.id(story.apply(d.getString("story")), item.apply(d.getString("item")));
            byNewId.computeIfAbsent(now, k -> new ArrayList<>()).add(d);
            selected.add(d.getString("_id"));
        }
        if (byNewId.isEmpty()) {
            return new Rekeyed(0, 0);
        }
        List<String> targets = new ArrayList<>(byNewId.keySet());
        for (int i = 0; i < targets.size(); i += IN_BATCH) {
            for (Document d : links.find(Filters.in("_id", targets.subList(i, Math.min(targets.size(), i + IN_BATCH))))) {
                if (!selected.contains(d.getString("_id"))) {
                    byNewId.get(d.getString("_id")).add(d); // already at the new key: it competes too
                }
            }
        }
        List<WriteModel<Document>> writes = new ArrayList<>();
        int moved = 0;
        int dropped = 0;
        boolean strong = false;
        for (Map.Entry<String, List<Document>> e : byNewId.entrySet()) {
            Document best = null;
            for (Document d : e.getValue()) {
                if (best == null || strength(d) > strength(best)) {
                    best = d;
                }
            }
            if (e.getValue().size() == 1 && e.getKey().equals(best.getString("_id"))) {
                continue; // already under its key, alone
            }
            for (Document d : e.getValue()) {
                writes.add(new com.mongodb.client.model.DeleteOneModel<>(Filters.eq("_id", d.getString("_id"))));
            }
            dropped += e.getValue().size() - 1;
            Document survivor = new Document(best);
            survivor.put("_id", e.getKey());
            survivor.put("story", story.apply(best.getString("story")));
            survivor.put("item", item.apply(best.getString("item")));
            writes.add(new com.mongodb.client.model.InsertOneModel<>(survivor));
            moved++;
            strong |= strength(best) >= 1000;
        }
        if (!writes.isEmpty()) {
            links.bulkWrite(writes); // ordered: the deletes free each key before its insert
        }
        if (strong) {
            strongChanged();
        }
        return new Rekeyed(moved, dropped);
    }

    /** How much a stored link weighs when two compete for one key (see {@link #rekey}). */
    private static int strength(Document link) {
        String state = link.getString("state");
        String how = link.getString("how");
        Number c = link.get("confidence", Number.class);
        double confidence = c == null ? 0 : Math.min(1, Math.max(0, c.doubleValue()));
        int rank = Link.CONFIRMED.equals(state) ? 3 : Link.REJECTED.equals(state) ? 2
                : Link.DECLARED.equals(how) || Link.MENTIONED.equals(how) || Link.MANUAL.equals(how) ? 1 : 0;
        return rank * 1000 + (int) Math.round(confidence * 999);
    }

    public List<Link> forStory(String story) {
        return list(Filters.eq("story", story));
    }

    /** Links a machine may derive others from: declared, mentioned, manual, or confirmed (one scan). */
    public List<Link> strong() {
        List<Link> out = new ArrayList<>();
        for (Link l : list(Filters.or(Filters.in("how", Link.DECLARED, Link.MENTIONED, Link.MANUAL), Filters.eq("state", Link.CONFIRMED)))) {
            if (l.strong()) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * The suggested links that hold a similarity claim (kind similar, or another kind whose
     * evidence includes a {@code similar} one): each story's current list of suggestions.
     */
    public List<Link> similarSuggested() {
        return list(Filters.and(Filters.eq("state", Link.SUGGESTED), Filters.eq("evidence.how", Link.SIMILAR)));
    }

    /**
     * Takes back the similarity claim of these links while they are suggested (a better item took
     * the place in its story's list): a link that is only similar goes; one found another way too
     * keeps that and loses the similar evidence. A link a person decided stays as it is. Returns
     * how many links were removed or changed.
     */
    public int retractSimilar(Collection<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        long removed = links.deleteMany(Filters.and(Filters.in("_id", ids), Filters.eq("how", Link.SIMILAR),
                Filters.eq("state", Link.SUGGESTED))).getDeletedCount();
        long changed = links.updateMany(Filters.and(Filters.in("_id", ids), Filters.ne("how", Link.SIMILAR),
                Filters.eq("state", Link.SUGGESTED), Filters.eq("evidence.how", Link.SIMILAR)),
                com.mongodb.client.model.Updates.pull("evidence", new Document("how", Link.SIMILAR))).getModifiedCount();
        return (int) (removed + changed);
    }

    /**
     * What the rules made of a pair in a relink of everything: the strongest kind and that link's
     * confidence, and every kind they made it as (bits of {@link #bit}).
     */
    public record Support(String how, double confidence, int kinds) {
        public Support(Link l) {
            this(l.how(), l.confidence(), bit(l.how()));
        }

        /** The strongest of two views of one pair (the later one of equal strength), with the kinds of both. */
        public Support and(Support later) {
            Support lead = Link.strength(how) > Link.strength(later.how) ? this : later;
            return new Support(lead.how, lead.confidence, kinds | later.kinds);
        }

        /** This support without the similar kind (the pair left its story's list); null when nothing else supports it. */
        public Support withoutSimilar() {
            int rest = kinds & ~bit(Link.SIMILAR);
            return rest == 0 ? null : Link.SIMILAR.equals(how) ? null : new Support(how, confidence, rest);
        }

        boolean gives(String how) {
            return (kinds & bit(how)) != 0;
        }

        static int bit(String how) {
            return switch (how) {
                case Link.DECLARED -> 1;
                case Link.MENTIONED -> 2;
                case Link.VIA -> 4;
                case Link.SIMILAR -> 8;
                default -> 16;
            };
        }
    }

    /** What {@link #retractUnsupported} did: links removed (with their events), links now weaker or with less evidence, strong ones removed or weakened. */
    public record Retracted(List<String> removed, List<String> weakened, int strong, List<Event> events) {}

    /**
     * After a relink of every story and item: a machine-made link (state suggested) that no rule
     * made in it is removed, with a {@code link.retracted} event (a phrase mention now abstaining,
     * a reference an older version invented from prose); one the rules now make only as a weaker
     * kind becomes that kind, with that kind's confidence, and evidence of a kind the rules no
     * longer give is dropped (no event: the link is still there). A person's links (confirmed, rejected, manual)
     * are never touched. One scan of the suggested links, batched deletes and one bulk write.
     */
    public Retracted retractUnsupported(Map<String, Support> supported, Instant now) {
        List<Event> out = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        List<WriteModel<Document>> weaken = new ArrayList<>();
        int strong = 0;
        Date at = Date.from(now);
        for (Document d : links.find(Filters.eq("state", Link.SUGGESTED)).batchSize(5000)) {
            Link l = toLink(d);
            if (!Link.SUGGESTED.equals(l.state()) || Link.MANUAL.equals(l.how()) || d.get(REVIEWED_BY) != null) {
                continue;
            }
            Support s = supported.get(l.id());
            if (s == null) {
                remove.add(l.id());
                Date first = d.getDate("firstSeen");
                EventData.LinkChange data = new EventData.LinkChange(Link.EVENT_RETRACTED, l.story(), l.how(), l.confidence(), l.state(),
                        "no rule makes this link any more" + (l.evidence().isEmpty() ? "" : " (it was: " + l.evidence().get(0).snippet() + ")"));
                out.add(new Event(Link.EVENT_RETRACTED + ":" + l.id() + (first == null ? "" : ":" + first.getTime()), Link.EVENT_RETRACTED,
                        now, "linker", l.item(), data.toMap()));
                strong += l.strong() ? 1 : 0;
            } else {
                boolean weaker = Link.strength(l.how()) > Link.strength(s.how());
                List<Evidence> kept = l.evidence().stream().filter(e -> s.gives(e.how())).toList();
                if (!weaker && kept.size() == l.evidence().size()) {
                    continue;
                }
                Link after = new Link(l.story(), l.item(), weaker ? s.how() : l.how(), weaker ? s.confidence() : l.confidence(),
                        l.state(), l.project(), l.itemKind(), l.trackerStatus(), kept.isEmpty() ? l.evidence() : kept);
                weaken.add(new ReplaceOneModel<>(Filters.eq("_id", l.id()), toDocument(after)
                        .append("firstSeen", d.get("firstSeen", at)).append("lastChanged", at)));
                strong += weaker && l.strong() ? 1 : 0;
            }
        }
        events.append(out); // first: a crash before the deletes leaves events that a re-run finds again, not deletes without events
        for (int i = 0; i < remove.size(); i += IN_BATCH) {
            links.deleteMany(Filters.and(Filters.in("_id", remove.subList(i, Math.min(remove.size(), i + IN_BATCH))),
                    Filters.eq("state", Link.SUGGESTED)));
        }
        if (!weaken.isEmpty()) {
            links.bulkWrite(weaken, new BulkWriteOptions().ordered(false));
        }
        if (strong > 0) {
            strongChanged();
        }
        List<String> weakened = weaken.stream().map(w -> ((ReplaceOneModel<Document>) w).getReplacement().getString("_id")).toList();
        return new Retracted(remove, weakened, strong, out);
    }

    /** The rejected (story, item) pairs, as link ids. */
    public java.util.Set<String> rejectedIds() {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Document d : links.find(Filters.eq("state", Link.REJECTED)).projection(new Document("_id", 1))) {
            out.add(d.getString("_id"));
        }
        return out;
    }

    /** A stored link with what the store keeps beside it: when it was first seen and last changed, and who decided it. */
    public record Stored(Link link, Instant firstSeen, Instant lastChanged, Review review) {}

    /** Calls {@code action} with every stored link (rejected ones included), read in batches. */
    public void forEachStored(java.util.function.Consumer<Stored> action) {
        links.find().batchSize(5000).forEach(d -> action.accept(new Stored(toLink(d), instant(d, "firstSeen"),
                instant(d, "lastChanged"), d.getString(REVIEWED_BY) == null ? null
                        : new Review(d.getString(REVIEWED_BY), instant(d, REVIEWED_AT)))));
    }

    private static Instant instant(Document d, String field) {
        Date at = d.getDate(field);
        return at == null ? null : at.toInstant();
    }

    /** Every field of a link but its evidence: what lists and digests read of many links at once. */
    private static final Bson WITHOUT_EVIDENCE = com.mongodb.client.model.Projections.exclude("evidence");

    /** The links of these stories that are not rejected, without their evidence, in batches of {@value #IN_BATCH} stories. */
    public List<Link> ofStoriesWithoutEvidence(Collection<String> stories) {
        List<Link> out = new ArrayList<>();
        List<String> all = new ArrayList<>(stories);
        for (int i = 0; i < all.size(); i += IN_BATCH) {
            links.find(Filters.and(Filters.in("story", all.subList(i, Math.min(all.size(), i + IN_BATCH))),
                            Filters.ne("state", Link.REJECTED)))
                    .projection(WITHOUT_EVIDENCE).batchSize(5000).forEach(d -> out.add(toLink(d)));
        }
        return out;
    }

    /**
     * The links of these items that are not rejected, without their evidence. Many items: one pass
     * over every link (cheaper than many {@code $in} queries, each a scan on the embedded store).
     */
    public List<Link> ofItemsWithoutEvidence(Collection<String> items) {
        List<Link> out = new ArrayList<>();
        if (items.isEmpty()) {
            return out;
        }
        java.util.Set<String> wanted = new java.util.HashSet<>(items);
        Bson filter = wanted.size() > IN_BATCH ? Filters.ne("state", Link.REJECTED)
                : Filters.and(Filters.in("item", wanted), Filters.ne("state", Link.REJECTED));
        links.find(filter).projection(WITHOUT_EVIDENCE).batchSize(5000).forEach(d -> {
            if (wanted.contains(d.getString("item"))) {
                out.add(toLink(d));
            }
        });
        return out;
    }

    /** The stored links with these ids ({@code story|item}), without their evidence, by id; one {@code $in} query per {@value #IN_BATCH}. */
    public Map<String, Link> byIdsWithoutEvidence(Collection<String> ids) {
        Map<String, Link> out = new HashMap<>();
        List<String> all = new ArrayList<>(ids);
        for (int i = 0; i < all.size(); i += IN_BATCH) {
            links.find(Filters.in("_id", all.subList(i, Math.min(all.size(), i + IN_BATCH)))).projection(WITHOUT_EVIDENCE)
                    .forEach(d -> out.put(d.getString("_id"), toLink(d)));
        }
        return out;
    }

    private static final int IN_BATCH = 1000;

    /** The collection's own count (see {@code ItemStore.count}: no counting query over every document). */
    public long count() {
        return links.estimatedDocumentCount();
    }

    private List<Link> list(Bson filter) {
        List<Link> out = new ArrayList<>();
        for (Document d : links.find(filter).sort(Sorts.ascending("_id"))) {
            out.add(toLink(d));
        }
        return out;
    }

    private static Event event(String type, Link l, Instant now) {
        EventData.LinkChange data = new EventData.LinkChange(type, l.story(), l.how(), l.confidence(), l.state(),
                l.evidence().isEmpty() ? null : l.evidence().get(0).snippet());
        return new Event(type + ":" + l.id(), type, now, "linker", l.item(), data.toMap());
    }

    static Document toDocument(Link l) {
        List<Document> evidence = new ArrayList<>();
        for (Evidence e : l.evidence()) {
            evidence.add(new Document("how", e.how()).append("snippet", e.snippet()).append("where", e.where()).append("via", e.via()));
        }
        return new Document("_id", l.id()).append("story", l.story()).append("item", l.item()).append("how", l.how())
                .append("confidence", l.confidence()).append("state", l.state()).append("project", l.project())
                .append("itemKind", l.itemKind()).append("trackerStatus", l.trackerStatus()).append("evidence", evidence);
    }

    static Link toLink(Document d) {
        List<Evidence> evidence = new ArrayList<>();
        for (Document e : d.getList("evidence", Document.class, List.of())) {
            evidence.add(new Evidence(e.getString("how"), e.getString("snippet"), e.getString("where"), e.getString("via")));
        }
        Number c = d.get("confidence", Number.class);
        // A document written without kind or state (by hand, or by an older version) reads as a suggestion by similarity.
        String how = d.getString("how") == null ? Link.SIMILAR : d.getString("how");
        String state = d.getString("state") == null ? Link.SUGGESTED : d.getString("state");
        return new Link(d.getString("story"), d.getString("item"), how, c == null ? 0 : Math.max(0, Math.min(1, c.doubleValue())),
                state, d.getString("project"), d.getString("itemKind"), d.getString("trackerStatus"), evidence);
    }
}
