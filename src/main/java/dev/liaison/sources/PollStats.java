package dev.liaison.sources;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of one poll cycle. Thread-safe: pollers may fetch and store from several threads.
 */
public final class PollStats implements dev.liaison.fetch.FetchLog {

    public static final int MAX_ERRORS_KEPT = 50;

    private final AtomicLong itemsNew = new AtomicLong();
    private final AtomicLong itemsChanged = new AtomicLong();
    private final AtomicLong itemsUnchanged = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong notModified = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final List<String> errorMessages = Collections.synchronizedList(new ArrayList<>());
    private volatile long durationMillis;

    public void itemsStored(int newItems, int changed, int unchanged) {
        itemsNew.addAndGet(newItems);
        itemsChanged.addAndGet(changed);
        itemsUnchanged.addAndGet(unchanged);
    }

    /** Adds what storing one batch did. */
    public void stored(dev.liaison.store.UpsertResult result) {
        itemsStored(result.newItems(), result.changed(), result.unchanged());
        events.addAndGet(result.events().size());
    }

    /** Counts events a poller appended itself (page changes and the like). */
    public void eventsAppended(int n) {
        events.addAndGet(n);
    }

    public void request(long bodyBytes, boolean wasNotModified) {
        requests.incrementAndGet();
        bytes.addAndGet(bodyBytes);
        if (wasNotModified) {
            notModified.incrementAndGet();
        }
    }

    /** Records a problem with one thing (a page, a message); the poll goes on. */
    public void error(String where, String message) {
        errors.incrementAndGet();
        String line = where + ": " + (message == null ? "" : message.replaceAll("[\\r\\n]+", " "));
        synchronized (errorMessages) {
            if (errorMessages.size() < MAX_ERRORS_KEPT) {
                errorMessages.add(line);
            }
        }
    }

    /**
     * Records a problem that outweighs the poll's other errors (e.g. mail not read yet), put first
     * so that it is the one the source's status shows.
     */
    public void errorFirst(String where, String message) {
        errors.incrementAndGet();
        String line = where + ": " + (message == null ? "" : message.replaceAll("[\\r\\n]+", " "));
        synchronized (errorMessages) {
            errorMessages.add(0, line);
            if (errorMessages.size() > MAX_ERRORS_KEPT) {
                errorMessages.remove(errorMessages.size() - 1);
            }
        }
    }

    public void durationMillis(long millis) {
        durationMillis = millis;
    }

    public long itemsNew() { return itemsNew.get(); }
    public long itemsChanged() { return itemsChanged.get(); }
    public long itemsUnchanged() { return itemsUnchanged.get(); }
    public long requests() { return requests.get(); }
    public long notModified() { return notModified.get(); }
    public long errors() { return errors.get(); }
    public long bytes() { return bytes.get(); }
    public long events() { return events.get(); }
    public long durationMillis() { return durationMillis; }

    public List<String> errorMessages() {
        synchronized (errorMessages) {
            return List.copyOf(errorMessages);
        }
    }

    /** The one summary line {@code liaison poll --once} ends with. */
    public String summaryLine(String sourceId) {
        return "poll " + sourceId + ": items new=" + itemsNew() + " changed=" + itemsChanged()
                + " unchanged=" + itemsUnchanged() + " requests=" + requests() + " not-modified=" + notModified()
                + " errors=" + errors() + " events=" + events() + " bytes=" + bytes() + " duration-ms=" + durationMillis();
    }
}
