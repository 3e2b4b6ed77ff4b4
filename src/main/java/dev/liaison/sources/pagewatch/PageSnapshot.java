package dev.liaison.sources.pagewatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One stored version of a watched page: the source, its version number (1 = the baseline),
 * the URL, the title, the hash of the normalised content, when it was fetched, and the content
 * as blocks ({@code type}: heading | paragraph | item | row, {@code section}, {@code text},
 * optional {@code level}, {@code cells}, {@code links}).
 */
public record PageSnapshot(String source, long version, String url, String title, String hash, Instant fetchedAt,
                           List<Map<String, Object>> blocks) {

    public PageSnapshot {
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
    }

    /** The normalised text, one line per block (what the unified diff of a change compares). */
    public List<String> lines() {
        return content().lines();
    }

    PageContent content() {
        return new PageContent(title, blocks.stream().map(Block::fromMap).toList(), List.of());
    }

    static PageSnapshot of(String source, long version, String url, PageContent content, Instant fetchedAt) {
        return new PageSnapshot(source, version, url, content.title(), content.hash(), fetchedAt,
                content.blocks().stream().map(Block::toMap).toList());
    }
}
