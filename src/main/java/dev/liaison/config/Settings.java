package dev.liaison.config;

import dev.liaison.fetch.FetchSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Liaison's own settings ({@code liaison.*} keys of {@code config/application.properties}), each
 * overridable by an environment variable: {@code liaison.fetch.max-body} is
 * {@code LIAISON_FETCH_MAX_BODY}. Defaults live here and nowhere else. Camel's own keys
 * ({@code camel.*}) in the same file are passed to Camel Main as they are.
 */
public final class Settings {

    /** Every Liaison setting, its default, and what it means. */
    public static final Map<String, String[]> KNOWN = new LinkedHashMap<>();

    /** Settings that may come only from the environment, never from a committed file. */
    public static final java.util.Set<String> ENVIRONMENT_ONLY = java.util.Set.of("liaison.smtp.password", "liaison.api.token");

    static {
        known("liaison.http.host", "127.0.0.1", "Address the HTTP server binds to (health, metrics, API, pages).");
        known("liaison.http.port", "8080", "Port of the HTTP server.");
        known("liaison.mongo.uri", "", "MongoDB connection string; empty starts the embedded store under the data dir.");
        known("liaison.mongo.database", "liaison", "Database name.");
        known("liaison.mongo.timeout", "10s", "How long to wait to reach the store (server selection and connect) before giving up.");
        known("liaison.fetch.connect-timeout", "10s", "Connect timeout of every fetch.");
        known("liaison.fetch.read-timeout", "30s", "Time allowed for an answer and its whole body.");
        known("liaison.fetch.max-body", "16MB", "Largest body accepted (after gzip); larger answers are refused and recorded.");
        known("liaison.fetch.per-host-concurrency", "2", "Requests in flight to one host at a time.");
        known("liaison.fetch.global-concurrency", "8", "Requests in flight in all.");
        known("liaison.fetch.retries", "3", "Further attempts after a timeout, a network error, 429 or 5xx.");
        known("liaison.fetch.backoff-initial", "1s", "First wait before a retry; doubled each time.");
        known("liaison.fetch.backoff-max", "60s", "Longest wait between retries.");
        known("liaison.fetch.retry-after-max", "300s", "Longest Retry-After honoured; a longer one ends the poll, retried at the next.");
        known("liaison.fetch.max-redirects", "5", "Redirects followed per fetch (each target must be an allowed host).");
        known("liaison.fetch.extra-hosts", "", "Comma-separated hosts allowed besides those of the configured sources.");
        known("liaison.fetch.contact", "", "Contact (URL or address) added to the User-Agent so site owners can reach you.");
        known("liaison.poll.initial-delay", "5s", "Delay before the first poll of an interval-scheduled source after start-up.");
        known("liaison.link.interval", "60s", "How often the linker links the items and stories changed since its cursor.");
        known("liaison.link.min-confidence", "0.5", "Share of similar suggestions of a score band judged right that the band needs to be suggested at all (0: a story's best 10 whatever they score).");
        known("liaison.poll.failure-alert-after", "3", "Consecutive failed polls after which a source is reported unhealthy.");
        known("liaison.api.token", "", "Token every write through the API and the pages needs: environment only (LIAISON_API_TOKEN).");
        known("liaison.http.session-lifetime", "8h", "How long a sign-in to the pages lasts; after it, sign in again.");
        known("liaison.http.max-body", "1MB", "Largest request body the HTTP server accepts (larger: 413).");
        known("liaison.base-url", "", "Public address of this Liaison, used for links in mails (review, unsubscribe); empty: http://<liaison.http.host>:<liaison.http.port>.");
        known("liaison.mail.from", "Liaison <liaison@localhost>", "From address of digests and alerts.");
        known("liaison.smtp.host", "", "SMTP relay; empty writes mails as .eml files under the data dir's outbox/ instead.");
        known("liaison.smtp.port", "587", "SMTP port.");
        known("liaison.smtp.starttls", "true", "Require STARTTLS on the SMTP connection.");
        known("liaison.smtp.username", "", "SMTP user (from the environment: LIAISON_SMTP_USERNAME).");
        known("liaison.smtp.password", "", "SMTP password: only from the environment (LIAISON_SMTP_PASSWORD), never from a file.");
        known("liaison.digest.send-empty", "false", "Send a digest even when there is nothing to say.");
        known("liaison.digest.settle", "2m", "Events younger than this wait for the next digest (so none is missed while being written).");
        known("liaison.outbox.max-attempts", "12", "Attempts to send one mail before it is marked failed for good.");
        known("liaison.outbox.backoff-initial", "30s", "First wait after a failed send; doubled each time, at most 1h.");
    }

    private static void known(String key, String defaultValue, String description) {
        KNOWN.put(key, new String[] {defaultValue, description});
    }

    private final Map<String, String> values;
    private final Properties camel;
    private final Path file;

