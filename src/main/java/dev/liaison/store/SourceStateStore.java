package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * Per source: its cursor (whatever the kind needs to resume), and its health: last success, last
 * error, consecutive failures, and the counters of its last poll.
 */
public final class SourceStateStore {

    private final MongoCollection<Document> state;

    SourceStateStore(MongoCollection<Document> state) {
        this.state = state;
    }

    /** The health of one source as stored. */
    public record Health(String source, Instant lastSuccess, Instant lastError, String lastErrorMessage,
                         int consecutiveFailures, Instant lastPollStart, Document lastPoll) {}

    /** The stored cursor of a source, or an empty document. */
    public Document cursor(String source) {
        Document d = state.find(Filters.eq("_id", source)).first();
        Document c = d == null ? null : d.get("cursor", Document.class);
        return c == null ? new Document() : c;
    }

    /** Replaces the cursor. Call only after the batch it describes is stored. */
    public void saveCursor(String source, java.util.Map<String, ?> cursor) {
        state.updateOne(Filters.eq("_id", source), Updates.set("cursor", cursor instanceof Document d ? d : new Document(cursor)),
                new UpdateOptions().upsert(true));
    }

    /** The cursor of a spec site ({@link SpecSiteCursor#NONE} before its first poll). */
    public SpecSiteCursor specSiteCursor(String source) {
        return SpecSiteCursor.of(cursor(source));
    }

    /** Replaces a spec site's cursor. Call only after everything it describes is stored. */
    public void saveSpecSiteCursor(String source, SpecSiteCursor cursor) {
        saveCursor(source, cursor.toDocument());
    }

    /** One time field of a source's cursor; null when it has none. */
    public Instant cursorInstant(String source, String field) {
        Object v = cursor(source).get(field);
        return v instanceof Date d ? d.toInstant() : null;
    }

    /** Sets one time field of a source's cursor, leaving the others. */
    public void saveCursorInstant(String source, String field, Instant value) {
        saveCursorField(source, field, value == null ? null : Date.from(value));
    }

    /** One text field of a source's cursor; null when it has none. */
    public String cursorText(String source, String field) {
        Object v = cursor(source).get(field);
        return v instanceof String s ? s : null;
    }

    /**
     * Where the linker is in the event log: the {@code stored} stamp of the last event it read,
     * the last story change it linked, and items whose events it read before they were readable
     * (item id → since when it waits for them).
     */
    public record LinkerCursor(Instant appended, Instant stories, java.util.Map<String, Instant> pending) {
        public LinkerCursor {
            pending = java.util.Map.copyOf(pending);
        }
    }

    /** The linker's cursor, kept as the cursor of the source {@code linker}. */
    public LinkerCursor linkerCursor(String source) {
        Document c = cursor(source);
        java.util.Map<String, Instant> pending = new java.util.LinkedHashMap<>();
        for (Document d : c.getList("pending", Document.class, List.of())) {
            if (d.getString("item") != null && d.getDate("since") != null) {
                pending.put(d.getString("item"), d.getDate("since").toInstant());
            }
        }
        Date appended = c.getDate("appended"), stories = c.getDate("stories");
        return new LinkerCursor(appended == null ? null : appended.toInstant(), stories == null ? null : stories.toInstant(), pending);
    }

    /** Replaces the linker's cursor. */
    public void saveLinkerCursor(String source, LinkerCursor cursor) {
        Document saved = new Document();
        if (cursor.appended() != null) {
            saved.append("appended", Date.from(cursor.appended()));
        }
        if (cursor.stories() != null) {
            saved.append("stories", Date.from(cursor.stories()));
        }
        List<Document> pending = new ArrayList<>();
        cursor.pending().forEach((item, since) -> pending.add(new Document("item", item).append("since", Date.from(since))));
        saveCursor(source, saved.append("pending", pending));
    }

    /**
     * A pass of a Launchpad collection in progress: when it started, what it asked for changes
     * since (null: everything), the next page to read and how many it has read.
     */
    public record LaunchpadPass(Instant startedAt, Instant since, String next, int pages) {
        public LaunchpadPass at(String next, int pages) {
            return new LaunchpadPass(startedAt, since, next, pages);
        }
    }

