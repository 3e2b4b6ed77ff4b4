package dev.liaison.sources.mail;

import dev.liaison.item.Item;
import dev.liaison.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mail threads as a whole, read from the store: a thread's messages (oldest first), its root,
 * its participants and its last activity. One query per call. The API the HTTP layer or CLI can
 * expose; it knows nothing of either.
 */
public final class ThreadQueries {

    /** At most this many messages are read for one thread. */
    public static final int MAX_MESSAGES = 5_000;

    private final Store store;

    public ThreadQueries(Store store) {
        this.store = store;
    }

    /** Someone who wrote in a thread: name, address, how many messages, first and last. */
    public record Participant(String name, String address, int messages, Instant first, Instant last) {}

    /** A thread: its id, root message, messages oldest first, participants, last activity. */
    public record Thread(String id, Item root, List<Item> messages, List<Participant> participants, Instant lastActivity) {
        public String subject() {
            return root == null ? "" : root.title();
        }
    }

    /** The thread with this id ({@code thread:<list>/...}), when any message of it is stored. */
    public Optional<Thread> thread(String threadId) {
        List<Item> messages = new ArrayList<>(store.items().withAttribute(MailItems.KIND, "thread", threadId, MAX_MESSAGES));
        if (messages.isEmpty()) {
            return Optional.empty();
        }
        messages.sort(Comparator.comparing((Item i) -> i.created() == null ? Instant.MAX : i.created()).thenComparing(Item::id));
        return Optional.of(summarise(threadId, messages));
    }

    /** The thread a stored mail belongs to. */
    public Optional<Thread> threadOf(String mailItemId) {
        return store.items().find(mailItemId)
                .map(i -> (String) i.attributes().get("thread"))
                .flatMap(this::thread);
    }

    /** The most recently active threads of a source (reads that source's mails once). */
    public List<Thread> recent(String source, int limit) {
        Map<String, List<Item>> byThread = new LinkedHashMap<>();
        for (Item i : store.items().ofSourceOldestFirst(MailItems.KIND, source)) {
            Object t = i.attributes().get("thread");
            byThread.computeIfAbsent(t == null ? i.id() : t.toString(), k -> new ArrayList<>()).add(i);
        }
        List<Thread> out = new ArrayList<>();
        byThread.forEach((id, msgs) -> out.add(summarise(id, msgs)));
        out.sort(Comparator.comparing((Thread t) -> t.lastActivity() == null ? Instant.MIN : t.lastActivity()).reversed());
        return out.subList(0, Math.min(limit, out.size()));
    }

    private static Thread summarise(String threadId, List<Item> messages) {
        Item root = messages.stream().filter(i -> i.attributes().get("parent") == null
                        && !Subject.isReply(i.title())).findFirst()
                .orElse(messages.get(0));
        Map<String, Participant> people = new LinkedHashMap<>();
        Instant last = null;
        for (Item m : messages) {
            Object a = m.attributes().get("address");
            String address = a == null ? "" : a.toString();
            String name = m.author() == null ? "" : m.author();
            String key = address.isEmpty() ? name.toLowerCase(java.util.Locale.ROOT) : address.toLowerCase(java.util.Locale.ROOT);
            Instant at = m.created();
            people.merge(key, new Participant(name, address, 1, at, at), (x, y) -> new Participant(
                    x.name().isEmpty() ? y.name() : x.name(), x.address(), x.messages() + 1,
                    min(x.first(), y.first()), max(x.last(), y.last())));
            last = max(last, at);
        }
        return new Thread(threadId, root, List.copyOf(messages), List.copyOf(people.values()), last);
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
