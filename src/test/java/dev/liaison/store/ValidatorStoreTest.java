package dev.liaison.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.liaison.fetch.Validators;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validators saved as a poll saves them: new URLs inserted, changed ones replaced, equal ones left alone. */
class ValidatorStoreTest {

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

    static ValidatorStore.Entry entry(String etag, String lastModified) {
        return new ValidatorStore.Entry(new Validators(etag, lastModified), null);
    }

    @Test
    void savingWhatWasLoadedInsertsNewUrlsReplacesChangedOnesAndRewritesNothingElse() {
        Map<String, ValidatorStore.Entry> first = new LinkedHashMap<>();
        first.put("http://h/a.html", entry("\"a1\"", "Mon, 01 Jan 2024 00:00:00 GMT"));
        first.put("http://h/b.html", entry(null, "Mon, 01 Jan 2024 00:00:00 GMT"));
        store.validators().save("src", first, Map.of()); // a first poll: nothing was stored
        store.validators().save("other", Map.of("http://h/a.html", entry("\"o\"", null)), Map.of());
        Map<String, ValidatorStore.Entry> loaded = store.validators().load("src");
        assertThat(loaded).isEqualTo(first);

        // Someone changed b's stored document behind the poll's back: an equal entry is not written
        // again (the change stays), a changed one replaces its document, a new URL is added.
        store.collection(Store.HTTP_VALIDATORS).updateOne(Filters.eq("_id", "src http://h/b.html"), Updates.set("bodyHash", "x"));
        Map<String, ValidatorStore.Entry> second = new LinkedHashMap<>();
        second.put("http://h/a.html", entry("\"a2\"", "Tue, 02 Jan 2024 00:00:00 GMT"));
        second.put("http://h/b.html", entry(null, "Mon, 01 Jan 2024 00:00:00 GMT"));
        second.put("http://h/c.html", entry("\"c1\"", null));
        store.validators().save("src", second, loaded);

        Map<String, ValidatorStore.Entry> now = store.validators().load("src");
        assertThat(now).hasSize(3);
        assertThat(now.get("http://h/a.html")).isEqualTo(entry("\"a2\"", "Tue, 02 Jan 2024 00:00:00 GMT"));
        assertThat(now.get("http://h/b.html").bodyHash()).as("not rewritten").isEqualTo("x");
        assertThat(now.get("http://h/c.html")).isEqualTo(entry("\"c1\"", null));
        assertThat(store.validators().load("other")).containsOnlyKeys("http://h/a.html");
    }

    @Test
    void aUrlStoredMeanwhileByAnotherWriterIsReplacedNotLost() {
        store.validators().save("src", Map.of("http://h/a.html", entry("\"old\"", null)));
        // The poll loaded nothing (it started before that write): its insert meets the stored URL.
        store.validators().save("src", Map.of("http://h/a.html", entry("\"new\"", null), "http://h/b.html", entry("\"b\"", null)),
                Map.of());
        assertThat(store.validators().load("src")).containsEntry("http://h/a.html", entry("\"new\"", null))
                .containsEntry("http://h/b.html", entry("\"b\"", null)).hasSize(2);
    }
}
