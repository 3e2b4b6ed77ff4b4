package dev.liaison.store;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to MongoDB: a real one when a URI is configured, otherwise the embedded store
 * under the data dir (started in this process, or the one the running daemon serves). Creates the
 * collections and indexes of DESIGN.md and hands out the typed stores.
 */
public final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    public static final String ITEMS = "items";
    public static final String STORIES = "stories";
    public static final String LINKS = "links";
    public static final String EVENTS = "events";
    public static final String SUBSCRIBERS = "subscribers";
    public static final String OUTBOX = "outbox";
    public static final String SNAPSHOTS = "snapshots";
    public static final String SOURCE_STATE = "source_state";
    public static final String HTTP_VALIDATORS = "http_validators";
    /** One page of a longer list, and how long the whole list is. */
    public record Page<T>(long total, java.util.List<T> rows) {}

    public static final String LAUNCHPAD_DETAILS = "launchpad_details";
    public static final String PRIORITIES = "priorities";

    private final MongoClient client;
    private final MongoDatabase db;
    private final EmbeddedMongo embedded;
    private final String description;
    private final ItemStore items;
    private final EventStore events;
    private final SourceStateStore sourceState;
    private final ValidatorStore validators;

    private Store(MongoClient client, String database, EmbeddedMongo embedded, String description) {
        this.client = client;
        this.db = client.getDatabase(database);
        this.embedded = embedded;
        this.description = description;
        this.events = new EventStore(db.getCollection(EVENTS));
        this.items = new ItemStore(db.getCollection(ITEMS), events);
        this.sourceState = new SourceStateStore(db.getCollection(SOURCE_STATE));
        this.validators = new ValidatorStore(db.getCollection(HTTP_VALIDATORS));
    }

    /**
     * Opens the store. {@code mongoUri} blank means embedded: join the server a running Liaison
     * serves on this data dir, or start one in this process.
     */
    public static Store open(String mongoUri, String database, Path dataDir) throws IOException {
        return open(mongoUri, database, dataDir, DEFAULT_TIMEOUT);
    }

    /** The default of {@code liaison.mongo.timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Opens the store, waiting at most {@code timeout} to reach it (server selection and connect;
     * a {@code serverSelectionTimeoutMS} in a configured URI wins).
     */
    public static Store open(String mongoUri, String database, Path dataDir, Duration timeout) throws IOException {
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        if (mongoUri != null && !mongoUri.isBlank()) {
            ConnectionString cs = new ConnectionString(mongoUri);
            Integer fromUri = cs.getServerSelectionTimeout();
            Store s = new Store(client(cs, fromUri == null ? timeoutMillis : fromUri), database, null,
                    "mongodb " + String.join(",", cs.getHosts()));
            s.ensureIndexes();
            return s;
        }
        var running = EmbeddedMongo.runningElsewhere(dataDir, timeoutMillis);
        if (running.isPresent()) {
            LOG.debug("Using the embedded store of the running Liaison at {}", running.get());
            return new Store(client(new ConnectionString(running.get()), timeoutMillis), database, null,
                    "embedded (served by the running daemon)");
        }
        EmbeddedMongo embedded = EmbeddedMongo.start(dataDir);
        Store s = new Store(client(new ConnectionString(embedded.connectionString()), timeoutMillis), database, embedded,
                "embedded " + dataDir.resolve(EmbeddedMongo.STORE_FILE));
        try {
            s.ensureIndexes();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static MongoClient client(ConnectionString cs, int timeoutMillis) {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(cs)
                .applyToClusterSettings(b -> b.serverSelectionTimeout(timeoutMillis, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS))
                .build();
        return MongoClients.create(settings);
    }

    /** Creates the unique indexes the design relies on (idempotent). */
    public void ensureIndexes() {
        IndexOptions unique = new IndexOptions().unique(true);
        db.getCollection(LINKS).createIndex(Indexes.ascending("story", "item"), unique);
        db.getCollection(OUTBOX).createIndex(Indexes.ascending("subscriber", "key"), unique);
        db.getCollection(SUBSCRIBERS).createIndex(Indexes.ascending("address"), unique);
        // Non-unique indexes: a real MongoDB uses them; the embedded store ignores them.
        db.getCollection(ITEMS).createIndex(Indexes.ascending("source"));
        db.getCollection(ITEMS).createIndex(Indexes.ascending("kind"));
        db.getCollection(EVENTS).createIndex(Indexes.ascending("at"));
        db.getCollection(HTTP_VALIDATORS).createIndex(Indexes.ascending("source"));
        db.getCollection(SNAPSHOTS).createIndex(Indexes.ascending("source", "fetchedAt"));
    }

    /** True when the store answers a ping. */
    public boolean ping() {
        try {
            db.runCommand(new Document("ping", 1));
            return true;
        } catch (MongoException | IllegalStateException e) {
            return false;
        }
    }

    /** Makes what was written so far durable now (the embedded store commits every write anyway). */
    public void flush() {
        if (embedded != null) {
            embedded.commit();
        }
    }

    public MongoDatabase database() { return db; }
    public MongoCollection<Document> collection(String name) { return db.getCollection(name); }
    public ItemStore items() { return items; }
    public EventStore events() { return events; }
    public SourceStateStore sourceState() { return sourceState; }
    public ValidatorStore validators() { return validators; }
    public String description() { return description; }
    public boolean isEmbeddedOwner() { return embedded != null; }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
