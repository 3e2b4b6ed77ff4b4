package dev.liaison.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detail queue: a page of new items is one document; failures and changes are per item. */
class LaunchpadDetailQueueTest {

    @TempDir
    Path dir;

    private static Map<String, String> requests(int from, int to) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            out.put("bug:" + i, "http://lp.test/devel/bugs/" + i);
        }
        return out;
    }

    @Test
    void aPageOfNewItemsIsOneDocumentAndQueueingItAgainIsANoOp() throws Exception {
        try (LiaisonRuntime runtime = new LiaisonHome(dir).open()) {
            LaunchpadDetailQueue queue = new LaunchpadDetailQueue(runtime.store(), "nova-bugs");
            Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
            queue.enqueueNew(requests(1, 76), t0);
            queue.enqueueNew(requests(1, 76), t0.plusSeconds(5)); // the same page after a crash
            queue.enqueueNew(requests(76, 151), t0.plusSeconds(1));
            assertThat(runtime.store().collection(LaunchpadDetailQueue.COLLECTION).countDocuments()).isEqualTo(2);
            assertThat(queue.pending()).isEqualTo(150);

            List<LaunchpadDetailQueue.Entry> first = queue.next(20, 3);
            assertThat(first).extracting(LaunchpadDetailQueue.Entry::item).containsExactlyElementsOf(requests(1, 21).keySet());
            assertThat(first.get(0).url()).isEqualTo("http://lp.test/devel/bugs/1");

            queue.done(first);
            assertThat(queue.pending()).isEqualTo(130);
            assertThat(queue.next(1, 3)).extracting(LaunchpadDetailQueue.Entry::item).containsExactly("bug:21");
            // Another source's queue is its own.
            assertThat(new LaunchpadDetailQueue(runtime.store(), "other").pending()).isZero();
        }
    }

    @Test
    void aFailedRequestLeavesItsPageDocumentWithItsAttemptsAndError() throws Exception {
        try (LiaisonRuntime runtime = new LiaisonHome(dir).open()) {
            LaunchpadDetailQueue queue = new LaunchpadDetailQueue(runtime.store(), "nova-bugs");
            queue.enqueueNew(requests(1, 4), Instant.parse("2026-11-24T10:00:00Z"));
            List<LaunchpadDetailQueue.Entry> batch = queue.next(10, 2);
            queue.failed(List.of(batch.get(1)), "HTTP 500");
            queue.done(List.of(batch.get(0), batch.get(2)));

            List<Document> docs = runtime.store().collection(LaunchpadDetailQueue.COLLECTION).find().into(new java.util.ArrayList<>());
            assertThat(docs).singleElement().satisfies(d -> {
                assertThat(d.getString("item")).isEqualTo("bug:2");
                assertThat(d.getInteger("attempts")).isEqualTo(1);
                assertThat(d.getString("lastError")).isEqualTo("HTTP 500");
            });
            LaunchpadDetailQueue.Entry retry = queue.next(10, 2).get(0);
            assertThat(retry.page()).isFalse();
            queue.failed(List.of(retry), "HTTP 500 again");
            assertThat(queue.next(10, 2)).as("gave up after 2 attempts").isEmpty();
            assertThat(queue.pending()).as("still recorded").isEqualTo(1);
        }
    }

    @Test
    void anItemQueuedTwiceIsFetchedOnceAndLeavesBothDocuments() throws Exception {
        try (LiaisonRuntime runtime = new LiaisonHome(dir).open()) {
            LaunchpadDetailQueue queue = new LaunchpadDetailQueue(runtime.store(), "nova-bugs");
            Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
            queue.enqueueNew(requests(1, 3), t0);
            queue.enqueue(Map.of("bug:1", "http://lp.test/devel/bugs/1"), t0.plusSeconds(60)); // changed before its details came
            List<LaunchpadDetailQueue.Entry> batch = queue.next(10, 3);
            assertThat(batch).extracting(LaunchpadDetailQueue.Entry::item).containsExactly("bug:1", "bug:2");
            queue.done(batch);
            assertThat(queue.pending()).isZero();
            assertThat(runtime.store().collection(LaunchpadDetailQueue.COLLECTION).countDocuments()).isZero();
        }
    }
}
