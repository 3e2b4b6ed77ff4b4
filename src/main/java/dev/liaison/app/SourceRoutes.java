package dev.liaison.app;

import dev.liaison.config.SourceConfig;
import dev.liaison.sources.SourceKind;
import dev.liaison.sources.SourceKinds;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.spi.RouteTemplateParameterSource;

/**
 * Turns {@code sources.yaml} into routes: each runnable source becomes a route with the source's
 * id, made from its kind's route template (the shared {@code source} template,
 * routes/templates/source.camel.yaml, unless the kind names its own).
 * Camel reads this from its registry when it loads the route templates.
 */
public final class SourceRoutes implements RouteTemplateParameterSource {

    private final Map<String, Map<String, Object>> byRouteId = new LinkedHashMap<>();

    public SourceRoutes(List<SourceConfig> runnable, SourceKinds kinds, Duration initialDelay) {
        for (SourceConfig s : runnable) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put(RouteTemplateParameterSource.TEMPLATE_ID, kinds.find(s.kind()).map(SourceKind::routeTemplate).orElse(SourceKind.SHARED_ROUTE_TEMPLATE));
            p.put("sourceId", s.id());
            p.put("fromUri", s.schedule().camelUri(s.id(), initialDelay));
            byRouteId.put(s.id(), p);
        }
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
