package dev.liaison.sources.pipermail;

import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchException;
import dev.liaison.fetch.FetchResult;
import dev.liaison.fetch.Validators;
import dev.liaison.item.Item;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.sources.mail.HtmlText;
import dev.liaison.sources.mail.MailDate;
import dev.liaison.sources.mail.MailItems;
import dev.liaison.sources.mail.MailParseException;
import dev.liaison.sources.mail.Sender;
import dev.liaison.sources.mail.Subject;
import dev.liaison.store.ItemStore;
import dev.liaison.store.SourceStateStore;
import dev.liaison.store.Store;
import dev.liaison.store.ValidatorStore;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One pipermail source. A poll reads the table of contents and the current month's
 * {@code thread.html} (and the previous month's near a month boundary) with conditional requests,
 * then fetches only the message pages not yet stored, in parallel, storing them in batches. A
 * month's index validators and its cursor entry are saved only after all its messages are stored,
 * so a crash or a transient failure means the next poll looks at that month again (fetching only
 * what is still missing). {@code --since} backfills every listed month from the given one, oldest
 * first, the same way. Problems with one page or month are recorded and never delete anything.
 */
final class PipermailPoller implements Poller {

    static final int BATCH = 200;

    private final SourceConfig source;
    private final PipermailOptions options;
    private final PollContext context;
    private final Clock clock;
    private final URI base;
    private final String list;
    private final List<String> prefixes;

    PipermailPoller(SourceConfig source, PollContext context, Clock clock) {
        this.source = source;
        this.options = PipermailOptions.of(source);
        this.context = context;
        this.clock = clock;
        String url = source.url().toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.list = PipermailKind.listName(source);
        List<String> p = new ArrayList<>();
        p.add(list);
        if (options.subjectPrefix() != null) {
            p.add(options.subjectPrefix());
        }
        this.prefixes = List.copyOf(p);
    }

    @Override
    public void poll(PollRequest request, PollStats stats) throws Exception {
        Store store = context.store();
        SourceStateStore.PipermailCursor cursor = store.sourceState().pipermailCursor(source.id());
        Map<String, ValidatorStore.Entry> validators = store.validators().load(source.id());
        Map<String, SourceStateStore.PipermailMonth> monthsState = new LinkedHashMap<>(cursor.months());

        // 1. The table of contents (a failure here ends the cycle: nothing else can be found).
        String tocKey = base.toString();
        FetchResult toc = context.fetcher().get(base, validatorsOf(validators, tocKey), stats);
        List<PipermailPages.MonthEntry> months;
        if (toc.notModified()) {
            months = fromCursor(cursor);
        } else {
            months = PipermailPages.toc(HtmlText.decode(toc.body(), toc.declaredCharset()));
            if (months.isEmpty() && !HtmlText.decode(toc.body(), toc.declaredCharset()).contains("archives are")) {
                stats.error("table of contents " + base, "no months found: not a pipermail archive page? Using the months listed before");
                months = fromCursor(cursor);
                toc = new FetchResult(toc.requested(), toc.finalUrl(), 304, new byte[0], null, toc.validators());
            }
        }
        Set<String> listed = new java.util.HashSet<>();
        months.forEach(m -> listed.add(m.label()));
        for (String known : monthsState.keySet()) {
            if (!listed.contains(known) && !months.isEmpty()) {
                stats.error("month " + known, "no longer listed in the table of contents; its stored messages are kept");
            }
        }

        // 2. Which months to read.
        List<PipermailPages.MonthEntry> todo = choose(months, request, monthsState.isEmpty());
        boolean useTxt = request.isBackfill() && options.txtArchives();
        int threads = options.concurrency();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "pipermail-" + source.id());
            t.setDaemon(true);
            return t;
        });
        // Months a transient failure left unfinished are read again by every poll until they are
        // whole, whichever months the poll would read otherwise.
        java.util.LinkedHashSet<String> incomplete = new java.util.LinkedHashSet<>(cursor.incomplete());
        List<PipermailPages.MonthEntry> work = new ArrayList<>(todo);
        for (PipermailPages.MonthEntry m : months) {
            if (incomplete.contains(m.label()) && !work.contains(m)) {
                work.add(m);
            }
        }
        incomplete.retainAll(listed.isEmpty() ? incomplete : listed);
        try {
            for (PipermailPages.MonthEntry month : work) {
                if (new MonthRun(month, validators, monthsState, stats, pool, useTxt).run()) {
                    incomplete.remove(month.label());
                } else {
                    incomplete.add(month.label());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        store.sourceState().savePipermailIncomplete(source.id(), new ArrayList<>(incomplete));
        for (String label : incomplete) {
            stats.errorFirst("gap", "month " + label + " not read whole (a page or its index failed); read again next poll");
        }

        // 3. The table of contents is done: remember its validators and the months it listed.
        if (!toc.notModified()) {
            store.sourceState().savePipermailListed(source.id(), months.stream()
                    .map(m -> new SourceStateStore.PipermailListed(m.label(), m.textArchive())).toList());
            store.validators().save(source.id(), Map.of(tocKey, new ValidatorStore.Entry(toc.validators(), null)));
        }
    }

    private static Validators validatorsOf(Map<String, ValidatorStore.Entry> validators, String url) {
        ValidatorStore.Entry e = validators.get(url);
        return e == null ? Validators.NONE : e.validators();
    }

    private static List<PipermailPages.MonthEntry> fromCursor(SourceStateStore.PipermailCursor cursor) {
        List<PipermailPages.MonthEntry> out = new ArrayList<>();
        for (SourceStateStore.PipermailListed l : cursor.listed()) {
            PipermailPages.month(l.label()).ifPresent(ym -> out.add(new PipermailPages.MonthEntry(l.label(), ym, l.textArchive())));
        }
        return out;
    }

    List<PipermailPages.MonthEntry> choose(List<PipermailPages.MonthEntry> months, PollRequest request, boolean firstPoll) {
        List<PipermailPages.MonthEntry> sorted = new ArrayList<>(months);
        sorted.sort(Comparator.comparing(PipermailPages.MonthEntry::month));
        if (request.isBackfill()) {
            YearMonth since = request.since().orElseThrow();
            return sorted.stream().filter(m -> !m.month().isBefore(since)).toList();
        }
        if (sorted.isEmpty()) {
            return sorted;
        }
        int n = sorted.size();
        int take = firstPoll ? options.initialMonths() : 1;
        PipermailPages.MonthEntry latest = sorted.get(n - 1);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate latestStart = latest.month().atDay(1);
        int boundary = options.boundaryDays();
        if (!today.isBefore(latestStart) && today.isBefore(latestStart.plusDays(boundary))) {
            take = Math.max(take, 2);
        }
        return sorted.subList(Math.max(0, n - take), n);
    }

    /** What reading one month found for one index entry. */
    record Placed(PipermailPages.IndexEntry entry, String id, String thread, String parent) {}

    /** Reading one month: its index, then what is missing. */
    private final class MonthRun {
        final PipermailPages.MonthEntry month;
        final Map<String, ValidatorStore.Entry> validators;
        final Map<String, SourceStateStore.PipermailMonth> monthsState;
        final PollStats stats;
        final ExecutorService pool;
        final boolean useTxt;
        volatile boolean transientFailure;

        MonthRun(PipermailPages.MonthEntry month, Map<String, ValidatorStore.Entry> validators, Map<String, SourceStateStore.PipermailMonth> monthsState,
                 PollStats stats, ExecutorService pool, boolean useTxt) {
            this.month = month;
            this.validators = validators;
            this.monthsState = monthsState;
            this.stats = stats;
            this.pool = pool;
            this.useTxt = useTxt;
        }

        /** Reads the month; false when a transient failure left it unfinished. */
        boolean run() throws InterruptedException {
            String label = month.label();
            URI indexUrl = base.resolve(label + "/thread.html");
            FetchResult index;
            try {
                index = context.fetcher().get(indexUrl, validatorsOf(validators, indexUrl.toString()), stats);
            } catch (FetchException e) {
                if (!e.isNotFound()) {
                    return false; // recorded by the fetcher; the month is looked at again next time
                }
                // no thread index: the date index lists the same messages, without nesting
                indexUrl = base.resolve(label + "/date.html");
                try {
                    index = context.fetcher().get(indexUrl, validatorsOf(validators, indexUrl.toString()), stats);
                } catch (FetchException again) {
                    return again.isNotFound(); // recorded (a vanished month's stored messages are kept)
                }
            }
            if (index.notModified()) {
                return true;
            }
            String html = HtmlText.decode(index.body(), index.declaredCharset());
            List<PipermailPages.IndexEntry> entries = PipermailPages.index(html);
            SourceStateStore.PipermailMonth before = monthsState.get(label);
            int beforeCount = before == null ? 0 : before.count();
            if (entries.isEmpty() && !html.toLowerCase(java.util.Locale.ROOT).contains("archive")) {
                stats.error("index " + indexUrl, "not a pipermail month index (no messages, no archive heading)");
                return false;
            }
            List<Placed> placed = thread(entries);
            List<String> ids = placed.stream().map(Placed::id).toList();
            Map<String, Item> stored = context.store().items().findAll(ids);
            boolean shrank = entries.size() < beforeCount;
            if (shrank) {
                int marked = markUnlisted(new java.util.HashSet<>(ids));
                stats.error("index " + indexUrl, "shrank from " + beforeCount + " to " + entries.size()
                        + " messages (archive regenerated?); stored messages are kept, " + marked
                        + " no longer listed now marked deleted");
            }
            // a stored message whose subject in the index is no longer its title: the page changed
            // (an archive regenerated with other numbers): read it again
            // After a shrink every page is read again: a regenerated archive numbers its messages
            // anew, and a reply can take the number of another reply with the same subject.
            List<Placed> missing = placed.stream().filter(p -> shrank || !stored.containsKey(p.id())
                    || !Subject.of(p.entry().subject(), prefixes).title().equals(stored.get(p.id()).title())).toList();
            if (!missing.isEmpty()) {
                if (useTxt && month.textArchive() != null) {
                    missing = new TextArchive(PipermailPoller.this, month, stats).store(placed, missing);
                }
                fetchPages(missing, stored);
            }
            if (!transientFailure) {
                context.store().validators().save(source.id(),
                        Map.of(indexUrl.toString(), new ValidatorStore.Entry(index.validators(), null)));
                SourceStateStore.PipermailMonth state = new SourceStateStore.PipermailMonth(entries.size(),
                        entries.stream().map(PipermailPages.IndexEntry::number).max(String::compareTo).orElse(null));
                context.store().sourceState().savePipermailMonth(source.id(), label, state);
                monthsState.put(label, state);
            }
            return !transientFailure;
        }

        /** Parent and thread of each entry from the index nesting; roots that are replies join an earlier thread with the same subject. */
        private List<Placed> thread(List<PipermailPages.IndexEntry> entries) {
            String label = month.label();
            List<Placed> out = new ArrayList<>();
            Map<Integer, String> lastAtDepth = new HashMap<>();
            Map<String, String> threadBySubject = new HashMap<>();
            Map<String, String> threadById = new HashMap<>();
            List<String> replyRootKeys = new ArrayList<>();
            for (PipermailPages.IndexEntry e : entries) {
                String id = itemId(label, e.number());
                String parent = e.depth() > 0 ? lastAtDepth.get(e.depth() - 1) : null;
                String thread;
                if (parent == null) {
                    Subject subject = Subject.of(e.subject(), prefixes);
                    String key = subject.key();
                    boolean reply = Subject.isReply(subject.title());
                    String same = reply ? threadBySubject.get(key) : null;
                    thread = same != null ? same : "thread:" + list + "/" + label + "/" + e.number();
                    threadBySubject.putIfAbsent(key, thread);
                    if (same == null && reply) {
                        replyRootKeys.add(key);
                    }
                } else {
                    thread = threadById.getOrDefault(parent, "thread:" + list + "/" + label + "/" + e.number());
                }
                threadById.putIfAbsent(id, thread);
                lastAtDepth.put(e.depth(), id);
                lastAtDepth.keySet().removeIf(d -> d > e.depth());
                out.add(new Placed(e, id, thread, parent));
            }
            if (!replyRootKeys.isEmpty()) {
                // A thread that started in an earlier month: join it by subject (one query).
                Map<String, String> earlier = new HashMap<>();
                for (ItemStore.MailBySubject m : context.store().items().mailsBySubjectKey(source.id(), replyRootKeys)) {
                    if (!m.id().contains("/" + label + "/")) {
                        earlier.putIfAbsent(m.subjectKey(), m.thread());
                    }
                }
                if (!earlier.isEmpty()) {
                    Map<String, String> remap = new HashMap<>();
                    List<Placed> fixed = new ArrayList<>(out.size());
                    for (Placed p : out) {
                        String key = Subject.of(p.entry().subject(), prefixes).key();
                        String t = p.thread();
                        if (p.parent() == null && earlier.containsKey(key) && Subject.isReply(Subject.of(p.entry().subject(), prefixes).title())) {
                            remap.put(t, earlier.get(key));
                        }
                        fixed.add(new Placed(p.entry(), p.id(), remap.getOrDefault(t, t), p.parent()));
                    }
                    return fixed;
                }
            }
            return out;
        }

        /**
         * Fetches and parses the pages in parallel and stores them in batches of {@link #BATCH}, in
         * index order, on a writer thread of its own: while one batch is being stored the next
         * pages are being fetched and parsed (at most two batches of pages in flight and two
         * batches waiting for the writer, so memory stays bounded). Returns once every batch is
         * stored; a failure to store ends the poll as it would without the writer.
         */
        private void fetchPages(List<Placed> missing, Map<String, Item> stored) throws InterruptedException {
            ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "pipermail-store-" + source.id());
                t.setDaemon(true);
                return t;
            });
            java.util.ArrayDeque<Future<?>> writes = new java.util.ArrayDeque<>();
            try {
                java.util.ArrayDeque<Future<Item>> inflight = new java.util.ArrayDeque<>();
                int next = 0;
                List<Item> items = new ArrayList<>(BATCH);
                while (next < missing.size() || !inflight.isEmpty()) {
                    while (next < missing.size() && inflight.size() < 2 * BATCH) {
                        Placed p = missing.get(next++);
                        inflight.add(pool.submit(() -> fetchOne(p)));
                    }
                    try {
                        Item item = inflight.poll().get();
                        if (item != null) {
                            Item before = stored.get(item.id());
                            if (before != null && anotherMessage(before, item)) {
                                items.add(kept(before));
                            }
                            items.add(item);
                        }
                    } catch (ExecutionException e) {
                        transientFailure = true;
                        stats.error("month " + month.label(), "unexpected: " + e.getCause());
                    }
                    if (items.size() >= BATCH) {
                        submitWrite(writer, writes, items, stored);
                        items = new ArrayList<>(BATCH);
                    }
                }
                submitWrite(writer, writes, items, stored);
                while (!writes.isEmpty()) {
                    awaitWrite(writes.poll());
                }
            } finally {
                writer.shutdownNow();
            }
        }

        /** Hands a batch to the writer, first waiting for the oldest write while two are pending. */
        private void submitWrite(ExecutorService writer, java.util.ArrayDeque<Future<?>> writes, List<Item> items,
                                 Map<String, Item> stored) throws InterruptedException {
            if (items.isEmpty()) {
                return;
            }
            while (writes.size() >= 2) {
                awaitWrite(writes.poll());
            }
            writes.add(writer.submit(() -> store(items, stored)));
        }

        private static void awaitWrite(Future<?> write) throws InterruptedException {
            try {
                write.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        /**
         * Stores a batch. When none of its ids was stored when the month was read (the usual
         * backfill), without asking the store again which are (the upsert's {@code $in} query);
         * an id stored meanwhile by another writer still counts once (duplicate keys are skipped).
         */
        private void store(List<Item> items, Map<String, Item> stored) {
            if (items.isEmpty()) {
                return;
            }
            if (items.stream().anyMatch(i -> stored.containsKey(i.id()) || i.id().contains("~"))) {
                stats.stored(context.store().items().upsert(items));
                return;
            }
            dev.liaison.store.ItemStore.Plan plan = context.store().items().plan(items, Map.of(), java.time.Instant.now());
            plan.appendEvents();
            stats.stored(plan.writeItems());
        }

        /**
         * The stored messages of this month its index no longer lists (a regenerated archive
         * with fewer messages) get status {@code deleted}; nothing is removed. Returns how many
         * were marked now. Reads the source's item ids (one query); only after a shrink.
         */
        private int markUnlisted(Set<String> listed) {
            String prefix = "mail:" + list + "/" + month.label() + "/";
            List<String> gone = context.store().items().idsOfSource(source.id()).stream()
                    .filter(id -> id.startsWith(prefix) && !listed.contains(id)).toList();
            List<Item> marks = new ArrayList<>();
            for (Item item : context.store().items().findAll(gone).values()) {
                if (!DELETED.equals(item.status())) {
                    marks.add(item.toBuilder().status(DELETED, "no longer in the month's index (archive regenerated)").build());
                }
            }
            stats.stored(context.store().items().upsert(marks));
            return marks.size();
        }

        private Item fetchOne(Placed p) {
            URI url = PipermailPages.messageUrl(base, month.label(), p.entry().number());
            FetchResult r;
            try {
                r = context.fetcher().get(url, stats);
            } catch (FetchException e) {
                if (!e.isNotFound() && e.reason() != FetchException.Reason.TOO_LARGE) {
                    transientFailure = true; // try again next poll
                }
                return null;
            }
            try {
                PipermailPages.Article a = PipermailPages.article(HtmlText.decode(r.body(), r.declaredCharset()));
                return toItem(p, url, a);
            } catch (MailParseException e) {
                stats.error("message " + url, e.getMessage());
                return null;
            } catch (RuntimeException e) {
                stats.error("message " + url, "could not be read: " + e);
                return null;
            }
        }

        private Item toItem(Placed p, URI url, PipermailPages.Article a) {
            String subjectRaw = a.subject().isBlank() ? p.entry().subject() : a.subject();
            Subject subject = Subject.of(subjectRaw, prefixes);
            Sender sender = new Sender(a.authorName().isBlank() ? p.entry().author() : a.authorName(), Sender.deobfuscate(a.address()));
            MailDate date = MailDate.parse(a.date()).orElse(null);
            List<String> notes = new ArrayList<>();
            if (date == null) {
                notes.add(a.date().isBlank() ? "no date" : "unreadable date '" + a.date() + "'");
            } else if (!date.note().isEmpty()) {
                notes.add(date.note());
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("month", month.label());
            extra.put("number", p.entry().number());
            return MailItems.item(new MailItems.Mail(p.id(), source.id(), source.project(), url.toString(), list,
                    subject, sender, date, a.body(), p.thread(), p.parent(), a.messageId(), null, null,
                    a.attachmentUrls(), notes, extra));
        }
    }

    /** The status of a stored message the archive no longer holds where it was read. */
    static final String DELETED = "deleted";

    /** True when a page now holds another message than the one stored from it (a regenerated archive renumbered it). */
    static boolean anotherMessage(Item before, Item now) {
        Object a = before.attributes().get("messageId");
        Object b = now.attributes().get("messageId");
        if (a instanceof String x && b instanceof String y && !x.isBlank() && !y.isBlank()) {
            return !x.equals(y);
        }
        return !before.title().equals(now.title()) && !before.text().equals(now.text());
    }

    /**
     * The stored message a renumbered page no longer shows, kept under its own id
     * ({@code <id>~<8 hex of its Message-ID or content>}, the same on every poll) with status
     * {@code deleted}: the page's number now belongs to the message read from it.
     */
    static Item kept(Item before) {
        Object mid = before.attributes().get("messageId");
        String key = mid instanceof String m && !m.isBlank() ? m : before.contentHash();
        String suffix;
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            suffix = java.util.HexFormat.of().formatHex(sha, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> attrs = new LinkedHashMap<>(before.attributes());
        attrs.put("keptFrom", before.id());
        return new Item(before.id() + "~" + suffix, before.kind(), before.source(), before.project(), before.url(), before.title(),
                before.text(), before.author(), before.created(), before.updated(), DELETED,
                "replaced in the archive: its page now holds another message (archive regenerated)",
                before.release(), before.milestone(), before.refs(), attrs);
    }

    String itemId(String label, String number) {
        return "mail:" + list + "/" + label + "/" + number;
    }

    URI base() { return base; }
    String list() { return list; }
    List<String> prefixes() { return prefixes; }
    SourceConfig source() { return source; }
    PollContext context() { return context; }
}
