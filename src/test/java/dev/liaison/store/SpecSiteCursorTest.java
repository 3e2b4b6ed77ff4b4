package dev.liaison.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spec site's cursor as the sphinx-specs poll saves and reads it, and cursors of earlier versions. */
class SpecSiteCursorTest {

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
    void aSavedCursorReadsBackAsItWasAndANeverPolledSourceHasNone() {
        assertThat(store.sourceState().specSiteCursor("nova-specs")).isEqualTo(SpecSiteCursor.NONE);
        Map<String, String> redirects = new LinkedHashMap<>();
        redirects.put("http://h/specs/a/x.html", "http://h/specs/b/x.html");
        redirects.put("http://h/specs/a/y.html", "");
        SpecSiteCursor cursor = new SpecSiteCursor("project-name", "all-with-stories", List.of(
                new SpecSiteCursor.Index("http://h/", List.of("http://h/specs/a/"),
                        List.of(new SpecSiteCursor.SpecLink("http://h/specs/x.html", "implemented", "2024.1"),
                                new SpecSiteCursor.SpecLink("http://h/specs/z.html", null, null)),
                        List.of("http://h/readme.html"), List.of()),
                new SpecSiteCursor.Index("http://h/specs/a/", List.of(), List.of(), List.of(), List.of())), redirects);
        store.sourceState().saveSpecSiteCursor("nova-specs", cursor);
        assertThat(store.sourceState().specSiteCursor("nova-specs")).isEqualTo(cursor);
        assertThat(store.sourceState().specSiteCursor("nova-specs").redirects().keySet()).as("in order")
                .containsExactly("http://h/specs/a/x.html", "http://h/specs/a/y.html");
        assertThat(store.sourceState().specSiteCursor("other")).isEqualTo(SpecSiteCursor.NONE);
    }

    @Test
    void aCursorOfAnEarlierVersionIsReadWithWhatItHasAndSkipsWhatIsBroken() {
        // links only, no marks; a page without a url, a spec entry without one, a redirect half there
        store.sourceState().saveCursor("nova-specs", new Document("indexes", List.of(
                new Document("url", "http://h/").append("links", List.of("http://h/specs/mitaka/", "http://h/specs/x.html", 7)),
                new Document("links", List.of("http://h/lost.html")),
                new Document("url", "http://h/specs/mitaka/").append("specs", List.of(new Document("state", "approved")))))
                .append("redirects", List.of(new Document("from", "http://h/a.html"))));
        SpecSiteCursor c = store.sourceState().specSiteCursor("nova-specs");
        assertThat(c.ids()).isNull();
        assertThat(c.refs()).isNull();
        assertThat(c.indexes()).extracting(SpecSiteCursor.Index::url).containsExactly("http://h/", "http://h/specs/mitaka/");
        assertThat(c.indexes().get(0).links()).containsExactly("http://h/specs/mitaka/", "http://h/specs/x.html");
        assertThat(c.indexes().get(1).specs()).isEmpty();
        assertThat(c.redirects()).isEmpty();
    }
}
