package dev.liaison.sources.pagewatch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.Elements;
import org.jsoup.select.Selector;

/**
 * Turns the bytes of a fetched page into {@link PageContent}: finds the content (the configured
 * CSS selector, or where Sphinx themes put it), drops chrome (scripts, navigation, permalinks,
 * forms, "last updated" stamps), and walks it into headings, paragraphs, list items and table
 * rows with their links. Whitespace, Unicode forms and theme markup (section vs div.section,
 * paragraphs inside cells) do not change the result, so the same source rendered by another
 * theme gives the same blocks and the same hash. Plain Java; the input is untrusted.
 */
final class PageExtractor {

    static final int MAX_BLOCK_CHARS = 10_000;
    static final int MAX_TOTAL_CHARS = 1_000_000;

    private static final Set<String> SKIP_TAGS = Set.of("script", "style", "noscript", "template", "iframe", "object",
            "embed", "nav", "footer", "form", "button", "input", "select", "textarea", "svg", "canvas", "head", "link", "meta");
    private static final String SKIP_CSS = "[role=navigation], [role=search], [hidden], .headerlink, .sphinxsidebar, "
            + ".related, .docs-sidebar, .sidebar-toggle, .copybutton";
    private static final Set<String> INLINE = Set.of("a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn",
            "em", "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
            "tt", "img", "wbr", "del", "ins", "font", "big", "label", "strike", "acronym");
    private static final Set<String> LEAF_BLOCKS = Set.of("p", "pre", "dt", "dd", "caption", "figcaption", "address",
            "blockquote", "td", "th", "summary");
    private static final Set<String> LISTS = Set.of("ul", "ol", "dl", "menu");
    /** Stops inline collection at any block element (see Inline.collect). */
    private static final Set<String> BLOCK_TAGS = Set.of("*block*");
    private static final Set<String> NESTED_STRUCTURE = Set.of("ul", "ol", "dl", "menu", "table");

    private PageExtractor() {}

    /**
     * Extracts one version of a page. {@code declaredCharset} is the charset from Content-Type
     * (null: the page's own declaration or UTF-8).
     */
    static PageContent extract(byte[] body, Charset declaredCharset, URI url, PageWatchOptions options) throws PageException {
        if (body == null || body.length == 0) {
            throw new PageException("empty body");
        }
        if (looksTruncated(body)) {
            throw new PageException("the page looks truncated: it opens <html> but never closes it");
        }
        declaredCharset = effectiveCharset(body, declaredCharset);
        Document doc;
        try {
            doc = Jsoup.parse(new ByteArrayInputStream(body), declaredCharset == null ? null : declaredCharset.name(), url.toString());
        } catch (IOException | RuntimeException e) {
            throw new PageException("not readable as HTML: " + e.getMessage());
        }
        List<Element> roots = contentRoots(doc, options);
        if (roots.isEmpty()) {
            throw new PageException("no element matches the content selector '" + options.selector() + "'");
        }
        for (Element root : roots) {
            root.select(SKIP_CSS).remove();
            if (options.exclude() != null) {
                root.select(options.exclude()).remove();
            }
        }
        Walker w = new Walker(url, options);
        for (Element root : roots) {
            w.container(root);
        }
        if (w.blocks.isEmpty()) {
            throw new PageException("the content ('" + (options.selector() == null ? w.describeRoot(roots.get(0)) : options.selector())
                    + "') has no text");
        }
        String title = title(w.blocks, doc);
        List<String> warnings = new ArrayList<>(w.warnings);
        long bad = w.blocks.stream().mapToLong(b -> b.line().chars().filter(c -> c == '\uFFFD').count()).sum();
        if (bad > 0) {
            warnings.add(bad + " character(s) not valid in the page's charset ("
                    + (declaredCharset == null ? doc.charset().name() : declaredCharset.name()) + ") were replaced");
        }
        return new PageContent(title, w.blocks, warnings);
    }

