package dev.liaison.sources.hyperkitty;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.liaison.store.ValidatorStore;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;

/**
 * One HyperKitty source. A poll pages through the list's emails newest first (the first page
 * with a conditional request), fetches the details of emails not yet stored, and stops at the
 * first page that holds a stored email; when {@code max-pages} cuts a poll short, the next poll
 * resumes where it stopped (cursor {@code resume}). {@code --since} backfills month by month from
 * the mbox export (one request per month; months completed are remembered in the cursor).
 */
final class HyperkittyPoller implements Poller {

    static final int BATCH = 200;

    private final SourceConfig source;
    private final PollContext context;
    private final Clock clock;
    private final HyperkittyApi api;
    private final List<String> prefixes;

    HyperkittyPoller(SourceConfig source, PollContext context, Clock clock) {
        this.source = source;
        this.context = context;
        this.clock = clock;
        this.api = HyperkittyApi.of(source.url());
        if (api == null) {
            throw new IllegalArgumentException("not a HyperKitty list URL: " + source.url());
        }
        List<String> p = new ArrayList<>();
        p.add(api.listLocalPart());
        String extra = source.option("subject-prefix", null);
        if (extra != null && !extra.isBlank()) {
            p.add(extra.trim());
        }
        prefixes = List.copyOf(p);
    }

    @Override
    public void poll(PollRequest request, PollStats stats) throws Exception {
        if (request.isBackfill()) {
            backfill(request.since().orElseThrow(), stats);
        } else {
            incremental(stats);
        }
    }

    // ---- incremental: the REST API ----

