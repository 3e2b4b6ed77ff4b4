package dev.liaison.store;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.mvstore.MVStore;

/**
 * The H2 backend of mongo-java-server with the commit points chosen here rather than by the
 * MVStore's auto-commit.
 *
 * <p>The backend keeps a collection's documents and each of its unique indexes (the {@code _id}
 * index too) in separate MVStore maps and writes a document before its index entries. An
 * MVStore commit is atomic over all maps, but an auto-commit lands wherever the writing thread
 * happens to be, so a crash after a commit between the two maps left a document that a scan finds
 * and an {@code _id} lookup does not; every later insert of that id then failed. Here the store
 * is opened with auto-commit off, every command that may write runs under one lock, and the
 * store is committed before that command's answer is sent: a commit only ever sees whole
 * commands, and a write the client saw acknowledged is in the file (in the operating system's
 * cache: it survives the process being killed, not a power cut).
 *
 * <p>Reads take no lock. The backend also answers {@value #IDENTITY_COMMAND} with the token the
 * store wrote into its port file, so that another process can tell this store from whatever
 * else may listen on a port a crashed Liaison once used.
 */
final class CommittingBackend extends H2Backend {

    static final String IDENTITY_COMMAND = "liaisonStoreIdentity";

    /** Commands that never change stored data (lower case). Anything else is treated as a write. */
    private static final Set<String> READS = Set.of(
            "find", "getmore", "count", "distinct", "listcollections", "listindexes", "listdatabases",
            "hello", "ismaster", "ping", "buildinfo", "whatsmyuri", "serverstatus", "dbstats", "collstats",
            "getlasterror", "reseterror", "connectionstatus", "hostinfo", "getcmdlineopts",
            "getfreemonitoringstatus", "endsessions", "killcursors", "getlog", "replsetgetstatus",
            "getparameter", "validate", "explain");

    private final MVStore mvStore;
    private final String identity;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile long commits;

    CommittingBackend(MVStore mvStore, String identity) {
        super(mvStore);
        this.mvStore = mvStore;
        this.identity = identity;
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if (IDENTITY_COMMAND.equalsIgnoreCase(command)) {
            Document answer = new Document("identity", identity);
            answer.put("ok", 1.0);
            return answer;
        }
        if (isRead(command, query)) {
            return super.handleCommand(channel, databaseName, command, query);
        }
        writeLock.lock();
        try {
            return super.handleCommand(channel, databaseName, command, query);
        } finally {
            // Also after a failed command: whatever part of it was applied is what the store holds.
            commitHoldingLock();
            writeLock.unlock();
        }
    }

    @Override
    public void dropDatabase(String database) {
        runAsWrite(() -> super.dropDatabase(database));
    }

    private static boolean isRead(String command, Document query) {
        String c = command.toLowerCase(Locale.ROOT);
        if (c.equals("aggregate")) {
            return !writesOut(query.get("pipeline"));
        }
        return READS.contains(c);
    }

    private static boolean writesOut(Object pipeline) {
        if (pipeline instanceof List<?> stages) {
            for (Object stage : stages) {
                if (stage instanceof Document d && (d.containsKey("$out") || d.containsKey("$merge"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Runs work that changes the store between two commits, then commits. */
    void runAsWrite(Runnable work) {
        writeLock.lock();
        try {
            work.run();
        } finally {
            commitHoldingLock();
            writeLock.unlock();
        }
    }

    /** Commits what whole commands wrote so far (nothing when nothing is unsaved). */
    @Override
    public void commit() {
        runAsWrite(() -> { });
    }

    private void commitHoldingLock() {
        if (!mvStore.isClosed() && mvStore.hasUnsavedChanges()) {
            mvStore.commit();
            commits++;
        }
    }

    /** Commits made so far (for the log and the benchmark). */
    long commits() {
        return commits;
    }
}
