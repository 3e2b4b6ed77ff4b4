package dev.liaison.web;

import dev.liaison.mailing.Subscriber;
import dev.liaison.digest.SubscribersFile;
import dev.liaison.store.LinkStore;
import dev.liaison.review.LinkReview;
import dev.liaison.store.Store;
import dev.liaison.store.SubscriberStore;
import dev.liaison.story.Story;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The server-rendered pages: stories, one story's tracker matrix with its gaps, the review queue,
 * priorities, sources, sign-in and a subscriber's own subscription. Pebble escapes every value
 * (everything shown came from outside); every page is sent with a Content-Security-Policy that
 * allows no script at all; every form carries a CSRF token.
 */
public final class Pages {

    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final WebData data;
    private final WebAuth auth;
    private final SubscriberStore subscribers;
    private final HealthReport health;
    private final LinkStore links;
    private final LinkReview review;
    private final PebbleEngine engine;
    private final Map<String, PebbleTemplate> templates = new HashMap<>();

    private final ListIndex lists;

    public Pages(Store store, WebData data, WebAuth auth, SubscriberStore subscribers, HealthReport health, String baseUrl,
                 ListIndex lists) {
        this.lists = lists;
        this.data = data;
        this.auth = auth;
        this.subscribers = subscribers;
        this.health = health;
        this.links = new LinkStore(store);
        this.review = new LinkReview(store, Clock.systemUTC());
        ClasspathLoader loader = new ClasspathLoader();
        loader.setPrefix("templates/pages");
        this.engine = new PebbleEngine.Builder().loader(loader).autoEscaping(true).defaultEscapingStrategy("html")
                .newLineTrimming(true).build();
    }

    private PebbleTemplate template(String name) {
        return templates.computeIfAbsent(name, n -> engine.getTemplate(n + ".html.peb"));
    }

