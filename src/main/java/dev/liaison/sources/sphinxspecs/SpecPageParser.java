package dev.liaison.sources.sphinxspecs;

import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Reads one Sphinx spec page into a {@code spec} item: title, sections as text, the blueprint(s)
 * its first paragraph cites, and every reference in it. Handles both markups Sphinx has written
 * ({@code <section>} and {@code <div class="section">}) and finds the content in
 * {@code div.body[role=main]} (alabaster and most themes), {@code div.docs-body}
 * (openstackdocstheme) or a generic main element; theme chrome around or inside it (navigation,
 * sidebars, scripts, permalink marks, "updated" stamps) never reaches the item. Plain Java:
 * no Camel, no store.
 */
final class SpecPageParser {

    static final String KIND = "spec";

    /** Theme chrome that some themes put inside the content element: skipped with all it holds. */
    private static final Set<String> CHROME_TAGS = Set.of("script", "style", "noscript", "template", "nav", "header",
            "footer", "form", "iframe", "svg", "button", "input", "select", "object", "embed");
    private static final Set<String> CHROME_CLASSES = Set.of("headerlink", "sphinxsidebar", "related", "docs-sidebar",
            "docs-actions", "docs-byline", "docs-updated", "rst-footer-buttons", "wy-nav-side", "breadcrumb", "breadcrumbs",
            "sourcelink", "footer", "navbar", "docs-license");
    private static final Set<String> BLOCKS = Set.of("p", "div", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr",
            "blockquote", "section", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "caption",
            "thead", "tbody", "aside", "details", "summary", "hr", "address");
    private static final Pattern BLUEPRINT = Pattern.compile(
            "https?://(?:blueprints\\.)?launchpad\\.net/([A-Za-z0-9+._-]+)/\\+spec/([A-Za-z0-9][A-Za-z0-9+._-]*[A-Za-z0-9])");
    private static final Pattern REFRESH_URL = Pattern.compile("(?i)^\\s*\\d*\\s*[;,]?\\s*url\\s*=\\s*['\"]?([^'\"]+)['\"]?\\s*$");

    private SpecPageParser() {}

    /**
     * Parses a fetched page. {@code where} is the page's place on the site (its release, state
     * and name give the item id and status); {@code url} the address it was fetched from.
     */
    static SpecPage parse(byte[] body, Optional<Charset> declared, URI url, SiteLayout.SpecLocation where,
                          SiteLayout layout, String sourceId) {
        if (body == null || body.length == 0) {
            return new SpecPage.Failure("empty page");
        }
        PageText.Decoded decoded = PageText.decode(body, declared);
        String html = decoded.text();
        if (!PageText.complete(html)) {
            return new SpecPage.Failure("page is truncated (no </html> at its end, " + body.length
                    + " bytes): not stored, fetched again next poll");
        }
        Document doc = Jsoup.parse(html, url.toString());
        Landmarks marks = Landmarks.of(doc);
        Element refresh = marks.refresh;
        if (refresh != null) {
            Matcher m = REFRESH_URL.matcher(refresh.attr("content"));
            if (!m.matches()) {
                return new SpecPage.Failure("redirect stub without a usable url: " + shorten(refresh.attr("content")));
            }
            try {
                return new SpecPage.Redirect(SiteLayout.clean(url.resolve(m.group(1).trim())));
            } catch (IllegalArgumentException e) {
                return new SpecPage.Failure("redirect stub to a malformed url: " + shorten(m.group(1)));
            }
        }
        Element root = marks.content();
        if (root == null) {
            root = doc.body();
        }
        Walk walk = new Walk(root);
        NodeTraversor.filter(walk, root);
        List<SectionText> sections = walk.finish();
        SectionText top = sections.stream().filter(s -> s.heading != null && !s.heading.isBlank()).findFirst().orElse(null);
        if (top == null) {
            return new SpecPage.Failure("no heading in the page content: not a spec page", true);
        }
        String title = top.heading;
        String project = layout.project();
        String id = where.id(project);

        StringBuilder text = new StringBuilder();
        List<Map<String, Object>> sectionAttrs = new ArrayList<>();
        for (SectionText s : sections) {
            String body1 = s.text();
            if ((s.heading == null || s.heading.isBlank()) && body1.isEmpty()) {
                continue;
            }
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            int start = text.length();
            if (s.heading != null && !s.heading.isBlank()) {
                text.append(s.heading).append('\n');
            }
            int bodyStart = text.length();
            text.append(body1);
            if (text.length() > Item.MAX_TEXT_CHARS) {
                break; // the item keeps this much text; sections past it would point nowhere
            }
            // Sections point into the item text (heading, then body) rather than copying it.
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("anchor", s.anchor == null ? "" : s.anchor);
            a.put("heading", s.heading == null ? "" : s.heading);
            a.put("level", s.level);
            a.put("start", start);
            a.put("textStart", bodyStart);
            a.put("end", text.length());
            sectionAttrs.add(a);
        }
        String fullText = text.toString();

        // The blueprint(s) the spec is about: those its introduction cites, else any it links.
        Set<String> blueprints = blueprintsIn(top.links, top.text());
        if (blueprints.isEmpty()) {
            List<String> all = new ArrayList<>();
            sections.forEach(s -> all.addAll(s.links));
            blueprints = blueprintsIn(all, fullText);
        }

        List<String> hrefs = new ArrayList<>();
        sections.forEach(s -> hrefs.addAll(s.links));
        Map<String, Ref> refs = new LinkedHashMap<>();
        for (Ref r : ReferenceExtractor.extract(candidateLines(fullText) + String.join("\n", new LinkedHashSet<>(hrefs)), project)) {
            if (!r.target().equals(id)) {
                refs.putIfAbsent(r.target(), r);
            }
        }
        for (String href : hrefs) {
            try {
                layout.spec(URI.create(href)).ifPresent(loc -> {
                    String target = loc.id(project);
                    if (!target.equals(id)) {
                        refs.putIfAbsent(target, new Ref(Ref.SPEC, target, Ref.CITES, href));
                    }
                });
            } catch (IllegalArgumentException ignored) {
                // a malformed href is no reference
            }
        }

        Item item = Item.builder(id, KIND)
                .source(sourceId)
                .project(project)
                .url(url.toString())
                .title(title)
                .text(fullText)
                .status(where.state(), where.state())
                .release(where.release())
                .refs(new ArrayList<>(refs.values()))
                .attribute("name", where.name())
                .attribute("state", where.state())
                .attribute("blueprints", List.copyOf(blueprints))
                .attribute("sections", sectionAttrs)
                .attribute("deliverable", where.deliverable())
                .build();
        List<String> warnings = decoded.warning() == null ? List.of() : List.of(decoded.warning());
        return new SpecPage.Spec(item, warnings);
    }

