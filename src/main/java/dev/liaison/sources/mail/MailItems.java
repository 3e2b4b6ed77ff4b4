package dev.liaison.sources.mail;

import dev.liaison.item.Item;
import dev.liaison.item.Ref;
import dev.liaison.item.ReferenceExtractor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the one {@code mail} item both archive kinds store. Attributes (see docs/kinds):
 * {@code list}, {@code thread}, {@code parent} (item id, when known), {@code messageId},
 * {@code inReplyTo}, {@code references}, {@code tags}, {@code address}, {@code quoted} (quoted
 * line ranges), {@code quotedOnlyRefs} (targets cited only in quoted text), {@code subjectKey},
 * {@code dateZone}, {@code notes}, {@code attachments}.
 */
public final class MailItems {

    public static final String KIND = "mail";

    private MailItems() {}

    /** What a mail item is made of; {@code extra} attributes are added as given. */
    public record Mail(String id, String source, String project, String url, String list, Subject subject,
                       Sender sender, MailDate date, String body, String thread, String parent,
                       String messageId, String inReplyTo, List<String> references, List<String> attachments,
                       List<String> notes, Map<String, Object> extra) {}

    public static Item item(Mail m) {
        return item(m, true);
    }

    /**
     * The item; {@code senderZoneKnown} false leaves {@code dateZone} out (an archive that gives
     * dates in its own zone, not the sender's, such as HyperKitty's API).
     */
    public static Item item(Mail m, boolean senderZoneKnown) {
        String body = m.body() == null ? "" : m.body().replace("\r\n", "\n").replace('\r', '\n');
        List<List<Integer>> quoted = Quoting.quotedRanges(body);
        String own = quoted.isEmpty() ? body : Quoting.unquoted(body, quoted);
        String subjectText = m.subject().title();
        List<Ref> refs = ReferenceExtractor.extract(subjectText + "\n" + body, m.project());
        Set<String> ownTargets = quoted.isEmpty() || refs.isEmpty()
                ? refs.stream().map(Ref::target).collect(Collectors.toSet())
                : ReferenceExtractor.extract(subjectText + "\n" + own, m.project()).stream().map(Ref::target).collect(Collectors.toSet());
        List<String> quotedOnly = new ArrayList<>();
        for (Ref r : refs) {
            if (!ownTargets.contains(r.target())) {
                quotedOnly.add(r.target());
            }
        }
        Item.Builder b = Item.builder(m.id(), KIND)
                .source(m.source())
                .project(m.project())
                .url(m.url())
                .title(subjectText)
                .text(body)
                .author(m.sender().display().isEmpty() ? null : m.sender().display())
                .created(m.date() == null ? null : m.date().instant())
                .refs(refs)
                .attribute("list", m.list())
                .attribute("thread", m.thread())
                .attribute("parent", blankToNull(m.parent()))
                .attribute("messageId", blankToNull(m.messageId()))
                .attribute("inReplyTo", blankToNull(m.inReplyTo()))
                .attribute("references", m.references() == null || m.references().isEmpty() ? null : List.copyOf(m.references()))
                .attribute("tags", m.subject().tags())
                .attribute("subjectKey", m.subject().key())
                .attribute("address", blankToNull(m.sender().address()))
                .attribute("quoted", quoted)
                .attribute("quotedOnlyRefs", quotedOnly.isEmpty() ? null : quotedOnly)
                .attribute("dateZone", m.date() == null || !senderZoneKnown ? null : m.date().offset().getId())
                .attribute("attachments", m.attachments() == null || m.attachments().isEmpty() ? null : List.copyOf(m.attachments()))
                .attribute("notes", m.notes() == null || m.notes().isEmpty() ? null : List.copyOf(m.notes()));
        if (m.extra() != null) {
            new LinkedHashMap<>(m.extra()).forEach(b::attribute);
        }
        return b.build();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
