package dev.liaison.sources.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MailTextTest {

    @Test
    void readsRfc2822AndPipermailDatesKeepingTheirZone() {
        MailDate rfc = MailDate.parse("Tue, 17 Jul 2012 00:30:43 -0700").orElseThrow();
        assertThat(rfc.instant()).isEqualTo(Instant.parse("2012-07-17T07:30:43Z"));
        assertThat(rfc.offset()).isEqualTo(ZoneOffset.ofHours(-7));

        MailDate ctime = MailDate.parse("Thu Mar  2 22:46:56 UTC 2017").orElseThrow();
        assertThat(ctime.instant()).isEqualTo(Instant.parse("2017-03-02T22:46:56Z"));
        assertThat(ctime.note()).isEmpty();

        MailDate cest = MailDate.parse("Tue Aug 11 22:08:35 CEST 2015").orElseThrow();
        assertThat(cest.instant()).isEqualTo(Instant.parse("2015-08-11T20:08:35Z"));
        assertThat(cest.offset()).isEqualTo(ZoneOffset.ofHours(2));

        MailDate commented = MailDate.parse("Fri,  6 Apr 2007 15:43:55 -0700 (PDT)").orElseThrow();
        assertThat(commented.instant()).isEqualTo(Instant.parse("2007-04-06T22:43:55Z"));

        MailDate noWeekday = MailDate.parse("6 Apr 07 15:43 GMT").orElseThrow();
        assertThat(noWeekday.instant()).isEqualTo(Instant.parse("2007-04-06T15:43:00Z"));
    }

    @Test
    void anImpossibleOffsetFallsBackToTheZoneNameAndSaysSo() {
        MailDate d = MailDate.parse("Tue, 30 Nov 1999 23:56:33 -3000 (CST)").orElseThrow();
        assertThat(d.offset()).isEqualTo(ZoneOffset.ofHours(-6));
        assertThat(d.note()).contains("invalid offset -3000");
        MailDate unknown = MailDate.parse("Thu Mar  2 22:46:56 XYZT 2017").orElseThrow();
        assertThat(unknown.offset()).isEqualTo(ZoneOffset.UTC);
        assertThat(unknown.note()).contains("unknown time zone XYZT");
    }

    @Test
    void garbageIsNoDate() {
        assertThat(MailDate.parse("\u00bc\u00f6, 27 6 2001 15:23:36")).isEmpty();
        assertThat(MailDate.parse("")).isEmpty();
        assertThat(MailDate.parse(null)).isEmpty();
        assertThat(MailDate.parse("Tue, 31 Feb 2015 10:00:00 +0000")).isEmpty();
    }

    @Test
    void subjectLosesTheListPrefixAndKeepsTopicTags() {
        Subject s = Subject.of("Re: [openstack-dev] [nova][ptg] Freeze dates for Pike", List.of("openstack-dev"));
        assertThat(s.title()).isEqualTo("Re: [nova][ptg] Freeze dates for Pike");
        assertThat(s.tags()).containsExactly("nova", "ptg");
        assertThat(s.key()).isEqualTo("freeze dates for pike");

        Subject product = Subject.of("[Product] Nova and the Product Working Group", List.of("product-wg"));
        assertThat(product.title()).isEqualTo("[Product] Nova and the Product Working Group");
        assertThat(product.tags()).containsExactly("product");

        Subject noSpace = Subject.of("[MM3-users]New Mailman 3 users list", List.of("mm3-users"));
        assertThat(noSpace.title()).isEqualTo("New Mailman 3 users list");
        assertThat(noSpace.tags()).isEmpty();
    }

    @Test
    void subjectWithCrLfBecomesOneLine() {
        Subject s = Subject.of("[nova] first line\r\n second line\r\nBcc: victim@example.com", List.of());
        assertThat(s.title()).doesNotContain("\r").doesNotContain("\n");
        assertThat(s.title()).isEqualTo("[nova] first line second line Bcc: victim@example.com");
        assertThat(Subject.isReply("[nova] Re: x")).isTrue();
        assertThat(Subject.isReply("Regarding x")).isFalse();
    }

    @Test
    void sendersInEveryArchiveForm() {
        assertThat(Sender.parse("sorlando at nicira.com (Salvatore Orlando)"))
                .isEqualTo(new Sender("Salvatore Orlando", "sorlando@nicira.com"));
        assertThat(Sender.parse("\"Some One\" <zzz@CSE.unl.edu>")).isEqualTo(new Sender("Some One", "zzz@cse.unl.edu"));
        assertThat(Sender.parse(". <user@example.com>")).isEqualTo(new Sender("", "user@example.com"));
        assertThat(Sender.parse("user@example.com")).isEqualTo(new Sender("", "user@example.com"));
        assertThat(Sender.deobfuscate("john at johngarbutt.com")).isEqualTo("john@johngarbutt.com");
        assertThat(Sender.deobfuscate("jane (a) example.org")).isEqualTo("jane@example.org");
        assertThat(Sender.parse("Evil\r\nBcc: x@y <a@b.c>").name()).doesNotContain("\n");
    }

    @Test
    void quotedTextIsMarkedWithItsAttribution() {
        String body = "Something like that.\n\nOn 11 August 2015 at 22:16, Shamail Tahir <itzshamail at gmail.com> wrote:\n"
                + "> Hi everyone,\n>\n>> deeper\nMy answer.\n-----Original Message-----\nFrom: someone\nold text";
        List<List<Integer>> q = Quoting.quotedRanges(body);
        assertThat(q).containsExactly(List.of(2, 5), List.of(7, 9));
        assertThat(Quoting.unquoted(body, q)).contains("Something like that.", "My answer.").doesNotContain("Hi everyone", "old text");
    }

    @Test
    void quotingMarksTheSameLinesWhateverTheirSpacing() {
        // quote markers after up to three spaces (four are not a quote), attributions ending in a
        // colon with trailing spaces or a tab, folded over two lines, a separator with spaces
        String body = "   > three spaces\n"          // 0 quoted
                + "    > four spaces\n"              // 1 not quoted
                + "\t> a tab\n"                      // 2 quoted
                + "On Monday, someone\n"              // 3 attribution, first line
                + "wrote:  \t\n"                     // 4 attribution
                + "\n"                                // 5
                + ">quoted\n"                         // 6 quoted
                + "He wrote: nothing\n"               // 7 not an attribution (text after the colon)
                + "> again\n"                         // 8 quoted
                + "Ends with a colon:\n"              // 9 not an attribution: no quote follows
                + "plain\n"                           // 10
                + "  ---- original message ---- \n"   // 11 separator: the rest is quoted
                + "tail";                             // 12
        assertThat(Quoting.quotedRanges(body)).containsExactly(List.of(0, 0), List.of(2, 4), List.of(6, 6), List.of(8, 8),
                List.of(11, 12));
        assertThat(Quoting.quotedRanges("no quotes at all:\nnone")).isEmpty();
        assertThat(Quoting.quotedRanges("")).isEmpty();
    }
}
