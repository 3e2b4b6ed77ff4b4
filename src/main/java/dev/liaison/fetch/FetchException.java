package dev.liaison.fetch;

import java.io.IOException;
import java.net.URI;

/**
 * A fetch that did not give a usable answer. The fetcher has already counted and recorded it in
 * the poll's statistics; callers decide whether it ends their cycle.
 */
public final class FetchException extends IOException {

    public enum Reason { HOST_NOT_ALLOWED, TOO_LARGE, HTTP_STATUS, TIMEOUT, NETWORK, TOO_MANY_REDIRECTS, INTERRUPTED }

    private final URI url;
    private final Reason reason;
    private final int status;

    public FetchException(URI url, Reason reason, int status, String message) {
        super(url + ": " + message);
        this.url = url;
        this.reason = reason;
        this.status = status;
    }

    public URI url() { return url; }
    public Reason reason() { return reason; }
    /** The HTTP status for {@link Reason#HTTP_STATUS}, else 0. */
    public int status() { return status; }

    public boolean isNotFound() {
        return reason == Reason.HTTP_STATUS && (status == 404 || status == 410);
    }
}
