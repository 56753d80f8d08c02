package dev.muster.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The device side of the DPS HTTPS API (reference §1) as prebuilt request bytes, and what counts as done: a
 * registration is done only when the device holds its result, {@code status: assigned} with the hub and device ID.
 */
public final class DpsHttp {
    static final String API_VERSION = "2021-06-01";

    private DpsHttp() {}

    /** Called with each device's assignment (e.g. to clean up its hub device later). */
    public interface Assignments {
        Assignments NONE = (registrationId, hub, deviceId) -> { };

        void assigned(String registrationId, String hub, String deviceId);
    }

    public static byte[] register(String host, String idScope, String registrationId, String token) {
        byte[] body = ("{\"registrationId\":\"" + registrationId + "\"}").getBytes(StandardCharsets.UTF_8);
        return request("PUT", host, "/" + idScope + "/registrations/" + enc(registrationId) + "/register?api-version="
                + API_VERSION, token, body);
    }

    public static byte[] poll(String host, String idScope, String registrationId, String operationId, String token) {
        return request("GET", host, "/" + idScope + "/registrations/" + enc(registrationId) + "/operations/"
                + enc(operationId) + "?api-version=" + API_VERSION, token, null);
    }

    public static byte[] get(String host, String path) {
        return request("GET", host, path, null, null);
    }

    static byte[] request(String method, String host, String target, String authorization, byte[] body) {
        return request(method, host, target, authorization, body, true);
    }

    /** @param close true for one request per connection (a device), false for pipelined bulk calls */
    static byte[] request(String method, String host, String target, String authorization, byte[] body, boolean close) {
        StringBuilder head = new StringBuilder(512).append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("User-Agent: muster-bench\r\n")
                .append("Accept: application/json\r\n");
        if (close) {
            head.append("Connection: close\r\n");
        }
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (body != null || method.equals("PUT") || method.equals("POST")) {
            body = body == null ? new byte[0] : body;
            head.append("Content-Type: application/json; charset=utf-8\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null) {
            return h;
        }
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    /** A fixed GET that must answer 200 (nginx's static body, Muster's /health). */
    public static HttpsJob.Exchange staticGet(byte[] request) {
        return new HttpsJob.Exchange() {
            @Override
            public byte[] firstRequest() {
                return request;
            }

            @Override
            public HttpsJob.Step onResponse(FullHttpResponse r) {
                return r.status().code() == 200 ? HttpsJob.Step.DONE : HttpsJob.Step.failed("HTTP " + r.status().code());
            }
        };
    }

    /** One device's registration: register, poll after Retry-After while 202, done when assigned. */
    public static HttpsJob.Exchange registration(String host, String idScope, String registrationId, String token,
                                                 Assignments assignments) {
        return new HttpsJob.Exchange() {
            @Override
            public byte[] firstRequest() {
                return register(host, idScope, registrationId, token);
            }

            @Override
            public HttpsJob.Step onResponse(FullHttpResponse r) {
                int code = r.status().code();
                if (code != 200 && code != 202) {
                    return HttpsJob.Step.failed("HTTP " + code + errorCode(r));
                }
                JsonNode result = parse(r);
                if (code == 202) {
                    String op = result.path("operationId").asText("");
                    long wait = retryAfterMillis(r.headers().get("Retry-After"));
                    return HttpsJob.Step.again(poll(host, idScope, registrationId, op, token), wait);
                }
                HttpsJob.Step step = outcome(result, registrationId, assignments);
                return step != null ? step : HttpsJob.Step.failed("200 without a final status");
            }
        };
    }

    /** Shared with MQTT: the operation result body is the same bytes over both. */
    static HttpsJob.Step outcome(JsonNode result, String registrationId, Assignments assignments) {
        String status = result.path("status").asText("");
        if (status.equals("assigning")) {
            return null; // not final: the caller polls
        }
        JsonNode state = result.path("registrationState");
        if (!status.equals("assigned") || state.path("assignedHub").asText("").isEmpty()
                || state.path("deviceId").asText("").isEmpty()) {
            return HttpsJob.Step.failed("status " + status + (state.has("errorCode") ? " " + state.get("errorCode") : ""));
        }
        assignments.assigned(registrationId, state.get("assignedHub").asText(), state.get("deviceId").asText());
        return HttpsJob.Step.DONE;
    }

    static long retryAfterMillis(String header) {
        try {
            return header == null ? 2000 : Math.max(0, Math.min(60, Long.parseLong(header.strip()))) * 1000;
        } catch (NumberFormatException e) {
            return 2000;
        }
    }

    private static String errorCode(FullHttpResponse r) {
        String code = r.headers().get("x-ms-error-code");
        return code == null ? "" : " " + code;
    }

    private static JsonNode parse(FullHttpResponse r) {
        try (ByteBufInputStream in = new ByteBufInputStream(r.content().duplicate())) {
            return Json.MAPPER.readTree((java.io.InputStream) in);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable JSON", e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
