package dev.liaison.fetch;

import java.time.Duration;

/** The fetcher's limits; their defaults live with the other settings (config/Settings). */
public record FetchSettings(Duration connectTimeout, Duration readTimeout, long maxBodyBytes,
                            int perHostConcurrency, int globalConcurrency, int retries,
                            Duration backoffInitial, Duration backoffMax, Duration retryAfterMax,
                            int maxRedirects) {

    public FetchSettings {
        if (perHostConcurrency < 1 || globalConcurrency < 1) {
            throw new IllegalArgumentException("concurrency limits must be at least 1");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the maximum body size must be at least 1024 bytes");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries cannot be negative");
        }
    }
}
