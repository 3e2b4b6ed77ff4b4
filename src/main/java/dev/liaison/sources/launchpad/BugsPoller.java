package dev.liaison.sources.launchpad;

import dev.liaison.store.SourceStateStore;
import dev.liaison.store.LaunchpadDetailQueue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchException;
import dev.liaison.fetch.FetchResult;
import dev.liaison.item.Item;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One pass of {@code searchTasks} per cycle: every status, {@code modified_since} the watermark
 * minus the overlap, ordered by bug id, one page at a time. The pass (its start time and the
 * next page's link) is stored before the first page and after each stored page, so a crash or a
 * failed page resumes where it stopped; the watermark becomes the pass's start time only when
 * the last page is stored. Ordering by id keeps a resumed pass from skipping: a bug changed
 * during the pass can only enter the result set (read twice at worst, and again next pass).
 *
 * <p>New or changed bugs are queued for their bug resource (description, tags, last update),
 * fetched by the background queue, never during the pass.
 */
final class BugsPoller extends LaunchpadPoller<List<BugItems.Task>> {

    private final int pageSize;
    private final Duration overlap;

    BugsPoller(SourceConfig source, PollContext context) {
        super(source, context);
        this.pageSize = options.pageSize();
        this.overlap = options.overlap();
    }

    /** The first page of a pass: every status, changed since {@code since} (all when null). */
    URI firstPage(Instant since) {
        StringBuilder q = new StringBuilder(base()).append("?ws.op=searchTasks&order_by=id&ws.size=").append(pageSize);
        for (String status : LaunchpadStatus.BUG_STATUSES) {
            q.append("&status=").append(encode(status));
        }
        if (since != null) {
            q.append("&modified_since=").append(encode(since.toString()));
        }
        return URI.create(q.toString());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void poll(PollRequest request, PollStats stats) throws Exception {
        var state = store.sourceState();
        SourceStateStore.LaunchpadPass pass = state.launchpadPass(source.id());
        if (pass == null || request.isBackfill()) {
            Instant since;
            if (request.isBackfill()) {
                since = request.since().orElseThrow().atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                Instant watermark = state.watermark(source.id());
                since = watermark == null ? null : watermark.minus(overlap);
            }
            pass = new SourceStateStore.LaunchpadPass(Instant.now(), since, firstPage(since).toString(), 0);
            state.saveLaunchpadPass(source.id(), pass);
        }
        int pages = readPages(pass, stats);
        state.endLaunchpadPass(source.id(), pass, pages, Instant.now());
    }

    @Override
    protected Map<String, List<BugItems.Task>> parse(CollectionPage page, PollStats stats) {
        Map<String, List<BugItems.Task>> byBug = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : page.entries()) {
            index++;
            try {
                BugItems.Task task = BugItems.task(entry);
                byBug.computeIfAbsent(BugItems.id(task.bug()), k -> new ArrayList<>()).add(task);
            } catch (LaunchpadFormatException e) {
                stats.error("bug task " + (page.start() + index), e.getMessage());
            }
        }
        return byBug;
    }

    @Override
    protected boolean entriesContinueAcrossPages() {
        return true;
    }

    @Override
    protected List<BugItems.Task> combine(List<BugItems.Task> earlier, List<BugItems.Task> later) {
        List<BugItems.Task> both = new ArrayList<>(earlier);
        both.addAll(later);
        return both;
    }

    @Override
    protected Item merge(String id, List<BugItems.Task> tasks, Item before) {
        return BugItems.merge(before, tasks, project, source.id());
    }

    @Override
    protected String detailUrl(List<BugItems.Task> tasks, Item item) {
        Object link = item.attributes().get("bugLink");
        return link == null ? base().replaceFirst("/[^/]+$", "") + "/bugs/" + tasks.get(0).bug() : link.toString();
    }

    @Override
    protected UnaryOperator<Item> fetchDetail(LaunchpadDetailQueue.Entry entry, PollStats stats)
            throws FetchException, LaunchpadFormatException {
        FetchResult r = context.fetcher().get(URI.create(entry.url()), stats);
        BugItems.Detail detail;
        try {
            detail = BugItems.detail(r.body());
        } catch (LaunchpadFormatException e) {
            throw new LaunchpadFormatException(LaunchpadJson.clip(entry.url()) + ": " + e.getMessage());
        }
        return item -> BugItems.applyDetail(item, detail);
    }
}
