package dev.liaison.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.liaison.mailing.Subscriber;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;

/**
 * Subscribers and their digest progress: the last period sent and the time up to which events
 * were covered ({@code lastUntil}), so a day the daemon was down is covered by the next digest.
 * Subscribers from {@code subscribers.yaml} are synced in at start-up; their token and progress
 * are kept across syncs. A person's own changes win over the file: once a subscriber changed
 * their subscription (page or API), or was changed through the API, the file's entry for that
 * address is no longer applied (nor is an unsubscribe undone by it).
 */
public final class SubscriberStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final MongoCollection<Document> subscribers;

    /** Origin of a subscriber from subscribers.yaml: the file keeps it in step. */
    public static final String ORIGIN_CONFIG = "config";
    /** Origin of a subscription the person changed themselves (page or API with their token): theirs from then on. */
    public static final String ORIGIN_PERSON = "person";

    public SubscriberStore(Store store) {
        this.subscribers = store.collection(Store.SUBSCRIBERS);
    }

    /** A stored subscriber with their digest progress. */
    public record Entry(Subscriber subscriber, String origin, String lastPeriod, Instant lastUntil) {}

    /** Makes the stored config-origin subscribers match the file; returns how many were added. */
    public int sync(List<Subscriber> fromConfig, Instant now) {
        Map<String, Document> existing = new HashMap<>();
        for (Document d : subscribers.find(Filters.eq("origin", "config"))) {
            existing.put(d.getString("_id"), d);
        }
        int added = 0;
        for (Subscriber s : fromConfig) {
            Document before = existing.remove(s.address());
            Document doc = toDocument(s).append("origin", "config");
            if (before == null) {
                Document other = subscribers.find(Filters.eq("_id", s.address())).first();
                if (other != null) {
                    continue; // managed elsewhere (API); the file does not take it over
                }
                doc.append("token", newToken()).append("lastUntil", Date.from(now));
                added++;
            } else {
                doc.append("token", before.getString("token"))
                        .append("lastUntil", before.get("lastUntil"))
                        .append("lastPeriod", before.getString("lastPeriod"))
                        .append("unsubscribed", before.getBoolean("unsubscribed", false));
            }
            subscribers.replaceOne(Filters.eq("_id", s.address()), doc, new com.mongodb.client.model.ReplaceOptions().upsert(true));
        }
        if (!existing.isEmpty()) {
            subscribers.deleteMany(Filters.in("_id", existing.keySet()));
        }
        return added;
    }

    /** Adds or replaces one subscriber (not from the file), keeping token and progress. */
    public Subscriber save(Subscriber s, String origin, Instant now) {
        Document before = subscribers.find(Filters.eq("_id", s.address())).first();
        String token = before != null ? before.getString("token") : newToken();
        Document doc = toDocument(s).append("origin", origin).append("token", token)
                .append("lastUntil", before != null ? before.get("lastUntil") : Date.from(now))
                .append("lastPeriod", before != null ? before.getString("lastPeriod") : null);
        subscribers.replaceOne(Filters.eq("_id", s.address()), doc, new com.mongodb.client.model.ReplaceOptions().upsert(true));
        return s.withToken(token);
    }

    public List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        for (Document d : subscribers.find()) {
            out.add(toEntry(d));
        }
        return out;
    }

    public Optional<Entry> find(String address) {
        return Optional.ofNullable(subscribers.find(Filters.eq("_id", address.trim().toLowerCase(java.util.Locale.ROOT))).first())
                .map(SubscriberStore::toEntry);
    }

    public Optional<Entry> findByToken(String token) {
        if (token == null || token.length() < 16) {
            return Optional.empty();
        }
        return Optional.ofNullable(subscribers.find(Filters.eq("token", token)).first()).map(SubscriberStore::toEntry);
    }

    /** Records that the digest of {@code period} covered events up to {@code until}. */
    public void markDigest(String address, String period, Instant until) {
        subscribers.updateOne(Filters.eq("_id", address), Updates.combine(
                Updates.set("lastPeriod", period), Updates.set("lastUntil", Date.from(until))));
    }

    /**
     * Turns the digest and the alerts off (the unsubscribe link). It stays off when the file is
     * synced again: the person said no, and a configuration file does not overrule that.
     */
    public boolean unsubscribe(String token) {
        return subscribers.updateOne(Filters.eq("token", token), Updates.combine(Updates.set("digest", false),
                Updates.set("pages", List.of()), Updates.set("unsubscribed", true)), new UpdateOptions()).getMatchedCount() > 0;
    }

    /** Removes a subscriber; true when there was one. */
    public boolean delete(String address) {
        return subscribers.deleteOne(Filters.eq("_id", address.trim().toLowerCase(java.util.Locale.ROOT))).getDeletedCount() > 0;
    }

    private static String newToken() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static Document toDocument(Subscriber s) {
        return new Document("_id", s.address()).append("address", s.address()).append("name", s.name())
                .append("timezone", s.timezone().getId()).append("hour", s.hour()).append("stories", s.stories())
                .append("projects", s.projects()).append("tags", s.tags()).append("kinds", s.kinds())
                .append("pages", s.pages()).append("digest", s.digest())
                .append("deadlineAlertDays", s.deadlineAlertDays());
    }

    private static Entry toEntry(Document d) {
        boolean unsubscribed = d.getBoolean("unsubscribed", false);
        Subscriber s = new Subscriber(d.getString("address"), d.getString("name"), ZoneId.of(d.getString("timezone")),
                d.getInteger("hour", 8), d.getList("stories", String.class, List.of()), d.getList("projects", String.class, List.of()),
                d.getList("tags", String.class, List.of()), d.getList("kinds", String.class, List.of()),
                unsubscribed ? List.of() : d.getList("pages", String.class, List.of()),
                !unsubscribed && d.getBoolean("digest", true), d.getString("token"),
                unsubscribed ? 0 : d.getInteger("deadlineAlertDays", 0));
        Date until = d.getDate("lastUntil");
        return new Entry(s, d.getString("origin"), d.getString("lastPeriod"), until == null ? null : until.toInstant());
    }
}