    /**
     * Every reference pattern of {@link ReferenceExtractor} needs one of these words (in any case);
     * searching only the lines (paragraphs) that hold one gives the same references for a fraction
     * of the work. Story references too ({@code User-Story: x}, "user story x", {@code story/x},
     * story URLs in openstack-user-stories or product-wg), so the item's refs are all its refs.
     */
    private static final String[] REFERENCE_WORDS = {"bug", "lp", "blueprint", "bp/", "launchpad", "specs",
            "review", "lists.openstack", "story", "stories", "product-wg"};

    /** The lines of the text that may hold a reference, in order, each ending with a newline. */
    static String candidateLines(String text) {
        int n = text.length();
        // Lower case for ASCII letters only, char for char (the patterns match ASCII words only).
        char[] lower = new char[n];
        text.getChars(0, n, lower, 0);
        for (int i = 0; i < n; i++) {
            char c = lower[i];
            if (c >= 'A' && c <= 'Z') {
                lower[i] = (char) (c + ('a' - 'A'));
            }
        }
        // One pass: a line that holds a word is kept whole, and the search goes on after it.
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (int i = 0; i < n; i++) {
            char c = lower[i];
            if (c == '\n') {
                lineStart = i + 1;
                continue;
            }
            if (c >= 128 || WORDS_BY_FIRST[c] == null || !anyStartsAt(lower, i, WORDS_BY_FIRST[c])) {
                continue;
            }
            while (i < n && lower[i] != '\n') {
                i++;
            }
            out.append(text, lineStart, i).append('\n');
            lineStart = i + 1;
        }
        return out.toString();
    }

    /** {@link #REFERENCE_WORDS} by their first letter. */
    private static final String[][] WORDS_BY_FIRST = new String[128][];

    static {
        for (String w : REFERENCE_WORDS) {
            String[] before = WORDS_BY_FIRST[w.charAt(0)];
            String[] now = before == null ? new String[1] : java.util.Arrays.copyOf(before, before.length + 1);
            now[now.length - 1] = w;
            WORDS_BY_FIRST[w.charAt(0)] = now;
        }
    }

