package dev.liaison.sources.gerrit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The Gerrit fixtures (src/test/resources/fixtures/gerrit) and answers built from them. */
final class GerritFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private GerritFixtures() {}

    /** One fixture ChangeInfo, e.g. {@code change(184645)}. */
    static ObjectNode change(long number) {
        try (InputStream in = GerritFixtures.class.getResourceAsStream("/fixtures/gerrit/change-" + number + ".json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A change shaped like the real 184645 (nova-specs, one spec file added) with another number,
     * subject, spec name, status and updated time.
     */
    static ObjectNode variant(long number, String spec, String status, String updated) {
        ObjectNode c = change(184645);
        c.put("_number", number);
        c.put("subject", "Spec: " + spec.replace('-', ' '));
        c.put("status", status);
        c.put("updated", updated);
        c.put("topic", "bp/" + spec);
        ObjectNode rev = (ObjectNode) c.get("revisions").elements().next();
        ObjectNode commit = (ObjectNode) rev.get("commit");
        commit.put("subject", c.get("subject").asText());
        commit.put("message", c.get("subject").asText() + "\n\nImplements: blueprint " + spec + "\nCloses-Bug: #" + (1_400_000 + number % 1000)
                + "\n\nChange-Id: I" + Long.toHexString(number) + "\n");
        ObjectNode files = JSON.createObjectNode();
        files.set("specs/mitaka/approved/" + spec + ".rst", JSON.createObjectNode().put("status", "A").put("lines_inserted", 100));
        rev.set("files", files);
        return c;
    }

    /** The body Gerrit sends: the XSSI line, then the list; the last change says whether there are more. */
    static String body(List<? extends JsonNode> changes, boolean more) {
        ArrayNode list = JSON.createArrayNode();
        for (JsonNode c : changes) {
            list.add(c.deepCopy());
        }
        if (more && !list.isEmpty()) {
            ((ObjectNode) list.get(list.size() - 1)).put("_more_changes", true);
        }
        return ")]}'\n" + list.toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
