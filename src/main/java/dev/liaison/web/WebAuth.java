package dev.liaison.web;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may write. The API takes {@code Authorization: Bearer <LIAISON_API_TOKEN>}; the pages take a
 * session made by logging in with that token (an HttpOnly, SameSite=Strict cookie), and every form
 * carries a CSRF token bound to the session (or, on a subscription page, to the subscriber's
 * token). With no API token configured, nothing can be written through HTTP.
 */
public final class WebAuth {

    public static final String SESSION_COOKIE = "liaison_session";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Failed sign-ins in a row that are let through before the wait starts. */
    static final int FREE_FAILURES = 5;
    static final Duration FIRST_WAIT = Duration.ofSeconds(2);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

    private final byte[] apiToken;
    private final byte[] secret = new byte[32];
    private final Map<String, Long> sessions = new ConcurrentHashMap<>();
    private final Duration sessionLifetime;
    private final Clock clock;
    private int failedSignIns;
    private Instant nextSignInAllowed = Instant.MIN;

    public WebAuth(String apiToken) {
        this(apiToken, Duration.ofHours(8), Clock.systemUTC());
    }

    /**
     * A session ends {@code sessionLifetime} after its sign-in. After {@value #FREE_FAILURES}
     * failed sign-ins in a row, each further attempt must wait (2 s, doubled per failure, at most
     * 5 min) and is refused with 429 until then, whatever token it gives; a sign-in that succeeds
     * resets the count. The count is for the whole daemon (its address is loopback by default).
     */
    public WebAuth(String apiToken, Duration sessionLifetime, Clock clock) {
        this.apiToken = apiToken == null || apiToken.isBlank() ? null : apiToken.getBytes(StandardCharsets.UTF_8);
        this.sessionLifetime = sessionLifetime;
        this.clock = clock;
        RANDOM.nextBytes(secret);
    }

    public Duration sessionLifetime() {
        return sessionLifetime;
    }

    public boolean writesEnabled() {
        return apiToken != null;
    }

    /** Checks an Authorization header: 401 when missing, 403 when wrong. */
    public void requireApiToken(String authorization) {
        if (apiToken == null) {
            throw new ApiException(403, "writes are disabled: no LIAISON_API_TOKEN is configured");
        }
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException(401, "this needs an API token: Authorization: Bearer <token>");
        }
        String given = authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : authorization.trim();
        if (!tokenMatches(given)) {
            throw new ApiException(403, "wrong API token");
        }
    }

    public boolean tokenMatches(String given) {
        return apiToken != null && given != null && MessageDigest.isEqual(apiToken, given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Starts a session for someone who gave the right token; returns the cookie value. Throws 403
     * for a wrong token, 429 while failed sign-ins are being slowed.
     */
    public String login(String given) {
        Instant now = clock.instant();
        synchronized (this) {
            if (now.isBefore(nextSignInAllowed)) {
                long seconds = Math.max(1, Duration.between(now, nextSignInAllowed).toSeconds() + 1);
                throw new ApiException(429, "too many failed sign-ins: try again in " + seconds + " s");
            }
            if (!tokenMatches(given)) {
                failedSignIns++;
                if (failedSignIns >= FREE_FAILURES) {
                    Duration wait = FIRST_WAIT.multipliedBy(1L << Math.min(20, failedSignIns - FREE_FAILURES));
                    nextSignInAllowed = now.plus(wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait);
                }
                throw new ApiException(403, "wrong API token");
            }
            failedSignIns = 0;
            nextSignInAllowed = Instant.MIN;
        }
        sessions.values().removeIf(created -> expired(created, now));
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        sessions.put(id, now.toEpochMilli());
        return id;
    }

    /** True for a session that exists and has not outlived {@code sessionLifetime}. */
    public boolean validSession(String cookieHeader) {
        String id = sessionId(cookieHeader);
        if (id == null) {
            return false;
        }
        Long created = sessions.get(id);
        if (created == null) {
            return false;
        }
        if (expired(created, clock.instant())) {
            sessions.remove(id);
            return false;
        }
        return true;
    }

    private boolean expired(long createdMillis, Instant now) {
        return now.toEpochMilli() - createdMillis >= sessionLifetime.toMillis();
    }

    public static String sessionId(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        for (String part : cookieHeader.split(";")) {
            String p = part.trim();
            if (p.startsWith(SESSION_COOKIE + "=")) {
                return p.substring(SESSION_COOKIE.length() + 1);
            }
        }
        return null;
    }

    /** The CSRF token of forms bound to this value (a session id or a subscriber token). */
    public String csrf(String boundTo) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(("csrf:" + boundTo).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    public void requireCsrf(String boundTo, String given) {
        if (boundTo == null || given == null || !MessageDigest.isEqual(csrf(boundTo).getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(403, "the form is out of date or not from this site (CSRF check failed); reload the page");
        }
    }
}
