package dev.liaison.sources.pagewatch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The normalised content of one version of a watched page: its title, its blocks in document
 * order, and the hash of their normalised text (what decides whether the page changed).
 * {@code warnings} says what was wrong with the input but did not stop extraction (bytes not
 * valid in the page's charset, content cut at a limit).
 */
record PageContent(String title, List<Block> blocks, List<String> warnings) {

    PageContent {
        title = title == null ? "" : title;
        blocks = List.copyOf(blocks);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** The normalised text: one line per block. */
    List<String> lines() {
        return blocks.stream().map(Block::line).toList();
    }

    /** SHA-256 (first 128 bits, hex) of the normalised text; the title is a heading block already. */
    String hash() {
        return hash(blocks);
    }

    static String hash(List<Block> blocks) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Block b : blocks) {
                sha.update(b.line().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
