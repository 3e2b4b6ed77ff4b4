package dev.liaison.sources.storydir;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.OptionSpec;
import dev.liaison.sources.PollContext;
import dev.liaison.sources.Poller;
import dev.liaison.sources.SourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code story-dir} kind: watches a local directory of user stories (RST laid out like the
 * Product WG repository, Markdown, YAML, JSON) and re-imports it when a file is added, changed or
 * removed. {@code url} says where the stories are published (it is never fetched); the option
 * {@code path} is the directory. The stories go to the stories collection; the linker picks up
 * the changed ones at its next run.
 */
public final class StoryDirKind implements SourceKind {

    public static final String NAME = "story-dir";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "user stories in a local directory (RST, Markdown, YAML, JSON), re-imported when files change";
    }

    @Override
    public List<OptionSpec> options() {
        return StoryDirOptions.specs();
    }

    @Override
    public List<Problem> validate(SourceConfig source) {
        List<Problem> problems = new ArrayList<>();
        Object path = source.options().get("path");
        if (path != null && !Files.isDirectory(Path.of(String.valueOf(path)))) {
            problems.add(new Problem("path", "'" + path + "' is not a directory"));
        }
        return problems;
    }

    @Override
    public Poller poller(SourceConfig source, PollContext context) {
        return new StoryDirPoller(source, context.store());
    }
}
