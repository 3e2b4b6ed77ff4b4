package dev.liaison.store;

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
}
