package dev.liaison.sources.sphinxspecs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Decoding fetched bytes: well-formed UTF-8 passes silently, anything else is reported. */
class PageTextTest {

    static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void wellFormedUtf8IsValid() {
        assertThat(PageText.validUtf8("plain ascii".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(PageText.validUtf8("¶ ’ € 𝄞 \uFFFD".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(PageText.decode("¶ ok".getBytes(StandardCharsets.UTF_8), Optional.empty()))
                .isEqualTo(new PageText.Decoded("¶ ok", null));
    }

    @Test
    void malformedUtf8IsNot() {
        assertThat(PageText.validUtf8(bytes('a', 0xe9, 'b'))).as("a Latin-1 byte").isFalse();
        assertThat(PageText.validUtf8(bytes('a', 0xe2, 0x82))).as("cut at the end").isFalse();
        assertThat(PageText.validUtf8(bytes(0xc0, 0x80))).as("overlong").isFalse();
        assertThat(PageText.validUtf8(bytes(0xed, 0xa0, 0x80))).as("surrogate").isFalse();
        assertThat(PageText.validUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).as("above U+10FFFF").isFalse();
        assertThat(PageText.validUtf8(bytes(0x80))).as("lone continuation").isFalse();
        PageText.Decoded d = PageText.decode(bytes('a', 0xe9, 'b', 0xef, 0xbf, 0xbd), Optional.empty());
        assertThat(d.text()).isEqualTo("a\uFFFDb\uFFFD");
        assertThat(d.warning()).isEqualTo("not valid UTF-8: 1 undecodable byte sequence(s) replaced with U+FFFD");
    }

    @Test
    void everyMalformedSequenceIsReportedAndAGenuineReplacementCharacterIsNot() {
        int[][] malformed = {{'a', 0xe9, 'b'}, {'a', 0xe2, 0x82}, {0xc0, 0x80}, {0xed, 0xa0, 0x80}, {0xf4, 0x90, 0x80, 0x80},
                {0x80}, {0xe0, 0x80, 0x80}, {0xf8, 0x88, 0x80, 0x80, 0x80}};
        for (int[] m : malformed) {
            byte[] b = bytes(m);
            assertThat(PageText.validUtf8(b)).isFalse();
            assertThat(PageText.decode(b, Optional.empty()).warning()).as(java.util.Arrays.toString(m)).startsWith("not valid UTF-8");
        }
        byte[] genuine = "x \uFFFD y 𝄞".getBytes(StandardCharsets.UTF_8);
        assertThat(PageText.validUtf8(genuine)).isTrue();
        assertThat(PageText.decode(genuine, Optional.empty())).isEqualTo(new PageText.Decoded("x \uFFFD y 𝄞", null));
    }

    @Test
    void aMetaCharsetIsSniffedWhenTheServerSaysNothing() {
        byte[] latin1 = "<html><head><meta charset=\"iso-8859-1\"></head><body>café</body></html>".getBytes(StandardCharsets.ISO_8859_1);
        PageText.Decoded d = PageText.decode(latin1, Optional.empty());
        assertThat(d.text()).contains("café");
        assertThat(d.warning()).isNull();
    }

    @Test
    void aPageIsCompleteOnlyWithItsClosingHtmlTag() {
        assertThat(PageText.complete("<html><body>x</body></html>\n")).isTrue();
        assertThat(PageText.complete("<HTML><body>x</body></HTML>")).isTrue();
        assertThat(PageText.complete("<html><body>x</bo")).isFalse();
    }
}
