package dev.liaison.store;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: mongo-java-server with its H2 backend, persisted in {@code liaison.mv.db}
 * under the data dir and listening on a loopback port. The port is written to
 * {@code embedded-mongo.port} (with a token the server answers with) so that a second Liaison
 * process on the same data dir (the read commands while the daemon runs) talks to the owner's
 * server instead of opening the locked file, and a port file left by a crash is told apart from
 * a live one.
 *
 * <p>Every write is committed before it is acknowledged ({@link CommittingBackend}); a store torn
 * by an older Liaison is repaired when it is opened ({@link EmbeddedStoreRepair}).
 */
public final class EmbeddedMongo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);
    public static final String STORE_FILE = "liaison.mv.db";
    public static final String PORT_FILE = "embedded-mongo.port";

    /** How often the file's partly empty chunks are rewritten (the background thread that did it is off). */
    static final long COMPACT_EVERY_SECONDS = 60;

    private final MongoServer server;
    private final CommittingBackend backend;
    private final MVStore mvStore;
    private final Path portFile;
    private final String connectionString;
    private final ScheduledExecutorService maintenance;
    private final List<String> repairs;

    private EmbeddedMongo(MongoServer server, CommittingBackend backend, MVStore mvStore, Path portFile,
            String connectionString, List<String> repairs) {
        this.repairs = repairs;
        this.server = server;
        this.backend = backend;
        this.mvStore = mvStore;
        this.portFile = portFile;
        this.connectionString = connectionString;
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "embedded-store-compact");
            t.setDaemon(true);
            return t;
        });
        maintenance.scheduleWithFixedDelay(this::compact, COMPACT_EVERY_SECONDS, COMPACT_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * The connection string of the embedded server another process runs on this data dir, if its
     * port file names one and the store answering there is that process's (its identity token
     * matches the file's). A port file nobody answers, or where something else answers, was left
     * by a crash: it is deleted, and said so.
     */
    public static Optional<String> runningElsewhere(Path dataDir, int timeoutMillis) {
        Path portFile = dataDir.resolve(PORT_FILE);
        if (!Files.isRegularFile(portFile)) {
            return Optional.empty();
        }
        String port;
        String token;
        try {
            List<String> lines = Files.readAllLines(portFile, StandardCharsets.UTF_8);
            port = lines.isEmpty() ? "" : lines.get(0).trim();
            token = lines.size() > 1 ? lines.get(1).trim() : "";
            Integer.parseInt(port);
        } catch (IOException | NumberFormatException e) {
            return stale(portFile, "unreadable (" + e.getMessage() + ")");
        }
        String uri = "mongodb://127.0.0.1:" + port;
        String answer = identityAt(uri, timeoutMillis);
        if (answer == null) {
            return stale(portFile, "nothing answers as a store on 127.0.0.1:" + port);
        }
        if (token.isEmpty() || !token.equals(answer)) {
            return stale(portFile, "127.0.0.1:" + port + " answers, but not as this data dir's store");
        }
        return Optional.of(uri);
    }

    private static Optional<String> stale(Path portFile, String why) {
        try {
            Files.deleteIfExists(portFile);
            LOG.info("Removed the stale {}: {} (left by a Liaison that did not stop cleanly)", portFile, why);
        } catch (IOException e) {
            LOG.warn("Stale {} ({}) could not be removed: {}", portFile, why, e.getMessage());
        }
        return Optional.empty();
    }

    /** The identity token of the Liaison store at {@code uri}; null when none answers as one. */
    private static String identityAt(String uri, int timeoutMillis) {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(timeoutMillis, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                        .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS))
                .build();
        try (MongoClient client = MongoClients.create(settings)) {
            Document answer = client.getDatabase("admin").runCommand(new Document(CommittingBackend.IDENTITY_COMMAND, 1));
            Object identity = answer.get("identity");
            return identity == null ? null : identity.toString();
        } catch (MongoException | IllegalStateException e) {
            return null;
        }
    }

    /** How long H2 keeps the space of old versions of the data (see {@link #start}). */
    static final int RETENTION_MILLIS = 10 * 60 * 1000;

    /** Opens (or creates) the store file under the data dir, repairs it if torn, and serves it on loopback. */
    public static EmbeddedMongo start(Path dataDir) throws IOException {
        checkDataDir(dataDir);
        Path file = dataDir.resolve(STORE_FILE);
        MVStore mvStore;
        try {
            // No auto-commit, neither by time nor by the amount of unsaved data: CommittingBackend
            // commits after each write command, so that a commit never splits one.
            mvStore = new MVStore.Builder().fileName(file.toString()).compress()
                    .autoCommitDisabled().autoCommitBufferSize(0).open();
            // A query reads one version of the data while writes go on; H2 may reuse the space of
            // an old version after the retention time (45 s by default), and a query still reading
            // it then fails with "Chunk … not found" (seen reading 221,000 links right after
            // writing them). Old versions are kept longer: more disk for a while, no failed reads.
            mvStore.setRetentionTime(RETENTION_MILLIS);
        } catch (MVStoreException e) {
            throw new IOException(openFailure(file, e), e);
        }
        String identity = UUID.randomUUID().toString();
        CommittingBackend backend;
        List<String> repairs;
        try {
            repairs = EmbeddedStoreRepair.repair(mvStore, dataDir);
            backend = new CommittingBackend(mvStore, identity);
        } catch (RuntimeException e) {
            mvStore.closeImmediately();
            throw new IOException("cannot open the embedded store " + file + ": " + e.getMessage(), e);
        }
        MongoServer server = new MongoServer(backend);
        server.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        int port = server.getLocalAddress().getPort();
        Path portFile = dataDir.resolve(PORT_FILE);
        Path tmp = dataDir.resolve(PORT_FILE + ".tmp");
        Files.writeString(tmp, port + "\n" + identity + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Embedded store {} serving on 127.0.0.1:{}", file, port);
        return new EmbeddedMongo(server, backend, mvStore, portFile, "mongodb://127.0.0.1:" + port, repairs);
    }

    /** Fails with the exact reason when the data dir cannot hold the store. */
    static void checkDataDir(Path dataDir) throws IOException {
        try {
            Files.createDirectories(dataDir);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("data dir " + dataDir + " is not a directory");
        } catch (AccessDeniedException e) {
            throw new IOException("cannot create the data dir " + dataDir + ": permission denied on " + e.getFile());
        } catch (IOException e) {
            throw new IOException("cannot create the data dir " + dataDir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dataDir)) {
            throw new IOException("data dir " + dataDir + " is not writable by this user ("
                    + System.getProperty("user.name") + ")");
        }
        Path file = dataDir.resolve(STORE_FILE);
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new IOException("store file " + file + " is not writable by this user ("
                    + System.getProperty("user.name") + ")");
        }
    }

    static String openFailure(Path file, MVStoreException e) {
        return switch (e.getErrorCode()) {
            case DataUtils.ERROR_FILE_LOCKED -> "the embedded store " + file
                    + " is locked by another process (another Liaison on this data dir?)";
            case DataUtils.ERROR_FILE_CORRUPT -> "the embedded store " + file + " is corrupt: " + e.getMessage();
            case DataUtils.ERROR_UNSUPPORTED_FORMAT -> "the embedded store " + file
                    + " was written by an incompatible version: " + e.getMessage();
            default -> "cannot open the embedded store " + file + ": " + e.getMessage();
        };
    }

    public String connectionString() {
        return connectionString;
    }

    /** Commits now (every write command is already committed before it is acknowledged). */
    public void commit() {
        if (!mvStore.isClosed()) {
            backend.commit();
        }
    }

    /** Commits made so far, one per write command that changed something. */
    public long commits() {
        return backend.commits();
    }

    /** Rewrites chunks that are mostly garbage, between two write commands. */
    private void compact() {
        try {
            if (!mvStore.isClosed()) {
                backend.runAsWrite(() -> mvStore.compact(50, 16 * 1024 * 1024));
            }
        } catch (RuntimeException e) {
            LOG.warn("Compacting the embedded store: {}", e.getMessage());
        }
    }

    /** What start-up found torn and repaired (one line per collection); empty for a sound store. */
    public List<String> repairs() {
        return repairs;
    }

    /** Unique indexes whose entry count does not match their documents now (empty when sound). */
    public java.util.Map<String, List<String>> indexMismatches() {
        return EmbeddedStoreRepair.mismatches(mvStore);
    }

    MVStore mvStore() {
        return mvStore;
    }

    @Override
    public void close() {
        maintenance.shutdownNow();
        try {
            Files.deleteIfExists(portFile);
        } catch (IOException ignored) {
            // a stale port file is detected by the next process: nothing answers there as this store
        }
        server.shutdownNow();
        if (!mvStore.isClosed()) {
            mvStore.close();
        }
    }
}
