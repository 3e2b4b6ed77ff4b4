package dev.liaison.fetch;


import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLConnection;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP client every source kind uses. GET only; conditional requests from stored
 * validators (a 304 is an answer, not an error); timeouts; a maximum body size, also after gzip;
 * a concurrency limit per host and a global one; retries with exponential back-off that honour
 * Retry-After on 429 and 503 (up to a bound); and an allow-list of hosts checked before every
 * connection, redirects included.
 *
 * <p>Every request is counted in the caller's {@link FetchLog}; every failure is recorded there
 * once, so callers must not record a {@link FetchException} again.
 */
public final class Fetcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);
    private static final int BUFFER = 64 * 1024;
    /** The read buffer of one body (the client hands over at most about this much per read). */
    private static final int READ_BUFFER = 16 * 1024;

    private final FetchSettings settings;
    private final HostAllowList allowList;
    private final String userAgent;
    private final Semaphore global;
    private final Map<String, Semaphore> perHost = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog;
    private final Sleeper sleeper;

    /** Sleeps between retries; replaceable in tests. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public Fetcher(FetchSettings settings, HostAllowList allowList, String userAgent) {
        this(settings, allowList, userAgent, d -> Thread.sleep(d.toMillis()));
    }

    public Fetcher(FetchSettings settings, HostAllowList allowList, String userAgent, Sleeper sleeper) {
        this.settings = settings;
        this.allowList = allowList;
        this.userAgent = userAgent;
        this.sleeper = sleeper;
        keepEnoughConnectionsAlive(settings.perHostConcurrency());
        this.global = new Semaphore(settings.globalConcurrency(), true);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "liaison-fetch-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    public HostAllowList allowList() {
        return allowList;
    }

    public FetchSettings settings() {
        return settings;
    }

    /** A plain GET. */
    public FetchResult get(URI url, FetchLog stats) throws FetchException {
        return get(url, Validators.NONE, stats);
    }

    /**
     * A GET, conditional when validators are given. Returns a 2xx result with a body, or a 304
     * result with an empty body. Throws (after recording the failure) for anything else.
     */
    public FetchResult get(URI url, Validators validators, FetchLog stats) throws FetchException {
        try {
            return follow(url, validators == null ? Validators.NONE : validators, stats);
        } catch (FetchException e) {
            stats.error("fetch " + url, describe(e));
            throw e;
        }
    }

    private static String describe(FetchException e) {
        String msg = e.getMessage();
        int cut = msg.indexOf(": ");
        return e.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " - " + (cut >= 0 ? msg.substring(cut + 2) : msg);
    }

    private FetchResult follow(URI requested, Validators validators, FetchLog stats) throws FetchException {
        URI current = requested;
        for (int hop = 0; hop <= settings.maxRedirects(); hop++) {
            if (!allowList.allows(current)) {
                LOG.warn("Refused to fetch {}: its origin is not in the allow-list", current);
                throw new FetchException(current, FetchException.Reason.HOST_NOT_ALLOWED, 0,
                        "'" + HostAllowList.originOf(current) + "' is not in the allow-list"
                                + (hop > 0 ? " (redirect from " + requested + ")" : ""));
            }
            Answer answer = withRetries(current, hop == 0 ? validators : Validators.NONE, stats);
            if (answer.redirect != null) {
                current = answer.redirect;
                continue;
            }
            return new FetchResult(requested, current, answer.status, answer.body, answer.contentType, answer.validators);
        }
        throw new FetchException(requested, FetchException.Reason.TOO_MANY_REDIRECTS, 0,
                "more than " + settings.maxRedirects() + " redirects");
    }

    private record Answer(int status, byte[] body, String contentType, Validators validators, URI redirect) {}

    private Answer withRetries(URI url, Validators validators, FetchLog stats) throws FetchException {
        FetchException last = null;
        for (int attempt = 0; attempt <= settings.retries(); attempt++) {
            Duration wait = null;
            try {
                return once(url, validators, stats);
            } catch (Retryable r) {
                last = r.failure;
                wait = r.retryAfter;
                if (wait != null && wait.compareTo(settings.retryAfterMax()) > 0) {
                    throw new FetchException(url, r.failure.reason(), r.failure.status(),
                            r.failure.getMessage().substring(url.toString().length() + 2)
                                    + "; Retry-After " + wait.toSeconds() + "s exceeds the limit of "
                                    + settings.retryAfterMax().toSeconds() + "s, giving up for this poll");
                }
            }
            if (attempt == settings.retries()) {
                break;
            }
            if (wait == null) {
                long factor = 1L << Math.min(attempt, 20);
                wait = settings.backoffInitial().multipliedBy(factor);
                if (wait.compareTo(settings.backoffMax()) > 0) {
                    wait = settings.backoffMax();
                }
            }
            LOG.debug("Retrying {} in {} ms after: {}", url, wait.toMillis(), last.getMessage());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FetchException(url, FetchException.Reason.INTERRUPTED, 0, "interrupted while waiting to retry");
            }
        }
        throw new FetchException(url, last.reason(), last.status(),
                last.getMessage().substring(url.toString().length() + 2) + " (after " + (settings.retries() + 1) + " attempts)");
    }

    /** A failure worth another attempt, with the server's Retry-After when it sent one. */
    private static final class Retryable extends Exception {
        final FetchException failure;
        final Duration retryAfter;

        Retryable(FetchException failure, Duration retryAfter) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
            this.retryAfter = retryAfter;
        }
    }

    private Answer once(URI url, Validators validators, FetchLog stats) throws FetchException, Retryable {
        String hostKey = url.getHost().toLowerCase(Locale.ROOT) + ":" + url.getPort();
        Semaphore host = perHost.computeIfAbsent(hostKey, h -> new Semaphore(settings.perHostConcurrency(), true));
        try {
            host.acquire();
            try {
                global.acquire();
                try {
                    return exchange(url, validators, stats);
                } finally {
                    global.release();
                }
            } finally {
                host.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(url, FetchException.Reason.INTERRUPTED, 0, "interrupted");
        }
    }

    /**
     * One request and its answer, on the JDK's {@link HttpURLConnection}: blocking, on the caller's
     * thread, with its keep-alive connection cache. (The JDK's {@code java.net.http.HttpClient}
     * used before cost about twice the CPU per request and ~0.3 s more CPU to start up
     * in a fresh process, measured on whole spec-site crawls; see bench/RESULTS.md.) Redirects are
     * never followed here ({@link #follow} checks each hop against the allow-list); a connection
     * whose answer was not read to its end, or that failed or timed out, is closed, never reused.
     */
    private Answer exchange(URI url, Validators validators, FetchLog stats) throws FetchException, Retryable, InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException(); // a poll being stopped starts no new request
        }
        HttpURLConnection c;
        try {
            URLConnection opened = url.toURL().openConnection();
            if (!(opened instanceof HttpURLConnection http)) {
                throw new FetchException(url, FetchException.Reason.HOST_NOT_ALLOWED, 0, "not an http(s) URL");
            }
            c = http;
        } catch (IOException | IllegalArgumentException e) {
            throw new FetchException(url, FetchException.Reason.NETWORK, 0, "malformed URL: " + e.getMessage());
        }
        c.setInstanceFollowRedirects(false);
        // useCaches stays on: off, the JDK sends "Cache-Control: no-cache", which makes a cache in
        // front of the site revalidate with its origin; no ResponseCache is installed, so the JDK
        // caches nothing itself.
        c.setConnectTimeout(timeoutMillis(settings.connectTimeout()));
        c.setReadTimeout(timeoutMillis(settings.readTimeout()));
        c.setRequestProperty("User-Agent", userAgent);
        c.setRequestProperty("Accept", "*/*");
        c.setRequestProperty("Accept-Encoding", "gzip");
        if (validators.etag() != null) {
            c.setRequestProperty("If-None-Match", validators.etag());
        }
        if (validators.lastModified() != null) {
            c.setRequestProperty("If-Modified-Since", validators.lastModified());
        }
        boolean reusable = false;
        try {
            int status = answerStatus(url, c, stats);
            if (status == 304) {
                stats.request(0, true);
                reusable = discardBody(c, status);
                return new Answer(304, new byte[0], null, validatorsOf(c, validators), null);
            }
            if (status >= 300 && status < 400) {
                stats.request(0, false);
                String location = c.getHeaderField("Location");
                reusable = discardBody(c, status);
                if (location == null) {
                    throw new FetchException(url, FetchException.Reason.HTTP_STATUS, status, "redirect without a Location");
                }
                try {
                    return new Answer(status, null, null, null, url.resolve(location.trim()));
                } catch (IllegalArgumentException e) {
                    throw new FetchException(url, FetchException.Reason.HTTP_STATUS, status, "redirect to a malformed Location");
                }
            }
            if (status == 429 || status >= 500) {
                stats.request(0, false);
                Duration retryAfter = (status == 429 || status == 503) ? parseRetryAfter(c.getHeaderField("Retry-After")) : null;
                throw new Retryable(new FetchException(url, FetchException.Reason.HTTP_STATUS, status, "HTTP " + status), retryAfter);
            }
            if (status < 200 || status >= 300) {
                stats.request(0, false);
                throw new FetchException(url, FetchException.Reason.HTTP_STATUS, status, "HTTP " + status);
            }
            long declared = c.getContentLengthLong();
            String encoding = c.getContentEncoding();
            boolean gzip = encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip");
            if (declared > settings.maxBodyBytes() && !gzip) {
                stats.request(0, false);
                throw new FetchException(url, FetchException.Reason.TOO_LARGE, status,
                        "body of " + declared + " bytes exceeds the limit of " + settings.maxBodyBytes() + " bytes");
            }
            CountingBody body = readBounded(url, c, gzip, declared, stats);
            reusable = true;
            return new Answer(status, body.bytes, c.getContentType(), validatorsOf(c, Validators.NONE), null);
        } catch (FetchException e) {
            if (e.reason() == FetchException.Reason.TIMEOUT) {
                // A body that stalled mid-way is a transient failure like a timed-out answer: retried.
                throw new Retryable(e, null);
            }
            // A definite answer (4xx, too large): not a network failure to retry.
            throw e;
        } catch (IOException e) {
            throw new Retryable(new FetchException(url, FetchException.Reason.NETWORK, 0, "reading the body failed: " + e.getMessage()), null);
        } finally {
            if (!reusable) {
                c.disconnect(); // closes the socket: never reused with half an answer in it
            }
        }
    }

    /**
     * Connects, sends the request and reads the status line and headers, within the connect
     * timeout and then the read timeout (a deadline for the whole head, not only per read: a
     * server that trickles its headers times out too). Counts the request when this fails.
     */
    private int answerStatus(URI url, HttpURLConnection c, FetchLog stats) throws Retryable {
        try {
            c.connect();
        } catch (SocketTimeoutException e) {
            stats.request(0, false);
            throw new Retryable(new FetchException(url, FetchException.Reason.TIMEOUT, 0,
                    "connect timed out after " + settings.connectTimeout().toMillis() + " ms"), null);
        } catch (ConnectException e) {
            stats.request(0, false);
            throw new Retryable(new FetchException(url, FetchException.Reason.NETWORK, 0, "connection refused"), null);
        } catch (IOException e) {
            stats.request(0, false);
            throw new Retryable(new FetchException(url, FetchException.Reason.NETWORK, 0,
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())), null);
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = watchdog.schedule(() -> {
            timedOut.set(true);
            c.disconnect(); // ends a read blocked on the socket
        }, settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            int status = c.getResponseCode();
            if (status < 100) {
                throw new IOException("the answer is not HTTP");
            }
            return status;
        } catch (IOException e) {
            stats.request(0, false);
            if (timedOut.get() || e instanceof SocketTimeoutException) {
                throw new Retryable(new FetchException(url, FetchException.Reason.TIMEOUT, 0,
                        "no answer within " + settings.readTimeout().toMillis() + " ms"), null);
            }
            throw new Retryable(new FetchException(url, FetchException.Reason.NETWORK, 0,
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())), null);
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * Reads what little body a 304 or a redirect has, so that its connection can serve the next
     * request; returns whether it can.
     */
    private static boolean discardBody(HttpURLConnection c, int status) {
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            if (in != null) {
                byte[] skip = new byte[1024];
                int total = 0;
                int n;
                while ((n = in.read(skip)) != -1) {
                    total += n;
                    if (total > 64 * 1024) {
                        return false; // a large body on an answer without one: not worth reading
                    }
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int timeoutMillis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /**
     * The JDK keeps at most {@code http.maxConnections} (default 5) idle connections per host for
     * reuse; with more requests in flight to one host, the rest would be closed after each answer
     * and opened again. Raised to the per-host concurrency unless set on the command line (read
     * once by the JDK, when its first HTTP connection is made: the first fetcher's setting holds).
     */
    private static void keepEnoughConnectionsAlive(int perHost) {
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(Math.max(5, Math.min(64, perHost))));
        }
    }

    private record CountingBody(byte[] bytes, long wireBytes) {}

    /**
     * Reads the body within the size and time limits; counts the request with the bytes received.
     * {@code declared} is the Content-Length (bytes on the wire, compressed or not), -1 when none.
     */
    private CountingBody readBounded(URI url, HttpURLConnection c, boolean gzip, long declared, FetchLog stats) throws FetchException, IOException {
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = watchdog.schedule(() -> {
            timedOut.set(true);
            c.disconnect(); // closing the socket is how a stalled read is ended
        }, settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        CountingInputStream counted;
        try {
            counted = new CountingInputStream(c.getInputStream());
        } catch (IOException e) {
            deadline.cancel(false);
            stats.request(0, false);
            if (timedOut.get() || e instanceof SocketTimeoutException) {
                throw new FetchException(url, FetchException.Reason.TIMEOUT, 200,
                        "body not complete within " + settings.readTimeout().toMillis() + " ms");
            }
            throw e;
        }
        try (InputStream in = gzip ? new GZIPInputStream(counted, BUFFER) : counted) {
            // Sized from Content-Length when there is one (a page of a few kB then costs a few kB,
            // not two 64 kB buffers); a wrong Content-Length only costs a regrowth.
            int initial = (int) Math.min(declared > 0 && !gzip ? declared : READ_BUFFER, Math.min(BUFFER, settings.maxBodyBytes()));
            ByteArrayOutputStream out = new ByteArrayOutputStream(initial);
            byte[] buf = new byte[READ_BUFFER];
            long total = 0;
            int n;
            // The whole body within the read timeout, checked after every read too: a body that
            // trickles in never lets a single read time out, and closing the connection from the
            // watchdog does not always end a read in progress.
            long deadlineNanos = System.nanoTime() + settings.readTimeout().toNanos();
            while ((n = in.read(buf)) != -1) {
                if (System.nanoTime() > deadlineNanos) {
                    timedOut.set(true);
                    throw new java.net.SocketTimeoutException("body not complete within the read timeout");
                }
                total += n;
                if (total > settings.maxBodyBytes()) {
                    throw new FetchException(url, FetchException.Reason.TOO_LARGE, 200,
                            "body exceeds the limit of " + settings.maxBodyBytes() + " bytes" + (gzip ? " (after gzip)" : ""));
                }
                out.write(buf, 0, n);
            }
            if (declared >= 0 && counted.count < declared) {
                // The JDK ends a fixed-length body cut short by the server as if it were complete.
                throw new IOException("the connection closed after " + counted.count + " of " + declared + " bytes");
            }
            return new CountingBody(out.toByteArray(), counted.count);
        } catch (IOException e) {
            if (timedOut.get() || e instanceof SocketTimeoutException) {
                throw new FetchException(url, FetchException.Reason.TIMEOUT, 200,
                        "body not complete within " + settings.readTimeout().toMillis() + " ms");
            }
            throw e;
        } finally {
            deadline.cancel(false);
            stats.request(counted.count, false);
        }
    }

    private static final class CountingInputStream extends java.io.FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    private static Validators validatorsOf(HttpURLConnection c, Validators fallback) {
        String etag = c.getHeaderField("ETag");
        String lastModified = c.getHeaderField("Last-Modified");
        return new Validators(etag != null ? etag : fallback.etag(), lastModified != null ? lastModified : fallback.lastModified());
    }

    /** Retry-After as seconds or as an HTTP date; null when absent or unreadable. */
    static Duration parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return Duration.ofSeconds(Math.max(0, seconds));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
