package dev.muster.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
    private final JsonNode doc = Json.tree(new String(OpenApiDocument.load(), StandardCharsets.UTF_8));

    private List<String> documentedRoutes() {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> out.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        return out;
    }

    @Test
    void theShippedDocumentIsOpenApi3() {
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("components").path("schemas").path("IndividualEnrollment").isObject()).isTrue();
    }

    @Test
    void everyRouteTheServiceApiDispatchesIsDocumentedAndNothingElse() {
        List<String> dispatched = ApiRoutes.TABLE.templates().stream().map(RouteTemplate::toString).toList();
        assertThat(documentedRoutes()).containsExactlyInAnyOrderElementsOf(dispatched);
    }

    @Test
    void everyReferenceResolvesAndEveryOperationSaysWhatItAnswers() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty().allSatisfy(ref -> {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        });
        doc.path("paths").forEach(path -> path.forEach(op -> {
            assertThat(op.path("operationId").asText()).isNotBlank();
            assertThat(op.path("responses").size()).as(op.path("operationId").asText()).isPositive();
        }));
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref")) {
                    refs.add(f.getValue().asText());
                } else {
                    collectRefs(f.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
