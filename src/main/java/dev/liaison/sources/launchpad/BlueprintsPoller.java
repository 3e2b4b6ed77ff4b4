package dev.liaison.sources.launchpad;

import dev.liaison.store.SourceStateStore;
import dev.liaison.store.LaunchpadDetailQueue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.FetchException;
import dev.liaison.item.Item;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One pass over {@code <api>/<project>/all_specifications} per cycle, a page at a time (the
 * {@code devel} API: the only one that exports blueprints fully). Blueprints have no
 * last-modified field, so every pass reads them all and the content hash of the exported fields
 * decides what changed; a changed definition, implementation or lifecycle status appends a status
 * event. The pass position is stored after each page, so a failed pass resumes where it stopped.
 * The bugs linked to a new or changed blueprint are read by the background queue.
 */
final class BlueprintsPoller extends LaunchpadPoller<BlueprintItems.Read> {

    /** Pages of one blueprint's bugs collection read at most. */
    static final int MAX_LINKED_BUG_PAGES = 5;
    private final int pageSize;

    BlueprintsPoller(SourceConfig source, PollContext context) {
        super(source, context);
        this.pageSize = options.pageSize();
    }

    URI firstPage() {
        return URI.create(base() + "/all_specifications?ws.size=" + pageSize);
    }

    @Override
    public void poll(PollRequest request, PollStats stats) throws Exception {
        var state = store.sourceState();
        SourceStateStore.LaunchpadPass pass = state.launchpadPass(source.id());
        if (pass == null || request.isBackfill()) {
            pass = new SourceStateStore.LaunchpadPass(Instant.now(), null, firstPage().toString(), 0);
            state.saveLaunchpadPass(source.id(), pass);
        }
        int pages = readPages(pass, stats);
        state.endLaunchpadPass(source.id(), pass, pages, Instant.now());
    }

    @Override
    protected Map<String, BlueprintItems.Read> parse(CollectionPage page, PollStats stats) {
        Map<String, BlueprintItems.Read> read = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : page.entries()) {
            index++;
            try {
                BlueprintItems.Read r = BlueprintItems.read(entry, project, source.id());
                read.put(r.item().id(), r);
            } catch (LaunchpadFormatException e) {
                stats.error("blueprint " + (page.start() + index), e.getMessage());
            }
        }
        return read;
    }

    @Override
    protected Item merge(String id, BlueprintItems.Read read, Item before) {
        return BlueprintItems.keepLinkedBugs(read.item(), before);
    }

    @Override
    protected String detailUrl(BlueprintItems.Read read, Item item) {
        return read.bugsLink();
    }

    @Override
    protected UnaryOperator<Item> fetchDetail(LaunchpadDetailQueue.Entry entry, PollStats stats)
            throws FetchException, LaunchpadFormatException {
        List<Long> bugs = new ArrayList<>();
        URI next = URI.create(entry.url());
        for (int i = 0; i < MAX_LINKED_BUG_PAGES && next != null; i++) {
            CollectionPage page = fetchPage(next, stats);
            bugs.addAll(BlueprintItems.linkedBugs(page));
            next = page.next();
        }
        return item -> BlueprintItems.withLinkedBugs(item, bugs);
    }
}
