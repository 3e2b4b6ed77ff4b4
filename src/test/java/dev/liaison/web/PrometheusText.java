package dev.liaison.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for tests: every line
 * is a HELP or TYPE comment, a sample, or blank; names and labels follow the grammar; values are
 * floats; every sample belongs to a declared family of a known type. Throws on the first
 * violation with the line number.
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME.pattern() + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME.pattern() + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME.pattern() + ")(\\{(.*)\\})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final Set<String> SUFFIXES = Set.of("_total", "_count", "_sum", "_bucket", "_created", "_max");

    private PrometheusText() {}

    static List<Sample> parse(String text) {
        Map<String, String> types = new HashMap<>();
        List<Sample> samples = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher t = TYPE.matcher(line);
                if (t.matches()) {
                    if (types.put(t.group(1), t.group(2)) != null) {
                        throw new IllegalArgumentException("line " + n + ": TYPE declared twice for " + t.group(1));
                    }
                } else if (!HELP.matcher(line).matches() && !line.startsWith("# EOF")) {
                    throw new IllegalArgumentException("line " + n + ": bad comment: " + line);
                }
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            if (!s.matches()) {
                throw new IllegalArgumentException("line " + n + ": not a sample: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (s.group(3) != null && !s.group(3).isEmpty()) {
                Matcher l = LABEL.matcher(s.group(3));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2));
                    end = l.end();
                }
                if (end != s.group(3).length()) {
                    throw new IllegalArgumentException("line " + n + ": bad labels: " + s.group(3));
                }
            }
            double value;
            String v = s.group(4);
            switch (v) {
                case "+Inf" -> value = Double.POSITIVE_INFINITY;
                case "-Inf" -> value = Double.NEGATIVE_INFINITY;
                case "NaN" -> value = Double.NaN;
                default -> {
                    try {
                        value = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("line " + n + ": bad value: " + v);
                    }
                }
            }
            String name = s.group(1);
            if (!types.containsKey(name) && SUFFIXES.stream().noneMatch(x -> name.endsWith(x) && types.containsKey(name.substring(0, name.length() - x.length())))) {
                throw new IllegalArgumentException("line " + n + ": sample of undeclared family: " + name);
            }
            samples.add(new Sample(name, labels, value));
        }
        return samples;
    }
}