    /** The pass of a Launchpad source in progress; null when none is. */
    public LaunchpadPass launchpadPass(String source) {
        Document p = cursor(source).get("pass", Document.class);
        if (p == null) {
            return null;
        }
        Number pages = p.get("pages", Number.class);
        return new LaunchpadPass(instant(p.getDate("startedAt")), instant(p.getDate("since")), p.getString("next"),
                pages == null ? 0 : pages.intValue());
    }

    /** Saves the pass in progress (null: none is). */
    public void saveLaunchpadPass(String source, LaunchpadPass pass) {
        saveCursorField(source, "pass", pass == null ? null : new Document("startedAt", date(pass.startedAt()))
                .append("since", date(pass.since())).append("next", pass.next()).append("pages", pass.pages()));
    }

    /** A pass has ended: it is the last one, and its start is the watermark of the next. */
    public void endLaunchpadPass(String source, LaunchpadPass pass, int pages, Instant finishedAt) {
        saveCursorField(source, "watermark", date(pass.startedAt()));
        saveCursorField(source, "lastPass", new Document("startedAt", date(pass.startedAt())).append("since", date(pass.since()))
                .append("finishedAt", date(finishedAt)).append("pages", pages));
        saveCursorField(source, "pass", null);
    }

    /** A source's watermark (for Launchpad the start of its last complete pass, for Gerrit the newest change it stored); null before the first. */
    public Instant watermark(String source) {
        return instant(cursor(source).getDate("watermark"));
    }

    public void saveWatermark(String source, Instant watermark) {
        saveCursorField(source, "watermark", date(watermark));
    }

    /**
     * A pass over a Gerrit query in progress: changes updated after {@code since} (null: all), the
     * newest and oldest {@code updated} it has stored so far (the pass resumes before the oldest).
     */
    public record GerritPass(Instant since, Instant newest, Instant oldest) {}

    /** The Gerrit pass in progress; null when none is. */
    public GerritPass gerritPass(String source) {
        Document p = cursor(source).get("pass", Document.class);
        return p == null ? null : new GerritPass(instant(p.getDate("since")), instant(p.getDate("newest")), instant(p.getDate("oldest")));
    }

    public void saveGerritPass(String source, GerritPass pass) {
        saveCursorField(source, "pass", pass == null ? null
                : new Document("since", date(pass.since())).append("newest", date(pass.newest())).append("oldest", date(pass.oldest())));
    }

    /** A Gerrit pass has ended: the last one is recorded and none is in progress. */
    public void endGerritPass(String source, GerritPass pass, int pages, Instant at) {
        saveCursorField(source, "lastPass", new Document("since", date(pass.since())).append("newest", date(pass.newest()))
                .append("pages", pages).append("at", date(at)));
        saveCursorField(source, "pass", null);
    }

    /** What a pipermail source's cursor says of one month it read whole: how many messages its index listed, the highest number. */
    public record PipermailMonth(int count, String last) {}

    /** A month the table of contents listed, with its text archive (null when none was linked). */
    public record PipermailListed(String label, String textArchive) {}

