package dev.liaison.sources.pipermail;

import dev.liaison.fetch.FetchException;
import dev.liaison.fetch.FetchResult;
import dev.liaison.item.Item;
import dev.liaison.sources.PollStats;
import dev.liaison.sources.mail.MailItems;
import dev.liaison.sources.mail.MailMessage;
import dev.liaison.sources.mail.MailParseException;
import dev.liaison.sources.mail.Mbox;
import dev.liaison.sources.mail.Rfc822;
import dev.liaison.sources.mail.Subject;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A month's {@code YYYY-Month.txt.gz} (or {@code .txt}): one request for the whole month. Its
 * messages are in archive order, which is the order of their page numbers, so the n-th message is
 * the n-th number of the month index; each pairing is checked by subject, and whatever cannot be
 * paired (a truncated file, a count that differs, a subject that does not match, a message that
 * does not parse) is left to be fetched as a page.
 */
final class TextArchive {

    private final PipermailPoller poller;
    private final PipermailPages.MonthEntry month;
    private final PollStats stats;

    TextArchive(PipermailPoller poller, PipermailPages.MonthEntry month, PollStats stats) {
        this.poller = poller;
        this.month = month;
        this.stats = stats;
    }

    /** Stores what the archive holds of {@code missing}; returns the entries still to fetch as pages. */
    List<PipermailPoller.Placed> store(List<PipermailPoller.Placed> all, List<PipermailPoller.Placed> missing) {
        URI url = poller.base().resolve(month.textArchive());
        FetchResult r;
        try {
            r = poller.context().fetcher().get(url, stats);
        } catch (FetchException e) {
            return missing; // recorded; fall back to pages
        }
        Mbox.Unpacked unpacked;
        try {
            unpacked = Mbox.unpack(r.body(), month.textArchive());
        } catch (IOException e) {
            stats.error("archive " + url, e.getMessage() + "; reading message pages instead");
            return missing;
        }
        if (unpacked.truncated()) {
            stats.error("archive " + url, "truncated: " + unpacked.messages().size()
                    + " complete messages read; the rest come from message pages");
        }
        List<PipermailPoller.Placed> byNumber = new ArrayList<>(all);
        byNumber.sort(Comparator.comparing(p -> p.entry().number()));
        List<byte[]> messages = unpacked.messages();
        if (messages.size() > byNumber.size() || (!unpacked.truncated() && messages.size() != byNumber.size())) {
            stats.error("archive " + url, "holds " + messages.size() + " messages but the index lists "
                    + byNumber.size() + "; reading message pages instead");
            return missing;
        }
        Set<String> wanted = new HashSet<>();
        missing.forEach(p -> wanted.add(p.id()));
        // First pass: pair and parse.
        Map<PipermailPoller.Placed, MailMessage> paired = new LinkedHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            PipermailPoller.Placed p = byNumber.get(i);
            if (!wanted.contains(p.id())) {
                continue;
            }
            MailMessage m;
            try {
                m = Rfc822.parse(messages.get(i));
            } catch (MailParseException e) {
                continue; // its page will be read
            }
            String fromArchive = Subject.of(m.subject(), poller.prefixes()).key();
            String fromIndex = Subject.of(p.entry().subject(), poller.prefixes()).key();
            if (fromArchive.equals(fromIndex)) {
                paired.put(p, m);
            }
        }
        // A thread start in the index that is a reply by its headers continues a thread stored
        // earlier (typically last month): one query by Message-ID finds its parent.
        Map<String, PipermailPoller.Placed> rootsByParentId = new LinkedHashMap<>();
        paired.forEach((p, m) -> {
            if (p.parent() == null && !m.parentId().isEmpty()) {
                rootsByParentId.put(m.parentId(), p);
            }
        });
        Map<String, String> threadRemap = new java.util.HashMap<>();
        Map<String, String> parentOf = new java.util.HashMap<>();
        if (!rootsByParentId.isEmpty()) {
            for (var stored : poller.context().store().items().mailsByMessageId(poller.source().id(), rootsByParentId.keySet())) {
                PipermailPoller.Placed root = rootsByParentId.get(stored.messageId());
                if (root != null && stored.thread() != null) {
                    threadRemap.put(root.thread(), stored.thread());
                    parentOf.put(root.id(), stored.id());
                }
            }
        }
        // Second pass: items, stored in batches.
        Set<String> done = new HashSet<>();
        List<Item> batch = new ArrayList<>();
        for (var e : paired.entrySet()) {
            PipermailPoller.Placed p = e.getKey();
            MailMessage m = e.getValue();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("month", month.label());
            extra.put("number", p.entry().number());
            batch.add(MailItems.item(new MailItems.Mail(p.id(), poller.source().id(), poller.source().project(),
                    PipermailPages.messageUrl(poller.base(), month.label(), p.entry().number()).toString(), poller.list(),
                    Subject.of(m.subject(), poller.prefixes()), m.sender(), m.date(), m.body(),
                    threadRemap.getOrDefault(p.thread(), p.thread()), p.parent() != null ? p.parent() : parentOf.get(p.id()),
                    m.messageId(), m.inReplyTo(), m.references(), m.attachments(), m.notes(), extra)));
            done.add(p.id());
            if (batch.size() >= PipermailPoller.BATCH) {
                stats.stored(poller.context().store().items().upsert(batch));
                batch = new ArrayList<>();
            }
        }
        stats.stored(poller.context().store().items().upsert(batch));
        return missing.stream().filter(p -> !done.contains(p.id())).toList();
    }
}