    private static final java.util.regex.Pattern META_CHARSET =
            java.util.regex.Pattern.compile("(?i)<meta[^>]+charset\\s*=\\s*[\"']?[A-Za-z0-9_.:-]+");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /**
     * The charset to read the page with. Declared in Content-Type: that one, except that
     * ISO-8859-1 and US-ASCII mean windows-1252 (the HTML rule; pages use its quotes and dashes).
     * Declared nowhere (no header, no {@code <meta charset>}, no byte-order mark): UTF-8 when the
     * bytes are valid UTF-8, otherwise windows-1252, the usual encoding of such pages, rather than
     * a page of U+FFFD. Null leaves the choice to the page's own declaration.
     */
    static Charset effectiveCharset(byte[] body, Charset declared) {
        if (declared != null) {
            String name = declared.name().toLowerCase(java.util.Locale.ROOT);
            return name.equals("iso-8859-1") || name.equals("us-ascii") ? WINDOWS_1252 : declared;
        }
        boolean bom = body.length >= 2 && ((body[0] == (byte) 0xEF && body.length >= 3 && body[1] == (byte) 0xBB)
                || (body[0] == (byte) 0xFE && body[1] == (byte) 0xFF) || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE));
        String head = new String(body, 0, Math.min(body.length, 4096), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (bom || META_CHARSET.matcher(head).find()) {
            return null;
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body));
            return java.nio.charset.StandardCharsets.UTF_8;
        } catch (java.nio.charset.CharacterCodingException e) {
            return WINDOWS_1252;
        }
    }

    static void validateSelector(String css) {
        Selector.evaluatorOf(css);
    }

    private static boolean looksTruncated(byte[] body) {
        int open = indexOfIgnoreCase(body, "<html", 0, Math.min(body.length, 4096));
        return open >= 0 && indexOfIgnoreCase(body, "</html", open, body.length) < 0;
    }

    private static int indexOfIgnoreCase(byte[] hay, String needle, int from, int to) {
        int n = needle.length();
        outer:
        for (int i = from; i <= to - n; i++) {
            for (int j = 0; j < n; j++) {
                int c = hay[i + j];
                if (c >= 'A' && c <= 'Z') {
                    c += 32;
                }
                if (c != needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static List<Element> contentRoots(Document doc, PageWatchOptions options) throws PageException {
        if (options.selector() == null) {
            for (String css : PageWatchOptions.SPHINX_CONTENT) {
                Element e = doc.selectFirst(css);
                if (e != null) {
                    return List.of(e);
                }
            }
            return List.of();
        }
        Elements found;
        try {
            found = doc.select(options.selector());
        } catch (Selector.SelectorParseException e) {
            throw new PageException("the content selector '" + options.selector() + "' is not valid CSS: " + e.getMessage());
        }
        // Keep the outermost matches only, so nested matches are not read twice.
        Set<Element> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(found);
        List<Element> out = new ArrayList<>();
        for (Element e : found) {
            boolean nested = false;
            for (Element p : e.parents()) {
                if (seen.contains(p)) {
                    nested = true;
                    break;
                }
            }
            if (!nested) {
                out.add(e);
            }
        }
        return out;
    }

    private static String title(List<Block> blocks, Document doc) {
        for (Block b : blocks) {
            if (b.type() == Block.Type.HEADING && b.level() == 1) {
                return b.text();
            }
        }
        for (Block b : blocks) {
            if (b.type() == Block.Type.HEADING) {
                return b.text();
            }
        }
        String t = normalise(doc.title());
        for (String sep : new String[] {" \u2014 ", " | ", " - "}) {
            int i = t.indexOf(sep);
            if (i > 0) {
                return t.substring(0, i);
            }
        }
        return t;
    }

    /** Whitespace collapsed, compatibility forms folded, invisible characters and pilcrows gone. */
    static String normalise(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        String n = Normalizer.normalize(s, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(n.length());
        boolean space = false;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '\u200B' || c == '\u200C' || c == '\u200D' || c == '\uFEFF' || c == '\u00AD' || c == '\u00B6') {
                continue;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Walks the content in document order and collects blocks. */
    private static final class Walker {
        final URI page;
        final PageWatchOptions options;
        final List<Block> blocks = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        String section = "";
        int listDepth;
        long totalChars;
        boolean full;

        Walker(URI page, PageWatchOptions options) {
            this.page = page;
            this.options = options;
        }

        String describeRoot(Element e) {
            return e.normalName() + (e.className().isBlank() ? "" : "." + e.className().trim().replace(' ', '.'));
        }

        void container(Element el) {
            Inline run = new Inline();
            for (Node child : el.childNodes()) {
                if (full) {
                    return;
                }
                if (child instanceof TextNode t) {
                    run.text.append(t.getWholeText());
                } else if (child instanceof Element e) {
                    if (skip(e)) {
                        continue;
                    }
                    if (INLINE.contains(e.normalName()) && !hasBlock(e)) {
                        run.collect(e, Set.of(), this);
                    } else {
                        emitParagraph(run);
                        run = new Inline();
                        block(e);
                    }
                }
            }
            emitParagraph(run);
        }

        void block(Element e) {
            String tag = e.normalName();
            if (tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6') {
                // Broken markup can put blocks inside a heading (<h1>Title<p>text): the heading is its
                // inline part, the blocks are read after it.
                Inline in = new Inline().collect(e, BLOCK_TAGS, this);
                String text = in.normalised();
                if (!text.isEmpty()) {
                    section = text;
                    add(new Block(Block.Type.HEADING, tag.charAt(1) - '0', section, text, null, in.links()));
                }
                for (Element child : e.children()) {
                    if (!skip(child) && !INLINE.contains(child.normalName())) {
                        block(child);
                    }
                }
            } else if (tag.equals("li")) {
                Inline in = new Inline().collect(e, NESTED_STRUCTURE, this);
                add(new Block(Block.Type.ITEM, Math.max(1, listDepth), section, in.normalised(), null, in.links()));
                for (Element nested : e.select("ul, ol, dl, menu, table")) {
                    if (closestStructure(nested, e)) {
                        block(nested);
                    }
                }
            } else if (LISTS.contains(tag)) {
                listDepth++;
                container(e);
                listDepth--;
            } else if (tag.equals("table")) {
                table(e);
            } else if (tag.equals("tr")) {
                row(e);
            } else if (LEAF_BLOCKS.contains(tag) && !hasBlock(e)) {
                emitParagraph(new Inline().collect(e, Set.of(), this));
            } else {
                container(e);
            }
        }

        /** True when {@code nested}'s nearest list/table ancestor below {@code li} is none (it belongs to li directly). */
        private static boolean closestStructure(Element nested, Element li) {
            for (Element p = nested.parent(); p != null && p != li; p = p.parent()) {
                if (NESTED_STRUCTURE.contains(p.normalName()) || p.normalName().equals("li")) {
                    return false;
                }
            }
            return true;
        }

        void table(Element table) {
            for (Element child : table.select("tr")) {
                Element owner = child.closest("table");
                if (owner == table) {
                    row(child);
                }
            }
            Element caption = table.selectFirst("caption");
            if (caption != null && caption.closest("table") == table) {
                emitParagraph(new Inline().collect(caption, Set.of(), this));
            }
        }

        void row(Element tr) {
            List<String> cells = new ArrayList<>();
            LinkedHashSet<String> links = new LinkedHashSet<>();
            for (Element cell : tr.children()) {
                String t = cell.normalName();
                if (!t.equals("td") && !t.equals("th")) {
                    continue;
                }
                Inline in = new Inline().collect(cell, Set.of(), this);
                cells.add(cap(in.normalised()));
                links.addAll(in.links);
            }
            if (cells.stream().allMatch(String::isEmpty)) {
                return;
            }
            add(new Block(Block.Type.ROW, 0, section, String.join(" | ", cells), cells, List.copyOf(links)));
        }

        void emitParagraph(Inline run) {
            String text = run.normalised();
            if (text.isEmpty()) {
                return;
            }
            add(new Block(Block.Type.PARAGRAPH, 0, section, text, null, run.links()));
        }

        void add(Block b) {
            if (full) {
                return;
            }
            if (b.type() != Block.Type.ROW && b.text().isEmpty()) {
                return;
            }
            if (b.type() != Block.Type.HEADING && options.ignore() != null && options.ignore().matcher(b.text()).matches()) {
                return;
            }
            if (b.text().length() > MAX_BLOCK_CHARS) {
                b = new Block(b.type(), b.level(), b.section(), cap(b.text()), b.cells(), b.links());
                warnings.add("a block longer than " + MAX_BLOCK_CHARS + " characters was cut");
            }
            if (blocks.size() >= options.maxBlocks() || totalChars + b.text().length() > MAX_TOTAL_CHARS) {
                full = true;
                warnings.add("the content was cut at " + blocks.size() + " blocks (limits: max-blocks "
                        + options.maxBlocks() + ", " + MAX_TOTAL_CHARS + " characters)");
                return;
            }
            totalChars += b.text().length();
            blocks.add(b);
        }

        private static String cap(String s) {
            return s.length() > MAX_BLOCK_CHARS ? s.substring(0, MAX_BLOCK_CHARS) : s;
        }

        static boolean skip(Element e) {
            return SKIP_TAGS.contains(e.normalName());
        }

        static boolean hasBlock(Element e) {
            for (Element c : e.children()) {
                if (skip(c)) {
                    continue;
                }
                if (!INLINE.contains(c.normalName()) || hasBlock(c)) {
                    return true;
                }
            }
            return false;
        }

        /** A link as stored: absolute, without same-page anchors; null when it is not worth keeping. */
        String link(Element a) {
            String href = a.attr("href").trim();
            if (href.isEmpty() || href.startsWith("#") || href.toLowerCase(Locale.ROOT).startsWith("javascript:")) {
                return null;
            }
            String abs = a.absUrl("href");
            if (abs.isEmpty()) {
                return null;
            }
            int hash = abs.indexOf('#');
            String base = hash >= 0 ? abs.substring(0, hash) : abs;
            String self = page.toString();
            int selfHash = self.indexOf('#');
            if (base.equals(selfHash >= 0 ? self.substring(0, selfHash) : self)) {
                return null;
            }
            return abs.length() > 2000 ? abs.substring(0, 2000) : abs;
        }
    }

    /** Text and links of inline content, with block children read as separate runs of words. */
    private static final class Inline {
        final StringBuilder text = new StringBuilder();
        final LinkedHashSet<String> links = new LinkedHashSet<>();

        Inline collect(Element e, Set<String> stop, Walker w) {
            if (e.normalName().equals("a")) {
                String l = w.link(e);
                if (l != null) {
                    links.add(l);
                }
            }
            for (Node child : e.childNodes()) {
                if (text.length() > MAX_BLOCK_CHARS * 2) {
                    return this;
                }
                if (child instanceof TextNode t) {
                    text.append(t.getWholeText());
                } else if (child instanceof Element c) {
                    String tag = c.normalName();
                    if (Walker.skip(c) || stop.contains(tag) || (stop == BLOCK_TAGS && !INLINE.contains(tag))) {
                        continue;
                    }
                    boolean block = !INLINE.contains(tag);
                    if (block || tag.equals("br")) {
                        text.append(' ');
                    }
                    collect(c, stop, w);
                    if (block) {
                        text.append(' ');
                    }
                }
            }
            return this;
        }

        String normalised() {
            return normalise(text.toString());
        }

        List<String> links() {
            return List.copyOf(links);
        }
    }
}
