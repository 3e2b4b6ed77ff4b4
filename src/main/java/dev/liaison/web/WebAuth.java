package dev.liaison.web;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
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

    private final byte[] apiToken;
    private final byte[] secret = new byte[32];
    private final Map<String, Long> sessions = new ConcurrentHashMap<>();

    public WebAuth(String apiToken) {
        this.apiToken = apiToken == null || apiToken.isBlank() ? null : apiToken.getBytes(StandardCharsets.UTF_8);
        RANDOM.nextBytes(secret);
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

    /** Starts a session for someone who gave the right token; returns the cookie value. */
    public String login(String given) {
        if (!tokenMatches(given)) {
            throw new ApiException(403, "wrong API token");
        }
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        sessions.put(id, System.currentTimeMillis());
        return id;
    }

    public boolean validSession(String cookieHeader) {
        String id = sessionId(cookieHeader);
        return id != null && sessions.containsKey(id);
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
