package dev.liaison.sources.hyperkitty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchException;
import dev.liaison.fetch.FetchResult;
import dev.liaison.fetch.Validators;
import dev.liaison.item.Item;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.sources.mail.MailDate;
import dev.liaison.sources.mail.MailItems;
import dev.liaison.sources.mail.MailMessage;
import dev.liaison.sources.mail.MailParseException;
import dev.liaison.sources.mail.Mbox;
import dev.liaison.sources.mail.Rfc822;
import dev.liaison.sources.mail.Sender;
import dev.liaison.sources.mail.Subject;
import dev.liaison.store.SourceStateStore;
import dev.liaison.store.ValidatorStore;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * One HyperKitty source.
 *
 * <p>A poll reads the list's emails most recently archived first. Paginated deployments: page 1,
 * then older pages until one holds a stored email (an idle poll is one request; HyperKitty sends
 * no validators, so there is never a 304). Each page that could not be read, and the rest of a
 * walk that {@code max-pages} cut short, is kept in the cursor as a gap (an offset and the list's
 * count then, so the offset can be moved by the mail archived since) and walked again on later
 * polls until it reaches stored mail or the end; a gap left by a failure is reported as an error
 * of every poll until it is filled. Unpaginated deployments (one JSON array of every email) are
 * read whole, entry by entry, every poll.
 *
 * <p>Changes: the entries of every page read carry the thread and parent HyperKitty holds now; a
 * stored email whose thread or parent differs is fetched again, and so is every stored child of a
 * fetched email whose thread or parent no longer matches (HyperKitty re-attaches a reply archived
 * before its parent when the parent comes).
 *
 * <p>{@code --since} backfills month by month from the mbox export; a month whose export fails
 * (an error, a cut stream) is read again day by day, and the days that still fail are kept in the
 * cursor, retried by every backfill and reported by every poll. The backfill ends with an API
 * pass, which finds mail archived late with an old Date. Threads of exported mail come from the
 * parent chain (In-Reply-To only: the export writes no References), through the same export and
 * the stored items, and from the API for a message whose parent is in neither.
 */
final class HyperkittyPoller implements Poller {

    static final int BATCH = 200;
    static final int MAX_GAPS = 50;
    static final int MAX_REFETCH = 1_000;
    static final int MAX_GONE = 1_000;
    /** The status of a stored email HyperKitty no longer lists (deleted on the server). */
    static final String DELETED = "deleted";
    private static final Pattern ADDRESS = Pattern.compile("([\\w.+-]+)@([\\w.+-]+)", Pattern.UNICODE_CHARACTER_CLASS);

    private final SourceConfig source;
    private final HyperkittyOptions options;
    private final PollContext context;
    private final Clock clock;
    private final HyperkittyApi api;
    private final List<String> prefixes;

    HyperkittyPoller(SourceConfig source, PollContext context, Clock clock) {
        this.source = source;
        this.options = HyperkittyOptions.of(source);
        this.context = context;
        this.clock = clock;
        this.api = HyperkittyApi.of(source.url());
        if (api == null) {
            throw new IllegalArgumentException("not a HyperKitty list URL: " + source.url());
        }
        List<String> p = new ArrayList<>();
        p.add(api.listLocalPart());
        String extra = options.subjectPrefix();
        if (extra != null && !extra.isBlank()) {
            p.add(extra.trim());
        }
        prefixes = List.copyOf(p);
    }

    @Override
    public void poll(PollRequest request, PollStats stats) throws Exception {
        if (!request.isBackfill()) {
            incremental(stats, false);
            return;
        }
        backfill(request.since().orElseThrow(), stats);
        // then the API, newest archived first: mail archived late with an old Date is not in the
        // months exported before, and the threads HyperKitty changed since are put right
        try {
            incremental(stats, true);
        } catch (IOException e) {
            stats.error("api", e.getMessage());
        }
    }

    // ---- incremental: the REST API ----

    /** What one poll does with the API; the state of a walk across pages. */
    private final class Run {
        final PollStats stats;
        final ExecutorService pool;
        final AtomicBoolean transientFailure = new AtomicBoolean();
        final Set<String> failed = ConcurrentHashMap.newKeySet();
        final Set<String> refetched = new HashSet<>();
        final Set<String> gone = ConcurrentHashMap.newKeySet();
        /** Listed entries neither stored nor known to be gone before this poll. */
        long listedNew;
        /** Every id listed, collected where the whole list is read (unpaginated, full check); else null. */
        Set<String> listed;
        /** The walk from page 1 read on to the end of the list. */
        boolean readToEnd;
        int pagesLeft;

