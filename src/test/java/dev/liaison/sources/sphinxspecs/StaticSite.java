package dev.liaison.sources.sphinxspecs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A static web server on 127.0.0.1 for tests: serves a directory like a web server serves a
 * Sphinx build (directory → index.html), sends Last-Modified from the file time and answers
 * If-Modified-Since with 304, counts requests, and can be told to fail given paths.
 */
public final class StaticSite implements AutoCloseable {

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final Path dir;
    private final String prefix;
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger notModified = new AtomicInteger();
    private final Map<String, Integer> failing = new ConcurrentHashMap<>();

    public StaticSite(Path dir, String prefix) throws IOException {
        this.dir = dir;
        this.prefix = prefix;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The site root URL: http://127.0.0.1:port/prefix/ */
    public String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
    }

    int requests() { return requests.get(); }
    int notModified() { return notModified.get(); }
    void resetCounts() { requests.set(0); notModified.set(0); log.clear(); }

    /** From now on answer this path (below the root) with this status. */
    void fail(String relativePath, int status) { failing.put(prefix + relativePath, status); }
    void heal() { failing.clear(); }

    private final java.util.List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    /** The paths requested since the last reset, each with the status answered. */
    java.util.List<String> log() {
        synchronized (log) {
            return java.util.List.copyOf(log);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        log.add(ex.getRequestURI().getPath() + (ex.getRequestHeaders().containsKey("If-Modified-Since") ? " (conditional)" : ""));
        try (ex) {
            String path = ex.getRequestURI().getPath();
            Integer status = failing.get(path);
            if (status != null) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            if (!path.startsWith(prefix) || path.contains("..")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            Path file = dir.resolve(path.substring(prefix.length()));
            if (Files.isDirectory(file)) {
                file = file.resolve("index.html");
            }
            if (!Files.isRegularFile(file)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            Instant modified = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
            String since = ex.getRequestHeaders().getFirst("If-Modified-Since");
            if (since != null) {
                try {
                    if (!modified.isAfter(ZonedDateTime.parse(since, HTTP_DATE).toInstant())) {
                        notModified.incrementAndGet();
                        ex.sendResponseHeaders(304, -1);
                        return;
                    }
                } catch (RuntimeException ignored) {
                    // an unreadable date: send the page
                }
            }
            byte[] body = Files.readAllBytes(file);
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.getResponseHeaders().add("Last-Modified", HTTP_DATE.format(modified.atZone(ZoneOffset.UTC)));
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** Unpacks a .tar.gz (ustar, GNU long names) from the class path into a directory. */
    public static void untar(String resource, Path into) throws IOException {
        try (InputStream raw = StaticSite.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IOException("no resource " + resource);
            }
            InputStream in = new GZIPInputStream(raw, 1 << 16);
            byte[] header = new byte[512];
            String longName = null;
            while (in.readNBytes(header, 0, 512) == 512) {
                if (header[0] == 0) {
                    break;
                }
                String name = longName != null ? longName : field(header, 345, 155).isEmpty()
                        ? field(header, 0, 100) : field(header, 345, 155) + "/" + field(header, 0, 100);
                longName = null;
                long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                byte[] data = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'L') {
                    longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                } else if (type == '0' || type == '\0') {
                    Path target = into.resolve(name).normalize();
                    if (!target.startsWith(into)) {
                        throw new IOException("tar entry outside the target: " + name);
                    }
                    Files.createDirectories(target.getParent());
                    Files.write(target, data);
                } else if (type == '5') {
                    Files.createDirectories(into.resolve(name));
                }
            }
        }
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
