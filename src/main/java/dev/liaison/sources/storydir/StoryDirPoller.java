package dev.liaison.sources.storydir;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.PollRequest;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.Poller;
import dev.liaison.store.Store;
import dev.liaison.store.StoryStore;
import dev.liaison.story.Story;
import dev.liaison.story.StoryFormatException;
import dev.liaison.story.StoryParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One poll of a story directory: list the story files with their sizes and modification times;
 * when that listing is the one stored in the cursor, nothing was touched and nothing is read.
 * Otherwise every story file is parsed (files naming the same slug make one story) and the
 * stories are stored in one batch (unchanged ones are recognised by their hash and not written);
 * the cursor moves after that. A file that cannot be read is a recorded error, not a failed poll.
 */
final class StoryDirPoller implements Poller {

    private final SourceConfig source;
    private final Store store;
    private final StoryStore stories;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoryDirPoller.class);

    StoryDirPoller(SourceConfig source, Store store) {
        this.source = source;
        this.store = store;
        this.stories = new StoryStore(store);
    }

    @Override
    public void poll(PollRequest request, PollStats stats) throws IOException {
        StoryDirOptions options = StoryDirOptions.of(source);
        Path dir = options.path();
        if (!Files.isDirectory(dir)) {
            throw new IOException("story directory " + dir + " does not exist or is not a directory");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(p -> StoryParser.readable(p.getFileName().toString())).sorted().toList();
        }
        int max = options.maxFiles();
        if (files.size() > max) {
            throw new IOException(dir + " holds " + files.size() + " story files, more than max-files " + max);
        }
        String listing = fingerprint(dir, files);
        if (listing.equals(store.sourceState().cursorText(source.id(), "listing")) && !request.isBackfill()) {
            return;
        }
        List<Story> read = new ArrayList<>();
        String base = source.url().toString().replaceAll("/+$", "");
        for (Path f : files) {
            String rel = dir.relativize(f).toString().replace('\\', '/');
            try {
                List<Story> parsed = new ArrayList<>();
                for (Story s : StoryParser.parse(rel, Files.readAllBytes(f))) {
                    parsed.add(new Story(s.id(), s.title(), s.text(), s.state(), s.projects(), s.tags(), s.aliases(), s.owners(),
                            s.backers(), base + "/" + rel));
                }
                read.addAll(parsed);
            } catch (dev.liaison.story.NotAStoryException e) {
                LOG.debug("{}", e.getMessage()); // a README or a placeholder beside the stories: not an error
            } catch (StoryFormatException e) {
                stats.error(rel, e.getMessage());
            } catch (IOException e) {
                stats.error(rel, "cannot be read: " + e.getMessage());
            }
        }
        StoryStore.Result r = stories.upsert(StoryParser.consolidate(read), Instant.now());
        stats.itemsStored(r.created().size(), r.changed().size(), r.unchanged());
        store.sourceState().saveCursor(source.id(), java.util.Map.of("listing", listing, "files", files.size()));
    }

    /** A hash of every file's relative path, size and modification time. */
    static String fingerprint(Path dir, List<Path> files) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                sha.update((dir.relativize(f) + "\u0000" + Files.size(f) + "\u0000" + Files.getLastModifiedTime(f).toMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
