package dev.liaison.linking;

import dev.liaison.item.ReferenceExtractor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.story.Story;
import dev.liaison.story.StoryParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Items as the sphinx-specs and launchpad-blueprints kinds make them, built from the real
 * nova-specs index (title, release, state, the blueprint and bug URLs each spec contains), and
 * the real Product WG stories.
 */
public final class NovaSpecFixtures {

    public static final Path INDEX = Path.of("src/test/resources/fixtures/linker/nova-specs-index.json");
    public static final Path STORIES = Path.of("src/test/resources/fixtures/story-dir/product-wg-stories");

    private NovaSpecFixtures() {}

    /** One spec item per spec of the index, and one blueprint item per blueprint they cite (its specification_url the spec). */
    public static List<Item> items() {
        try {
            JsonNode root = new ObjectMapper().readTree(INDEX.toFile());
            Map<String, Item> out = new LinkedHashMap<>();
            for (JsonNode s : root.get("specs")) {
                String path = s.get("path").asText();
                String name = path.substring(path.lastIndexOf('/') + 1).replace(".rst", "");
                String release = s.get("release").asText();
                String id = ReferenceExtractor.specId("nova", release, name);
                StringBuilder text = new StringBuilder(s.get("title").asText());
                for (JsonNode u : s.get("blueprint_urls")) {
                    text.append("\nBlueprint: ").append(u.asText());
                }
                for (JsonNode u : s.get("bug_urls")) {
                    text.append("\nBug: ").append(u.asText());
                }
                String state = s.get("state").asText();
                out.put(id, Item.builder(id, "spec").source("nova-specs").project("nova").url(s.get("published_url").asText())
                        .title(s.get("title").asText()).text(text.toString()).status(state, state).release(release)
                        .refs(ReferenceExtractor.extract(text.toString(), "nova")).build());
                for (JsonNode u : s.get("blueprint_urls")) {
                    List<Ref> refs = ReferenceExtractor.extract(u.asText(), "nova");
                    if (refs.isEmpty() || !refs.get(0).target().startsWith("bp:nova/")) {
                        continue;
                    }
                    String bp = refs.get(0).target();
                    String bpName = bp.substring("bp:nova/".length());
                    out.putIfAbsent(bp, Item.builder(bp, "blueprint").source("nova-blueprints").project("nova").url(u.asText())
                            .title(bpName.replace('-', ' ')).text("").status("approved", "Approved")
                            .ref(new Ref(Ref.SPEC, id, "specification_url: " + s.get("published_url").asText()))
                            .attribute("specification_url", s.get("published_url").asText()).build());
                }
            }
            return new ArrayList<>(out.values());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every real story, parsed and consolidated as an import does (files that hold no story skipped). */
    public static List<Story> stories() {
        List<Story> read = new ArrayList<>();
        try (var walk = Files.walk(STORIES)) {
            for (Path p : walk.filter(x -> x.toString().endsWith(".rst")).sorted().toList()) {
                try {
                    read.addAll(StoryParser.parse(STORIES.relativize(p).toString(), Files.readAllBytes(p)));
                } catch (dev.liaison.story.NotAStoryException e) {
                    // a README, a note without a title
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return StoryParser.consolidate(read);
    }
}