    private void incremental(PollStats stats) throws Exception {
        Map<String, ValidatorStore.Entry> validators = context.store().validators().load(source.id());
        Document cursor = context.store().sourceState().cursor(source.id());
        int maxPages = source.intOption("max-pages", 40);
        URI first = api.emails(source.intOption("page-size", 50));
        ValidatorStore.Entry before = validators.get(first.toString());
        ExecutorService pool = pool();
        failed.clear();
        try {
            java.util.concurrent.atomic.AtomicBoolean transientFailure = new java.util.concurrent.atomic.AtomicBoolean();
            retryEarlierFailures(cursor, pool, stats, transientFailure);
            FetchResult top = context.fetcher().get(first, before == null ? Validators.NONE : before.validators(), stats);
            int pages = 0;
            URI stoppedAt = null;
            if (!top.notModified()) {
                Walk walk = walk(top, maxPages, pool, stats, transientFailure);
                pages = walk.pages;
                stoppedAt = walk.stoppedAt;
            }
            String resume = cursor.getString("resume");
            if (stoppedAt == null && resume != null && pages < maxPages) {
                // an earlier poll was cut short by max-pages: go on from there
                try {
                    FetchResult r = context.fetcher().get(URI.create(resume), stats);
                    stoppedAt = walk(r, maxPages - pages, pool, stats, transientFailure).stoppedAt;
                } catch (FetchException e) {
                    stoppedAt = URI.create(resume);
                    transientFailure.set(true);
                }
            } else if (stoppedAt == null && resume != null) {
                stoppedAt = URI.create(resume);
            }
            // Emails whose details failed for a passing reason are fetched directly next time, even
            // when the pages that listed them are no longer walked.
            context.store().sourceState().saveCursorField(source.id(), "retry", new ArrayList<>(failed));
            if (!transientFailure.get()) {
                context.store().sourceState().saveCursorField(source.id(), "resume", stoppedAt == null ? null : stoppedAt.toString());
                if (!top.notModified()) {
                    context.store().validators().save(source.id(),
                            Map.of(first.toString(), new ValidatorStore.Entry(top.validators(), null)));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Hashes of emails whose details failed for a passing reason in this poll (kept in the cursor). */
    private final Set<String> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void retryEarlierFailures(Document cursor, ExecutorService pool, PollStats stats,
                                      java.util.concurrent.atomic.AtomicBoolean transientFailure) throws InterruptedException {
        List<String> retry = cursor.getList("retry", String.class, List.of());
        if (retry.isEmpty()) {
            return;
        }
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (String hash : retry) {
            if (hash.matches("[A-Z0-9]{20,64}")) {
                byId.put(api.itemId(hash), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                        .put("message_id_hash", hash).put("url", api.email(hash).toString()));
            }
        }
        Set<String> stored = context.store().items().existingIds(byId.keySet());
        fetchDetails(byId.keySet().stream().filter(id -> !stored.contains(id)).toList(), byId, pool, stats, transientFailure);
    }

    private record Walk(int pages, URI stoppedAt) {}

    /** Reads pages from {@code page} on; returns how many and where max-pages stopped it (null when it reached stored mail or the end). */
    private Walk walk(FetchResult page, int maxPages, ExecutorService pool, PollStats stats, java.util.concurrent.atomic.AtomicBoolean transientFailure)
            throws InterruptedException {
        int pages = 0;
        FetchResult current = page;
        while (true) {
            pages++;
            HyperkittyApi.Page p;
            try {
                p = HyperkittyApi.page(current.body());
            } catch (IOException e) {
                stats.error("emails " + current.requested(), e.getMessage());
                return new Walk(pages, null);
            }
            Map<String, JsonNode> byId = new LinkedHashMap<>();
            for (JsonNode e : p.results()) {
                String hash = HyperkittyApi.hashOf(e);
                if (hash == null) {
                    stats.error("emails " + current.requested(), "an entry without a message_id_hash");
                    continue;
                }
                byId.put(api.itemId(hash), e);
            }
            Set<String> stored = context.store().items().existingIds(byId.keySet());
            List<String> missing = byId.keySet().stream().filter(id -> !stored.contains(id)).toList();
            fetchDetails(missing, byId, pool, stats, transientFailure);
            if (!stored.isEmpty() || p.next() == null) {
                return new Walk(pages, null);
            }
            if (pages >= maxPages) {
                return new Walk(pages, p.next());
            }
            try {
                current = context.fetcher().get(p.next(), stats);
            } catch (FetchException e) {
                if (!e.isNotFound()) {
                    transientFailure.set(true);
                }
                return new Walk(pages, p.next());
            }
        }
    }

    private void fetchDetails(List<String> ids, Map<String, JsonNode> byId, ExecutorService pool, PollStats stats,
                              java.util.concurrent.atomic.AtomicBoolean transientFailure) throws InterruptedException {
        for (int i = 0; i < ids.size(); i += BATCH) {
            List<Future<Item>> futures = new ArrayList<>();
            for (String id : ids.subList(i, Math.min(ids.size(), i + BATCH))) {
                JsonNode shortEntry = byId.get(id);
                futures.add(pool.submit(() -> detail(shortEntry, stats, transientFailure)));
            }
            List<Item> items = new ArrayList<>();
            for (Future<Item> f : futures) {
                try {
                    Item item = f.get();
                    if (item != null) {
                        items.add(item);
                    }
                } catch (ExecutionException e) {
                    transientFailure.set(true);
                    stats.error("email", "unexpected: " + e.getCause());
                }
            }
            stats.stored(context.store().items().upsert(items));
        }
    }

    private Item detail(JsonNode shortEntry, PollStats stats, java.util.concurrent.atomic.AtomicBoolean transientFailure) {
        String hash = HyperkittyApi.hashOf(shortEntry);
        String detailUrl = HyperkittyApi.text(shortEntry, "url");
        URI url = detailUrl != null && detailUrl.startsWith("http") ? URI.create(detailUrl) : api.email(hash);
        FetchResult r;
        try {
            r = context.fetcher().get(url, stats);
        } catch (FetchException e) {
            if (!e.isNotFound() && e.reason() != FetchException.Reason.TOO_LARGE) {
                transientFailure.set(true);
                if (failed.size() < 1000) {
                    failed.add(hash);
                }
            }
            return null;
        }
        try {
            return toItem(HyperkittyApi.email(r.body()), hash);
        } catch (IOException | RuntimeException e) {
            stats.error("email " + url, "could not be read: " + e.getMessage());
            return null;
        }
    }

    Item toItem(JsonNode e, String hash) {
        Sender sender = new Sender(orEmpty(HyperkittyApi.text(e, "sender_name")),
                Sender.deobfuscate(orEmpty(HyperkittyApi.text(e.get("sender"), "address"))));
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
            att.forEach(a -> attachments.add(orEmpty(HyperkittyApi.text(a, "name")) + " (" + orEmpty(HyperkittyApi.text(a, "content_type")) + ")"));
        }
        String messageId = orEmpty(HyperkittyApi.text(e, "message_id")).replaceAll("^<|>$", "");
        return MailItems.item(new MailItems.Mail(api.itemId(hash), source.id(), source.project(),
                api.messagePage(hash).toString(), api.listLocalPart(),
                Subject.of(HyperkittyApi.text(e, "subject"), prefixes), sender, date, orEmpty(HyperkittyApi.text(e, "content")),
                api.threadId(thread != null ? thread : hash), parentHash == null ? null : api.itemId(parentHash),
                messageId, null, null, attachments, notes, Map.of("hash", hash)));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    // ---- backfill: the mbox export ----

    private void backfill(YearMonth since, PollStats stats) throws Exception {
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        Document cursor = context.store().sourceState().cursor(source.id());
        List<?> done = cursor.getList("exported", Object.class, List.of());
        for (YearMonth month = since; !month.isAfter(now); month = month.plusMonths(1)) {
            if (done.contains(month.toString()) && month.isBefore(now.minusMonths(1))) {
                continue;
            }
            URI url = api.monthExport(month);
            FetchResult r;
            try {
                r = context.fetcher().get(url, stats);
            } catch (FetchException e) {
                if (e.reason() == FetchException.Reason.HTTP_STATUS && e.status() == 400) {
                    stats.error("export " + url, "the mbox export is disabled on this server (HTTP 400); backfill stopped");
                    return;
                }
                continue; // recorded; this month is tried again next time
            }
            Mbox.Unpacked unpacked;
            try {
                unpacked = Mbox.unpack(r.body(), url.getPath());
            } catch (IOException e) {
                stats.error("export " + url, e.getMessage());
                continue;
            }
            if (unpacked.truncated()) {
                stats.error("export " + url, "truncated after " + unpacked.messages().size() + " messages; the month is read again next time");
            }
            List<Item> items = new ArrayList<>();
            int n = 0;
            for (byte[] raw : unpacked.messages()) {
                n++;
                try {
                    Item item = fromMbox(Rfc822.parse(raw));
                    items.add(item);
                } catch (MailParseException e) {
                    stats.error("export " + month + " message " + n, e.getMessage());
                }
            }
            Set<String> stored = context.store().items().existingIds(items.stream().map(Item::id).toList());
            List<Item> fresh = items.stream().filter(i -> !stored.contains(i.id())).toList();
            for (int i = 0; i < fresh.size(); i += BATCH) {
                stats.stored(context.store().items().upsert(fresh.subList(i, Math.min(fresh.size(), i + BATCH))));
            }
            if (!unpacked.truncated()) {
                List<Object> updated = new ArrayList<>(done);
                updated.add(month.toString());
                context.store().sourceState().saveCursorField(source.id(), "exported", updated);
                done = updated;
            }
        }
    }

    Item fromMbox(MailMessage m) throws MailParseException {
        if (m.messageId().isEmpty()) {
            throw new MailParseException("no Message-ID header: the HyperKitty id cannot be derived");
        }
        String hash = HyperkittyApi.messageIdHash(m.messageId());
        String root = !m.references().isEmpty() ? m.references().get(0) : !m.inReplyTo().isEmpty() ? m.inReplyTo() : m.messageId();
        String parent = m.parentId();
        return MailItems.item(new MailItems.Mail(api.itemId(hash), source.id(), source.project(),
                api.messagePage(hash).toString(), api.listLocalPart(), Subject.of(m.subject(), prefixes), m.sender(),
                m.date(), m.body(), api.threadId(HyperkittyApi.messageIdHash(root)),
                parent.isEmpty() ? null : api.itemId(HyperkittyApi.messageIdHash(parent)),
                m.messageId(), m.inReplyTo(), m.references(), m.attachments(), m.notes(), Map.of("hash", hash)));
    }

    private ExecutorService pool() {
        int threads = Math.max(1, source.intOption("concurrency", 4));
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hyperkitty-" + source.id());
            t.setDaemon(true);
            return t;
        });
    }
}
