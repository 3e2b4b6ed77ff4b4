package dev.liaison.sources.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.liaison.config.Durations;
import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchException;
import dev.liaison.fetch.FetchResult;
import dev.liaison.item.Item;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.store.Store;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.liaison.store.SourceStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over {@code GET /changes/?q=<query> after:"<since>"} per cycle, newest-updated first,
 * paged with {@code n} and {@code S} until a page has no {@code _more_changes}. Each page is
 * stored as one batch. A change seen twice in a pass (the list shifts when a change is updated
 * while it is paged) is one item: the newest {@code updated} wins.
 *
 * <p>The cursor holds the watermark (the newest {@code updated} stored by a finished pass) and
 * the pass in progress: where it started ({@code since}), the newest and the oldest
 * {@code updated} it has stored. The watermark moves only when a pass has read its last page;
 * a pass cut short (a failed request, a broken page, {@code max-pages}) continues at the next
 * cycle with {@code before:} its oldest stored time. A change updated meanwhile is newer than
 * the pass's newest, so the next pass (from the watermark minus the overlap) finds it.
 */
final class GerritPoller implements Poller {

    private static final Logger LOG = LoggerFactory.getLogger(GerritPoller.class);
    static final String OPTIONS = "&o=CURRENT_REVISION&o=CURRENT_FILES&o=CURRENT_COMMIT&o=DETAILED_ACCOUNTS";

    private final SourceConfig source;
    private final PollContext context;
    private final Store store;
    private final String base;
    private final String query;
    private final int pageSize;
    private final int maxPages;
    private final int maxMessage;
    private final Duration overlap;
    private final String defaultProject;

    GerritPoller(SourceConfig source, PollContext context) {
        this.source = source;
        this.context = context;
        this.store = context.store();
        String b = source.url().toString();
        this.base = b.endsWith("/") ? b : b + "/";
        GerritOptions options = GerritOptions.of(source);
        this.query = options.query();
        this.pageSize = options.pageSize();
        this.maxPages = options.maxPages();
        this.maxMessage = options.maxMessage();
        this.overlap = options.overlap();
        this.defaultProject = source.project() == null || source.project().isBlank()
                ? null : source.project().strip().toLowerCase(Locale.ROOT);
    }

    /** One page of the query: changes updated after {@code since} and (resuming a pass) before {@code before}. */
    URI page(Instant since, Instant before, int n, int skip) {
        StringBuilder q = new StringBuilder(query);
        if (since != null) {
            q.append(" after:\"").append(GerritChanges.queryTime(since)).append('"');
        }
        if (before != null) {
            q.append(" before:\"").append(GerritChanges.queryTime(before)).append('"');
        }
        return URI.create(base + "changes/?q=" + URLEncoder.encode(q.toString(), StandardCharsets.UTF_8).replace("+", "%20")
                + "&n=" + n + "&S=" + skip + OPTIONS);
    }

    @Override
    public void poll(PollRequest request, PollStats stats) throws Exception {
        var state = store.sourceState();
        Instant watermark = state.watermark(source.id());
        SourceStateStore.GerritPass pass = state.gerritPass(source.id());
        if (pass == null || request.isBackfill()) {
            Instant since;
            if (request.isBackfill()) {
                since = request.since().orElseThrow().atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                since = watermark == null ? null : watermark.minus(overlap);
            }
            pass = new SourceStateStore.GerritPass(since, null, null);
        }
        Instant since = pass.since();
        Instant before = pass.oldest();
        Instant newest = pass.newest();
        Instant oldest = before;

        Map<Long, Instant> seen = new HashMap<>();
        int n = pageSize;
        int skip = 0;
        int pages = 0;
        boolean finished = false;
        while (pages < maxPages) {
            URI url = page(since, before, n, skip);
            FetchResult r;
            try {
                r = context.fetcher().get(url, stats);
            } catch (FetchException e) {
                if (e.reason() == FetchException.Reason.TOO_LARGE && n > 1) {
                    n = Math.max(1, n / 2); // a page of huge changes: ask for fewer at a time
                    continue;
                }
                throw e; // recorded by the fetcher; the pass stays where its last stored page left it
            }
            pages++;
            GerritPage page;
            try {
                page = GerritPage.parse(r.body());
            } catch (GerritFormatException e) {
                String msg = "changes page at S=" + skip + ": " + e.getMessage();
                stats.error("gerrit " + source.id(), msg);
                throw new GerritFormatException(msg);
            }
            List<Item> batch = new ArrayList<>(page.changes().size());
            for (JsonNode change : page.changes()) {
                GerritChanges.Parsed parsed;
                try {
                    parsed = GerritChanges.item(change, base, source.id(), defaultProject, maxMessage);
                } catch (GerritFormatException e) {
                    stats.error("gerrit " + source.id(), "changes page at S=" + skip + ": " + e.getMessage());
                    continue;
                }
                Item item = parsed.item();
                if (parsed.note() != null) {
                    stats.error(item.id(), parsed.note());
                }
                long number = ((Number) item.attributes().get("number")).longValue();
                Instant previous = seen.get(number);
                if (previous != null && !item.updated().isAfter(previous)) {
                    continue; // the same change again: the list moved while it was paged
                }
                seen.put(number, item.updated());
                batch.removeIf(i -> i.id().equals(item.id()));
                batch.add(item);
            }
            if (!batch.isEmpty()) {
                stats.stored(store.items().upsert(batch));
                for (Item i : batch) {
                    newest = newest == null || i.updated().isAfter(newest) ? i.updated() : newest;
                    oldest = oldest == null || i.updated().isBefore(oldest) ? i.updated() : oldest;
                }
                pass = new SourceStateStore.GerritPass(since, newest, oldest);
                state.saveGerritPass(source.id(), pass);
            }
            skip += page.changes().size();
            if (!page.more() || page.changes().isEmpty()) {
                finished = true;
                break;
            }
        }
        if (!finished) {
            // Not an error: the pass goes on from its oldest stored change at the next poll.
            LOG.info("{}: {} pages read, the pass continues at the next poll (max-pages)", source.id(), pages);
            return;
        }
        if (newest != null && (watermark == null || newest.isAfter(watermark))) {
            state.saveWatermark(source.id(), newest);
        }
        state.endGerritPass(source.id(), new SourceStateStore.GerritPass(since, newest, oldest), pages, Instant.now());
    }


}
