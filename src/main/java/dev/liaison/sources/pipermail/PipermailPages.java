package dev.liaison.sources.pipermail;

import dev.liaison.sources.mail.MailParseException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Month;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;

/**
 * Parsers for the pages GNU Mailman 2.1's pipermail writes: the list's table of contents, a
 * month's thread or date index, and one message page. Plain Java over text; no fetching.
 */
public final class PipermailPages {

    private static final Pattern MONTH_LABEL = Pattern.compile("^(\\d{4})-([A-Z][a-z]+)$");
    private static final Pattern ENTRY = Pattern.compile(
            "(?is)<!--\\s*(\\d+)\\s+(\\S*)\\s*-->|<A\\s+HREF=\"?(\\d{6,})\\.html\"?\\s*>(.*?)</A>(?:\\s*<A\\s+NAME=\"?[^\">]*\"?\\s*>.*?</A>\\s*<I>(.*?)</I>)?");
    private static final Pattern BEGIN = Pattern.compile("(?i)<!--\\s*beginarticle\\s*-->");
    private static final Pattern END = Pattern.compile("(?i)<!--\\s*endarticle\\s*-->");
    private static final Pattern IN_REPLY_TO = Pattern.compile("(?i)In-Reply-To=([^\"&>\\s]+)");
    private static final Pattern SCRUBBED = Pattern.compile("(?m)^-{5,} next part -{5,}\\s*$");
    private static final Pattern ATTACHMENT_URL = Pattern.compile("URL: <?(\\S+?/attachments/\\S+?)>?\\s*$", Pattern.MULTILINE);

    private static final Pattern H1 = Pattern.compile("(?is)<h1[^>]*>(.*?)(?:</h1>|<(?:b|i|a|p|hr|ul)\\b)");
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern BOLD = Pattern.compile("(?is)</h1>.*?<b[^>]*>(.*?)(?:</b>|<(?:a|i|br|p)\\b)");
    private static final Pattern MAILTO = Pattern.compile("(?is)<a\\s[^>]*href=\"mailto:[^>]*>(.*?)(?:</a>|<(?:br|i|p)\\b)");
    private static final Pattern NOT_IN_MESSAGE_ID = Pattern.compile("[\\s<>]");
    private static final Pattern TAGS = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern SPACES = Pattern.compile("[\\s\\u00a0]+");
    private static final Pattern PRE = Pattern.compile("(?i)</?pre[^>]*>");
    private static final Pattern LEADING_NEWLINES = Pattern.compile("^\\n+");
    private static final Pattern TRAILING_SPACE = Pattern.compile("\\s+$");
    private static final Pattern TEXT_ARCHIVE = Pattern.compile("^(\\d{4}-[A-Z][a-z]+)\\.txt(\\.gz)?$");
    private static final Pattern ITALIC = Pattern.compile("(?is)<i[^>]*>(.*?)(?:</i>|<(?:p|ul|li|hr|br)\\b)");

    private PipermailPages() {}

    private static String firstText(Pattern p, String html) {
        Matcher m = p.matcher(html);
        return m.find() ? text(m.group(1)) : "";
    }

    /** A month of the archive as the table of contents lists it. */
    public record MonthEntry(String label, YearMonth month, String textArchive) {}

    /** One message line of a month index: number, subject, author, thread depth (0 = a thread start). */
    public record IndexEntry(String number, String subject, String author, int depth) {}

    /** A message page's content. {@code messageId} comes from the page's reply link; may be empty. */
    public record Article(String subject, String authorName, String address, String date, String messageId,
                          String body, List<String> attachmentUrls) {}

