package dev.liaison.digest;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The plain-text part of a digest, written line by line rather than through a template, so that
 * every line break is where it is meant to be. Values from outside are already on one line
 * (the composer makes them so); plain text needs no escaping.
 */
final class DigestText {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final StringBuilder sb = new StringBuilder();

    private DigestText() {}

    static String render(Digest d, String unsubscribeUrl) {
        DigestText t = new DigestText();
        t.write(d, unsubscribeUrl);
        return t.sb.toString();
    }

    private void line(String s) {
        sb.append(s).append('\n');
    }

    private void blank() {
        sb.append('\n');
    }

    private void write(Digest d, String unsubscribeUrl) {
        String name = d.subscriber().name();
        line("Liaison digest for " + d.period() + (name == null || name.isBlank() ? "" : ", " + name));
        line(d.summary() + " since " + WHEN.format(d.from()) + ".");
        if (!d.releasePositions().isEmpty()) {
            blank();
            line("Release cycle");
            for (Digest.ReleaseLine r : d.releasePositions()) {
                line("* " + r.line());
            }
        }
        if (d.hasMoves()) {
            blank();
            line("WHAT MOVED FOR YOUR STORIES");
            if (!d.statusChanges().isEmpty()) {
                blank();
                line("Status changes");
                for (Digest.StatusChange c : d.statusChanges()) {
                    line("* [" + c.kind() + "] " + c.title() + ": " + c.from() + " -> " + c.to());
                    if (!c.stories().isEmpty()) {
                        line("  for: " + String.join(", ", c.stories()));
                    }
                    if (c.url() != null) {
                        line("  " + c.url());
                    }
                }
                if (d.moreStatusChanges() > 0) {
                    line("* and " + d.moreStatusChanges() + " more status changes (see each story's page)");
                }
            }
            if (d.newLinkCount() > 0) {
                blank();
                line("New links");
                for (Digest.StoryNews s : d.stories()) {
                    if (s.newLinks().isEmpty()) {
                        continue;
                    }
                    line("* " + s.title() + "  <" + s.url() + ">");
                    for (Digest.LinkEntry l : s.newLinks()) {
                        line("  - " + label(l) + l.title() + "  (" + state(l) + ")");
                        if (l.url() != null) {
                            line("    " + l.url());
                        }
                        if (l.suggested()) {
                            if (l.evidence() != null && !l.evidence().isBlank()) {
                                line("    \"" + l.evidence() + "\"");
                            }
                            line("    confirm or reject: " + l.reviewUrl());
                        }
                    }
                    if (s.moreNewLinks() > 0) {
                        line("  - and " + s.moreNewLinks() + " more: " + s.url());
                    }
                }
            }
            if (!d.pageChanges().isEmpty()) {
                blank();
                line("Release-priority page changes");
                for (Digest.PageChange p : d.pageChanges()) {
                    line("* " + p.title() + ": " + p.summary());
                    if (p.url() != null) {
                        line("  " + p.url());
                    }
                    for (String c : p.changes()) {
                        line("  - " + c);
                    }
                }
            }
            if (!d.failingSources().isEmpty()) {
                blank();
                line("Sources that have been failing");
                for (Digest.SourceFailure f : d.failingSources()) {
                    line("* " + f.source() + ": " + f.failures() + " failed polls; last error: " + f.error());
                }
            }
        }
        if (d.hasSuggestions()) {
            blank();
            line("SUGGESTIONS TO REVIEW (best first, at most " + Digest.MAX_SUGGESTIONS_PER_STORY + " per story)");
            for (Digest.StoryNews s : d.stories()) {
                int total = s.suggestions().size() + s.moreSuggestions();
                if (total == 0) {
                    continue;
                }
                blank();
                line("* " + s.title() + ": " + total + (total == 1 ? " new suggestion" : " new suggestions"));
                for (Digest.LinkEntry l : s.suggestions()) {
                    line("  - " + label(l) + l.title() + "  (" + l.how() + ", " + l.confidence() + ")");
                    if (l.evidence() != null && !l.evidence().isBlank()) {
                        line("    \"" + l.evidence() + "\"");
                    }
                    line("    confirm or reject: " + l.reviewUrl());
                }
                if (s.moreSuggestions() > 0) {
                    line("  - and " + s.moreSuggestions() + " more: " + s.reviewUrl());
                }
            }
        }
        blank();
        line("--");
        line("You get this because you follow these stories on Liaison.");
        line("Review queue: " + d.reviewUrl());
        if (d.subscriptionUrl() != null) {
            line("Change what you follow or when: " + d.subscriptionUrl());
        }
        line("Unsubscribe: " + unsubscribeUrl);
    }

    private static String label(Digest.LinkEntry l) {
        return "[" + l.kind() + (l.project() == null ? "" : ", " + l.project()) + "] ";
    }

    private static String state(Digest.LinkEntry l) {
        return l.suggested() ? "suggested, " + l.how() : l.state() + ", " + l.how();
    }

    static List<String> lines(String text) {
        return text.lines().toList();
    }
}