    /**
     * A pipermail source's cursor: the months read whole (by label), the months the table of
     * contents listed last, and the months a transient failure left unfinished.
     */
    public record PipermailCursor(java.util.Map<String, PipermailMonth> months, List<PipermailListed> listed, List<String> incomplete) {
        public PipermailCursor {
            months = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(months));
            listed = List.copyOf(listed);
            incomplete = List.copyOf(incomplete);
        }
    }

    /** The cursor of a pipermail source (one read); empty parts when it has none. */
    public PipermailCursor pipermailCursor(String source) {
        Document c = cursor(source);
        java.util.Map<String, PipermailMonth> months = new java.util.LinkedHashMap<>();
        Document m = c.get("months", Document.class);
        if (m != null) {
            for (String label : m.keySet()) {
                if (m.get(label) instanceof Document d) {
                    Number count = d.get("count", Number.class);
                    months.put(label, new PipermailMonth(count == null ? 0 : count.intValue(), d.getString("last")));
                }
            }
        }
        List<PipermailListed> listed = new ArrayList<>();
        if (c.get("listed") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Document d && d.getString("label") != null) {
                    listed.add(new PipermailListed(d.getString("label"), d.getString("text")));
                }
            }
        }
        List<String> incomplete = new ArrayList<>();
        if (c.get("incomplete") instanceof List<?> l) {
            l.stream().filter(String.class::isInstance).map(String.class::cast).forEach(incomplete::add);
        }
        return new PipermailCursor(months, listed, incomplete);
    }

    /** Records a pipermail month as read whole (its other months are left as they are). */
    public void savePipermailMonth(String source, String label, PipermailMonth month) {
        saveCursorField(source, "months." + label, new Document("count", month.count()).append("last", month.last()));
    }

    /** Records the months the table of contents lists now. */
    public void savePipermailListed(String source, List<PipermailListed> listed) {
        List<Document> docs = new ArrayList<>();
        for (PipermailListed l : listed) {
            docs.add(new Document("label", l.label()).append("text", l.textArchive()));
        }
        saveCursorField(source, "listed", docs);
    }

    /** Records the pipermail months still to be read whole. */
    public void savePipermailIncomplete(String source, List<String> labels) {
        saveCursorField(source, "incomplete", new ArrayList<>(labels));
    }

    /** A part of a HyperKitty list not read yet: from {@code offset}, when the list held {@code count} emails (-1: unknown). */
    public record HyperkittyGap(long offset, long count, String reason) {}

    /**
     * A HyperKitty source's cursor: emails known to be gone and emails to fetch again (by
     * Message-ID hash), the gaps of the list, the resume link of older versions (null when none),
     * the list's count after the last check and when the whole list was last checked (epoch
     * milliseconds; null before the first), the months exported and the days whose export failed.
     */
    public record HyperkittyCursor(List<String> gone, List<String> retry, List<HyperkittyGap> gaps, String legacyResume,
                                   Long listCount, Long fullCheckAt, List<String> exported, List<String> brokenDays) {
        public HyperkittyCursor {
            gone = List.copyOf(gone);
            retry = List.copyOf(retry);
            gaps = List.copyOf(gaps);
            exported = List.copyOf(exported);
            brokenDays = List.copyOf(brokenDays);
        }
    }

    /** The cursor of a HyperKitty source (one read). */
    public HyperkittyCursor hyperkittyCursor(String source) {
        Document c = cursor(source);
        List<HyperkittyGap> gaps = new ArrayList<>();
        if (c.get("gaps") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Document d) {
                    Number offset = d.get("offset", Number.class);
                    Number count = d.get("count", Number.class);
                    gaps.add(new HyperkittyGap(offset == null ? 0 : offset.longValue(), count == null ? -1 : count.longValue(), d.getString("reason")));
                }
            }
        }
        Number listCount = c.get("listCount", Number.class);
        Number fullCheckAt = c.get("fullCheckAt", Number.class);
        return new HyperkittyCursor(texts(c, "gone"), texts(c, "retry"), gaps, c.get("resume") instanceof String r ? r : null,
                listCount == null ? null : listCount.longValue(), fullCheckAt == null ? null : fullCheckAt.longValue(),
                texts(c, "exported"), texts(c, "brokenDays"));
    }

    /** Replaces the gaps of a HyperKitty source. */
    public void saveHyperkittyGaps(String source, List<HyperkittyGap> gaps) {
        List<Document> docs = new ArrayList<>();
        for (HyperkittyGap g : gaps) {
            docs.add(new Document("offset", g.offset()).append("count", g.count()).append("reason", g.reason()));
        }
        saveCursorField(source, "gaps", docs);
    }

    private static List<String> texts(Document cursor, String field) {
        List<String> out = new ArrayList<>();
        if (cursor.get(field) instanceof List<?> l) {
            l.stream().filter(String.class::isInstance).map(String.class::cast).forEach(out::add);
        }
        return out;
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    private static Date date(Instant i) {
        return i == null ? null : Date.from(i);
    }

    /** A counter kept with a source's state (0 when never counted). */
    public long counter(String source, String name) {
        Document d = state.find(Filters.eq("_id", source)).projection(new Document("counters." + name, 1)).first();
        Document counters = d == null ? null : d.get("counters", Document.class);
        Number n = counters == null ? null : counters.get(name, Number.class);
        return n == null ? 0 : n.longValue();
    }

    /** Adds one to a counter kept with a source's state (one atomic update). */
    public void increment(String source, String name) {
        state.updateOne(Filters.eq("_id", source), Updates.inc("counters." + name, 1L), new UpdateOptions().upsert(true));
    }

    /** Sets one field of the cursor, leaving the others. */
    public void saveCursorField(String source, String field, Object value) {
        state.updateOne(Filters.eq("_id", source), Updates.set("cursor." + field, value), new UpdateOptions().upsert(true));
    }

    public void recordStart(String source, Instant at) {
        state.updateOne(Filters.eq("_id", source), Updates.set("lastPollStart", Date.from(at)), new UpdateOptions().upsert(true));
    }

    public void recordSuccess(String source, Instant at, java.util.Map<String, ?> poll, boolean hadErrors, String firstError) {
        List<org.bson.conversions.Bson> updates = new ArrayList<>();
        updates.add(Updates.set("lastSuccess", Date.from(at)));
        updates.add(Updates.set("consecutiveFailures", 0));
        updates.add(Updates.set("lastPoll", new Document(poll)));
        if (hadErrors) {
            updates.add(Updates.set("lastError", Date.from(at)));
            updates.add(Updates.set("lastErrorMessage", firstError));
        }
        state.updateOne(Filters.eq("_id", source), Updates.combine(updates), new UpdateOptions().upsert(true));
    }

    /** Records a failed poll; returns the number of consecutive failures now. */
    public int recordFailure(String source, Instant at, String message, java.util.Map<String, ?> poll) {
        state.updateOne(Filters.eq("_id", source), Updates.combine(
                Updates.set("lastError", Date.from(at)),
                Updates.set("lastErrorMessage", message),
                Updates.set("lastPoll", new Document(poll)),
                Updates.inc("consecutiveFailures", 1)), new UpdateOptions().upsert(true));
        return health(source).map(Health::consecutiveFailures).orElse(1);
    }

    /** How a source's last background run (e.g. Launchpad's detail queue) went; errors 0 when it went well. */
    public record Background(Instant lastRun, long errors, boolean failed, Instant lastError, String lastErrorMessage) {}

    /**
     * Records a background run of a source: when, how many errors, whether it stopped on one, and
     * the first error (kept, with its time, until a later run has errors of its own).
     */
    public void recordBackground(String source, Instant at, long errors, String firstError, boolean failed, java.util.Map<String, ?> run) {
        List<org.bson.conversions.Bson> updates = new ArrayList<>();
        updates.add(Updates.set("background.lastRun", Date.from(at)));
        updates.add(Updates.set("background.errors", errors));
        updates.add(Updates.set("background.failed", failed));
        updates.add(Updates.set("background.run", new Document(run)));
        if (errors > 0 && firstError != null) {
            updates.add(Updates.set("background.lastError", Date.from(at)));
            updates.add(Updates.set("background.lastErrorMessage", firstError));
        }
        state.updateOne(Filters.eq("_id", source), Updates.combine(updates), new UpdateOptions().upsert(true));
    }

    /** The last background run of each source that has one, by source id. */
    public java.util.Map<String, Background> backgrounds() {
        java.util.Map<String, Background> out = new java.util.HashMap<>();
        for (Document d : state.find(Filters.exists("background")).projection(new Document("background", 1))) {
            Document b = d.get("background", Document.class);
            Number errors = b.get("errors", Number.class);
            out.put(d.getString("_id"), new Background(instant(b.getDate("lastRun")), errors == null ? 0 : errors.longValue(),
                    Boolean.TRUE.equals(b.getBoolean("failed")), instant(b.getDate("lastError")), b.getString("lastErrorMessage")));
        }
        return out;
    }

    public Optional<Health> health(String source) {
        Document d = state.find(Filters.eq("_id", source)).first();
        return Optional.ofNullable(d).map(SourceStateStore::toHealth);
    }

    public List<Health> all() {
        List<Health> out = new ArrayList<>();
        for (Document d : state.find()) {
            out.add(toHealth(d));
        }
        return out;
    }

    private static Health toHealth(Document d) {
        Number failures = d.get("consecutiveFailures", Number.class);
        return new Health(d.getString("_id"), instant(d.getDate("lastSuccess")), instant(d.getDate("lastError")),
                d.getString("lastErrorMessage"), failures == null ? 0 : failures.intValue(),
                instant(d.getDate("lastPollStart")), d.get("lastPoll", Document.class));
    }

}
