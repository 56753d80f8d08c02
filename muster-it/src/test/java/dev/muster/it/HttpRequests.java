package dev.muster.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutated HTTP/1.1 requests drawn from valid ones: the request line (method, target, version), the headers
 * (duplicates, oversized, malformed, framing) and the body ({@link JsonBodies}). A request whose framing is intact
 * (its Content-Length or chunks say where it ends) must be answered; one whose framing is broken may also be left
 * waiting or closed.
 */
final class HttpRequests {
    /** A valid request to start from: host to connect to, request line, headers (without Content-Length), body. */
    record Template(String host, String method, String target, List<String> headers, String body) {}

    /** One input: where it goes, its bytes, and whether its framing is intact (then it must be answered). */
    record Case(String host, byte[] bytes, boolean framed) {}

    private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
            "put", "PRI", "M-SEARCH", "G\0T", "X".repeat(300)};
    private static final String[] VERSIONS = {"HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/1.2", "HTTP/9.9", "HTTP/1",
            "http/1.1", "HTTP/01.1", "HTTP/1.1 extra", ""};
    private static final String[] PATH_EDITS = {"/..", "/../..", "/%2e%2e", "%00", "\0", "%", "%zz", "%u0041", "//",
            "/%2F", " ", "\u00e9", "#frag", "\\..\\", ";x=1", "?", "?&&&=&", "?api-version=%ff", "?$rid=\r"};
    private static final String[] ODD_HEADERS = {"NoColonHeader", ": empty-name", "X-A\0: b", "X-Fold: a\r\n folded",
            "Host:", "Host: elsewhere.example", "Content-Type: text/plain", "Content-Type: application/xml",
            "Content-Type: application/json; charset=ebcdic", "Content-Type: ", "Expect: 100-continue",
            "Connection: close", "Connection: Upgrade\r\nUpgrade: h2c", "Upgrade: websocket", "Accept-Encoding: gzip",
            "Content-Encoding: gzip", "Authorization: SharedAccessSignature sr=&sig=&se=",
            "Authorization: SharedAccessSignature sr=a&sig=%zz&se=99999999999999999999", "Authorization: Basic eA==",
            "Authorization:", "If-Match: *", "If-Match: \"unterminated", "X-Utf8: \u00ff\u00fe"};
    private static final String[] BAD_LENGTHS = {"-1", "abc", "99999999999999999999", "0x10", "1e3", "+5", "5, 5",
            "4294967296", ""};
    private static final String[] BAD_CHUNKS = {"zz\r\nab\r\n0\r\n\r\n", "ffffffffffffffff\r\nab", "5\r\nab\r\n",
            "0\r\n", "3;" + "x".repeat(9000) + "\r\nabc\r\n0\r\n\r\n", "-1\r\n\r\n", "2\r\nabcd\r\n0\r\n\r\n"};
    private final Fuzz fuzz;
    private final List<Template> templates;
    private final JsonBodies bodies;

    HttpRequests(Fuzz fuzz, List<Template> templates) {
        this.fuzz = fuzz;
        this.templates = templates;
        this.bodies = new JsonBodies(fuzz);
    }

    Case next() {
        Template t = fuzz.oneOf(templates);
        Draft d = new Draft(t);
        int edits = 1 + fuzz.below(3);
        for (int i = 0; i < edits; i++) {
            edit(d);
        }
        byte[] bytes = d.render();
        if (fuzz.percent(15)) {
            return new Case(t.host(), fuzz.mutate(bytes), false);
        }
        return new Case(t.host(), bytes, d.framed);
    }

    private void edit(Draft d) {
        switch (fuzz.below(10)) {
            case 0 -> d.method = fuzz.oneOf(METHODS);
            case 1 -> d.target = editTarget(d.target);
            case 2 -> d.version = fuzz.oneOf(VERSIONS);
            case 3 -> {
                if (!d.headers.isEmpty()) {
                    String h = fuzz.oneOf(d.headers);
                    d.headers.add(fuzz.percent(50) ? h : h + "x");
                }
            }
            case 4 -> d.headers.add(fuzz.oneOf("X-Fuzz", "Authorization", "Content-Type", "Host") + ": "
                    + "a".repeat(fuzz.oneOf(9000, 20_000)));
            case 5 -> d.headers.add(fuzz.oneOf(ODD_HEADERS));
            case 6 -> {
                d.length = fuzz.percent(70) ? fuzz.oneOf(BAD_LENGTHS)
                        : String.valueOf(Math.max(0, d.body.length + fuzz.oneOf(-3, -1, 1, 10, 100_000)));
                d.framed = false;
            }
            case 7 -> chunk(d);
            default -> d.body = bodies.edit(d.body);
        }
    }

    private String editTarget(String target) {
        int cut = fuzz.below(target.length() + 1);
        String insert = fuzz.percent(15) ? "/" + "p".repeat(fuzz.oneOf(3000, 9000)) : fuzz.oneOf(PATH_EDITS);
        return target.substring(0, cut) + insert + target.substring(cut);
    }

    /** Chunked transfer coding: valid chunks (still framed) or garbage ones (framing broken). */
    private void chunk(Draft d) {
        if (fuzz.percent(50)) {
            d.chunkSize = 1 + fuzz.below(64);
        } else {
            d.badChunks = Fuzz.ascii(fuzz.oneOf(BAD_CHUNKS));
            d.framed = false;
        }
    }

    /** A request being mutated. */
    private static final class Draft {
        String method;
        String target;
        String version = "HTTP/1.1";
        final List<String> headers;
        byte[] body;
        String length;
        /** Valid chunked coding of the body, in chunks of this size, when above 0. */
        int chunkSize;
        /** Garbage sent as a chunked body instead of the body, when not null. */
        byte[] badChunks;
        boolean framed = true;

        Draft(Template t) {
            method = t.method();
            target = t.target();
            headers = new ArrayList<>(t.headers());
            body = t.body() == null ? new byte[0] : t.body().getBytes(StandardCharsets.UTF_8);
        }

        byte[] render() {
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(' ').append(version)
                    .append("\r\n");
            headers.forEach(h -> head.append(h).append("\r\n"));
            boolean chunked = chunkSize > 0 || badChunks != null;
            if (chunked) {
                head.append("Transfer-Encoding: chunked\r\n");
            }
            if (length != null) {
                head.append("Content-Length: ").append(length).append("\r\n");
            } else if (!chunked && (body.length > 0 || !method.equals("GET"))) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(badChunks != null ? badChunks : chunkSize > 0 ? chunks(body, chunkSize) : body);
            return out.toByteArray();
        }

        private static byte[] chunks(byte[] body, int size) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int at = 0; at < body.length; at += size) {
                int n = Math.min(size, body.length - at);
                out.writeBytes(Fuzz.ascii(Integer.toHexString(n) + "\r\n"));
                out.write(body, at, n);
                out.writeBytes(Fuzz.ascii("\r\n"));
            }
            out.writeBytes(Fuzz.ascii("0\r\n\r\n"));
            return out.toByteArray();
        }
    }
}
