package dev.liaison.sources.pagewatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.config.Schedule;
import dev.liaison.config.SourceConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageExtractorTest {

    private static final String MITAKA_V2 = "history/2015-11-02_44bd041a43_mitaka-priorities.html";

    @Test
    void readsHeadingsParagraphsTableRowsAndLinksOfARealPriorityPage() throws Exception {
        PageContent page = PageFixtures.extract(PageFixtures.read(MITAKA_V2));

        assertThat(page.title()).isEqualTo("Mitaka Project Priorities");
        assertThat(page.blocks()).filteredOn(b -> b.type() == Block.Type.HEADING).extracting(Block::text)
                .containsExactly("Mitaka Project Priorities", "Cells v2", "V2.1 API", "Scheduler", "OS VIF Lib", "Live Migrate");
        List<Block> rows = page.blocks().stream().filter(b -> b.type() == Block.Type.ROW).toList();
        assertThat(rows).extracting(Block::cells).first().isEqualTo(List.of("Priority", "Primary Contacts"));
        assertThat(rows).hasSize(6);
        Block scheduler = rows.stream().filter(r -> r.cells().get(0).equals("Scheduler")).findFirst().orElseThrow();
        assertThat(scheduler.cells()).containsExactly("Scheduler", "Sylvain Bauza, Jay Pipes");
        assertThat(scheduler.links()).as("same-page anchors are not links").containsExactly("https://launchpad.net/~jaypipes");
        assertThat(page.blocks()).filteredOn(b -> b.type() == Block.Type.PARAGRAPH).extracting(Block::text)
                .contains("We started the cells v2 effort in Kilo.");
        assertThat(page.blocks()).filteredOn(b -> b.text().startsWith("We started")).extracting(Block::section)
                .containsExactly("Cells v2");
        assertThat(String.join("\n", page.lines())).as("theme chrome never leaks into the content")
                .doesNotContain("Navigation", "Quick search", "Powered by", "\u00b6", "jQuery");
    }

    @Test
    void theSameSourceInTwoRealSphinxThemesHasTheSameContentAndHash() throws Exception {
        PageContent alabaster = PageFixtures.extract(PageFixtures.read("sample-pages/alabaster-mitaka-priorities.html"));
        PageContent docsTheme = PageFixtures.extract(PageFixtures.read("sample-pages/openstackdocstheme-mitaka-priorities.html"));

        assertThat(docsTheme.lines()).isEqualTo(alabaster.lines());
        assertThat(docsTheme.hash()).isEqualTo(alabaster.hash());
        assertThat(docsTheme.lines()).noneMatch(l -> l.contains("updated:") || l.contains("Creative Commons"));
    }

    @Test
    void everyHistoricalVersionRewrappedInAnotherThemeHashesTheSame() throws Exception {
        for (String release : List.of("kilo", "mitaka", "newton")) {
            for (PageFixtures.Version v : PageFixtures.history(release)) {
                PageContent original = PageFixtures.extract(v.html());
                String rewrapped = PageFixtures.inDocsTheme(v.html(), "2026-11-24 13:55");
                assertThat(rewrapped).as("really another theme").contains("class=\"docs-body\"", "class=\"section\"",
                        "updated: 2026-11-24 13:55", "bootstrap.min.css").doesNotContain("<section", "role=\"main\"");
                PageContent other = PageFixtures.extract(rewrapped);
                assertThat(other.lines()).as(v.file()).isEqualTo(original.lines());
                assertThat(other.hash()).as(v.file()).isEqualTo(original.hash());
            }
        }
    }

    @Test
    void whitespaceScriptsStampsAndNavigationAreCosmetic() throws Exception {
        String html = PageFixtures.read(MITAKA_V2);
        String base = PageFixtures.extract(html).hash();
        String reflowed = html.replace("\n", "\n\n   ").replace("<p>", "<p>  \u00a0");
        String stamped = html.replace("<div class=\"body\" role=\"main\">",
                "<div class=\"body\" role=\"main\"><p>Last updated on Nov 24, 2026.</p><script>track('x')</script>"
                        + "<nav><a href='/other'>Other page</a></nav><style>p{}</style>");
        String otherNav = html.replace("Mitaka Project Priorities</a></li>", "Mitaka Project Priorities (current)</a></li>");

        assertThat(PageFixtures.extract(reflowed).hash()).isEqualTo(base);
        assertThat(PageFixtures.extract(stamped).hash()).isEqualTo(base);
        assertThat(PageFixtures.extract(otherNav).hash()).isEqualTo(base);
        assertThat(PageFixtures.extract(html.replace("Paul Murray", "Paul  Murray ")).hash()).isEqualTo(base);
        assertThat(PageFixtures.extract(html.replace("Paul Murray", "Paul Murphy")).hash())
                .as("a real text change changes the hash").isNotEqualTo(base);
    }

    @Test
    void listItemsAreReadWithTheirNestingAndLinks() throws Exception {
        PageContent page = PageFixtures.extract("""
                <html><body><div class="body" role="main"><section><h1>Goals</h1>
                <ul><li><p>Ship <a href="https://blueprints.launchpad.net/nova/+spec/cells-v2">cells v2</a></p>
                  <ul><li>first step</li></ul></li>
                <li>Fix bugs</li></ul>
                <p>Free text <em>with</em> markup</p></section></div></body></html>""");

        assertThat(page.lines()).containsExactly("# Goals",
                "- Ship cells v2  <https://blueprints.launchpad.net/nova/+spec/cells-v2>",
                "  - first step", "- Fix bugs", "Free text with markup");
    }

    @Test
    void aConfiguredSelectorWatchesOnlyThatPart() throws Exception {
        byte[] html = PageFixtures.read(MITAKA_V2).getBytes(StandardCharsets.UTF_8);
        PageContent table = PageExtractor.extract(html, null, PageFixtures.PAGE, PageWatchOptions.defaults().withSelector("table"));

        assertThat(table.blocks()).allMatch(b -> b.type() == Block.Type.ROW).hasSize(6);
        assertThatThrownBy(() -> PageExtractor.extract(html, null, PageFixtures.PAGE,
                PageWatchOptions.defaults().withSelector("div.no-such-thing")))
                .isInstanceOf(PageException.class).hasMessageContaining("no element matches the content selector 'div.no-such-thing'");
        assertThatThrownBy(() -> PageExtractor.extract(html, null, PageFixtures.PAGE,
                PageWatchOptions.defaults().withSelector("div[[")))
                .isInstanceOf(PageException.class).hasMessageContaining("is not valid CSS");
    }

    @Test
    void excludeAndIgnorePatternOptionsLeaveThingsOut() throws Exception {
        SourceConfig source = new SourceConfig("p", "page-watch", PageFixtures.PAGE, Schedule.parse("1h"), "nova", true,
                Map.of("exclude", "section#live-migrate", "ignore-pattern", "(?i)note:.*", "max-blocks", 50));
        PageWatchOptions options = PageWatchOptions.of(source);
        byte[] html = PageFixtures.read(MITAKA_V2).getBytes(StandardCharsets.UTF_8);

        PageContent page = PageExtractor.extract(html, null, PageFixtures.PAGE, options);
        PageContent all = PageExtractor.extract(html, null, PageFixtures.PAGE, PageWatchOptions.defaults());

        assertThat(options.maxBlocks()).isEqualTo(50);
        assertThat(all.lines()).anyMatch(l -> l.startsWith("Note: this is dependent")).contains("## Live Migrate");
        assertThat(page.lines()).noneMatch(l -> l.startsWith("Note: this is dependent")).doesNotContain("## Live Migrate");
        assertThat(page.lines()).contains("## OS VIF Lib");
    }

    @Test
    void brokenHtmlIsReadAsFarAsItGoes() throws Exception {
        PageContent page = PageFixtures.extract("<html><body><div class=body role=main><h1>Title<p>one <b>two<table><tr><td>a<td>b"
                + "</div></body></html>");

        assertThat(page.title()).isEqualTo("Title");
        assertThat(page.lines()).contains("| a | b |");
    }

    @Test
    void aTruncatedPageIsRejectedNotTakenAsAContentRemoval() {
        byte[] full = PageFixtures.read(MITAKA_V2).getBytes(StandardCharsets.UTF_8);
        byte[] cut = Arrays.copyOf(full, full.length / 2);

        assertThatThrownBy(() -> PageExtractor.extract(cut, null, PageFixtures.PAGE, PageWatchOptions.defaults()))
                .isInstanceOf(PageException.class).hasMessageContaining("truncated");
    }

    @Test
    void emptyOrTextlessPagesAreRejectedWithAReason() {
        assertThatThrownBy(() -> PageExtractor.extract(new byte[0], null, PageFixtures.PAGE, PageWatchOptions.defaults()))
                .isInstanceOf(PageException.class).hasMessage("empty body");
        assertThatThrownBy(() -> PageFixtures.extract("<html><body><div class='body' role='main'><script>x()</script></div></body></html>"))
                .isInstanceOf(PageException.class).hasMessageContaining("has no text");
    }

    @Test
    void anUndeclaredWindows1252PageIsReadAsSuchNotAsReplacementCharacters() throws Exception {
        // "Priorités" with typographic quotes and an en dash: bytes 0x93, 0x94 and 0x96 in windows-1252.
        byte[] cp1252 = "<html><head><title>x</title></head><body><main><h1>Priorit\u00e9s</h1><p>\u201cLive migration\u201d \u2013 owner Bauz\u00e0</p></main></body></html>"
                .getBytes("windows-1252");
        PageContent page = PageExtractor.extract(cp1252, null, PageFixtures.PAGE, PageWatchOptions.defaults());
        assertThat(page.title()).isEqualTo("Priorit\u00e9s");
        assertThat(page.blocks()).extracting(Block::line).anySatisfy(l ->
                assertThat(l).contains("\u201cLive migration\u201d \u2013 owner Bauz\u00e0"));
        assertThat(page.warnings()).isEmpty();
        // Declared ISO-8859-1 means windows-1252 too (the HTML rule).
        PageContent latin1 = PageExtractor.extract(cp1252, StandardCharsets.ISO_8859_1, PageFixtures.PAGE, PageWatchOptions.defaults());
        assertThat(latin1.blocks()).extracting(Block::line).anySatisfy(l -> assertThat(l).contains("\u201cLive migration\u201d"));
        // Undeclared valid UTF-8 stays UTF-8, and a page's own <meta charset> is still obeyed.
        byte[] utf8 = "<html><body><main><h1>Priorit\u00e9s \u2013 Newton</h1></main></body></html>".getBytes(StandardCharsets.UTF_8);
        assertThat(PageExtractor.extract(utf8, null, PageFixtures.PAGE, PageWatchOptions.defaults()).title())
                .isEqualTo("Priorit\u00e9s \u2013 Newton");
        byte[] koi8 = "<html><head><meta charset=\"koi8-r\"></head><body><main><h1>\u041f\u0440\u0438\u043e\u0440\u0438\u0442\u0435\u0442\u044b</h1></main></body></html>"
                .getBytes("koi8-r");
        assertThat(PageExtractor.extract(koi8, null, PageFixtures.PAGE, PageWatchOptions.defaults()).title())
                .isEqualTo("\u041f\u0440\u0438\u043e\u0440\u0438\u0442\u0435\u0442\u044b");
    }

    @Test
    void misEncodedBytesAreReplacedAndReported() throws Exception {
        byte[] latin1 = "<html><body><main><h1>Priorit\u00e9s</h1><p>Owner: Sylvain Bauz\u00e0</p></main></body></html>"
                .getBytes(StandardCharsets.ISO_8859_1);

        PageContent page = PageExtractor.extract(latin1, StandardCharsets.UTF_8, PageFixtures.PAGE, PageWatchOptions.defaults());

        assertThat(page.title()).startsWith("Priorit").contains("\uFFFD");
        assertThat(page.warnings()).singleElement().asString().contains("2 character(s) not valid in the page's charset (UTF-8)");
        PageContent declared = PageExtractor.extract(latin1, StandardCharsets.ISO_8859_1, PageFixtures.PAGE, PageWatchOptions.defaults());
        assertThat(declared.title()).isEqualTo("Priorit\u00e9s");
        assertThat(declared.warnings()).isEmpty();
    }

    @Test
    void anOversizedPageIsCutAtTheLimitsWithAWarning() throws Exception {
        StringBuilder html = new StringBuilder("<html><body><main><h1>Big</h1><table>");
        for (int i = 0; i < 20_000; i++) {
            html.append("<tr><td>row ").append(i).append("</td><td>owner</td></tr>");
        }
        html.append("</table><p>").append("x".repeat(50_000)).append("</p></main></body></html>");
        byte[] bytes = html.toString().getBytes(StandardCharsets.UTF_8);

        PageContent page = PageExtractor.extract(bytes, null, PageFixtures.PAGE, PageWatchOptions.defaults());

        assertThat(page.blocks()).hasSize(PageWatchOptions.DEFAULT_MAX_BLOCKS);
        assertThat(page.warnings()).anyMatch(w -> w.contains("cut at 5000 blocks"));
        PageContent small = PageExtractor.extract(bytes, null, PageFixtures.PAGE, PageWatchOptions.defaults().withMaxBlocks(10));
        assertThat(small.blocks()).hasSize(10);
        assertThat(small.hash()).as("cutting is deterministic").isEqualTo(
                PageExtractor.extract(bytes, null, PageFixtures.PAGE, PageWatchOptions.defaults().withMaxBlocks(10)).hash());
    }
}
