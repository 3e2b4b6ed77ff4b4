package dev.liaison.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.liaison.mailing.Subscriber;
import dev.liaison.digest.SubscribersFile;
import dev.liaison.item.Event;
import dev.liaison.item.Item;
import dev.liaison.store.LinkStore;
import dev.liaison.review.LinkReview;
import dev.liaison.store.Store;
import dev.liaison.store.SubscriberStore;
import dev.liaison.story.Story;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The REST API under /api (routes/http/api.camel.yaml). JSON in and out; errors as
 * {@code {"status": N, "error": "..."}} with the right status code; every list paginated with
 * {@code offset} and {@code limit} (at most 500) and answering {@code total}. Reads are open
 * (the server is bound to loopback by default); writes need the API token, except a subscriber
 * managing their own subscription with their token.
 */
public final class Api {

    public static final int MAX_LIMIT = 500;
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Store store;
    private final WebData data;
    private final WebAuth auth;
    private final SubscriberStore subscribers;
    private final LinkStore links;
    private final LinkReview review;
    private final HealthReport health;
    private final Clock clock;
    private final ListIndex lists;

    public Api(Store store, WebData data, WebAuth auth, SubscriberStore subscribers, HealthReport health, Clock clock,
               ListIndex lists) {
        this.store = store;
        this.lists = lists;
        this.data = data;
        this.auth = auth;
        this.subscribers = subscribers;
        this.links = new LinkStore(store);
        this.review = new LinkReview(store, clock);
        this.health = health;
        this.clock = clock;
    }

    @FunctionalInterface
    interface Handler {
        Object handle(Message in) throws Exception;
    }

