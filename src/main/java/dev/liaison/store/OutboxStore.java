package dev.liaison.store;

import com.mongodb.MongoServerException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.liaison.mailing.OutboxMail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * One document per mail to send, unique per (subscriber, key) where the key is the digest period
 * or the alert. States: pending → sending → sent, or back to pending with a later attempt time
 * after a failure, and failed after the last attempt. A mail left in "sending" by a crash is sent
 * again after a while, with the same Message-ID, so the receiving side can see it is the same.
 */
public final class OutboxStore {

    public static final String PENDING = "pending";
    public static final String SENDING = "sending";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";

    private final MongoCollection<Document> outbox;

    public OutboxStore(Store store) {
        this.outbox = store.collection(Store.OUTBOX);
    }

    /** Queues a mail; false when a mail with the same subscriber and key is already there. */
    public boolean enqueue(OutboxMail mail, Instant now) {
        Document d = new Document("_id", mail.id()).append("subscriber", mail.subscriber()).append("key", mail.key())
                .append("kind", mail.kind()).append("status", PENDING).append("attempts", 0)
                .append("messageId", mail.messageId()).append("to", mail.to()).append("subject", mail.subject())
                .append("text", mail.text()).append("html", mail.html()).append("unsubscribeUrl", mail.unsubscribeUrl())
                .append("createdAt", Date.from(now)).append("nextAttemptAt", Date.from(now));
        try {
            outbox.insertOne(d);
            return true;
        } catch (MongoServerException e) {
            if (DuplicateKeys.isDuplicate(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Claims mails that are due: pending with their attempt time come, or left "sending" for
     * longer than {@code staleAfter} (a send that a crash interrupted). Each claim is one
     * conditional update, so two instances never claim the same mail.
     */
    public List<OutboxMail> claimDue(Instant now, Duration staleAfter, int limit) {
        List<OutboxMail> out = new ArrayList<>();
        List<Document> candidates = new ArrayList<>();
        outbox.find(Filters.or(
                        Filters.and(Filters.eq("status", PENDING), Filters.lte("nextAttemptAt", Date.from(now))),
                        Filters.and(Filters.eq("status", SENDING), Filters.lt("claimedAt", Date.from(now.minus(staleAfter))))))
                .sort(Sorts.ascending("createdAt")).limit(limit).into(candidates);
        for (Document c : candidates) {
            Document claimed = outbox.findOneAndUpdate(
                    Filters.and(Filters.eq("_id", c.get("_id")), Filters.eq("status", c.getString("status")),
                            c.get("claimedAt") == null ? Filters.exists("claimedAt", false) : Filters.eq("claimedAt", c.get("claimedAt"))),
                    Updates.combine(Updates.set("status", SENDING), Updates.set("claimedAt", Date.from(now)), Updates.inc("attempts", 1)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            if (claimed != null) {
                out.add(toMail(claimed));
            }
        }
        return out;
    }

    public void markSent(String id, Instant now) {
        outbox.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("status", SENT), Updates.set("sentAt", Date.from(now)),
                Updates.unset("lastError")));
    }

    /** Records a failed attempt: back to pending after a back-off, or failed for good after the last attempt. */
    public void markFailed(String id, String error, Instant now, Duration backoffInitial, int maxAttempts) {
        Document d = outbox.find(Filters.eq("_id", id)).first();
        int attempts = d == null ? maxAttempts : d.getInteger("attempts", 1);
        long factor = 1L << Math.min(attempts - 1, 16);
        Duration wait = backoffInitial.multipliedBy(factor);
        if (wait.compareTo(Duration.ofHours(1)) > 0) {
            wait = Duration.ofHours(1);
        }
        String message = error == null ? "" : error.replaceAll("[\\r\\n]+", " ");
        outbox.updateOne(Filters.eq("_id", id), Updates.combine(
                Updates.set("status", attempts >= maxAttempts ? FAILED : PENDING),
                Updates.set("nextAttemptAt", Date.from(now.plus(wait))),
                Updates.set("lastError", message.length() > 500 ? message.substring(0, 500) : message)));
    }

    /** Which of these mail ids ({@code subscriber|key}) are queued or sent already: one query. */
    public java.util.Set<String> existingIds(java.util.Collection<String> ids) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (!ids.isEmpty()) {
            outbox.find(Filters.in("_id", ids)).projection(new Document("_id", 1)).forEach(d -> out.add(d.getString("_id")));
        }
        return out;
    }

    public Optional<Document> find(String id) {
        return Optional.ofNullable(outbox.find(Filters.eq("_id", id)).first());
    }

    public List<Document> all() {
        return outbox.find().sort(Sorts.ascending("createdAt")).into(new ArrayList<>());
    }

    public long count(String status) {
        return outbox.countDocuments(Filters.eq("status", status));
    }

    private static OutboxMail toMail(Document d) {
        return new OutboxMail(d.getString("subscriber"), d.getString("key"), d.getString("kind"), d.getString("to"),
                d.getString("subject"), d.getString("text"), d.getString("html"), d.getString("messageId"),
                d.getString("unsubscribeUrl"), d.getInteger("attempts", 0));
    }
}
