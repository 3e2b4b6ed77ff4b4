package dev.liaison.sources.pagewatch;

import java.util.ArrayList;
import java.util.List;

/** A plain unified diff (three lines of context) of two lists of lines. */
final class UnifiedDiff {

    static final int CONTEXT = 3;
    static final int MAX_CHARS = 64_000;
    /** Above this many cells the middle is shown as all removed then all added. */
    static final long MAX_CELLS = 2_000_000L;

    private UnifiedDiff() {}

    private record Op(char kind, String line, int oldNo, int newNo) {}

    static String diff(List<String> a, List<String> b, String fromLabel, String toLabel) {
        List<Op> ops = ops(a, b);
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(fromLabel).append('\n').append("+++ ").append(toLabel).append('\n');
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).kind == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            // extend the hunk while changes are within 2*CONTEXT of each other
            int lastChange = i;
            for (int j = i; j < ops.size(); j++) {
                if (ops.get(j).kind != ' ') {
                    lastChange = j;
                } else if (j - lastChange > 2 * CONTEXT) {
                    break;
                }
            }
            int end = Math.min(ops.size() - 1, lastChange + CONTEXT);
            int oldStart = 0, newStart = 0, oldLen = 0, newLen = 0;
            boolean first = true;
            for (int k = start; k <= end; k++) {
                Op op = ops.get(k);
                if (first) {
                    oldStart = op.oldNo;
                    newStart = op.newNo;
                    first = false;
                }
                if (op.kind != '+') {
                    oldLen++;
                }
                if (op.kind != '-') {
                    newLen++;
                }
            }
            out.append("@@ -").append(range(oldStart, oldLen)).append(" +").append(range(newStart, newLen)).append(" @@\n");
            for (int k = start; k <= end; k++) {
                Op op = ops.get(k);
                out.append(op.kind).append(op.line).append('\n');
                if (out.length() > MAX_CHARS) {
                    return out.substring(0, MAX_CHARS) + "\n[diff cut at " + MAX_CHARS + " characters]\n";
                }
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static String range(int start, int len) {
        // start is the 1-based number of the first line; unified diff uses start-1 for empty ranges
        return len == 0 ? (start - 1) + ",0" : len == 1 ? String.valueOf(start) : start + "," + len;
    }

    private static List<Op> ops(List<String> a, List<String> b) {
        int pre = 0;
        while (pre < a.size() && pre < b.size() && a.get(pre).equals(b.get(pre))) {
            pre++;
        }
        int suf = 0;
        while (suf < a.size() - pre && suf < b.size() - pre
                && a.get(a.size() - 1 - suf).equals(b.get(b.size() - 1 - suf))) {
            suf++;
        }
        List<Op> ops = new ArrayList<>(a.size() + b.size());
        for (int k = 0; k < pre; k++) {
            ops.add(new Op(' ', a.get(k), k + 1, k + 1));
        }
        int n = a.size() - pre - suf;
        int m = b.size() - pre - suf;
        if ((long) n * m > MAX_CELLS) {
            for (int k = 0; k < n; k++) {
                ops.add(new Op('-', a.get(pre + k), pre + k + 1, pre + 1));
            }
            for (int k = 0; k < m; k++) {
                ops.add(new Op('+', b.get(pre + k), pre + n + 1, pre + k + 1));
            }
        } else {
            int[][] lcs = new int[n + 1][m + 1];
            for (int x = n - 1; x >= 0; x--) {
                for (int y = m - 1; y >= 0; y--) {
                    lcs[x][y] = a.get(pre + x).equals(b.get(pre + y)) ? lcs[x + 1][y + 1] + 1 : Math.max(lcs[x + 1][y], lcs[x][y + 1]);
                }
            }
            int x = 0, y = 0;
            while (x < n || y < m) {
                if (x < n && y < m && a.get(pre + x).equals(b.get(pre + y))) {
                    ops.add(new Op(' ', a.get(pre + x), pre + x + 1, pre + y + 1));
                    x++;
                    y++;
                } else if (x < n && (y == m || lcs[x + 1][y] >= lcs[x][y + 1])) {
                    ops.add(new Op('-', a.get(pre + x), pre + x + 1, pre + y + 1));
                    x++;
                } else {
                    ops.add(new Op('+', b.get(pre + y), pre + x + 1, pre + y + 1));
                    y++;
                }
            }
        }
        for (int k = 0; k < suf; k++) {
            int ai = a.size() - suf + k;
            int bi = b.size() - suf + k;
            ops.add(new Op(' ', a.get(ai), ai + 1, bi + 1));
        }
        return ops;
    }
}
