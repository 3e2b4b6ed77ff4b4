package dev.liaison.web;

import dev.liaison.store.SubscriberStore;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * {@code /unsubscribe/{token}}: GET shows a confirmation page, POST unsubscribes (also the
 * one-click POST of RFC 8058 that mail clients send for List-Unsubscribe). The token in the path
 * is the subscriber's secret; an unknown token is 404.
 */
public final class UnsubscribePage {

    private final SubscriberStore subscribers;
    private final PebbleTemplate page;

    public UnsubscribePage(SubscriberStore subscribers) {
        this.subscribers = subscribers;
        ClasspathLoader loader = new ClasspathLoader();
        loader.setPrefix("templates/pages");
        this.page = new PebbleEngine.Builder().loader(loader).autoEscaping(true).defaultEscapingStrategy("html").build()
                .getTemplate("unsubscribe.html.peb");
    }

    public void handle(Exchange exchange) throws IOException {
        String token = exchange.getMessage().getHeader("token", String.class);
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        exchange.getMessage().setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        Optional<SubscriberStore.Entry> entry = subscribers.findByToken(token);
        if (entry.isEmpty()) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            exchange.getMessage().setBody("<!DOCTYPE html><p>No subscription with this link.</p>");
            return;
        }
        boolean done = "POST".equalsIgnoreCase(method);
        if (done) {
            subscribers.unsubscribe(token);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("address", entry.get().subscriber().address());
        model.put("done", done);
        model.put("action", "/unsubscribe/" + token);
        StringWriter w = new StringWriter();
        page.evaluate(w, model);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setBody(w.toString());
    }
}