    private void respond(Exchange exchange, int okStatus, Handler handler) {
        Message m = exchange.getMessage();
        Object result;
        int status = okStatus;
        try {
            result = handler.handle(m);
        } catch (ApiException e) {
            status = e.status();
            result = error(status, e.getMessage());
        } catch (IllegalArgumentException e) {
            status = 400;
            result = error(400, e.getMessage());
        } catch (Exception e) {
            status = 500;
            result = error(500, "internal error: " + e.getClass().getSimpleName());
        }
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        m.setHeader("Cache-Control", "no-store");
        m.setHeader("X-Content-Type-Options", "nosniff");
        try {
            m.setBody(status == 204 ? "" : JSON.writeValueAsString(result));
        } catch (JsonProcessingException e) {
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 500);
            m.setBody("{\"status\":500,\"error\":\"cannot write the answer\"}");
        }
    }

    private static Map<String, Object> error(int status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("error", message == null ? "" : message.replaceAll("[\\r\\n]+", " "));
        return m;
    }

    // ------------------------------------------------------------------ helpers

    private static String param(Message m, String name) {
        String v = m.getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int intParam(Message m, String name, int def, int max) {
        String v = param(m, name);
        if (v == null) {
            return def;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < 0 || i > max) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'" + name + "' must be a whole number from 0 to " + max);
        }
    }

    private static Map<String, Object> page(long total, int offset, int limit, List<?> items) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", total);
        m.put("offset", offset);
        m.put("limit", limit);
        m.put("items", items);
        return m;
    }

    private static <T> Map<String, Object> page(List<T> all, Message m) {
        int offset = intParam(m, "offset", 0, Integer.MAX_VALUE);
        int limit = intParam(m, "limit", 50, MAX_LIMIT);
        List<T> slice = all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + limit));
        return page(all.size(), offset, limit, slice);
    }

    private static JsonNode body(Message m) {
        String text = m.getBody(String.class);
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("a JSON body is required");
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject() && !node.isArray()) {
                throw ApiException.badRequest("the body must be a JSON object or array");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String required(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required (a text)");
        }
        return v.asText().trim();
    }

    private String writer(Message m) {
        auth.requireApiToken(m.getHeader("Authorization", String.class));
        String who = param(m, "X-Liaison-User");
        return who == null ? "api" : who.replaceAll("[^\\w@.+ -]", "").substring(0, Math.min(64, who.length()));
    }

    private static Map<String, Object> storyJson(Story s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("title", s.title());
        m.put("state", s.state());
        m.put("projects", s.projects());
        m.put("tags", s.tags());
        m.put("aliases", s.aliases());
        m.put("owners", s.owners());
        m.put("backers", s.backers().stream().map(b -> Map.of("organisation", b.organisation(), "rank", b.rank())).toList());
        return m;
    }

    private static Map<String, Object> linkJson(WebData.LinkView l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("story", l.story());
        m.put("item", l.item());
        m.put("title", l.title());
        m.put("url", l.url());
        m.put("kind", l.kind());
        m.put("project", l.project());
        m.put("status", l.status());
        m.put("how", l.how());
        m.put("confidence", l.confidence());
        m.put("state", l.state());
        m.put("evidence", l.evidence());
        m.put("reviewedBy", l.reviewedBy());
        m.put("reviewedAt", l.reviewedAt());
        m.put("release", l.release());
        m.put("fetched", l.fetched());
        m.put("trackerStatus", l.trackerStatus());
        return m;
    }

    // ------------------------------------------------------------------ stories

    public void listStories(Exchange e) {
        respond(e, 200, m -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (WebData.StorySummary s : data.stories(param(m, "project"), param(m, "state"), param(m, "tag"), param(m, "organisation"))) {
                Map<String, Object> row = storyJson(s.story());
                row.put("links", Map.of("suggested", s.suggested(), "confirmed", s.confirmed(), "rejected", s.rejected()));
                row.put("lastMovement", s.lastMovement());
                rows.add(row);
            }
            return page(rows, m);
        });
    }

    public void getStory(Exchange e) {
        respond(e, 200, m -> {
            String id = param(m, "id");
            Story s = data.story(id).orElseThrow(() -> ApiException.notFound("no story '" + id + "'"));
            Map<String, Object> out = storyJson(s);
            out.put("text", s.text());
            Map<String, Map<String, List<Map<String, Object>>>> grouped = new LinkedHashMap<>();
            for (WebData.LinkView l : data.linksOf(id)) {
                String project = l.project() == null ? "(no project)" : l.project();
                grouped.computeIfAbsent(project, k -> new LinkedHashMap<>())
                        .computeIfAbsent(l.kind() == null ? "other" : l.kind(), k -> new ArrayList<>()).add(linkJson(l));
            }
            out.put("links", grouped);
            out.put("projects", data.projects(id));
            out.put("gaps", data.gaps(id));
            return out;
        });
    }

    public void getTracker(Exchange e) {
        respond(e, 200, m -> {
            String id = param(m, "id");
            String tracker = data.tracker(id).orElseThrow(() -> ApiException.notFound("no story '" + id + "'"));
            return JSON.readTree(tracker);
        });
    }

    // ------------------------------------------------------------------ links

    public void confirmLink(Exchange e) {
        respond(e, 200, m -> review(m, true));
    }

    public void rejectLink(Exchange e) {
        respond(e, 200, m -> review(m, false));
    }

    /** Confirms at once every suggested declared link of a story: what its own text or tracker names is the author's statement. */
    public void confirmDeclared(Exchange e) {
        respond(e, 200, m -> {
            String who = writer(m);
            String story = required(body(m), "story");
            List<String> items = reviewed(() -> review.confirmDeclared(story, who));
            return Map.of("story", story, "confirmed", items, "by", who);
        });
    }

    private Object review(Message m, boolean confirm) {
        String who = writer(m);
        JsonNode body = body(m);
        String story = required(body, "story");
        String item = required(body, "item");
        LinkReview.Decision d = reviewed(() -> confirm ? review.confirm(story, item, who) : review.reject(story, item, who));
        return Map.of("story", d.story(), "item", d.item(), "state", d.state(), "changed", d.changed(), "by", who);
    }

    public void addLink(Exchange e) {
        respond(e, 201, m -> {
            String who = writer(m);
            JsonNode body = body(m);
            String story = required(body, "story");
            String item = body.hasNonNull("item") ? required(body, "item") : required(body, "url");
            LinkReview.Decision d = reviewed(() -> review.add(story, item, who));
            return Map.of("story", d.story(), "item", d.item(), "state", d.state(), "how", d.how(), "by", who);
        });
    }

    /** A person's decision through the review service, its refusals as HTTP answers, the page caches told. */
    private <T> T reviewed(java.util.function.Supplier<T> decision) {
        try {
            return decision.get();
        } catch (LinkReview.NotFound x) {
            throw ApiException.notFound(x.getMessage());
        } catch (LinkReview.Invalid x) {
            throw ApiException.badRequest(x.getMessage());
        } finally {
            data.linksChanged();
        }
    }

    public void reviewQueue(Exchange e) {
        respond(e, 200, m -> {
            int offset = intParam(m, "offset", 0, Integer.MAX_VALUE);
            int limit = intParam(m, "limit", 50, MAX_LIMIT);
            WebData.ReviewPage p = data.reviewPage(new WebData.ReviewFilter(param(m, "story"), param(m, "project"),
                    param(m, "kind"), param(m, "how")), offset, limit);
            return page(p.total(), offset, limit, p.links().stream().map(Api::linkJson).toList());
        });
    }

    // ------------------------------------------------------------------ items and events

    public void listItems(Exchange e) {
        respond(e, 200, m -> {
            String kind = param(m, "kind");
            String project = param(m, "project");
            String q = param(m, "q");
            if (q != null && q.length() > 200) {
                throw ApiException.badRequest("'q' is longer than 200 characters");
            }
            int offset = intParam(m, "offset", 0, Integer.MAX_VALUE);
            int limit = intParam(m, "limit", 50, MAX_LIMIT);
            Store.Page<ListIndex.ItemRow> p = lists.items(kind, project, q, offset, limit);
            return page(p.total(), offset, limit, p.rows());
        });
    }

    public void getItem(Exchange e) {
        respond(e, 200, m -> {
            String id = param(m, "id");
            Item item = store.items().find(id).orElseThrow(() -> ApiException.notFound("no item '" + id + "'"));
            Map<String, Object> out = itemJson(item, true);
            out.put("stories", data.linksOfItem(id).stream().map(Api::linkJson).toList());
            return out;
        });
    }

    private static Map<String, Object> itemJson(Item i, boolean full) {
        Map<String, Object> m = dev.liaison.item.ItemViews.summary(i);
        if (full) {
            m.put("author", i.author());
            m.put("created", i.created());
            m.put("updated", i.updated());
            m.put("text", i.text());
            m.put("attributes", i.attributes());
        }
        return m;
    }

    public void listEvents(Exchange e) {
        respond(e, 200, m -> {
            Instant since = null;
            if (param(m, "since") != null) {
                try {
                    since = Instant.parse(param(m, "since"));
                } catch (DateTimeParseException x) {
                    throw ApiException.badRequest("'since' must be an ISO time such as 2026-11-24T00:00:00Z");
                }
            }
            int offset = intParam(m, "offset", 0, Integer.MAX_VALUE);
            int limit = intParam(m, "limit", 50, MAX_LIMIT);
            Store.Page<ListIndex.EventRow> p = lists.events(since, param(m, "type"), offset, limit);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ListIndex.EventRow ev : p.rows()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", ev.id());
                row.put("type", ev.type());
                row.put("at", ev.at());
                row.put("source", ev.source());
                row.put("item", ev.item());
                row.put("data", ev.data());
                rows.add(row);
            }
            return page(p.total(), offset, limit, rows);
        });
    }

    public void listSources(Exchange e) {
        respond(e, 200, m -> {
            Map<String, Object> report = health.report();
            Map<String, Long> counts = lists.countsBySource();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = new ArrayList<>((List<Map<String, Object>>) report.get("sources"));
            for (Map<String, Object> row : rows) {
                row.put("items", counts.getOrDefault(String.valueOf(row.get("id")), 0L));
                store.sourceState().health(String.valueOf(row.get("id"))).ifPresent(h -> row.put("lastPoll", h.lastPoll()));
            }
            return page(rows, m);
        });
    }

    // ------------------------------------------------------------------ subscribers

    private Subscriber parseSubscriber(JsonNode body, String address) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(body, Map.class);
        if (address != null) {
            Object given = map.get("address");
            if (given != null && !address.equalsIgnoreCase(String.valueOf(given))) {
                throw ApiException.badRequest("the address in the body differs from the one in the path");
            }
            map.put("address", address);
        }
        return SubscribersFile.subscriber(map, id -> data.story(id).isPresent());
    }

    private static Map<String, Object> subscriberJson(SubscriberStore.Entry e, boolean withToken) {
        Subscriber s = e.subscriber();
        Map<String, Object> m = fields(s);
        m.put("origin", e.origin());
        m.put("lastDigest", e.lastPeriod());
        if (withToken) {
            m.put("token", s.token());
        }
        return m;
    }

    public void listSubscribers(Exchange e) {
        respond(e, 200, m -> {
            writer(m);
            return page(subscribers.all().stream().map(x -> subscriberJson(x, false)).toList(), m);
        });
    }

    public void createSubscriber(Exchange e) {
        respond(e, 201, m -> {
            writer(m);
            Subscriber s = parseSubscriber(body(m), null);
            if (subscribers.find(s.address()).isPresent()) {
                throw new ApiException(409, "'" + s.address() + "' is already subscribed (use PUT to change it)");
            }
            subscribers.save(s, "api", clock.instant());
            return subscriberJson(subscribers.find(s.address()).orElseThrow(), true);
        });
    }

    public void getSubscriber(Exchange e) {
        respond(e, 200, m -> {
            writer(m);
            String address = param(m, "address");
            return subscriberJson(subscribers.find(address).orElseThrow(() -> ApiException.notFound("no subscriber '" + address + "'")), false);
        });
    }

    public void updateSubscriber(Exchange e) {
        respond(e, 200, m -> {
            writer(m);
            String address = param(m, "address");
            SubscriberStore.Entry before = subscribers.find(address).orElseThrow(() -> ApiException.notFound("no subscriber '" + address + "'"));
            subscribers.save(merged(before.subscriber(), body(m)), "api", clock.instant());
            return subscriberJson(subscribers.find(address).orElseThrow(), false);
        });
    }

    public void deleteSubscriber(Exchange e) {
        respond(e, 204, m -> {
            writer(m);
            String address = param(m, "address");
            if (!subscribers.delete(address)) {
                throw ApiException.notFound("no subscriber '" + address + "'");
            }
            return null;
        });
    }

    private SubscriberStore.Entry byToken(Message m) {
        return subscribers.findByToken(param(m, "token")).orElseThrow(() -> ApiException.notFound("no subscription with this token"));
    }

    public void getSubscription(Exchange e) {
        respond(e, 200, m -> subscriberJson(byToken(m), false));
    }

    /**
     * A person changes their own subscription: only the fields the body names change. From then
     * on the subscription is theirs ({@code origin: person}): subscribers.yaml no longer changes it.
     */
    public void updateSubscription(Exchange e) {
        respond(e, 200, m -> {
            SubscriberStore.Entry before = byToken(m);
            Subscriber s = merged(before.subscriber(), body(m));
            subscribers.save(s, SubscriberStore.ORIGIN_PERSON, clock.instant());
            return subscriberJson(subscribers.find(s.address()).orElseThrow(), false);
        });
    }

    /** The subscriber with the fields a (partial) body names replaced; stories already followed may still be pending. */
    private Subscriber merged(Subscriber before, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body is a JSON object with the fields to change");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> changes = JSON.convertValue(body, Map.class);
        Object given = changes.get("address");
        if (given != null && !before.address().equalsIgnoreCase(String.valueOf(given))) {
            throw ApiException.badRequest("the address of a subscription cannot be changed (unsubscribe and subscribe again)");
        }
        Map<String, Object> map = fields(before);
        map.putAll(changes);
        return SubscribersFile.subscriber(map, id -> data.story(id).isPresent() || before.stories().contains(id));
    }

    /** A subscriber's settable fields, as the file and the API name them. */
    static Map<String, Object> fields(Subscriber s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", s.address());
        m.put("name", s.name());
        m.put("timezone", s.timezone().getId());
        m.put("hour", s.hour());
        m.put("stories", s.stories());
        m.put("projects", s.projects());
        m.put("tags", s.tags());
        m.put("kinds", s.kinds());
        m.put("pages", s.pages());
        m.put("digest", s.digest());
        m.put("deadline-alert-days", s.deadlineAlertDays());
        return m;
    }

    public void deleteSubscription(Exchange e) {
        respond(e, 204, m -> {
            subscribers.unsubscribe(byToken(m).subscriber().token());
            return null;
        });
    }

    // ------------------------------------------------------------------ priorities

    public void getPriorities(Exchange e) {
        respond(e, 200, m -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("organisations", data.organisationPriorities());
            out.put("aggregate", data.aggregatePriorities());
            out.put("releasePriorities", data.releasePriorities());
            return out;
        });
    }

    public void setPriorities(Exchange e) {
        respond(e, 200, m -> {
            String who = writer(m);
            String org = param(m, "organisation");
            JsonNode body = body(m);
            JsonNode list = body.isArray() ? body : body.get("stories");
            if (list == null || !list.isArray()) {
                throw ApiException.badRequest("the body is a list of story ids, best first (at most five)");
            }
            List<String> ids = new ArrayList<>();
            list.forEach(n -> ids.add(n.asText()));
            data.setPriorities(org, ids, who);
            return Map.of("organisation", org, "stories", ids, "by", who);
        });
    }

    /** Answers 404 as JSON for any other path under /api. */
    public void notFound(Exchange e) {
        respond(e, 404, m -> {
            throw ApiException.notFound("no such endpoint: " + m.getHeader(Exchange.HTTP_METHOD) + " " + m.getHeader(Exchange.HTTP_PATH));
        });
    }

    /** Events of one type since a time, for the pages. */
    List<Event> recent(String type, int limit) {
        return store.events().since(null, type, limit);
    }
}
