package dev.liaison.sources.sphinxspecs;

import java.net.URI;
import java.nio.charset.Charset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Reads the site root or a release index: the release indexes and spec pages it links to (below
 * the site root only; templates, search pages and other hosts are left out).
 */
final class IndexPageParser {

    /** The links of one index page that matter: other indexes and spec pages. */
    record Links(List<URI> indexes, List<URI> specs) {}

    private IndexPageParser() {}

    static Links parse(byte[] body, Optional<Charset> declared, URI url, SiteLayout layout) {
        String html = PageText.decode(body, declared).text();
        Document doc = Jsoup.parse(html, url.toString());
        Set<URI> indexes = new LinkedHashSet<>();
        Set<URI> specs = new LinkedHashSet<>();
        for (Element a : doc.select("a[href]")) {
            String href = a.absUrl("href");
            if (href.isEmpty()) {
                continue;
            }
            URI target;
            try {
                target = SiteLayout.clean(URI.create(href));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (layout.spec(target).isPresent()) {
                specs.add(target);
            } else if (layout.isIndex(target) && layout.relative(target).map(r -> r.startsWith("specs/")).orElse(false)) {
                indexes.add(target);
            }
        }
        return new Links(List.copyOf(indexes), List.copyOf(specs));
    }
}
