package dev.liaison.linking;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a link's confidence means: the measured share of links of its kind (and, for a similar
 * link, of its score band) that a person judged right. Read from {@code calibration.tsv} next to
 * this class, which says where its counts came from. A kind it does not list keeps the fixed
 * confidence the caller gives.
 */
public final class Calibration {

    /** One band: links of this kind scoring at least {@code from}, how many were judged and how many were right. */
    public record Band(String kind, double from, int judged, int right) {
        /** The share judged right, pulled towards one half where few were judged ((right + 1) / (judged + 2)). */
        public double confidence() {
            return Math.round((right + 1.0) / (judged + 2.0) * 100) / 100.0;
        }
    }

    private final List<Band> bands;

    public Calibration(List<Band> bands) {
        List<Band> sorted = new ArrayList<>(bands);
        sorted.sort(Comparator.comparing(Band::kind).thenComparing(Comparator.comparingDouble(Band::from).reversed()));
        this.bands = List.copyOf(sorted);
    }

    /** The table shipped with Liaison. */
    public static Calibration standard() {
        try (InputStream in = Calibration.class.getResourceAsStream("calibration.tsv")) {
            if (in == null) {
                throw new IllegalStateException("calibration.tsv missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows "kind TAB from TAB judged TAB right"; lines starting with # and blank lines are skipped. */
    public static Calibration parse(String text) {
        List<Band> out = new ArrayList<>();
        int n = 0;
        for (String line : (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\t");
            try {
                if (f.length != 4) {
                    throw new IllegalArgumentException("4 fields expected");
                }
                int judged = Integer.parseInt(f[2].strip()), right = Integer.parseInt(f[3].strip());
                if (judged < 0 || right < 0 || right > judged) {
                    throw new IllegalArgumentException("right must be 0.." + judged);
                }
                out.add(new Band(f[0].strip(), Double.parseDouble(f[1].strip()), judged, right));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("calibration line " + n + " (" + l + "): " + e.getMessage(), e);
            }
        }
        return new Calibration(out);
    }

    /** The band of a kind a score falls in, or null when the kind is not calibrated. */
    public Band band(String kind, double score) {
        for (Band b : bands) {
            if (b.kind().equals(kind) && score >= b.from()) {
                return b;
            }
        }
        return null;
    }

    /** The measured confidence of a link of this kind and score; {@code fixed} when the kind is not calibrated. */
    public double confidence(String kind, double score, double fixed) {
        Band b = band(kind, score);
        return b == null ? fixed : b.confidence();
    }

    /**
     * The lowest score from which every band of a kind above it has at least this confidence: the
     * score a suggestion of this kind needs to be shown. 0 when the kind is not calibrated; above
     * every band (infinity) when no band reaches it.
     */
    public double minScore(String kind, double confidence) {
        double min = Double.POSITIVE_INFINITY;
        boolean any = false;
        for (Band b : bands) { // highest band first
            if (!b.kind().equals(kind)) {
                continue;
            }
            any = true;
            if (b.confidence() < confidence) {
                break;
            }
            min = b.from();
        }
        return any ? min : 0;
    }

    /** The highest confidence of a kind's bands (fixed when the kind is not calibrated). */
    public double maxConfidence(String kind, double fixed) {
        return bands.stream().filter(b -> b.kind().equals(kind)).mapToDouble(Band::confidence).max().orElse(fixed);
    }
}
