package dev.liaison.app;

import dev.liaison.config.SourceConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.spi.RouteTemplateParameterSource;

/**
 * Turns {@code sources.yaml} into routes: each runnable source becomes a route with the source's
 * id, made from the template {@code <kind>-source} (routes/templates/&lt;kind&gt;-source.camel.yaml).
 * Camel reads this from its registry when it loads the route templates.
 */
public final class SourceRoutes implements RouteTemplateParameterSource {

    private final Map<String, Map<String, Object>> byRouteId = new LinkedHashMap<>();

    public SourceRoutes(List<SourceConfig> runnable, Duration initialDelay) {
        for (SourceConfig s : runnable) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put(RouteTemplateParameterSource.TEMPLATE_ID, templateId(s.kind()));
            p.put("sourceId", s.id());
            p.put("fromUri", s.schedule().camelUri(s.id(), initialDelay));
            byRouteId.put(s.id(), p);
        }
    }

    public static String templateId(String kind) {
        return kind + "-source";
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        return new LinkedHashMap<>(byRouteId.get(routeId));
    }

    @Override
    public Set<String> routeIds() {
        return new LinkedHashSet<>(byRouteId.keySet());
    }
}
