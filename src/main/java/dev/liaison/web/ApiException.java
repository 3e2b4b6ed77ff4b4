package dev.liaison.web;

/** An HTTP error with a message a caller can act on; rendered as JSON (API) or a page. */
public final class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException badRequest(String message) { return new ApiException(400, message); }
    public static ApiException notFound(String message) { return new ApiException(404, message); }
}
