package dev.liaison.sources.pagewatch;

import dev.liaison.store.PageSnapshot;
import java.time.Instant;
import java.util.List;

/** A stored page version and the page content it holds, converted both ways. */
final class Snapshots {

    private Snapshots() {}

    static PageContent content(PageSnapshot s) {
        return new PageContent(s.title(), s.blocks().stream().map(Block::fromMap).toList(), List.of());
    }

    /** The normalised text, one line per block (what the unified diff of a change compares). */
    static List<String> lines(PageSnapshot s) {
        return content(s).lines();
    }

    static PageSnapshot of(String source, long version, String url, PageContent content, Instant fetchedAt) {
        return new PageSnapshot(source, version, url, content.title(), content.hash(), fetchedAt,
                content.blocks().stream().map(Block::toMap).toList());
    }
}
