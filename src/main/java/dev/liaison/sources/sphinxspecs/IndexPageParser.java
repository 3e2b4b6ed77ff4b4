package dev.liaison.sources.sphinxspecs;

import java.net.URI;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Reads an index page (the site root, a release or state index): the other indexes it links, the
 * spec pages it lists and, for each spec page, what the index says about it where its path says
 * nothing (the latest headings before the link: "Implemented specifications", "2025.1 (Epoxy)",
 * "Back-log of ideas"). Also counts the documents it lists that are no spec page of a known
 * layout, so a site whose layout nobody foresaw is reported rather than silently empty.
 */
final class IndexPageParser {

    /** What an index says about a spec page it lists: a state and a release series, each may be null. */
    record Hint(String state, String series) {
        static final Hint NONE = new Hint(null, null);
    }

    /**
     * The links of one index page that matter: other indexes, spec pages (with the index's hint for
     * each), and the other documents below the root it lists (pages that are neither).
     */
    record Links(List<URI> indexes, Map<URI, Hint> specHints, List<URI> others) {
        List<URI> specs() {
            return List.copyOf(specHints.keySet());
        }
    }

    private static final Pattern SERIES_NUMBER = Pattern.compile("\\b(20\\d\\d\\.\\d)\\b");
    private static final Pattern WORD = Pattern.compile("[a-z]+");

    private IndexPageParser() {}

    static Links parse(byte[] body, Optional<Charset> declared, URI url, SiteLayout layout) {
        String html = PageText.decode(body, declared).text();
        Document doc = Jsoup.parse(html, url.toString());
        Set<URI> indexes = new LinkedHashSet<>();
        Map<URI, Hint> specs = new LinkedHashMap<>();
        Set<URI> others = new LinkedHashSet<>();
        // Headings and links in document order: a link's hint is what the latest headings before it
        // said (real index pages do not always nest their sections as they look: keystone's
        // "Implemented" heading is a subsection of the part before the specs it introduces).
        String state = null;
        String series = null;
        for (Element e : doc.select("h1, h2, h3, h4, h5, h6, a[href]")) {
            if (!e.nameIs("a")) {
                if (inSidebar(e)) {
                    continue;
                }
                String text = e.text().toLowerCase(Locale.ROOT);
                String s = stateIn(text);
                state = s != null ? s : state;
                String r = seriesIn(text);
                series = r != null ? r : series;
                continue;
            }
            String href = e.absUrl("href");
            if (href.isEmpty()) {
                continue;
            }
            URI target;
            try {
                target = SiteLayout.clean(URI.create(href));
            } catch (IllegalArgumentException ex) {
                continue;
            }
            if (layout.isIndex(target)) {
                if (!target.equals(SiteLayout.clean(url)) && !layout.relative(target).orElse("").isEmpty()) {
                    indexes.add(target);
                }
            } else if (layout.spec(target).isPresent()) {
                Hint hint = inSidebar(e) ? Hint.NONE : new Hint(state, series);
                Hint before = specs.get(target);
                if (before == null || before.equals(Hint.NONE)) {
                    specs.put(target, hint);
                }
            } else if (layout.isDocument(target) && !inSidebar(e)) {
                others.add(target);
            }
        }
        return new Links(List.copyOf(indexes), specs, List.copyOf(others));
    }

    private static boolean inSidebar(Element a) {
        for (Element e = a.parent(); e != null; e = e.parent()) {
            if (e.hasClass("docs-sidebar") || e.hasClass("sphinxsidebar") || e.nameIs("nav")) {
                return true;
            }
        }
        return false;
    }

    /** The release series a heading names ("2025.1 (Epoxy)", "Xena"), or null. */
    static String seriesIn(String heading) {
        Matcher m = SERIES_NUMBER.matcher(heading);
        if (m.find()) {
            return m.group(1);
        }
        Matcher w = WORD.matcher(heading);
        while (w.find()) {
            if (SiteLayout.SERIES.contains(w.group())) {
                return w.group();
            }
        }
        return null;
    }

    static String stateIn(String heading) {
        if (heading.contains("not implemented") || heading.contains("not-implemented")) {
            return "approved";
        }
        if (heading.contains("implemented") || heading.contains("completed")) {
            return "implemented";
        }
        if (heading.contains("backlog") || heading.contains("back-log")) {
            return "backlog";
        }
        if (heading.contains("abandoned") || heading.contains("retired") || heading.contains("superseded")) {
            return "abandoned";
        }
        if (heading.contains("approved")) {
            return "approved";
        }
        return null;
    }
}
