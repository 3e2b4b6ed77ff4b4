package dev.liaison.digest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.app.LiaisonRuntime;
import dev.liaison.item.Event;
import dev.liaison.mailing.Subscriber;
import dev.liaison.store.Store;
import dev.liaison.testkit.LiaisonHome;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest's few suggestion slots go to the most similar texts: suggestions of one calibrated
 * band all have the same confidence, so their stated similarity orders them, not their ids.
 */
class DigestSuggestionOrderTest {

    @TempDir Path dir;

    @Test
    void theSuggestionsMailedAreTheMostSimilarOfTheirBand() throws Exception {
        Instant until = Instant.parse("2026-06-05T08:00:00Z");
        try (LiaisonRuntime runtime = new LiaisonHome(dir).open()) {
            Store store = runtime.store();
            store.collection(Store.STORIES).insertOne(new Document("_id", "rolling-upgrades").append("title", "Rolling upgrades")
                    .append("projects", List.of("nova")).append("tags", List.of()));
            // Ids in the opposite order of their scores: a-... is the least similar.
            String[] names = {"a-weakest", "b-weak", "c-middle", "d-strong", "e-strongest"};
            double[] scores = {0.31, 0.33, 0.35, 0.37, 0.39};
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                String item = "spec:nova/" + names[i];
                events.add(new Event("link.new:rolling-upgrades|" + item, "link.new", until.minusSeconds(3600), "linker", item,
                        Map.of("story", "rolling-upgrades", "how", "similar", "confidence", 0.60, "state", "suggested",
                                "evidence", "text similarity " + scores[i] + " (whole story)")));
            }
            store.events().append(events);
            Subscriber owner = new Subscriber("owner@example.org", "Owner", ZoneId.of("UTC"), 8,
                    List.of("rolling-upgrades"), List.of(), List.of(), List.of(), List.of(), true, "t0k");
            Digest d = new DigestComposer(store, "http://liaison.example", Map.of())
                    .compose(List.of(new DigestComposer.Work(owner, "2026-06-05", until.minusSeconds(86_400))), until).get(0);

            Digest.StoryNews news = d.stories().get(0);
            assertThat(news.suggestions()).extracting(Digest.LinkEntry::item)
                    .containsExactly("spec:nova/e-strongest", "spec:nova/d-strong", "spec:nova/c-middle");
            assertThat(news.moreSuggestions()).isEqualTo(names.length - Digest.MAX_SUGGESTIONS_PER_STORY);
        }
    }
}
