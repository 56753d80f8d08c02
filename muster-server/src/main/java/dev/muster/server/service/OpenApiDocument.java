package dev.muster.server.service;

import dev.muster.transport.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.json}: the OpenAPI 3 description of the service API, served as shipped (no auth needed). */
final class OpenApiDocument {
    static final String RESOURCE = "/openapi.json";
    private static final byte[] BYTES = load();

    private OpenApiDocument() {}

    static void serve(Exchange ex) {
        ex.request().response().putHeader("Content-Type", Exchange.JSON)
                .end(io.vertx.core.buffer.Buffer.buffer(BYTES));
    }

    static byte[] load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
