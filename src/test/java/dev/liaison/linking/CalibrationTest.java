package dev.liaison.linking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liaison.story.Link;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    static final String TABLE = """
            # kind, from, judged, right
            mentioned-phrase\t0\t22\t1
            via\t0\t9\t7

            similar\t0\t90\t15
            similar\t0.30\t22\t19
            """;

    @Test
    void aLinksConfidenceIsTheShareJudgedRightInItsBand() {
        Calibration c = Calibration.parse(TABLE);
        assertThat(c.confidence(Link.SIMILAR, 0.15, 0.15)).isEqualTo(0.17); // (15+1)/(90+2)
        assertThat(c.confidence(Link.SIMILAR, 0.30, 0.30)).isEqualTo(0.83); // (19+1)/(22+2)
        assertThat(c.confidence(Link.SIMILAR, 0.49, 0.49)).isEqualTo(0.83);
        assertThat(c.confidence(Link.VIA, 0, 0.6)).isEqualTo(0.73);
        assertThat(c.confidence("mentioned-phrase", 0, 0.35)).isEqualTo(0.08);
        assertThat(c.confidence(Link.DECLARED, 0, 0.95)).as("not measured: the fixed value").isEqualTo(0.95);
        assertThat(c.maxConfidence(Link.SIMILAR, 0.5)).isEqualTo(0.83);
    }

    @Test
    void theScoreASuggestionNeedsToBeShownIsWhereTheBandsReachTheShare() {
        Calibration c = Calibration.parse(TABLE);
        assertThat(c.minScore(Link.SIMILAR, 0.5)).isEqualTo(0.30);
        assertThat(c.minScore(Link.SIMILAR, 0.1)).isEqualTo(0.0);
        assertThat(c.minScore(Link.SIMILAR, 0.9)).as("no band is that good").isInfinite();
        assertThat(c.minScore(Link.DECLARED, 0.9)).as("not calibrated: no bar").isZero();
        // a good band below a bad one does not count: every band from the bar up must reach it
        Calibration dip = Calibration.parse("similar\t0\t10\t9\nsimilar\t0.2\t10\t1\nsimilar\t0.3\t10\t9\n");
        assertThat(dip.minScore(Link.SIMILAR, 0.5)).isEqualTo(0.3);
    }

    @Test
    void theShippedTableLoadsAndEveryShownSimilarBandIsMoreOftenRightThanWrong() {
        Calibration c = Calibration.standard();
        double bar = c.minScore(Link.SIMILAR, Linker.MIN_SHOWN_CONFIDENCE);
        assertThat(bar).isBetween(0.12, 0.5);
        assertThat(c.confidence(Link.SIMILAR, bar, 0)).isGreaterThanOrEqualTo(0.5);
        assertThat(c.confidence(Link.SIMILAR, bar - 0.01, 0)).isLessThan(0.5);
    }

    @Test
    void aBrokenTableIsRefusedWithTheLineThatIsWrong() {
        assertThatThrownBy(() -> Calibration.parse("similar\t0\t10\n")).hasMessageContaining("line 1").hasMessageContaining("4 fields");
        assertThatThrownBy(() -> Calibration.parse("# x\nsimilar\t0\t10\t11\n")).hasMessageContaining("line 2").hasMessageContaining("0..10");
        assertThatThrownBy(() -> Calibration.parse("similar\tlow\t10\t1\n")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> Calibration.parse("similar\t0\t-1\t0\n")).hasMessageContaining("line 1");
        assertThat(Calibration.parse("").confidence(Link.SIMILAR, 0.3, 0.3)).as("empty: nothing calibrated").isEqualTo(0.3);
        assertThat(Calibration.parse("\uFEFF# bom\r\nvia\t0\t9\t7\r\n").confidence(Link.VIA, 0, 0.6)).as("CRLF, BOM").isEqualTo(0.73);
    }
}
