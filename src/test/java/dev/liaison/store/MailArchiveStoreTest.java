package dev.liaison.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liaison.item.Item;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the mail-archive kinds read and write through the store. The typed cursors of the two mail-archive kinds: what a poll saves is what the next one reads,
 * cursors written before they were typed (the same fields, as plain documents) read the same, and
 * stray values of the wrong type are skipped rather than failing the poll.
 */
class MailArchiveStoreTest {

    @TempDir Path data;
    Store store;

    @BeforeEach
    void open() throws Exception {
        store = Store.open("", "liaison", data);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aPipermailCursorReadsBackWhatWasSavedAndAnEmptyOneIsEmpty() {
        SourceStateStore s = store.sourceState();
        assertThat(s.pipermailCursor("pm").months()).isEmpty();
        assertThat(s.pipermailCursor("pm").listed()).isEmpty();
        assertThat(s.pipermailCursor("pm").incomplete()).isEmpty();

        s.savePipermailMonth("pm", "2016-June", new SourceStateStore.PipermailMonth(1611, "101611"));
        s.savePipermailMonth("pm", "2016-May", new SourceStateStore.PipermailMonth(0, null));
        s.savePipermailListed("pm", List.of(new SourceStateStore.PipermailListed("2016-June", "2016-June.txt.gz"),
                new SourceStateStore.PipermailListed("2016-May", null)));
        s.savePipermailIncomplete("pm", List.of("2016-May"));
        s.saveCursorField("other", "months", new Document("2016-June", new Document("count", 3)));

        SourceStateStore.PipermailCursor c = s.pipermailCursor("pm");
        assertThat(c.months()).containsExactly(Map.entry("2016-June", new SourceStateStore.PipermailMonth(1611, "101611")),
                Map.entry("2016-May", new SourceStateStore.PipermailMonth(0, null)));
        assertThat(c.listed()).containsExactly(new SourceStateStore.PipermailListed("2016-June", "2016-June.txt.gz"),
                new SourceStateStore.PipermailListed("2016-May", null));
        assertThat(c.incomplete()).containsExactly("2016-May");

        // saving one month leaves the others
        s.savePipermailMonth("pm", "2016-June", new SourceStateStore.PipermailMonth(1612, "101612"));
        assertThat(s.pipermailCursor("pm").months()).containsOnlyKeys("2016-June", "2016-May")
                .containsEntry("2016-June", new SourceStateStore.PipermailMonth(1612, "101612"));
        assertThat(s.pipermailCursor("other").months()).containsOnlyKeys("2016-June");
    }

    @Test
    void anOlderUntypedPipermailCursorReadsTheSameAndStrayValuesAreSkipped() {
        store.sourceState().saveCursor("pm", new Document("months", new Document("2015-August", new Document("count", 7L).append("last", "000198"))
                .append("broken", "not a month document"))
                .append("listed", List.of(new Document("label", "2015-August").append("text", null), "stray", new Document("text", "no label")))
                .append("incomplete", List.of("2015-July", 3)));
        SourceStateStore.PipermailCursor c = store.sourceState().pipermailCursor("pm");
        assertThat(c.months()).containsExactly(Map.entry("2015-August", new SourceStateStore.PipermailMonth(7, "000198")));
        assertThat(c.listed()).containsExactly(new SourceStateStore.PipermailListed("2015-August", null));
        assertThat(c.incomplete()).containsExactly("2015-July");
    }

    @Test
    void aHyperkittyCursorReadsBackWhatWasSavedIncludingFieldsOfOlderVersions() {
        SourceStateStore s = store.sourceState();
        SourceStateStore.HyperkittyCursor empty = s.hyperkittyCursor("hk");
        assertThat(empty.gaps()).isEmpty();
        assertThat(empty.listCount()).isNull();
        assertThat(empty.fullCheckAt()).isNull();
        assertThat(empty.legacyResume()).isNull();

        s.saveHyperkittyGaps("hk", List.of(new SourceStateStore.HyperkittyGap(100, 533, "HTTP 503"),
                new SourceStateStore.HyperkittyGap(0, -1, null)));
        s.saveCursorField("hk", "gone", List.of("A".repeat(32)));
        s.saveCursorField("hk", "retry", List.of("B".repeat(32)));
        s.saveCursorField("hk", "listCount", 533L);
        s.saveCursorField("hk", "fullCheckAt", 1_764_000_000_000L);
        s.saveCursorField("hk", "exported", List.of("2026-11"));
        s.saveCursorField("hk", "brokenDays", List.of("2026-11-02"));
        s.saveCursorField("hk", "resume", "http://h/archives/api/list/l/emails/?offset=100");

        SourceStateStore.HyperkittyCursor c = s.hyperkittyCursor("hk");
        assertThat(c.gaps()).containsExactly(new SourceStateStore.HyperkittyGap(100, 533, "HTTP 503"),
                new SourceStateStore.HyperkittyGap(0, -1, null));
        assertThat(c.gone()).containsExactly("A".repeat(32));
        assertThat(c.retry()).containsExactly("B".repeat(32));
        assertThat(c.listCount()).isEqualTo(533L);
        assertThat(c.fullCheckAt()).isEqualTo(1_764_000_000_000L);
        assertThat(c.exported()).containsExactly("2026-11");
        assertThat(c.brokenDays()).containsExactly("2026-11-02");
        assertThat(c.legacyResume()).endsWith("offset=100");

        // a count written as an int by an older version reads as the same number
        s.saveCursorField("hk", "listCount", 12);
        assertThat(s.hyperkittyCursor("hk").listCount()).isEqualTo(12L);
        s.saveHyperkittyGaps("hk", List.of());
        assertThat(s.hyperkittyCursor("hk").gaps()).isEmpty();
    }

    static Item mail(String id, String source, String subjectKey, String thread, String created) {
        return Item.builder(id, "mail").source(source).project("nova").title(subjectKey).created(Instant.parse(created))
                .attribute("subjectKey", subjectKey).attribute("thread", thread).build();
    }

    @Test
    void mailsBySubjectKeyFindsASourcesMailsOldestFirst() {
        store.items().upsert(List.of(
                mail("mail:l/2016-June/000002", "pm", "nova cells", "thread:l/2016-June/000001", "2016-06-02T00:00:00Z"),
                mail("mail:l/2016-May/000009", "pm", "nova cells", "thread:l/2016-May/000009", "2016-05-30T00:00:00Z"),
                mail("mail:l/2016-May/000010", "pm", "other", "thread:l/2016-May/000010", "2016-05-31T00:00:00Z"),
                mail("mail:x/2016-May/000001", "elsewhere", "nova cells", "thread:x/2016-May/000001", "2016-05-01T00:00:00Z")));
        assertThat(store.items().mailsBySubjectKey("pm", List.of("nova cells", "absent"))).containsExactly(
                new ItemStore.MailBySubject("mail:l/2016-May/000009", "nova cells", "thread:l/2016-May/000009"),
                new ItemStore.MailBySubject("mail:l/2016-June/000002", "nova cells", "thread:l/2016-June/000001"));
        assertThat(store.items().mailsBySubjectKey("pm", List.of())).isEmpty();
    }
}
