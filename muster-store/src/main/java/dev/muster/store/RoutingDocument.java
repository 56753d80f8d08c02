package dev.muster.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.muster.core.Json;
import dev.muster.core.hub.routing.HubRouting;
import dev.muster.core.hub.routing.KafkaEndpoint;
import dev.muster.core.hub.routing.Route;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.core.hub.routing.RouteSource;
import dev.muster.core.hub.routing.WebhookEndpoint;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stored JSON form of a hub's routing. Endpoint credentials (webhook headers, Kafka producer properties) are one
 * sealed string each, so the document never holds them in plain text.
 */
final class RoutingDocument {
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};

    record Webhook(String name, String url, String headers, int maxAttempts) {}

    record Kafka(String name, String bootstrapServers, String topic, String producerProperties) {}

    record StoredRoute(String name, String source, String condition, List<String> endpointNames, boolean enabled) {}

    record Document(List<Webhook> webhooks, List<Kafka> kafka, List<StoredRoute> routes, StoredRoute fallback) {}

    private RoutingDocument() {}

    static String write(HubRouting routing, SecretBox secrets) {
        List<Webhook> webhooks = new ArrayList<>();
        List<Kafka> kafka = new ArrayList<>();
        for (RouteEndpoint e : routing.endpoints()) {
            if (e instanceof WebhookEndpoint w) {
                webhooks.add(new Webhook(w.name(), w.url().toString(), secrets.seal(Json.write(w.headers())),
                        w.maxAttempts()));
            } else if (e instanceof KafkaEndpoint k) {
                kafka.add(new Kafka(k.name(), k.bootstrapServers(), k.topic(),
                        secrets.seal(Json.write(k.producerProperties()))));
            }
        }
        return Json.write(new Document(webhooks, kafka, routing.routes().stream().map(RoutingDocument::stored)
                .toList(), stored(routing.fallback())));
    }

    static HubRouting read(String text, SecretBox secrets) {
        Document d = Json.read(text, Document.class);
        List<RouteEndpoint> endpoints = new ArrayList<>();
        for (Webhook w : list(d.webhooks())) {
            endpoints.add(new WebhookEndpoint(w.name(), URI.create(w.url()), strings(secrets.open(w.headers())),
                    w.maxAttempts()));
        }
        for (Kafka k : list(d.kafka())) {
            endpoints.add(new KafkaEndpoint(k.name(), k.bootstrapServers(), k.topic(),
                    strings(secrets.open(k.producerProperties()))));
        }
        return new HubRouting(endpoints, list(d.routes()).stream().map(RoutingDocument::route).toList(),
                d.fallback() == null ? null : route(d.fallback()));
    }

    private static StoredRoute stored(Route r) {
        return new StoredRoute(r.name(), r.source().wireName(), r.condition(), r.endpointNames(), r.enabled());
    }

    private static Route route(StoredRoute r) {
        return new Route(r.name(), RouteSource.named(r.source()).orElseThrow(() ->
                new StoreException("A stored route names an unknown source " + r.source())), r.condition(),
                list(r.endpointNames()), r.enabled());
    }

    private static Map<String, String> strings(String json) {
        try {
            return json == null ? Map.of() : Json.MAPPER.readValue(json, STRINGS);
        } catch (java.io.IOException e) {
            throw new StoreException("A stored endpoint's sealed settings are not readable: " + e.getMessage());
        }
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
