package dev.liaison.sources.pipermail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.sources.mail.HtmlText;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PipermailPagesTest {

    static final Path PWG = Path.of("src/test/resources/fixtures/pipermail/product-wg");

    static String read(String rel) throws IOException {
        return Files.readString(PWG.resolve(rel));
    }

    @Test
    void tableOfContentsListsMonthsAndTheirTextArchives() throws IOException {
        var months = PipermailPages.toc(read("index.html"));
        assertThat(months).extracting(PipermailPages.MonthEntry::label)
                .containsExactly("2015-September", "2015-August", "2015-July");
        assertThat(months.get(1).month()).isEqualTo(YearMonth.of(2015, 8));
        assertThat(months.get(1).textArchive()).isEqualTo("2015-August.txt.gz");
        assertThat(PipermailPages.label(YearMonth.of(2015, 12))).isEqualTo("2015-December");
        assertThat(PipermailPages.month("2015-Smarch")).isEmpty();
    }

    @Test
    void threadIndexGivesNestingDepth() throws IOException {
        var entries = PipermailPages.index(read("2015-August/thread.html"));
        assertThat(entries).extracting(PipermailPages.IndexEntry::number)
                .containsExactly("000190", "000191", "000195", "000198", "000193");
        assertThat(entries).extracting(PipermailPages.IndexEntry::depth).containsExactly(0, 1, 2, 3, 0);
        assertThat(entries.get(2).author()).isEqualTo("Barrett, Carol L");
        assertThat(entries.get(0).subject()).isEqualTo("[Product] Nova and the Product Working Group");
        var byDate = PipermailPages.index(read("2015-August/date.html"));
        assertThat(byDate).extracting(PipermailPages.IndexEntry::depth).containsOnly(0);
        assertThat(byDate).hasSize(5);
    }

    @Test
    void realProductWgMessagePage() throws Exception {
        var a = PipermailPages.article(read("2015-August/000198.html"));
        assertThat(a.subject()).isEqualTo("Re: [Product] Nova and the Product Working Group");
        assertThat(a.authorName()).isEqualTo("John Garbutt");
        assertThat(a.address()).isEqualTo("john at johngarbutt.com");
        assertThat(a.date()).isEqualTo("Tue Aug 11 22:08:35 UTC 2015");
        assertThat(a.messageId()).isEqualTo("CABib2_real-pwg-198@mail.gmail.com");
        assertThat(a.body()).startsWith("On 11 August 2015 at 22:16, Shamail Tahir <itzshamail at gmail.com> wrote:\n> Hi everyone,")
                .contains("Q: I know feature B, C and D are high priority, but how could we make")
                .doesNotContain("&gt;", "<A HREF", "More information about");
    }

    @Test
    void unclosedTagsAndMissingMarkers() throws Exception {
        String page = read("2015-August/000191.html")
                .replace("</PRE>", "").replace("</B>", "").replace("</I>", "").replace("<!--endarticle-->", "");
        var a = PipermailPages.article(page);
        assertThat(a.body()).contains("Thank you for reaching out!");
        assertThat(a.subject()).isEqualTo("Re: [Product] Nova and the Product Working Group");
        assertThatThrownBy(() -> PipermailPages.article("<html><body><h1>Service unavailable</h1></body></html>"))
                .hasMessageContaining("no <!--beginarticle--> marker");
        assertThat(PipermailPages.index("<html><body><ul><li><A HREF=\"000001.html\">half")).isEmpty();
    }

    @Test
    void aPageWithoutADateStillReads() throws Exception {
        String page = read("2015-August/000191.html").replace("<I>Fri Aug  7 15:33:40 UTC 2015</I>", "");
        var a = PipermailPages.article(page);
        assertThat(a.date()).isEmpty();
    }

    @Test
    void charsetsDeclaredOrNot() throws Exception {
        String template = "<html><head>%s</head><body><h1>Caf\u00e9 \u201cquoted\u201d</h1><!--beginarticle--><PRE>na\u00efve</PRE><!--endarticle--></body></html>";
        Charset cp1252 = Charset.forName("windows-1252");
        byte[] latin1Declared = template.formatted("<META http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">").getBytes(cp1252);
        byte[] cp1252Undeclared = template.formatted("").getBytes(cp1252);
        byte[] utf8Undeclared = template.formatted("").getBytes(StandardCharsets.UTF_8);
        byte[] cp1252Declared = template.formatted("<meta charset=\"windows-1252\">").getBytes(cp1252);
        byte[] asciiDeclaredButUtf8 = template.formatted("<META http-equiv=\"Content-Type\" content=\"text/html; charset=us-ascii\">")
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] page : new byte[][] {latin1Declared, cp1252Undeclared, utf8Undeclared, cp1252Declared, asciiDeclaredButUtf8}) {
            var a = PipermailPages.article(HtmlText.decode(page, Optional.empty()));
            assertThat(a.subject()).isEqualTo("Caf\u00e9 \u201cquoted\u201d");
            assertThat(a.body()).isEqualTo("na\u00efve\n");
        }
        byte[] latin1 = template.formatted("").replace("\u201c", "\"").replace("\u201d", "\"").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(PipermailPages.article(HtmlText.decode(latin1, Optional.of(StandardCharsets.ISO_8859_1))).subject())
                .isEqualTo("Caf\u00e9 \"quoted\"");
    }

    @Test
    void truncatedTextArchiveKeepsTheCompleteMessages() throws IOException {
        byte[] gz = Files.readAllBytes(PWG.resolve("2015-August.txt.gz"));
        var whole = dev.liaison.sources.mail.Mbox.unpack(gz, "2015-August.txt.gz");
        assertThat(whole.truncated()).isFalse();
        assertThat(whole.messages()).hasSize(5);
        var cut = dev.liaison.sources.mail.Mbox.unpack(java.util.Arrays.copyOf(gz, gz.length * 2 / 3), "2015-August.txt.gz");
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.messages().size()).isBetween(1, 4);
        assertThatThrownBy(() -> dev.liaison.sources.mail.Mbox.unpack("not gzip".getBytes(StandardCharsets.US_ASCII), "x.txt.gz"))
                .hasMessageContaining("not gzip");
    }
}