    /** {@code 2015-August} as a month, if it is one. */
    public static Optional<YearMonth> month(String label) {
        Matcher m = MONTH_LABEL.matcher(label);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Month month = Month.valueOf(m.group(2).toUpperCase(Locale.ROOT));
            return Optional.of(YearMonth.of(Integer.parseInt(m.group(1)), month));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The label pipermail uses for a month: {@code 2015-August}. */
    public static String label(YearMonth month) {
        return month.getYear() + "-" + month.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }

    /** The months the table of contents links, newest first as pipermail lists them. */
    public static List<MonthEntry> toc(String html) {
        Document doc = Jsoup.parse(html);
        Map<String, MonthEntry> months = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (Element a : doc.select("a[href]")) {
            String href = a.attr("href").trim();
            Matcher txt = TEXT_ARCHIVE.matcher(href);
            if (txt.matches()) {
                texts.putIfAbsent(txt.group(1), href);
                continue;
            }
            int slash = href.indexOf('/');
            if (slash <= 0 || !href.substring(slash + 1).matches("(thread|date|subject|author)\\.html")) {
                continue;
            }
            String label = href.substring(0, slash);
            month(label).ifPresent(ym -> months.putIfAbsent(label, new MonthEntry(label, ym, null)));
        }
        List<MonthEntry> out = new ArrayList<>();
        months.values().forEach(m -> out.add(new MonthEntry(m.label(), m.month(), texts.get(m.label()))));
        return out;
    }

    /**
     * The messages of a month index. In {@code thread.html} each entry carries its nesting depth
     * from the {@code <!--depth threadkey-->} comment before it; in other indexes depth is 0.
     */
    public static List<IndexEntry> index(String html) {
        List<IndexEntry> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(html);
        int depth = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (m.find()) {
            if (m.group(1) != null) {
                try {
                    depth = Math.min(Integer.parseInt(m.group(1)), 1000);
                } catch (NumberFormatException e) {
                    depth = 0;
                }
                continue;
            }
            String number = m.group(3);
            if (!seen.add(number)) {
                continue;
            }
            out.add(new IndexEntry(number, text(m.group(4)), m.group(5) == null ? "" : text(m.group(5)), depth));
            depth = 0;
        }
        return out;
    }

    private static String text(String htmlFragment) {
        String noTags = htmlFragment.indexOf('<') < 0 ? htmlFragment : TAGS.matcher(htmlFragment).replaceAll("");
        return SPACES.matcher(Parser.unescapeEntities(noTags, false)).replaceAll(" ").trim();
    }

    /** A message page; throws when the page is not one (no article markers, no subject). */
    public static Article article(String html) throws MailParseException {
        Matcher b = BEGIN.matcher(html);
        if (!b.find()) {
            throw new MailParseException("not a pipermail message page: no <!--beginarticle--> marker");
        }
        Matcher e = END.matcher(html);
        String bodyHtml = e.find(b.end()) ? html.substring(b.end(), e.start()) : html.substring(b.end());
        String head = html.substring(0, b.start());
        String subject = firstText(H1, head);
        if (subject.isBlank()) {
            subject = firstText(TITLE, head);
        }
        String author = firstText(BOLD, head);
        String address = firstText(MAILTO, head);
        String date = firstText(ITALIC, head);
        String messageId = "";
        Matcher irt = IN_REPLY_TO.matcher(head);
        if (irt.find()) {
            try {
                messageId = URLDecoder.decode(irt.group(1).replace("+", "%2B"), StandardCharsets.UTF_8).trim();
            } catch (IllegalArgumentException ex) {
                messageId = "";
            }
            if (messageId.startsWith("<") && messageId.endsWith(">")) {
                messageId = messageId.substring(1, messageId.length() - 1);
            }
            if (messageId.length() > 500 || NOT_IN_MESSAGE_ID.matcher(messageId).find()) {
                messageId = "";
            }
        }
        String text = Parser.unescapeEntities(TAGS.matcher(PRE.matcher(bodyHtml).replaceAll("")).replaceAll(""), false)
                .replace("\r\n", "\n");
        List<String> attachments = new ArrayList<>();
        Matcher s = SCRUBBED.matcher(text);
        if (s.find()) {
            String tail = text.substring(s.start());
            Matcher u = ATTACHMENT_URL.matcher(tail);
            while (u.find()) {
                attachments.add(u.group(1));
            }
            text = text.substring(0, s.start());
        }
        text = TRAILING_SPACE.matcher(LEADING_NEWLINES.matcher(text).replaceAll("")).replaceAll("") + "\n";
        return new Article(subject, author, address, date, messageId, text, attachments);
    }

    /** The archive page of a message: {@code <base>/<YYYY-Month>/<NNNNNN>.html}. */
    public static URI messageUrl(URI listBase, String label, String number) {
        return listBase.resolve(label + "/" + number + ".html");
    }
}
