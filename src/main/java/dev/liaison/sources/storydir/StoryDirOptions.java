package dev.liaison.sources.storydir;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import java.nio.file.Path;
import java.util.List;

/** The options of a {@code story-dir} source, typed, with their defaults in one place. */
record StoryDirOptions(Path path, int maxFiles) {

    static final int MAX_FILES = 5000;

    /** What sources.yaml may set, with these defaults (checked when the file is read). */
    static List<OptionSpec> specs() {
        return List.of(
                new OptionSpec("path", "The directory of story files (read recursively).", null, true,
                        v -> v instanceof String s && !s.isBlank(), "a directory path"),
                OptionSpec.integer("max-files", "Story files read at most per poll; more is an error.", MAX_FILES, 1, 100_000));
    }

    /** A source's options (already checked against {@link #specs()}), defaults filled in. */
    static StoryDirOptions of(SourceConfig source) {
        return new StoryDirOptions(Path.of(source.option("path", ".")), source.intOption("max-files", MAX_FILES));
    }
}
