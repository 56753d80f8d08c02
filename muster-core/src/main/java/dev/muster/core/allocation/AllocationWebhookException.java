package dev.muster.core.allocation;

/**
 * No usable HTTP answer came back from a custom-allocation webhook. The message must describe what happened without
 * the URL (callers add the masked URL themselves).
 */
public final class AllocationWebhookException extends Exception {
    /** What went wrong, so the registration failure can say it precisely. */
    public enum Kind {
        /** No answer within the configured time-out (connecting or waiting for the response). */
        TIMEOUT,
        /** The connection could not be made or broke (refused, reset, DNS, TLS handshake). */
        UNREACHABLE,
        /** The answer was larger than the server accepts. */
        TOO_LARGE,
        /** The server has no webhook client at all. */
        NOT_AVAILABLE
    }

    private final Kind kind;

    public AllocationWebhookException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public AllocationWebhookException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