        Run(PollStats stats, ExecutorService pool, int pagesLeft) {
            this.stats = stats;
            this.pool = pool;
            this.pagesLeft = pagesLeft;
        }
    }

    /** A part of the list not read yet: from {@code offset}, when the list held {@code count} emails. */
    record Gap(long offset, long count, String reason) {
        SourceStateStore.HyperkittyGap stored() {
            return new SourceStateStore.HyperkittyGap(offset, count, reason);
        }

        static Gap of(SourceStateStore.HyperkittyGap g) {
            return new Gap(g.offset(), g.count(), g.reason());
        }
    }

    /**
     * {@code thorough}: walk from the top on until a page holds nothing new (not only until a
     * page holds something stored), as after a backfill, whose months were read by Date while
     * the API lists by archiving date.
     */
    private void incremental(PollStats stats, boolean thorough) throws Exception {
        Map<String, ValidatorStore.Entry> validators = context.store().validators().load(source.id());
        SourceStateStore.HyperkittyCursor cursor = context.store().sourceState().hyperkittyCursor(source.id());
        int pageSize = options.pageSize();
        URI first = api.emails(pageSize);
        ValidatorStore.Entry before = validators.get(first.toString());
        ExecutorService pool = pool();
        Run run = new Run(stats, pool, options.maxPages());
        run.gone.addAll(cursor.gone());
        try {
            retryEarlierFailures(cursor, run);
            FetchResult top;
            try {
                top = context.fetcher().get(first, before == null ? Validators.NONE : before.validators(), stats);
            } catch (FetchException e) {
                throw listUnreadable(e);
            }
            List<Gap> gaps = new ArrayList<>();
            for (SourceStateStore.HyperkittyGap g : cursor.gaps()) {
                gaps.add(Gap.of(g));
            }
            String legacy = cursor.legacyResume();
            if (legacy != null && HyperkittyApi.offsetOf(URI.create(legacy)) >= 0) {
                gaps.add(new Gap(HyperkittyApi.offsetOf(URI.create(legacy)), -1, null));
            }
            List<Gap> open = new ArrayList<>();
            boolean hadGaps = !gaps.isEmpty();
            boolean paginated = true;
            long count = -1; // how many emails HyperKitty lists now (-1: not known)
            run.listed = new HashSet<>(); // the ids listed: kept while they are the whole list (unpaginated, or page 1 to the end)
            if (!top.notModified()) {
                run.pagesLeft--;
                if (HyperkittyApi.isUnpaginated(top.body())) {
                    paginated = false;
                    if (!readWhole(top, run)) {
                        run.listed = null;
                    }
                    count = run.listed == null ? -1 : run.listed.size();
                    gaps.clear(); // the whole list was read
                    hadGaps = false;
                } else {
                    HyperkittyApi.Page page;
                    try {
                        page = HyperkittyApi.page(top.body());
                    } catch (IOException e) {
                        throw new IOException("the list's emails at " + first + " could not be read: " + e.getMessage());
                    }
                    count = page.count();
                    Gap left = walk(page, 0, count, pageSize, thorough, run);
                    if (left != null) {
                        open.add(left);
                    }
                    if (!run.readToEnd) {
                        run.listed = null; // the walk stopped at stored mail: not the whole list
                    }
                    boolean firstGap = true;
                    for (Gap g : gaps) {
                        long shift = g.count() >= 0 && count >= 0 ? count - g.count() : 0;
                        long offset = Math.max(0, g.offset() + shift);
                        // the oldest-standing gap gets a page every poll even when page 1 used the budget
                        if (run.pagesLeft <= 0 && !firstGap) {
                            open.add(new Gap(offset, count, g.reason()));
                            continue;
                        }
                        firstGap = false;
                        Gap rest = walkFrom(offset, count, pageSize, run);
                        if (rest != null) {
                            open.add(rest.reason() == null && g.reason() != null && rest.offset() == offset ? new Gap(offset, count, g.reason()) : rest);
                        }
                    }
                }
            } else {
                open.addAll(gaps);
            }
            while (open.size() > MAX_GAPS) {
                open.remove(0);
            }
            // Emails whose details failed for a passing reason are fetched directly next time, even
            // when the pages that listed them are no longer walked.
            context.store().sourceState().saveCursorField(source.id(), "retry", new ArrayList<>(run.failed));
            List<String> gone = new ArrayList<>(run.gone);
            context.store().sourceState().saveCursorField(source.id(), "gone", gone.subList(Math.max(0, gone.size() - MAX_GONE), gone.size()));
            context.store().sourceState().saveHyperkittyGaps(source.id(), open.stream().map(Gap::stored).toList());
            if (legacy != null) {
                context.store().sourceState().saveCursorField(source.id(), "resume", null);
            }
            if (count >= 0 && open.isEmpty()) {
                // a gap just filled: the count after the last poll says nothing about this one
                checkWholeList(cursor, count, hadGaps, paginated, run);
            }
            // the holes go first among the poll's errors: they are what status and /health show while they last
            for (String day : cursor.brokenDays()) {
                stats.errorFirst("gap", "the mbox export of " + day + " could not be read whole; retried by the next backfill");
            }
            for (Gap g : open) {
                if (g.reason() != null) {
                    stats.errorFirst("gap", "emails from offset " + g.offset() + " (of " + g.count() + ") not read yet: " + g.reason()
                            + "; retried next poll");
                }
            }
            if (!top.notModified() && top.validators() != null && !run.transientFailure.get()) {
                context.store().validators().save(source.id(),
                        Map.of(first.toString(), new ValidatorStore.Entry(top.validators(), null)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Whether what is stored still matches the whole list: HyperKitty's {@code count} must be the
     * count after the last poll plus the emails this poll found new. When it is not (mail archived
     * late with an old archiving date sits behind stored mail; a deleted email), when no count is
     * known yet, or every {@code full-check-hours}, the whole list is read (in pages of
     * {@code check-page-size}): missing mail is fetched, re-threaded mail fetched again, and
     * stored mail the list no longer holds is marked deleted. Where this poll read the whole list
     * anyway (unpaginated, or a small list read to its end) that listing is used.
     */
    private void checkWholeList(SourceStateStore.HyperkittyCursor cursor, long count, boolean gapFilled, boolean paginated, Run run)
            throws InterruptedException {
        Long synced = cursor.listCount();
        Long checkedAt = cursor.fullCheckAt();
        long now = clock.millis();
        long every = options.fullCheckHours() * 3_600_000L;
        boolean due = checkedAt == null || now - checkedAt.longValue() >= every;
        boolean inStep = !gapFilled && synced != null && count == synced.longValue() + run.listedNew;
        if (inStep && !due) {
            context.store().sourceState().saveCursorField(source.id(), "listCount", count);
            return;
        }
        long checked;
        if (run.listed != null) {
            markAbsent(run.listed, run.stats);
            checked = count;
        } else if (paginated) {
            checked = fullCheck(run);
        } else {
            return;
        }
        if (checked >= 0) {
            context.store().sourceState().saveCursorField(source.id(), "listCount", checked);
            context.store().sourceState().saveCursorField(source.id(), "fullCheckAt", now);
        }
    }

    /**
     * Reads every entry of the list; returns its count, or -1 when the list could not be read
     * whole or changed while it was read (then the next poll checks again).
     */
    private long fullCheck(Run run) throws InterruptedException {
        int size = options.checkPageSize();
        run.listed = new HashSet<>();
        long offset = 0;
        long firstCount = -1;
        long lastCount = -1;
        while (true) {
            URI url = api.emails(size, offset);
            FetchResult r;
            HyperkittyApi.Page page;
            try {
                r = context.fetcher().get(url, run.stats);
                page = HyperkittyApi.page(r.body());
            } catch (IOException e) { // a failed fetch too
                run.stats.error("full check", "the whole list could not be read (" + url + ": " + e.getMessage()
                        + "); late or deleted mail may be unnoticed until the next poll checks again");
                return -1;
            }
            if (firstCount < 0) {
                firstCount = page.count();
            }
            lastCount = page.count();
            int before = run.listed.size();
            handleEntries(page.results(), run, "emails at offset " + offset);
            if (page.next() == null || page.results().isEmpty()) {
                break;
            }
            if (run.listed.size() == before) {
                run.stats.error("full check", "the page at " + url + " repeats emails listed before (offset ignored?); "
                        + "the whole list could not be read");
                return -1;
            }
            offset += page.results().size();
        }
        if (firstCount < 0 || lastCount < firstCount) {
            return -1; // deleted meanwhile, so an entry may have moved past the pages read: checked again next poll
        }
        // Mail archived meanwhile went on top, above the pages read, and moved entries down (read
        // twice, none skipped): the listing is whole. The count before it is what the next poll's
        // count is checked against, with that mail among the poll's new.
        markAbsent(run.listed, run.stats);
        return firstCount;
    }

    /**
     * Marks deleted the stored emails of this list that {@code listed} (the whole list, as
     * HyperKitty holds it now) lacks: an {@code item.changed} with status {@code deleted}; the
     * text stays. One query for the source's ids, one for the absent items.
     */
    private void markAbsent(Set<String> listed, PollStats stats) {
        Set<String> ids = context.store().items().idsOfSource(source.id());
        List<String> absent = ids.stream().filter(id -> !listed.contains(id)).toList();
        if (absent.isEmpty()) {
            return;
        }
        if (listed.isEmpty() || absent.size() > Math.max(10, ids.size() / 2)) {
            stats.error("full check", "HyperKitty lists " + listed.size() + " emails, and " + absent.size() + " of the "
                    + ids.size() + " stored are not among them: not marked deleted (another archive behind the same URL?)");
            return;
        }
        List<Item> marked = new ArrayList<>();
        for (Item item : context.store().items().findAll(absent).values()) {
            if (!DELETED.equals(item.status())) {
                marked.add(item.toBuilder().status(DELETED, "deleted from the archive (HyperKitty no longer lists it)").build());
            }
        }
        for (int i = 0; i < marked.size(); i += BATCH) {
            stats.stored(context.store().items().upsert(marked.subList(i, Math.min(marked.size(), i + BATCH))));
        }
    }

    /** The first page could not be read: the whole poll fails, with what the answer most likely means. */
    private IOException listUnreadable(FetchException e) {
        String what = "the list " + api.address() + " could not be read (" + api.emails(1).resolve("./") + "): ";
        if (e.reason() == FetchException.Reason.HTTP_STATUS) {
            if (e.status() == 403 || e.status() == 401) {
                return new IOException(what + "HTTP " + e.status() + ": the archive is private (HyperKitty shows it to members only)", e);
            }
            if (e.status() == 404 || e.status() == 500) {
                return new IOException(what + "HTTP " + e.status() + ": HyperKitty answers this for a list it does not have; "
                        + "check the list address in the source's url", e);
            }
        }
        return new IOException(what + e.getMessage(), e);
    }

    private void retryEarlierFailures(SourceStateStore.HyperkittyCursor cursor, Run run) throws InterruptedException {
        List<String> retry = cursor.retry();
        if (retry.isEmpty()) {
            return;
        }
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (String hash : retry) {
            if (hash.matches("[A-Z0-9]{20,64}")) {
                byId.put(api.itemId(hash), JsonNodeFactory.instance.objectNode().put("message_id_hash", hash));
            }
        }
        Set<String> stored = context.store().items().existingIds(byId.keySet());
        fetchDetails(byId.keySet().stream().filter(id -> !stored.contains(id)).toList(), byId, run);
    }

    /** Walks a gap from {@code offset}: until a page of stored mail only, the end, a failure or the page budget. */
    private Gap walkFrom(long offset, long count, int pageSize, Run run) throws InterruptedException {
        URI url = api.emails(pageSize, offset);
        FetchResult r;
        try {
            r = context.fetcher().get(url, run.stats);
        } catch (FetchException e) {
            return failedPage(e, offset, count);
        }
        run.pagesLeft--;
        HyperkittyApi.Page page;
        try {
            page = HyperkittyApi.page(r.body());
        } catch (IOException e) {
            return new Gap(offset, count, "the page at " + url + " could not be read: " + e.getMessage());
        }
        return walk(page, offset, page.count() >= 0 ? page.count() : count, pageSize, true, run);
    }

    private Gap failedPage(FetchException e, long offset, long count) {
        if (e.isNotFound()) {
            return null; // past the end (the list shrank)
        }
        return new Gap(offset, count, e.getMessage());
    }

    /**
     * Reads {@code page} (at {@code offset}) and the pages after it. The walk from the top stops at
     * the first page that holds a stored email; a gap walk ({@code gap}) at the first page that
     * holds nothing new. Returns what is left to read (null: nothing).
     */
    private Gap walk(HyperkittyApi.Page page, long offset, long count, int pageSize, boolean gap, Run run)
            throws InterruptedException {
        HyperkittyApi.Page current = page;
        long at = offset;
        while (true) {
            int knownOnPage = handleEntries(current.results(), run, "emails at offset " + at);
            boolean stop = gap ? knownOnPage == current.results().size() : knownOnPage > 0;
            if (current.next() == null || current.results().isEmpty()) {
                run.readToEnd |= offset == 0; // from page 1 to the end: the whole list
                return null;
            }
            if (stop) {
                return null;
            }
            at += current.results().size();
            if (run.pagesLeft <= 0) {
                return new Gap(at, count, null);
            }
            URI next = api.emails(pageSize, at);
            FetchResult r;
            try {
                r = context.fetcher().get(next, run.stats);
            } catch (FetchException e) {
                return failedPage(e, at, count);
            }
            run.pagesLeft--;
            try {
                current = HyperkittyApi.page(r.body());
            } catch (IOException e) {
                return new Gap(at, count, "the page at " + next + " could not be read: " + e.getMessage());
            }
        }
    }

    /** An unpaginated answer: every entry, chunk by chunk; nothing to resume. False when it was cut. */
    private boolean readWhole(FetchResult all, Run run) throws IOException, InterruptedException {
        try {
            HyperkittyApi.eachChunk(all.body(), BATCH, entries -> handleEntries(entries, run, "emails"));
            return true;
        } catch (IOException e) {
            run.stats.error("emails " + all.requested(), "the unpaginated list could not be read whole: " + e.getMessage());
            return false;
        }
    }

    /**
     * Stores the emails of these list entries not stored yet, fetches again those whose thread
     * or parent changed, and returns how many were stored before.
     */
    private int handleEntries(List<JsonNode> entries, Run run, String where) throws InterruptedException {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode e : entries) {
            String hash = HyperkittyApi.hashOf(e);
            if (hash == null) {
                run.stats.error(where, "an entry without a message_id_hash");
                continue;
            }
            byId.put(api.itemId(hash), e);
        }
        Map<String, Item> stored = context.store().items().findAll(byId.keySet());
        List<String> toFetch = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : byId.entrySet()) {
            Item known = stored.get(e.getKey());
            if (run.listed != null) {
                run.listed.add(e.getKey());
            }
            if (known == null && run.gone.contains(e.getKey())) {
                continue; // listed, but its details answered 404 (deleted): not asked again
            }
            if (known == null) {
                run.listedNew++;
                toFetch.add(e.getKey());
            } else if ((DELETED.equals(known.status()) || threadingDiffers(known, e.getValue())) && run.refetched.add(e.getKey())) {
                toFetch.add(e.getKey()); // re-threaded, or listed again after it was marked deleted
            }
        }
        fetchDetails(toFetch, byId, run);
        return stored.size();
    }

    /** True when the thread or parent HyperKitty gives now differs from the stored ones. */
    private boolean threadingDiffers(Item known, JsonNode entry) {
        String thread = HyperkittyApi.threadInUrl(HyperkittyApi.text(entry, "thread"));
        if (thread == null) {
            return false; // an entry without the field says nothing
        }
        String parentHash = HyperkittyApi.hashInUrl(HyperkittyApi.text(entry, "parent"));
        return !Objects.equals(known.attributes().get("thread"), api.threadId(thread))
                || !Objects.equals(known.attributes().get("parent"), parentHash == null ? null : api.itemId(parentHash));
    }

    private void fetchDetails(List<String> ids, Map<String, JsonNode> byId, Run run) throws InterruptedException {
        List<String> work = new ArrayList<>(ids);
        while (!work.isEmpty()) {
            List<JsonNode> fetchedJson = new ArrayList<>();
            for (int i = 0; i < work.size(); i += BATCH) {
                List<Future<Detail>> futures = new ArrayList<>();
                for (String id : work.subList(i, Math.min(work.size(), i + BATCH))) {
                    JsonNode shortEntry = byId.get(id);
                    futures.add(run.pool.submit(() -> detail(shortEntry, run)));
                }
                List<Item> items = new ArrayList<>();
                for (Future<Detail> f : futures) {
                    try {
                        Detail d = f.get();
                        if (d != null) {
                            items.add(d.item());
                            fetchedJson.add(d.json());
                        }
                    } catch (ExecutionException e) {
                        run.transientFailure.set(true);
                        run.stats.error("email", "unexpected: " + e.getCause());
                    }
                }
                run.stats.stored(context.store().items().upsert(items));
            }
            work = childrenToRefetch(fetchedJson, byId, run);
        }
    }

    /**
     * The stored children of these fetched emails whose thread or parent no longer matches (a
     * reply archived before its parent is re-attached by HyperKitty when the parent comes).
     */
    private List<String> childrenToRefetch(List<JsonNode> fetched, Map<String, JsonNode> byId, Run run) {
        Map<String, String[]> expected = new HashMap<>(); // child id -> {thread, parent}
        for (JsonNode parent : fetched) {
            JsonNode children = parent.get("children");
            String parentHash = HyperkittyApi.hashOf(parent);
            String thread = HyperkittyApi.threadInUrl(HyperkittyApi.text(parent, "thread"));
            if (children == null || !children.isArray() || parentHash == null || thread == null) {
                continue;
            }
            for (JsonNode c : children) {
                String childHash = HyperkittyApi.hashInUrl(c.isTextual() ? c.asText() : HyperkittyApi.text(c, "url"));
                if (childHash != null) {
                    expected.put(api.itemId(childHash), new String[] {api.threadId(thread), api.itemId(parentHash)});
                }
            }
        }
        if (expected.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Item child : context.store().items().findAll(expected.keySet()).values()) {
            String[] want = expected.get(child.id());
            boolean differs = !want[0].equals(child.attributes().get("thread")) || !want[1].equals(child.attributes().get("parent"));
            if (differs && run.refetched.size() < MAX_REFETCH && run.refetched.add(child.id())) {
                String hash = child.id().substring(child.id().lastIndexOf('/') + 1);
                byId.put(child.id(), JsonNodeFactory.instance.objectNode().put("message_id_hash", hash));
                out.add(child.id());
            }
        }
        return out;
    }

    private record Detail(Item item, JsonNode json) {}

    private Detail detail(JsonNode shortEntry, Run run) {
        String hash = HyperkittyApi.hashOf(shortEntry);
        URI url = api.email(hash); // never the server's own link: its host may be a proxy's
        FetchResult r;
        try {
            r = context.fetcher().get(url, run.stats);
        } catch (FetchException e) {
            if (e.isNotFound()) {
                run.gone.add(api.itemId(hash));
            } else if (e.reason() != FetchException.Reason.TOO_LARGE) {
                run.transientFailure.set(true);
                if (run.failed.size() < 1000) {
                    run.failed.add(hash);
                }
            }
            return null;
        }
        try {
            JsonNode json = HyperkittyApi.email(r.body());
            return new Detail(toItem(json, hash), json);
        } catch (IOException | RuntimeException e) {
            run.stats.error("email " + url, "could not be read: " + e.getMessage());
            return null;
        }
    }

    Item toItem(JsonNode e, String hash) {
        Sender sender = new Sender(orEmpty(HyperkittyApi.text(e, "sender_name")),
                Sender.normalisedAddress(HyperkittyApi.text(e.get("sender"), "address")));
        MailDate date = MailDate.parse(HyperkittyApi.text(e, "date")).orElse(null);
        List<String> notes = new ArrayList<>();
        if (date == null) {
            notes.add("no date");
        }
        String thread = HyperkittyApi.threadInUrl(HyperkittyApi.text(e, "thread"));
        String parentHash = HyperkittyApi.hashInUrl(HyperkittyApi.text(e, "parent"));
        List<String> attachments = new ArrayList<>();
        JsonNode att = e.get("attachments");
        if (att != null && att.isArray()) {
            // the media type as the export's parser reads the same header (HyperKitty keeps a broken one as it came)
            att.forEach(a -> attachments.add(orEmpty(HyperkittyApi.text(a, "name")) + " (" + Rfc822.mediaType(HyperkittyApi.text(a, "content_type")) + ")"));
        }
        String messageId = orEmpty(HyperkittyApi.text(e, "message_id")).replaceAll("^<|>$", "");
        // The same text as the mbox export: addresses written user(a)domain as HyperKitty exports them.
        // Cleaned as the export's text is (control characters, U+FFFD, a binary body): HyperKitty keeps them.
        String content = Rfc822.cleanBody(orEmpty(HyperkittyApi.text(e, "content")), notes);
        String body = unmangleFrom(ADDRESS.matcher(content).replaceAll("$1(a)$2"));
        return MailItems.item(new MailItems.Mail(api.itemId(hash), source.id(), source.project(),
                api.messagePage(hash).toString(), api.listLocalPart(),
                Subject.of(subject(HyperkittyApi.text(e, "subject")), prefixes), sender, date, trimEnd(body),
                api.threadId(thread != null ? thread : hash), parentHash == null ? null : api.itemId(parentHash),
                messageId, null, null, attachments, notes, Map.of("hash", hash)), false);
    }

    /**
     * HyperKitty stores a missing Subject header as the text "None" (Python's str(None)) and
     * shows "(no subject)"; so does Liaison.
     */
    private static String subject(String raw) {
        return raw == null || raw.isBlank() || raw.equals("None") ? "(no subject)" : raw;
    }

    /**
     * HyperKitty's export writes a body line "From ..." as ">From ..." (mangle_from_), and mail
     * that came through an mbox already holds ">From ..." lines: which one a ">From" line was
     * cannot be told from the export, so both paths store such lines as "From ...".
     */
    static String unmangleFrom(String body) {
        return body.replaceAll("(?m)^>From ", "From ");
    }

    private static String trimEnd(String body) {
        return body.replaceAll("[\\r\\n]+$", "");
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    // ---- backfill: the mbox export ----

    private void backfill(YearMonth since, PollStats stats) throws Exception {
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        SourceStateStore.HyperkittyCursor cursor = context.store().sourceState().hyperkittyCursor(source.id());
        List<String> done = new ArrayList<>(cursor.exported());
        List<String> brokenDays = new ArrayList<>(cursor.brokenDays());
        ExecutorService pool = pool();
        Run run = new Run(stats, pool, 0);
        try {
            // days that could not be exported before: one request each
            for (String day : List.copyOf(brokenDays)) {
                LocalDate d = LocalDate.parse(day);
                Export x = export(api.export(d, d.plusDays(1)), stats, run);
                if (x.complete()) {
                    brokenDays.remove(day);
                }
            }
            for (YearMonth month = since; !month.isAfter(now); month = month.plusMonths(1)) {
                if (done.contains(month.toString()) && month.isBefore(now.minusMonths(1))) {
                    continue;
                }
                Export x = export(api.monthExport(month), stats, run);
                if (x.disabled()) {
                    stats.error("export " + api.monthExport(month), "the mbox export is disabled on this server (HTTP 400); backfill stopped");
                    break;
                }
                if (!x.complete()) {
                    // one broken message spoils the whole month: read it day by day
                    for (LocalDate d = month.atDay(1); d.isBefore(month.plusMonths(1).atDay(1)); d = d.plusDays(1)) {
                        if (!export(api.export(d, d.plusDays(1)), stats, run).complete() && !brokenDays.contains(d.toString())) {
                            brokenDays.add(d.toString());
                        }
                    }
                }
                if (!done.contains(month.toString())) {
                    done.add(month.toString());
                }
                context.store().sourceState().saveCursorField(source.id(), "exported", new ArrayList<>(done));
                context.store().sourceState().saveCursorField(source.id(), "brokenDays", new ArrayList<>(brokenDays));
            }
            context.store().sourceState().saveCursorField(source.id(), "brokenDays", new ArrayList<>(brokenDays));
        } finally {
            pool.shutdownNow();
        }
    }

    private record Export(boolean complete, boolean disabled) {}

    /** Reads one export and stores its mail not stored yet; says whether it was read whole. */
    private Export export(URI url, PollStats stats, Run run) throws IOException, InterruptedException {
        FetchResult r;
        try {
            r = context.fetcher().get(url, stats);
        } catch (FetchException e) {
            if (e.reason() == FetchException.Reason.HTTP_STATUS && e.status() == 400) {
                return new Export(false, true);
            }
            if (e.reason() == FetchException.Reason.HTTP_STATUS && (e.status() == 403 || e.status() == 401)) {
                throw new IOException("the archive of " + api.address() + " is private (HTTP " + e.status() + " on " + url
                        + "): nothing can be backfilled", e);
            }
            return new Export(false, false);
        }
        Mbox.Unpacked unpacked;
        try {
            unpacked = Mbox.unpack(r.body(), url.getPath());
        } catch (IOException e) {
            stats.error("export " + url, e.getMessage());
            return new Export(false, false);
        }
        if (unpacked.truncated()) {
            stats.error("export " + url, "cut short after " + unpacked.messages().size() + " messages");
        }
        List<MailMessage> messages = new ArrayList<>();
        int n = 0;
        for (byte[] raw : unpacked.messages()) {
            n++;
            try {
                MailMessage m = Rfc822.parse(raw);
                if (m.messageId().isEmpty()) {
                    throw new MailParseException("no Message-ID header: the HyperKitty id cannot be derived");
                }
                messages.add(m);
            } catch (MailParseException e) {
                stats.error("export " + url.getPath() + " message " + n, e.getMessage());
            }
        }
        Map<String, String> idOf = new HashMap<>();
        for (MailMessage m : messages) {
            idOf.put(m.messageId(), api.itemId(HyperkittyApi.messageIdHash(m.messageId())));
        }
        Set<String> stored = context.store().items().existingIds(idOf.values());
        List<MailMessage> fresh = messages.stream().filter(m -> !stored.contains(idOf.get(m.messageId()))).toList();
        Map<String, Threading> threading = threads(fresh, messages, stats, run);
        List<Item> items = new ArrayList<>();
        for (MailMessage m : fresh) {
            items.add(fromMbox(m, threading.get(m.messageId())));
        }
        for (int i = 0; i < items.size(); i += BATCH) {
            stats.stored(context.store().items().upsert(items.subList(i, Math.min(items.size(), i + BATCH))));
        }
        return new Export(!unpacked.truncated(), false);
    }

    /** A message's thread and parent as HyperKitty holds them (item ids; parent null for none). */
    record Threading(String thread, String parent) {}

    /**
     * HyperKitty's thread and parent of each message: its parent is the message its In-Reply-To
     * (else the last of References) names when the archive holds it, and its thread the parent's;
     * without an archived parent it starts its own thread. Parents are looked for in the same
     * export, then among the stored items (one query), then, for what is left, the API is asked
     * for the message itself.
     */
    Map<String, Threading> threads(List<MailMessage> fresh, List<MailMessage> all, PollStats stats, Run run) {
        Map<String, MailMessage> inExport = new HashMap<>();
        for (MailMessage m : all) {
            inExport.putIfAbsent(m.messageId(), m);
        }
        Set<String> parentIds = new HashSet<>();
        for (MailMessage m : all) {
            if (!m.parentId().isEmpty()) {
                parentIds.add(api.itemId(HyperkittyApi.messageIdHash(m.parentId())));
            }
        }
        Map<String, Item> storedParents = context.store().items().findAll(parentIds);
        Map<String, Threading> memo = new HashMap<>();
        for (MailMessage m : fresh) {
            resolve(m, inExport, storedParents, memo, new HashSet<>(), stats);
        }
        return memo;
    }

    private Threading resolve(MailMessage m, Map<String, MailMessage> inExport, Map<String, Item> storedParents,
                              Map<String, Threading> memo, Set<String> seen, PollStats stats) {
        Threading known = memo.get(m.messageId());
        if (known != null) {
            return known;
        }
        String own = HyperkittyApi.messageIdHash(m.messageId());
        Threading t;
        String parentId = m.parentId();
        if (parentId.isEmpty() || parentId.equals(m.messageId()) || !seen.add(m.messageId())) {
            t = new Threading(api.threadId(own), null);
        } else {
            String parentItem = api.itemId(HyperkittyApi.messageIdHash(parentId));
            MailMessage inSame = inExport.get(parentId);
            Item stored = storedParents.get(parentItem);
            if (inSame != null) {
                t = new Threading(resolve(inSame, inExport, storedParents, memo, seen, stats).thread(), parentItem);
            } else if (stored != null && stored.attributes().get("thread") instanceof String thread) {
                t = new Threading(thread, parentItem);
            } else {
                t = askApi(own, stats);
            }
        }
        memo.put(m.messageId(), t);
        return t;
    }

    /** The API's thread and parent of one email; its own thread when the API cannot say. */
    private Threading askApi(String hash, PollStats stats) {
        try {
            JsonNode e = HyperkittyApi.email(context.fetcher().get(api.email(hash), stats).body());
            String thread = HyperkittyApi.threadInUrl(HyperkittyApi.text(e, "thread"));
            String parent = HyperkittyApi.hashInUrl(HyperkittyApi.text(e, "parent"));
            return new Threading(api.threadId(thread == null ? hash : thread), parent == null ? null : api.itemId(parent));
        } catch (IOException e) {
            return new Threading(api.threadId(hash), null);
        }
    }

    Item fromMbox(MailMessage m, Threading threading) throws IllegalStateException {
        String hash = HyperkittyApi.messageIdHash(m.messageId());
        Threading t = threading != null ? threading : new Threading(api.threadId(hash), null);
        String body = unmangleFrom(m.body());
        Sender sender = new Sender(m.sender().name(), Sender.normalisedAddress(m.sender().address()));
        return MailItems.item(new MailItems.Mail(api.itemId(hash), source.id(), source.project(),
                api.messagePage(hash).toString(), api.listLocalPart(), Subject.of(subject(m.subject()), prefixes), sender,
                m.date(), trimEnd(body), t.thread(), t.parent(),
                m.messageId(), null, null, m.attachments(), m.notes(), Map.of("hash", hash)), false);
    }

    private ExecutorService pool() {
        int threads = options.concurrency();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hyperkitty-" + source.id());
            t.setDaemon(true);
            return t;
        });
    }
}
