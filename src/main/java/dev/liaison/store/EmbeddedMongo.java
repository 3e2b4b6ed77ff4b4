package dev.liaison.store;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: mongo-java-server with its H2 backend, persisted in {@code liaison.mv.db}
 * under the data dir and listening on a loopback port. The port is written to
 * {@code embedded-mongo.port} so that a second Liaison process on the same data dir (the read
 * commands while the daemon runs) talks to the owner's server instead of opening the locked file.
 */
public final class EmbeddedMongo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);
    public static final String STORE_FILE = "liaison.mv.db";
    public static final String PORT_FILE = "embedded-mongo.port";

    private final MongoServer server;
    private final H2Backend backend;
    private final MVStore mvStore;
    private final Path portFile;
    private final String connectionString;

    private EmbeddedMongo(MongoServer server, H2Backend backend, MVStore mvStore, Path portFile, String connectionString) {
        this.server = server;
        this.backend = backend;
        this.mvStore = mvStore;
        this.portFile = portFile;
        this.connectionString = connectionString;
    }

    /**
     * The connection string of an embedded server another process already runs on this data dir,
     * if one answers.
     */
    public static Optional<String> runningElsewhere(Path dataDir) {
        Path portFile = dataDir.resolve(PORT_FILE);
        if (!Files.isRegularFile(portFile)) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).trim());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            }
            return Optional.of("mongodb://127.0.0.1:" + port);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** How long H2 keeps the space of old versions of the data (see {@link #start}). */
    static final int RETENTION_MILLIS = 10 * 60 * 1000;

    /** Opens (or creates) the store file under the data dir and starts serving it on loopback. */
    public static EmbeddedMongo start(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(STORE_FILE);
        MVStore mvStore;
        try {
            mvStore = new MVStore.Builder().fileName(file.toString()).compress().open();
            mvStore.setAutoCommitDelay(200);
            // A query reads one version of the data while writes go on; H2 may reuse the space of
            // an old version after the retention time (45 s by default), and a query still reading
            // it then fails with "Chunk … not found" (seen reading 221,000 links right after
            // writing them). Old versions are kept longer: more disk for a while, no failed reads.
            mvStore.setRetentionTime(RETENTION_MILLIS);
        } catch (RuntimeException e) {
            throw new IOException("cannot open the embedded store " + file + ": " + e.getMessage()
                    + " (is another Liaison process using this data dir?)", e);
        }
        H2Backend backend = new H2Backend(mvStore);
        MongoServer server = new MongoServer(backend);
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = server.getLocalAddress().getPort();
        Path portFile = dataDir.resolve(PORT_FILE);
        Path tmp = dataDir.resolve(PORT_FILE + ".tmp");
        Files.writeString(tmp, Integer.toString(port), StandardCharsets.UTF_8);
        Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Embedded store {} serving on 127.0.0.1:{}", file, port);
        return new EmbeddedMongo(server, backend, mvStore, portFile, "mongodb://127.0.0.1:" + port);
    }

    public String connectionString() {
        return connectionString;
    }

    /** Writes what is committed so far to disk now rather than at the next auto-commit. */
    public void commit() {
        if (!mvStore.isClosed()) {
            backend.commit();
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(portFile);
        } catch (IOException ignored) {
            // a stale port file is detected by the next process: nothing answers there
        }
        server.shutdownNow();
        if (!mvStore.isClosed()) {
            mvStore.close();
        }
    }
}