    private void render(Exchange e, int status, String name, Map<String, Object> model) {
        Message m = e.getMessage();
        model.put("loggedIn", auth.validSession(m.getHeader("Cookie", String.class)));
        StringWriter w = new StringWriter();
        try {
            template(name).evaluate(w, model);
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        headers(m, status);
        m.setBody(w.toString());
    }

    private static void headers(Message m, int status) {
        String cookie = m.getHeader("Set-Cookie", String.class);
        m.removeHeaders("*");
        if (cookie != null) {
            m.setHeader("Set-Cookie", cookie);
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        m.setHeader("Content-Security-Policy", CSP);
        m.setHeader("X-Frame-Options", "DENY");
        m.setHeader("X-Content-Type-Options", "nosniff");
        m.setHeader("Referrer-Policy", "no-referrer");
        m.setHeader("Cache-Control", "no-store");
    }

    private static void redirect(Exchange e, String location, String cookie) {
        Message m = e.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 303);
        m.setHeader("Location", location);
        if (cookie != null) {
            m.setHeader("Set-Cookie", cookie);
        }
        m.setHeader("Content-Security-Policy", CSP);
        m.setBody("");
    }

    private void error(Exchange e, int status, String message) {
        Map<String, Object> model = new HashMap<>();
        model.put("message", message);
        model.put("links", List.of());
        model.put("total", 0);
        model.put("choices", Map.of());
        model.put("filter", WebData.ReviewFilter.NONE);
        model.put("declared", List.of());
        render(e, status, "review", model);
    }

    private static String param(Message m, String name) {
        String v = m.getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }

    static final List<String> FORM_FIELDS = List.of("token", "csrf", "story", "item", "action", "name", "timezone", "hour",
            "stories", "projects", "tags", "kinds", "pages", "digest", "deadline-alert-days", "back");

    /**
     * Form fields of a POST (application/x-www-form-urlencoded), decoded. Camel's platform-http
     * hands form fields over as headers; a raw body is parsed as well.
     */
    static Map<String, String> form(Message m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : FORM_FIELDS) {
            Object v = m.getHeader(f);
            if (v != null) {
                String text = v instanceof List<?> l ? (l.isEmpty() ? "" : String.valueOf(l.get(l.size() - 1))) : String.valueOf(v);
                if (text.length() > 64 * 1024) {
                    throw new ApiException(413, "form too large");
                }
                out.put(f, text);
            }
        }
        Object raw = m.getBody();
        String body = raw instanceof String str ? str : raw instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
        if (body == null || body.isBlank() || !body.contains("=")) {
            return out;
        }
        if (body.length() > 64 * 1024) {
            throw new ApiException(413, "form too large");
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ pages

    public void stories(Exchange e) {
        Message m = e.getMessage();
        Map<String, Object> filters = new HashMap<>();
        for (String f : List.of("project", "state", "tag", "organisation")) {
            filters.put(f, param(m, f) == null ? "" : param(m, f));
        }
        Map<String, Object> model = new HashMap<>();
        model.put("filters", filters);
        model.put("states", List.of("draft", "proposed", "tracked", "parked"));
        model.put("stories", data.stories(param(m, "project"), param(m, "state"), param(m, "tag"), param(m, "organisation")));
        render(e, 200, "stories", model);
    }

    public void story(Exchange e) {
        String id = param(e.getMessage(), "id");
        Optional<Story> story = id == null ? Optional.empty() : data.story(id);
        if (story.isEmpty()) {
            error(e, 404, "No story '" + id + "'.");
            return;
        }
        Map<String, Object> model = new HashMap<>();
        model.put("story", story.get());
        model.put("columns", WebData.COLUMNS);
        model.put("matrix", data.matrix(id));
        model.put("gaps", data.gaps(id));
        model.put("projects", data.projects(id));
        model.put("release", data.releasePositions(id));
        model.put("declared", data.suggestedDeclared(id));
        model.put("back", "/stories/" + enc(id));
        String session = WebAuth.sessionId(e.getMessage().getHeader("Cookie", String.class));
        model.put("csrf", session == null ? "" : auth.csrf(session));
        render(e, 200, "story", model);
    }

    /** Rows per page of the review queue. */
    public static final int REVIEW_PAGE = 50;

    /**
     * GET /review: the suggested links that match the filters (story, project, kind, how), best
     * first, a page at a time. With {@code story} and {@code item} (the digest's links), the page
     * that holds that link is shown and its row marked.
     */
    public void review(Exchange e) {
        Message m = e.getMessage();
        int offset = 0;
        try {
            offset = param(m, "offset") == null ? 0 : Math.max(0, Integer.parseInt(param(m, "offset")));
        } catch (NumberFormatException ignored) {
            // first page
        }
        WebData.ReviewFilter filter = new WebData.ReviewFilter(param(m, "story"), param(m, "project"), param(m, "kind"), param(m, "how"));
        Map<String, Object> model = new HashMap<>();
        String target = null;
        String message = param(m, "message");
        if (param(m, "item") != null && filter.story() != null) {
            int at = data.positionInQueue(filter, filter.story(), param(m, "item"));
            if (at >= 0) {
                offset = at / REVIEW_PAGE * REVIEW_PAGE;
                target = dev.liaison.digest.Digest.rowId(filter.story(), param(m, "item"));
            } else {
                message = links.find(filter.story(), param(m, "item"))
                        .map(l -> "This link is already " + l.state() + ".").orElse("No such suggestion.");
            }
        }
        WebData.ReviewPage page = data.reviewPage(filter, offset, REVIEW_PAGE);
        if (page.links().isEmpty() && page.total() > 0 && offset > 0) {
            offset = (page.total() - 1) / REVIEW_PAGE * REVIEW_PAGE;
            page = data.reviewPage(filter, offset, REVIEW_PAGE);
        }
        String query = filterQuery(filter);
        model.put("links", page.links());
        model.put("total", page.total());
        model.put("all", data.reviewQueueSize());
        model.put("from", page.links().isEmpty() ? 0 : offset + 1);
        model.put("to", offset + page.links().size());
        model.put("previous", offset > 0 ? "/review?" + query + "offset=" + Math.max(0, offset - REVIEW_PAGE) : null);
        model.put("next", offset + REVIEW_PAGE < page.total() ? "/review?" + query + "offset=" + (offset + REVIEW_PAGE) : null);
        model.put("back", "/review?" + query + "offset=" + offset);
        model.put("filter", filter);
        model.put("choices", data.reviewChoices());
        model.put("target", target);
        model.put("declared", filter.story() == null ? List.of() : data.suggestedDeclared(filter.story()));
        String session = WebAuth.sessionId(m.getHeader("Cookie", String.class));
        model.put("csrf", session == null ? "" : auth.csrf(session));
        model.put("message", message);
        render(e, 200, "review", model);
    }

    private static String filterQuery(WebData.ReviewFilter f) {
        StringBuilder q = new StringBuilder();
        for (String[] kv : new String[][] {{"story", f.story()}, {"project", f.project()}, {"kind", f.kind()}, {"how", f.how()}}) {
            if (kv[1] != null) {
                q.append(kv[0]).append('=').append(enc(kv[1])).append('&');
            }
        }
        return q.toString();
    }

    /** Where a form may send the person back to: a review-queue page or a story page of this site. */
    static String safeBack(String back, String fallback) {
        if (back != null && back.matches("/(review|stories/[A-Za-z0-9._%-]+)(\\?[A-Za-z0-9._%&=+-]*)?") && !back.startsWith("//")) {
            return back;
        }
        return fallback;
    }

    /**
     * POST /review/{action}: confirm or reject one link, or confirm every declared link of a story
     * at once ({@code confirm-declared}: the links the author named in the story's own text or
     * tracker), then back where the person was (the page and filters of the queue, or the story page).
     */
    public void reviewAction(Exchange e) {
        Message m = e.getMessage();
        String cookie = m.getHeader("Cookie", String.class);
        Map<String, String> f;
        try {
            f = form(m);
        } catch (ApiException x) {
            error(e, x.status(), x.getMessage());
            return;
        }
        if (!auth.validSession(cookie)) {
            error(e, 401, "Sign in to confirm or reject links.");
            return;
        }
        try {
            auth.requireCsrf(WebAuth.sessionId(cookie), f.get("csrf"));
        } catch (ApiException x) {
            error(e, 403, x.getMessage());
            return;
        }
        String story = f.get("story");
        String item = f.get("item");
        String action = param(m, "action");
        String back = safeBack(f.get("back"), "/review");
        try {
            switch (action == null ? "" : action) {
                case "confirm-declared" -> review.confirmDeclared(story, "web");
                case "confirm" -> review.confirm(story, item, "web");
                case "reject" -> review.reject(story, item, "web");
                default -> {
                    error(e, 404, "Unknown action.");
                    return;
                }
            }
        } catch (LinkReview.NotFound | LinkReview.Invalid x) {
            error(e, 404, "confirm-declared".equals(action) ? "No such story." : "No such link.");
            return;
        } finally {
            data.linksChanged();
        }
        redirect(e, back, null);
    }

    public void login(Exchange e) {
        Message m = e.getMessage();
        if ("POST".equalsIgnoreCase(m.getHeader(Exchange.HTTP_METHOD, String.class))) {
            Map<String, String> f = form(m);
            if (!auth.writesEnabled()) {
                render(e, 403, "login", new HashMap<>(Map.of("message", "Signing in is disabled: no LIAISON_API_TOKEN is configured.")));
                return;
            }
            try {
                String session = auth.login(f.get("token"));
                redirect(e, "/review", WebAuth.SESSION_COOKIE + "=" + session + "; Path=/; Max-Age="
                        + auth.sessionLifetime().toSeconds() + "; HttpOnly; SameSite=Strict");
            } catch (ApiException x) {
                if (x.status() == 429) {
                    render(e, 429, "login", new HashMap<>(Map.of("message", "Too many failed sign-ins: " + x.getMessage()
                            .replaceFirst("^too many failed sign-ins: ", "") + ".")));
                } else {
                    render(e, 403, "login", new HashMap<>(Map.of("message", "Wrong token.")));
                }
            }
            return;
        }
        render(e, 200, "login", new HashMap<>());
    }

    public void priorities(Exchange e) {
        Map<String, Object> model = new HashMap<>();
        Map<String, List<String>> orgs = data.organisationPriorities();
        Map<String, String> titles = new HashMap<>();
        orgs.values().forEach(list -> list.forEach(id -> titles.computeIfAbsent(id, k -> data.story(k).map(Story::title).orElse(k))));
        model.put("organisations", orgs);
        model.put("titles", titles);
        model.put("aggregate", data.aggregatePriorities());
        model.put("release", data.releasePriorities());
        render(e, 200, "priorities", model);
    }

    public void sources(Exchange e) {
        Map<String, Object> report = health.report();
        Map<String, Long> counts = lists.countsBySource();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Object o : (List<?>) report.get("sources")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> row = new HashMap<>((Map<String, Object>) o);
            row.put("items", counts.getOrDefault(String.valueOf(row.get("id")), 0L));
            rows.add(row);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("health", report);
        model.put("sources", rows);
        render(e, 200, "sources", model);
    }

    /** GET shows the form; POST saves it or unsubscribes. The token in the path is the subscriber's. */
    public void subscription(Exchange e) {
        Message m = e.getMessage();
        String token = param(m, "token");
        Optional<SubscriberStore.Entry> entry = subscribers.findByToken(token);
        if (entry.isEmpty()) {
            error(e, 404, "No subscription with this link.");
            return;
        }
        Map<String, Object> model = new HashMap<>();
        model.put("token", token);
        model.put("csrf", auth.csrf("subscription:" + token));
        Subscriber current = entry.get().subscriber();
        if ("POST".equalsIgnoreCase(m.getHeader(Exchange.HTTP_METHOD, String.class))) {
            Map<String, String> f = form(m);
            try {
                auth.requireCsrf("subscription:" + token, f.get("csrf"));
            } catch (ApiException x) {
                model.put("s", current);
                model.put("timezone", current.timezone().getId());
                model.put("message", x.getMessage());
                render(e, 403, "subscription", model);
                return;
            }
            if ("unsubscribe".equals(f.get("action"))) {
                subscribers.unsubscribe(token);
                model.put("saved", true);
            } else {
                try {
                    Map<String, Object> map = new LinkedHashMap<>();
                    map.put("address", current.address());
                    map.put("name", f.getOrDefault("name", ""));
                    map.put("timezone", f.getOrDefault("timezone", "UTC"));
                    map.put("hour", f.getOrDefault("hour", "8"));
                    for (String list : List.of("stories", "projects", "tags", "kinds", "pages")) {
                        map.put(list, Arrays.stream(f.getOrDefault(list, "").split("[,\\s]+")).filter(x -> !x.isBlank()).toList());
                    }
                    map.put("digest", "true".equals(f.get("digest")));
                    String days = f.get("deadline-alert-days");
                    map.put("deadline-alert-days", days == null || days.isBlank() ? current.deadlineAlertDays() : days.trim());
                    Subscriber before = current;
                    Subscriber s = SubscribersFile.subscriber(map, id -> data.story(id).isPresent() || before.stories().contains(id));
                    subscribers.save(s, SubscriberStore.ORIGIN_PERSON, Clock.systemUTC().instant());
                    model.put("saved", true);
                } catch (IllegalArgumentException x) {
                    model.put("s", current);
                    model.put("timezone", current.timezone().getId());
                    model.put("message", x.getMessage());
                    render(e, 400, "subscription", model);
                    return;
                }
            }
            current = subscribers.findByToken(token).map(SubscriberStore.Entry::subscriber).orElse(current);
        }
        model.put("s", current);
        model.put("timezone", current.timezone().getId());
        render(e, 200, "subscription", model);
    }

    /** Root: the stories page. */
    public void home(Exchange e) {
        redirect(e, "/stories", null);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
