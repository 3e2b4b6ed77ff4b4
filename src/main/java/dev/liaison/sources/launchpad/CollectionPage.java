package dev.liaison.sources.launchpad;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of a Launchpad collection ({@code entries}, {@code start}, {@code total_size},
 * {@code next_collection_link}). A page is parsed on its own: pollers read one page at a time and
 * never hold a whole collection.
 */
public record CollectionPage(List<JsonNode> entries, int start, Integer totalSize, URI next) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a page body; a body that is not a JSON collection page is an error, not an empty page. */
    public static CollectionPage parse(byte[] body) throws LaunchpadFormatException {
        JsonNode root;
        try {
            // Decoding with replacement first: one mis-encoded byte costs a character, not the page.
            root = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new LaunchpadFormatException("not valid JSON (truncated or malformed): " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new LaunchpadFormatException("unreadable body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new LaunchpadFormatException("not a JSON object (an empty or non-collection body)");
        }
        JsonNode entries = root.get("entries");
        if (!(entries instanceof ArrayNode array)) {
            throw new LaunchpadFormatException("no 'entries' array: not a Launchpad collection page");
        }
        List<JsonNode> list = new ArrayList<>(array.size());
        array.forEach(list::add);
        URI next = null;
        String nextText = LaunchpadJson.text(root, "next_collection_link");
        if (nextText != null) {
            try {
                next = new URI(nextText);
            } catch (URISyntaxException e) {
                throw new LaunchpadFormatException("next_collection_link is not a URL: " + LaunchpadJson.clip(nextText));
            }
        }
        JsonNode total = root.get("total_size");
        return new CollectionPage(List.copyOf(list), root.path("start").asInt(0),
                total != null && total.isNumber() ? total.asInt() : null, next);
    }
}