    private static boolean anyStartsAt(char[] text, int at, String[] words) {
        for (String w : words) {
            int len = w.length();
            if (at + len > text.length) {
                continue;
            }
            int k = 1;
            while (k < len && text[at + k] == w.charAt(k)) {
                k++;
            }
            if (k == len) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> blueprintsIn(List<String> links, String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : links) {
            Matcher m = BLUEPRINT.matcher(s);
            if (m.find()) {
                out.add("bp:" + m.group(1).toLowerCase(Locale.ROOT) + "/" + m.group(2));
            }
        }
        if (!out.isEmpty()) {
            return out; // a link's target is whole; text may wrap a long URL across lines
        }
        Matcher m = BLUEPRINT.matcher(text);
        while (m.find()) {
            out.add("bp:" + m.group(1).toLowerCase(Locale.ROOT) + "/" + m.group(2));
        }
        return out;
    }

    private static String shorten(String s) {
        String t = s.replaceAll("[\\r\\n]+", " ");
        return t.length() > 120 ? t.substring(0, 120) + "…" : t;
    }

    /**
     * What the parser looks for before reading the content, found in one pass over the page: a
     * redirect stub's {@code <meta http-equiv="refresh" content>}, and where themes put the
     * document body, most specific first: {@code div.body[role=main]} (alabaster and most themes),
     * {@code div.docs-body} (openstackdocstheme), {@code div[role=main]}, {@code main},
     * {@code article[role=main]}, {@code article}, {@code div.document}, {@code div.body}. Each is
     * the first such element in document order, as a CSS {@code selectFirst} gives it.
     */
    static final class Landmarks implements NodeVisitor {
        static final int CANDIDATES = 8;
        Element refresh;
        final Element[] content = new Element[CANDIDATES];

        static Landmarks of(Document doc) {
            Landmarks marks = new Landmarks();
            NodeTraversor.traverse(marks, doc);
            return marks;
        }

        /** The most specific content element found, or null. */
        Element content() {
            for (Element e : content) {
                if (e != null) {
                    return e;
                }
            }
            return null;
        }

        @Override
        public void head(Node node, int depth) {
            if (!(node instanceof Element e)) {
                return;
            }
            String name = e.normalName();
            switch (name) {
                case "meta" -> {
                    if (refresh == null && e.attr("http-equiv").equalsIgnoreCase("refresh") && e.hasAttr("content")) {
                        refresh = e;
                    }
                }
                case "div" -> {
                    boolean main = roleMain(e);
                    if (e.hasClass("body")) {
                        if (main) {
                            first(0, e);
                        }
                        first(7, e);
                    }
                    if (e.hasClass("docs-body")) {
                        first(1, e);
                    }
                    if (main) {
                        first(2, e);
                    }
                    if (e.hasClass("document")) {
                        first(6, e);
                    }
                }
                case "main" -> first(3, e);
                case "article" -> {
                    if (roleMain(e)) {
                        first(4, e);
                    }
                    first(5, e);
                }
                default -> { }
            }
        }

        private void first(int candidate, Element e) {
            if (content[candidate] == null) {
                content[candidate] = e;
            }
        }

        /** {@code [role=main]} as CSS matches it: the value trimmed, in any case. */
        private static boolean roleMain(Element e) {
            return e.hasAttr("role") && e.attr("role").trim().equalsIgnoreCase("main");
        }
    }

    /** One section's heading, own text (without its subsections) and the links in it. */
    static final class SectionText {
        final Element element;
        final String anchor;
        String heading;
        int level;
        final StringBuilder sb = new StringBuilder();
        final List<String> links = new ArrayList<>();

        SectionText(Element element, String anchor) {
            this.element = element;
            this.anchor = anchor;
        }

        /** A list item has begun: its bullet is written with its first word. */
        boolean bullet;

        void words(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c) || c == '\u00a0') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) != ' ' && sb.charAt(len - 1) != '\n') {
                        sb.append(' ');
                    }
                } else {
                    if (bullet) {
                        int len = sb.length();
                        if (len > 0 && sb.charAt(len - 1) == ' ') {
                            sb.setLength(len - 1);
                        }
                        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
                            sb.append('\n');
                        }
                        sb.append("- ");
                        bullet = false;
                    }
                    sb.append(c);
                }
            }
        }

        void newline() {
            if (bullet) {
                return;
            }
            int len = sb.length();
            while (len > 0 && sb.charAt(len - 1) == ' ') {
                sb.setLength(--len);
            }
            if (len > 0 && sb.charAt(len - 1) != '\n') {
                sb.append('\n');
            }
        }

        void raw(String s) {
            bullet = false;
            newline();
            sb.append(s.strip()).append('\n');
        }

        String text() {
            return sb.toString().strip().replaceAll("\n{3,}", "\n\n");
        }
    }

    /** One pass over the content: text into the innermost section, headings to their section. */
    private static final class Walk implements NodeFilter {
        private final List<SectionText> sections = new ArrayList<>();
        private final Deque<SectionText> stack = new ArrayDeque<>();

        Walk(Element root) {
            SectionText preamble = new SectionText(root, null);
            sections.add(preamble);
            stack.push(preamble);
        }

        private static boolean isChrome(Element e) {
            if (CHROME_TAGS.contains(e.normalName())) {
                return true;
            }
            String role = e.attr("role");
            if (role.equals("navigation") || role.equals("search")) {
                return true;
            }
            String cls = e.className();
            if (cls.isEmpty()) {
                return false;
            }
            if (cls.indexOf(' ') < 0) {
                return CHROME_CLASSES.contains(cls);
            }
            for (String c : cls.split(" ")) {
                if (CHROME_CLASSES.contains(c)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean isSection(Element e) {
            return e.nameIs("section") || (e.nameIs("div") && e.hasClass("section"));
        }

        private static int headingLevel(Element e) {
            String n = e.normalName();
            return n.length() == 2 && n.charAt(0) == 'h' && n.charAt(1) >= '1' && n.charAt(1) <= '6' ? n.charAt(1) - '0' : 0;
        }

        @Override
        public FilterResult head(Node node, int depth) {
            SectionText top = stack.peek();
            if (node instanceof TextNode t) {
                top.words(t.getWholeText()); // words() collapses the whitespace itself
                return FilterResult.CONTINUE;
            }
            if (!(node instanceof Element e)) {
                return FilterResult.CONTINUE;
            }
            if (isChrome(e)) {
                return FilterResult.SKIP_ENTIRELY;
            }
            if (depth > 0 && isSection(e)) {
                SectionText s = new SectionText(e, e.id().isEmpty() ? null : e.id());
                sections.add(s);
                stack.push(s);
                return FilterResult.CONTINUE;
            }
            int level = headingLevel(e);
            if (level > 0) {
                if (top.heading == null && (e.parent() == top.element || stack.size() == 1)) {
                    if (stack.size() == 1 && !top.sb.isEmpty()) {
                        // A heading outside any section element (themes without them) starts one.
                        SectionText s = new SectionText(e, e.id().isEmpty() ? null : e.id());
                        sections.add(s);
                        stack.pop();
                        stack.push(s);
                        top = s;
                    }
                    top.heading = headingText(e);
                    top.level = level;
                    collectLinks(e, top);
                    return FilterResult.SKIP_ENTIRELY;
                }
                if (stack.size() == 1) {
                    SectionText s = new SectionText(e, e.id().isEmpty() ? null : e.id());
                    s.heading = headingText(e);
                    s.level = level;
                    sections.add(s);
                    stack.pop();
                    stack.push(s);
                    collectLinks(e, s);
                    return FilterResult.SKIP_ENTIRELY;
                }
            }
            if (e.nameIs("pre")) {
                top.raw(e.wholeText());
                collectLinks(e, top);
                return FilterResult.SKIP_ENTIRELY;
            }
            if (e.nameIs("a")) {
                String href = href(e);
                if (!href.isEmpty() && !href.startsWith("javascript:")) {
                    top.links.add(href);
                }
            } else if (e.nameIs("br")) {
                top.newline();
            } else if (BLOCKS.contains(e.normalName())) {
                top.newline();
                if (e.nameIs("li")) {
                    top.bullet = true;
                }
            } else if (e.nameIs("td") || e.nameIs("th")) {
                top.words(" | ");
            }
            return FilterResult.CONTINUE;
        }

        /**
         * A link's absolute target; absolute http(s) links as written (resolving them costs more than
         * parsing); empty for a link within the page ("#anchor": every heading's permalink), which
         * can name no other spec, blueprint or reference.
         */
        private static String href(Element a) {
            String raw = a.attr("href").strip();
            if (raw.startsWith("#")) {
                return "";
            }
            if ((raw.startsWith("https://") || raw.startsWith("http://")) && raw.indexOf(' ') < 0 && raw.indexOf('\n') < 0) {
                return raw;
            }
            return a.absUrl("href");
        }

        /** A heading's words, without permalink marks and other chrome inside it. */
        private static String headingText(Element h) {
            SectionText t = new SectionText(h, null);
            NodeTraversor.filter(new NodeFilter() {
                @Override
                public FilterResult head(Node node, int depth) {
                    if (node instanceof TextNode tn) {
                        t.words(tn.text());
                    } else if (node instanceof Element el && depth > 0 && isChrome(el)) {
                        return FilterResult.SKIP_ENTIRELY;
                    }
                    return FilterResult.CONTINUE;
                }

                @Override
                public FilterResult tail(Node node, int depth) {
                    return FilterResult.CONTINUE;
                }
            }, h);
            return t.sb.toString().strip();
        }

        private static void collectLinks(Element e, SectionText into) {
            for (Element a : e.getElementsByTag("a")) {
                String href = a.hasAttr("href") ? href(a) : "";
                if (!href.isEmpty()) {
                    into.links.add(href);
                }
            }
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (node instanceof Element e) {
                if (depth > 0 && isSection(e) && stack.size() > 1 && stack.peek().element == e) {
                    stack.pop();
                } else if (BLOCKS.contains(e.normalName())) {
                    stack.peek().newline();
                }
            }
            return FilterResult.CONTINUE;
        }

        List<SectionText> finish() {
            return sections;
        }
    }
}
