package dev.liaison.fetch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.sun.net.httpserver.HttpServer;
import dev.liaison.sources.PollStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FetcherTest {

    WireMockServer server;
    final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    static FetchSettings settings(int perHost, long maxBody, Duration readTimeout, int retries) {
        return new FetchSettings(Duration.ofSeconds(2), readTimeout, maxBody, perHost, 16, retries,
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30), 5);
    }

    /** A fetcher allowed the given entries; a bare "127.0.0.1" means this test's WireMock (its port only). */
    Fetcher fetcher(FetchSettings s, String... hosts) {
        List<String> entries = java.util.Arrays.stream(hosts)
                .map(h -> h.equals("127.0.0.1") ? "http://127.0.0.1:" + server.port() : h).toList();
        return new Fetcher(s, new HostAllowList(entries), "Liaison/test", sleeps::add);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void conditionalGetSendsStoredValidatorsAndTreats304AsUnchanged() throws Exception {
        server.stubFor(get(urlEqualTo("/page")).withHeader("If-None-Match", absent())
                .willReturn(aResponse().withHeader("ETag", "\"abc\"").withHeader("Last-Modified", "Tue, 24 Nov 2026 10:00:00 GMT")
                        .withHeader("Content-Type", "text/html; charset=ISO-8859-1").withBody("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1))));
        server.stubFor(get(urlEqualTo("/page")).withHeader("If-None-Match", equalTo("\"abc\""))
                .withHeader("If-Modified-Since", equalTo("Tue, 24 Nov 2026 10:00:00 GMT"))
                .willReturn(aResponse().withStatus(304)));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 0), "127.0.0.1")) {
            PollStats stats = new PollStats();
            FetchResult first = f.get(url("/page"), Validators.NONE, stats);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.text()).isEqualTo("caf\u00e9");
            assertThat(first.validators()).isEqualTo(new Validators("\"abc\"", "Tue, 24 Nov 2026 10:00:00 GMT"));

            FetchResult second = f.get(url("/page"), first.validators(), stats);
            assertThat(second.notModified()).isTrue();
            assertThat(second.body()).isEmpty();
            assertThat(stats.requests()).isEqualTo(2);
            assertThat(stats.notModified()).isEqualTo(1);
            assertThat(stats.bytes()).isEqualTo(4);
            assertThat(stats.errors()).isZero();
        }
        server.verify(getRequestedFor(urlEqualTo("/page")).withHeader("User-Agent", equalTo("Liaison/test")));
        // nothing that would make a cache in front of the site go back to its origin for every page
        server.verify(0, getRequestedFor(urlEqualTo("/page")).withHeader("Cache-Control", com.github.tomakehurst.wiremock.client.WireMock.matching(".*")));
        server.verify(0, getRequestedFor(urlEqualTo("/page")).withHeader("Pragma", com.github.tomakehurst.wiremock.client.WireMock.matching(".*")));
    }

    @Test
    void honoursRetryAfterOn429And503ThenSucceeds() throws Exception {
        server.stubFor(get(urlEqualTo("/busy")).inScenario("busy").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")).willSetStateTo("second"));
        server.stubFor(get(urlEqualTo("/busy")).inScenario("busy").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3")).willSetStateTo("ok"));
        server.stubFor(get(urlEqualTo("/busy")).inScenario("busy").whenScenarioStateIs("ok")
                .willReturn(aResponse().withBody("done")));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 3), "127.0.0.1")) {
            PollStats stats = new PollStats();
            assertThat(f.get(url("/busy"), stats).text()).isEqualTo("done");
            assertThat(sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(3));
            assertThat(stats.requests()).isEqualTo(3);
            assertThat(stats.errors()).isZero();
        }
    }

    @Test
    void retryAfterBeyondTheLimitGivesUpAtOnceAndIsRecorded() throws Exception {
        server.stubFor(get(urlEqualTo("/later")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 3), "127.0.0.1")) {
            PollStats stats = new PollStats();
            assertThatThrownBy(() -> f.get(url("/later"), stats)).isInstanceOf(FetchException.class)
                    .hasMessageContaining("Retry-After 3600s exceeds the limit");
            assertThat(sleeps).isEmpty();
            assertThat(stats.errors()).isEqualTo(1);
            assertThat(stats.errorMessages().get(0)).contains("/later").contains("http status");
        }
    }

    @Test
    void serverErrorsAreRetriedWithExponentialBackoffThenRecorded() throws Exception {
        server.stubFor(get(urlEqualTo("/down")).willReturn(aResponse().withStatus(502)));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 3), "127.0.0.1")) {
            PollStats stats = new PollStats();
            assertThatThrownBy(() -> f.get(url("/down"), stats)).isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).status()).isEqualTo(502))
                    .hasMessageContaining("after 4 attempts");
            assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
            assertThat(stats.requests()).isEqualTo(4);
            assertThat(stats.errors()).isEqualTo(1);
        }
    }

    @Test
    void notFoundIsNotRetried() throws Exception {
        server.stubFor(get(urlEqualTo("/gone")).willReturn(aResponse().withStatus(404)));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 3), "127.0.0.1")) {
            PollStats stats = new PollStats();
            assertThatThrownBy(() -> f.get(url("/gone"), stats)).isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).isNotFound()).isTrue());
            assertThat(stats.requests()).isEqualTo(1);
            assertThat(sleeps).isEmpty();
        }
    }

    @Test
    void aSlowAnswerTimesOut() throws Exception {
        server.stubFor(get(urlEqualTo("/slow")).willReturn(aResponse().withFixedDelay(3000).withBody("late")));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofMillis(300), 1), "127.0.0.1")) {
            PollStats stats = new PollStats();
            assertThatThrownBy(() -> f.get(url("/slow"), stats)).isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).reason()).isEqualTo(FetchException.Reason.TIMEOUT));
            assertThat(stats.requests()).isEqualTo(2);
            assertThat(stats.errorMessages()).singleElement().asString().contains("timeout");
        }
    }

    @Test
    void aBodyThatStallsMidwayIsRetriedLikeOtherTimeouts() throws Exception {
        server.stubFor(get(urlEqualTo("/stall-once")).inScenario("stall").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withBody("y".repeat(10_000)).withChunkedDribbleDelay(10, 3000)).willSetStateTo("healthy"));
        server.stubFor(get(urlEqualTo("/stall-once")).inScenario("stall").whenScenarioStateIs("healthy")
                .willReturn(aResponse().withBody("complete")));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofMillis(500), 2), "127.0.0.1")) {
            PollStats stats = new PollStats();
            FetchResult r = f.get(url("/stall-once"), stats);
            assertThat(r.text()).isEqualTo("complete");
            assertThat(stats.requests()).isEqualTo(2);
            assertThat(sleeps).hasSize(1);
            assertThat(stats.errors()).isZero();
        }
    }

    @Test
    void aBodyThatStallsMidwayTimesOut() throws Exception {
        server.stubFor(get(urlEqualTo("/trickle")).willReturn(aResponse().withBody("x".repeat(10_000))
                .withChunkedDribbleDelay(10, 3000)));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofMillis(500), 0), "127.0.0.1")) {
            PollStats stats = new PollStats();
            assertThatThrownBy(() -> f.get(url("/trickle"), stats)).isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).reason()).isIn(FetchException.Reason.TIMEOUT));
        }
    }

    @Test
    void anOversizedBodyIsRefusedAndRecorded() throws Exception {
        server.stubFor(get(urlEqualTo("/huge")).willReturn(aResponse().withBody(new byte[200_000])));
        server.stubFor(get(urlEqualTo("/huge-chunked")).willReturn(aResponse().withBody(new byte[200_000]).withChunkedDribbleDelay(4, 10)));
        server.stubFor(get(urlEqualTo("/bomb")).willReturn(aResponse().withHeader("Content-Encoding", "gzip").withBody(gzip(new byte[5_000_000]))));
        try (Fetcher f = fetcher(settings(2, 100_000, Duration.ofSeconds(5), 2), "127.0.0.1")) {
            for (String path : List.of("/huge", "/huge-chunked", "/bomb")) {
                PollStats stats = new PollStats();
                assertThatThrownBy(() -> f.get(url(path), stats)).as(path).isInstanceOf(FetchException.class)
                        .satisfies(e -> assertThat(((FetchException) e).reason()).isEqualTo(FetchException.Reason.TOO_LARGE))
                        .hasMessageContaining("exceeds the limit of 100000 bytes");
                assertThat(stats.errors()).as(path).isEqualTo(1);
                assertThat(stats.requests()).as(path + " is not retried").isEqualTo(1);
            }
        }
    }

    @Test
    void gzipBodiesAreDecompressed() throws Exception {
        server.stubFor(get(urlEqualTo("/z")).willReturn(aResponse().withHeader("Content-Encoding", "gzip")
                .withBody(gzip("hello, gzip".getBytes(StandardCharsets.UTF_8)))));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 0), "127.0.0.1")) {
            assertThat(f.get(url("/z"), new PollStats()).text()).isEqualTo("hello, gzip");
        }
        server.verify(getRequestedFor(urlEqualTo("/z")).withHeader("Accept-Encoding", equalTo("gzip")));
    }

    @Test
    void aHostOffTheAllowListIsNeverContacted() throws Exception {
        server.stubFor(get(urlEqualTo("/x")).willReturn(aResponse().withBody("secret")));
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 2), "example.org")) {
            PollStats stats = new PollStats();
            assertThatThrownBy(() -> f.get(url("/x"), stats)).isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).reason()).isEqualTo(FetchException.Reason.HOST_NOT_ALLOWED));
            assertThat(stats.errorMessages()).singleElement().asString().contains("not in the allow-list");
            assertThat(stats.requests()).isZero();
        }
        assertThat(server.getAllServeEvents()).isEmpty();
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 2), "127.0.0.1")) {
            assertThatThrownBy(() -> f.get(URI.create("file:///etc/passwd"), new PollStats())).isInstanceOf(FetchException.class);
        }
    }

    @Test
    void aRedirectToAHostOffTheAllowListIsNeverFollowed() throws Exception {
        WireMockServer other = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        other.start();
        try {
            other.stubFor(get(urlEqualTo("/target")).willReturn(aResponse().withBody("elsewhere")));
            server.stubFor(get(urlEqualTo("/moved")).willReturn(aResponse().withStatus(302)
                    .withHeader("Location", "http://localhost:" + other.port() + "/target")));
            server.stubFor(get(urlEqualTo("/moved-here")).willReturn(aResponse().withStatus(301).withHeader("Location", "/final")));
            server.stubFor(get(urlEqualTo("/final")).willReturn(aResponse().withBody("arrived")));
            try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 0), "127.0.0.1")) {
                PollStats stats = new PollStats();
                assertThatThrownBy(() -> f.get(url("/moved"), stats)).isInstanceOf(FetchException.class)
                        .hasMessageContaining("'http://localhost:" + other.port() + "' is not in the allow-list")
                        .hasMessageContaining("redirect from");
                FetchResult followed = f.get(url("/moved-here"), stats);
                assertThat(followed.text()).isEqualTo("arrived");
                assertThat(followed.finalUrl()).isEqualTo(url("/final"));
            }
            assertThat(other.getAllServeEvents()).as("the other host was never contacted").isEmpty();
        } finally {
            other.stop();
        }
    }

    @Test
    void aRedirectToAnotherPortOrSchemeOfAnAllowedHostIsNeverFollowed() throws Exception {
        WireMockServer other = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        other.start();
        try {
            other.stubFor(get(urlEqualTo("/admin")).willReturn(aResponse().withBody("another service")));
            server.stubFor(get(urlEqualTo("/port")).willReturn(aResponse().withStatus(302)
                    .withHeader("Location", "http://127.0.0.1:" + other.port() + "/admin")));
            server.stubFor(get(urlEqualTo("/scheme")).willReturn(aResponse().withStatus(302)
                    .withHeader("Location", "https://127.0.0.1:" + other.port() + "/admin")));
            try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 0), "127.0.0.1")) {
                PollStats stats = new PollStats();
                assertThatThrownBy(() -> f.get(url("/port"), stats)).isInstanceOf(FetchException.class)
                        .hasMessageContaining("'http://127.0.0.1:" + other.port() + "' is not in the allow-list");
                assertThatThrownBy(() -> f.get(url("/scheme"), stats)).isInstanceOf(FetchException.class)
                        .hasMessageContaining("'https://127.0.0.1:" + other.port() + "' is not in the allow-list");
            }
            assertThat(other.getAllServeEvents()).as("the other port was never contacted").isEmpty();
        } finally {
            other.stop();
        }
    }

    @Test
    void allowListEntriesNameOrigins() {
        HostAllowList list = new HostAllowList(List.of("http://lists.example.org/pipermail/x/", "api.example.net",
                "wiki.example.com:8443", "https://specs.example.org:444"));
        assertThat(list.allows(URI.create("http://lists.example.org/a"))).isTrue();
        assertThat(list.allows(URI.create("https://lists.example.org/a"))).as("the upgrade to https").isTrue();
        assertThat(list.allows(URI.create("http://lists.example.org:8080/a"))).isFalse();
        assertThat(list.allows(URI.create("https://api.example.net/devel"))).isTrue();
        assertThat(list.allows(URI.create("http://API.example.net:80/devel"))).isTrue();
        assertThat(list.allows(URI.create("https://api.example.net:8443/devel"))).isFalse();
        assertThat(list.allows(URI.create("https://wiki.example.com:8443/"))).isTrue();
        assertThat(list.allows(URI.create("https://wiki.example.com/"))).isFalse();
        assertThat(list.allows(URI.create("https://specs.example.org:444/"))).isTrue();
        assertThat(list.allows(URI.create("http://specs.example.org:444/"))).isFalse();
        assertThat(list.allows(URI.create("https://specs.example.org/"))).isFalse();
        assertThat(list.allows(URI.create("ftp://api.example.net/"))).isFalse();
    }

    @Test
    void perHostConcurrencyIsNeverExceeded() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(2);
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        http.setExecutor(Executors.newFixedThreadPool(16));
        http.createContext("/", exchange -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            started.countDown();
            try {
                started.await(2, TimeUnit.SECONDS);
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try (Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 0), "127.0.0.1:" + http.getAddress().getPort())) {
            PollStats stats = new PollStats();
            List<Future<FetchResult>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                URI u = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/p" + i);
                results.add(pool.submit(() -> f.get(u, stats)));
            }
            for (Future<FetchResult> r : results) {
                assertThat(r.get(20, TimeUnit.SECONDS).text()).isEqualTo("ok");
            }
            assertThat(stats.requests()).isEqualTo(24);
            assertThat(maxInFlight.get()).as("two requests ran together, never more").isEqualTo(2);
        } finally {
            pool.shutdownNow();
            http.stop(0);
        }
    }

    /** A bare HTTP server on a raw socket: each connection is handed to {@code handler}; counts connections. */
    static final class RawServer implements AutoCloseable {
        final java.net.ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        final ExecutorService pool = Executors.newCachedThreadPool();

        interface Handler {
            void serve(java.net.Socket s) throws Exception;
        }

        RawServer(Handler handler) throws IOException {
            socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
            pool.submit(() -> {
                while (!socket.isClosed()) {
                    java.net.Socket s;
                    try {
                        s = socket.accept();
                    } catch (IOException e) {
                        return null;
                    }
                    connections.incrementAndGet();
                    pool.submit(() -> {
                        try (s) {
                            handler.serve(s);
                        }
                        return null;
                    });
                }
                return null;
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        /** Reads one request's head; null at the end of the connection. */
        static String readHead(java.io.InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                head.append((char) b);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    return head.toString();
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            pool.shutdownNow();
        }
    }

    @Test
    void requestsToOneHostReuseTheirConnectionsAcross200s304sAndRedirects() throws Exception {
        try (RawServer raw = new RawServer(s -> {
            var in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String head;
            while ((head = RawServer.readHead(in)) != null) {
                String path = head.substring(4, head.indexOf(' ', 4));
                String answer;
                if (path.equals("/moved")) {
                    answer = "HTTP/1.1 301 Moved\r\nLocation: /page\r\nContent-Length: 0\r\n\r\n";
                } else if (head.contains("If-Modified-Since:")) {
                    answer = "HTTP/1.1 304 Not Modified\r\n\r\n";
                } else {
                    answer = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nLast-Modified: Tue, 24 Nov 2026 10:00:00 GMT\r\n"
                            + "Content-Length: 5\r\n\r\nhello";
                }
                out.write(answer.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        });
             Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(5), 0), "127.0.0.1:" + raw.port())) {
            PollStats stats = new PollStats();
            URI page = URI.create("http://127.0.0.1:" + raw.port() + "/page");
            FetchResult first = f.get(page, stats);
            assertThat(first.text()).isEqualTo("hello");
            for (int i = 0; i < 10; i++) {
                assertThat(f.get(page, first.validators(), stats).notModified()).isTrue();
                assertThat(f.get(URI.create("http://127.0.0.1:" + raw.port() + "/moved"), stats).text()).isEqualTo("hello");
            }
            assertThat(stats.requests()).isEqualTo(31);
            assertThat(stats.notModified()).isEqualTo(10);
            assertThat(raw.connections.get()).as("31 sequential requests on one kept-alive connection").isEqualTo(1);
        }
    }

    @Test
    void aServerThatTricklesItsHeadersTimesOutAndIsRetried() throws Exception {
        try (RawServer raw = new RawServer(s -> {
            RawServer.readHead(s.getInputStream());
            OutputStream out = s.getOutputStream();
            // one byte every 100 ms: no single read waits long, the whole head never arrives in
            // time (without a deadline for the head this would end as a network failure after 6.5 s)
            for (byte b : "HTTP/1.1 200 OK\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(100);
            }
        });
             Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofMillis(600), 1), "127.0.0.1:" + raw.port())) {
            PollStats stats = new PollStats();
            assertThatThrownBy(() -> f.get(URI.create("http://127.0.0.1:" + raw.port() + "/slow-head"), stats))
                    .isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).reason()).isEqualTo(FetchException.Reason.TIMEOUT))
                    .hasMessageContaining("no answer within 600 ms").hasMessageContaining("after 2 attempts");
            assertThat(stats.requests()).isEqualTo(2);
            assertThat(stats.errors()).isEqualTo(1);
            assertThat(sleeps).hasSize(1);
        }
    }

    @Test
    void anAnswerThatIsNotHttpIsANetworkFailureRetriedThenRecorded() throws Exception {
        try (RawServer raw = new RawServer(s -> {
            RawServer.readHead(s.getInputStream());
            s.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n\u0000\u0001garbage".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        });
             Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(2), 1), "127.0.0.1:" + raw.port())) {
            PollStats stats = new PollStats();
            assertThatThrownBy(() -> f.get(URI.create("http://127.0.0.1:" + raw.port() + "/"), stats))
                    .isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).reason()).isEqualTo(FetchException.Reason.NETWORK));
            assertThat(stats.errors()).isEqualTo(1);
            assertThat(stats.requests()).isEqualTo(2);
        }
    }

    @Test
    void aConnectionClosedMidBodyIsRetriedOnAFreshConnection() throws Exception {
        for (String cut : List.of("Content-Length: 100\r\n\r\nonly part",
                "Transfer-Encoding: chunked\r\n\r\n9\r\nonly part\r\n40\r\nshort",
                "Content-Encoding: gzip\r\nContent-Length: 300\r\n\r\n")) {
            closedMidBodyIsRetried(cut);
        }
    }

    private void closedMidBodyIsRetried(String cutAnswer) throws Exception {
        AtomicInteger served = new AtomicInteger();
        try (RawServer raw = new RawServer(s -> {
            var in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (RawServer.readHead(in) != null) {
                if (served.incrementAndGet() == 1) {
                    out.write(("HTTP/1.1 200 OK\r\n" + cutAnswer).getBytes(StandardCharsets.US_ASCII));
                    if (cutAnswer.contains("gzip")) {
                        out.write(java.util.Arrays.copyOf(gzip("only part of it".repeat(40).getBytes(StandardCharsets.US_ASCII)), 20));
                    }
                    out.flush();
                    return; // closes the connection before the body's end
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ncomplete".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        });
             Fetcher f = fetcher(settings(2, 1 << 20, Duration.ofSeconds(2), 1), "127.0.0.1:" + raw.port())) {
            PollStats stats = new PollStats();
            assertThat(f.get(URI.create("http://127.0.0.1:" + raw.port() + "/p"), stats).text()).as(cutAnswer).isEqualTo("complete");
            assertThat(stats.requests()).isEqualTo(2);
            assertThat(stats.errors()).isZero();
            assertThat(raw.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void retryAfterParsesSecondsAndHttpDates() {
        assertThat(Fetcher.parseRetryAfter("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(Fetcher.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(Fetcher.parseRetryAfter("soon")).isNull();
        assertThat(Fetcher.parseRetryAfter(null)).isNull();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
