package dev.liaison.sources.gerrit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One answer of {@code GET /changes/}: a JSON list of ChangeInfo entities after Gerrit's XSSI
 * guard line {@code )]}'}. The last change of a page carries {@code "_more_changes": true} when
 * the query has more results. A body that is not such a list (an HTML login page, broken or cut
 * JSON) is an error naming what it is, never an empty page.
 */
public record GerritPage(List<JsonNode> changes, boolean more, boolean hadXssiPrefix) {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String XSSI = ")]}'";

    /** Parses a body; mis-encoded bytes cost one character each (U+FFFD), not the page. */
    public static GerritPage parse(byte[] body) throws GerritFormatException {
        if (body == null || body.length == 0) {
            throw new GerritFormatException("empty answer: not a Gerrit change list");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        int start = 0;
        if (text.startsWith("\uFEFF")) {
            start = 1;
        }
        boolean prefixed = text.startsWith(XSSI, start);
        if (prefixed) {
            int nl = text.indexOf('\n', start);
            start = nl < 0 ? text.length() : nl + 1;
        }
        String json = text.substring(start).strip();
        if (json.isEmpty()) {
            throw new GerritFormatException("no JSON after the " + XSSI + " line: the answer was cut off");
        }
        if (json.charAt(0) != '[') {
            throw new GerritFormatException("not a Gerrit change list: the answer starts with \"" + clip(json, 40) + "\"");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().contains("end-of-input")
                    ? "truncated JSON (the answer ends in the middle of the list)"
                    : "malformed JSON";
            var loc = e.getLocation();
            throw new GerritFormatException(what + (loc == null ? "" : " at line " + loc.getLineNr() + ", column "
                    + loc.getColumnNr()) + ": " + clip(String.valueOf(e.getOriginalMessage()), 160));
        }
        if (root == null || !root.isArray()) {
            throw new GerritFormatException("not a Gerrit change list (a JSON " + (root == null ? "nothing" : root.getNodeType()) + ")");
        }
        List<JsonNode> changes = new ArrayList<>(root.size());
        boolean more = false;
        for (JsonNode c : root) {
            changes.add(c);
            more = c.path("_more_changes").asBoolean(false);
        }
        return new GerritPage(List.copyOf(changes), more, prefixed);
    }

    static String clip(String s, int max) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= max ? one : one.substring(0, max) + "…";
    }
}