    private Settings(Map<String, String> values, Properties camel, Path file) {
        this.values = values;
        this.camel = camel;
        this.file = file;
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Loads {@code application.properties} from the config dir (optional), then environment overrides. */
    public static Settings load(Path configDir, Map<String, String> env) {
        Path file = configDir.resolve("application.properties");
        Properties props = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(file.toString(), null, null, "cannot be read: " + e.getMessage());
            }
        }
        Map<String, String> values = new TreeMap<>();
        Properties camel = new Properties();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("liaison.")) {
                if (!KNOWN.containsKey(key)) {
                    throw new ConfigException(file.toString(), null, key, "unknown setting (known: see README, Configuration)");
                }
                if (ENVIRONMENT_ONLY.contains(key)) {
                    throw new ConfigException(file.toString(), null, key,
                            "a secret: set it in the environment as " + envName(key) + ", never in a file");
                }
                values.put(key, props.getProperty(key).trim());
            } else {
                camel.setProperty(key, props.getProperty(key));
            }
        }
        for (String key : KNOWN.keySet()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv.trim());
            }
        }
        Settings s = new Settings(values, camel, file);
        s.validate();
        return s;
    }

    private void validate() {
        port("liaison.http.port");
        publicBaseUrl();
        for (String key : KNOWN.keySet()) {
            String def = KNOWN.get(key)[0];
            if (def.matches("\\d+(ms|s|m)")) {
                duration(key);
            } else if (def.matches("\\d+MB")) {
                bytes(key);
            } else if (def.equals("true") || def.equals("false")) {
                bool(key);
            } else if (def.matches("\\d+") && !key.endsWith("port")) {
                integer(key, 0, 10_000);
            }
        }
        integer("liaison.fetch.per-host-concurrency", 1, 64);
        integer("liaison.fetch.global-concurrency", 1, 256);
        fraction("liaison.link.min-confidence");
    }

    public String get(String key) {
        String[] known = KNOWN.get(key);
        if (known == null) {
            throw new IllegalArgumentException("not a Liaison setting: " + key);
        }
        return values.getOrDefault(key, known[0]);
    }

    public int integer(String key, int min, int max) {
        String v = get(key);
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new ConfigException(file.toString(), null, key, "'" + v + "' is not a whole number from " + min + " to " + max
                    + " (environment variable " + envName(key) + " overrides it)");
        }
    }

    /**
     * The public address links in mails are built from: {@code liaison.base-url} when set (without
     * a trailing slash), otherwise the address the HTTP server listens on (a wildcard host is
     * given as 127.0.0.1, since a mail cannot link to 0.0.0.0).
     */
    public String publicBaseUrl() {
        String set = get("liaison.base-url").trim();
        if (!set.isEmpty()) {
            if (!set.matches("https?://[^\\s/]+(/\\S*)?")) {
                throw new ConfigException(file.toString(), null, "liaison.base-url", "'" + set + "' is not an http(s) address");
            }
            return set.endsWith("/") ? set.substring(0, set.length() - 1) : set;
        }
        String host = get("liaison.http.host").trim();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port("liaison.http.port");
    }

    /** A number from 0 to 1. */
    public double fraction(String key) {
        String v = get(key);
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= 0 && d <= 1)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException(file.toString(), null, key, "'" + v + "' is not a number from 0 to 1"
                    + " (environment variable " + envName(key) + " overrides it)");
        }
    }

    public int port(String key) {
        return integer(key, 0, 65535);
    }

    public boolean bool(String key) {
        String v = get(key).trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new ConfigException(file.toString(), null, key, "'" + v + "' is not true or false");
        }
        return Boolean.parseBoolean(v);
    }

    public Duration duration(String key) {
        String v = get(key);
        return Durations.parse(v).orElseThrow(() ->
                new ConfigException(file.toString(), null, key, "'" + v + "' is not a duration such as 500ms, 30s, 5m"));
    }

    public long bytes(String key) {
        String v = get(key).trim().toUpperCase(Locale.ROOT);
        try {
            if (v.endsWith("GB")) {
                return Long.parseLong(v.substring(0, v.length() - 2).trim()) << 30;
            } else if (v.endsWith("MB")) {
                return Long.parseLong(v.substring(0, v.length() - 2).trim()) << 20;
            } else if (v.endsWith("KB")) {
                return Long.parseLong(v.substring(0, v.length() - 2).trim()) << 10;
            }
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(file.toString(), null, key, "'" + v + "' is not a size such as 512KB or 16MB");
        }
    }

    public FetchSettings fetchSettings() {
        return new FetchSettings(
                duration("liaison.fetch.connect-timeout"),
                duration("liaison.fetch.read-timeout"),
                bytes("liaison.fetch.max-body"),
                integer("liaison.fetch.per-host-concurrency", 1, 64),
                integer("liaison.fetch.global-concurrency", 1, 256),
                integer("liaison.fetch.retries", 0, 10),
                duration("liaison.fetch.backoff-initial"),
                duration("liaison.fetch.backoff-max"),
                duration("liaison.fetch.retry-after-max"),
                integer("liaison.fetch.max-redirects", 0, 20));
    }

    /** Camel Main's own properties from the same file ({@code camel.*} and anything not {@code liaison.*}). */
    public Properties camelProperties() {
        Properties copy = new Properties();
        copy.putAll(camel);
        return copy;
    }

    /** Every Liaison setting with its effective value; values of secret-looking keys are masked. */
    public Map<String, String> effective() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : KNOWN.keySet()) {
            String v = get(key);
            if (ENVIRONMENT_ONLY.contains(key)) {
                v = v.isEmpty() ? "" : "***";
            }
            out.put(key, key.contains("uri") && v.contains("@") ? v.replaceAll("//[^@/]*@", "//***@") : v);
        }
        return out;
    }

    public Path file() {
        return file;
    }
}
