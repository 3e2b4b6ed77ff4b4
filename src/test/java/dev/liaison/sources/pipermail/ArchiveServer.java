package dev.liaison.sources.pipermail;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;

/** Serves a fixture tree over loopback with ETags and 304 answers, like a real archive host. */
final class ArchiveServer implements AutoCloseable {

    final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));

    ArchiveServer() {
        server.start();
    }

    /** Serves every file of {@code dir} under {@code prefix} (which ends with '/'); index.html also as the folder. */
    ArchiveServer tree(Path dir, String prefix) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                byte[] body = Files.readAllBytes(p);
                file(prefix + rel, body);
                if (rel.equals("index.html")) {
                    file(prefix, body);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** One resource with an ETag from its content; a request with that ETag gets 304. */
    ArchiveServer file(String path, byte[] body) {
        String etag = "\"" + HexFormat.of().formatHex(java.util.Arrays.copyOf(sha(body), 8)) + "\"";
        for (var m : server.listAllStubMappings().getMappings()) {
            if (path.equals(m.getRequest().getUrl())) {
                server.removeStub(m);
            }
        }
        String type = path.endsWith(".gz") ? "application/x-gzip" : path.endsWith(".json") ? "application/json" : "text/html";
        server.stubFor(get(urlEqualTo(path)).atPriority(5).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", type).withHeader("ETag", etag).withBody(body)));
        server.stubFor(get(urlEqualTo(path)).atPriority(1).withHeader("If-None-Match", equalTo(etag))
                .willReturn(aResponse().withStatus(304).withHeader("ETag", etag)));
        return this;
    }

    ArchiveServer status(String path, int status) {
        server.stubFor(get(urlEqualTo(path)).atPriority(0).willReturn(aResponse().withStatus(status)));
        return this;
    }

    int port() {
        return server.port();
    }

    /** Requests received for paths matching the regex. */
    int requests(String pathRegex) {
        return server.findAll(getRequestedFor(urlMatching(pathRegex))).size();
    }

    void resetRequests() {
        server.resetRequests();
    }

    private static byte[] sha(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
