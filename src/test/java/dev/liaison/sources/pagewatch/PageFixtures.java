package dev.liaison.sources.pagewatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** The real priority-page history and a second theme to re-render it in. */
final class PageFixtures {

    static final Path DIR = Path.of("src/test/resources/fixtures/page-watch");
    static final URI PAGE = URI.create("https://specs.openstack.org/openstack/nova-specs/priorities/mitaka-priorities.html");

    private PageFixtures() {}

    /** One historical version: its file and the release page it is. */
    record Version(String file, String release) {
        String html() {
            return read("history/" + file);
        }
    }

    /** Every version of one release's page, oldest first (history.json order is date order). */
    static List<Version> history(String release) {
        List<Version> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR.resolve("history"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_" + release + "-priorities.html")).sorted()
                    .forEach(n -> out.add(new Version(n, release)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static String read(String name) {
        try {
            return Files.readString(DIR.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PageContent extract(String html) throws PageException {
        return PageExtractor.extract(html.getBytes(StandardCharsets.UTF_8), null, PAGE, PageWatchOptions.defaults());
    }

    /**
     * The same rendered content in openstackdocstheme chrome (the real specs.openstack.org page as
     * the frame): div.docs-body instead of div.body, div.section instead of section, other
     * navigation, scripts, footer, an "updated:" stamp with another date, and re-indented markup.
     */
    static String inDocsTheme(String alabasterHtml, String stamp) {
        Document frame = Jsoup.parse(read("sample-pages/openstackdocstheme-mitaka-priorities.html"));
        Document page = Jsoup.parse(alabasterHtml);
        Element content = page.selectFirst("div.body[role=main]");
        Element body = frame.selectFirst("div.docs-body");
        body.empty();
        body.appendElement("div").addClass("docs-updated").text("updated: " + stamp);
        body.append(content.html());
        for (Element s : body.select("section")) {
            s.tagName("div").addClass("section");
        }
        body.appendElement("script").text("var build = '" + stamp + "';");
        frame.title("OpenStack Docs: " + page.title());
        frame.outputSettings().prettyPrint(true).indentAmount(3);
        return frame.outerHtml();
    }
}
