package dev.liaison.sources.pagewatch;

import dev.liaison.store.PageSnapshot;
import dev.liaison.store.SnapshotStore;
import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchResult;
import dev.liaison.fetch.Validators;
import dev.liaison.item.Event;
import dev.liaison.item.EventData;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.store.ValidatorStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll of a watched page: a conditional GET (304: nothing to do), extraction, and a
 * comparison of the content hash with the latest snapshot. A new hash becomes a snapshot; unless
 * it is the baseline or a return to a recent version (anti-flapping), it also becomes a
 * {@code page.changed} event. Order: event, then snapshot, then validators, so a crash anywhere
 * repeats the same event id (stored once) and never loses a change.
 */
final class PageWatchPoller implements Poller {

    private static final Logger LOG = LoggerFactory.getLogger(PageWatchPoller.class);

    private final SourceConfig source;
    private final PollContext context;
    private final PageWatchOptions options;
    private final SnapshotStore snapshots;

    PageWatchPoller(SourceConfig source, PollContext context, PageWatchOptions options) {
        this.source = source;
        this.context = context;
        this.options = options;
        this.snapshots = new SnapshotStore(context.store());
    }

    @Override
    public void poll(PollRequest request, PollStats stats) throws Exception {
        String url = source.url().toString();
        List<PageSnapshot> recent = snapshots.recent(source.id(), options.antiFlapVersions() + 1);
        PageSnapshot latest = recent.isEmpty() ? null : recent.get(0);
        ValidatorStore.Entry stored = latest == null ? null : context.store().validators().load(source.id()).get(url);
        // Without a snapshot the validators mean nothing: fetch the whole page.
        Validators send = stored == null ? Validators.NONE : stored.validators();
        FetchResult r = context.fetcher().get(source.url(), send, stats);
        if (r.notModified()) {
            return;
        }
        PageContent content;
        try {
            content = PageExtractor.extract(r.body(), r.declaredCharset().orElse(null), r.finalUrl(), options);
        } catch (PageException e) {
            stats.error("page " + url, e.getMessage() + "; the last good version is kept");
            return;
        }
        for (String warning : content.warnings()) {
            stats.error("page " + url, warning);
        }
        String hash = content.hash();
        Instant now = Instant.now();
        if (latest != null && latest.hash().equals(hash)) {
            saveValidators(url, r, hash);
            return;
        }
        long version = latest == null ? 1 : latest.version() + 1;
        PageSnapshot next = Snapshots.of(source.id(), version, url, content, now);
        if (latest != null) {
            boolean flap = recent.stream().skip(1).anyMatch(s -> s.hash().equals(hash));
            if (flap) {
                LOG.info("Page {} of {} went back to an earlier version ({}): no event (anti-flapping)", url, source.id(), hash);
            } else {
                Event event = changeEvent(url, latest, next, content, now);
                stats.eventsAppended(context.store().events().append(List.of(event)));
            }
        }
        snapshots.insert(next);
        snapshots.prune(source.id(), version, options.keepSnapshots());
        saveValidators(url, r, hash);
    }

    private Event changeEvent(String url, PageSnapshot before, PageSnapshot after, PageContent content, Instant now) {
        Map<String, Object> diff = PageDiff.diff(Snapshots.content(before), content,
                url + " (version " + before.version() + ", " + before.fetchedAt() + ")",
                url + " (version " + after.version() + ", " + now + ")");
        EventData.PageChanged data = EventData.PageChanged.of(url, content.title(), after.version(), after.hash(), before.hash(),
                before.fetchedAt().toString(), now.toString(), diff);
        return new Event(Event.PAGE_CHANGED + ":" + source.id() + ":" + after.hash() + ":" + after.version(),
                Event.PAGE_CHANGED, now, source.id(), null, data.toMap());
    }

    private void saveValidators(String url, FetchResult r, String hash) {
        context.store().validators().save(source.id(), Map.of(url, new ValidatorStore.Entry(r.validators(), hash)));
    }
}
