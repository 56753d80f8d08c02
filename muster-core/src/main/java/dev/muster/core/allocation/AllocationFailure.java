package dev.muster.core.allocation;

/**
 * No hub could be chosen for a device. Registration turns it into a {@code failed} result carrying
 * {@link #errorCode()} and {@link #getMessage()} in {@code registrationState}, and keeps {@link #detail()} in the
 * failed-operation record for operators. Neither ever contains a webhook URL's query string.
 *
 * <p>Error codes: 400208 is the code the C SDK knows as "hub not specified"; the 4002xx codes above it are Muster's
 * own (Azure does not publish its codes for custom allocation failures, reference §8 and open question 5).
 */
public final class AllocationFailure extends Exception {
    /** No linked hub the enrollment allows is available (none linked, all weight 0, static hub missing). */
    public static final int NO_HUB = 400208;
    /** Custom allocation without a usable webhook definition (or a server without webhook client). */
    public static final int WEBHOOK_NOT_CONFIGURED = 400220;
    /** The webhook could not be reached (connection refused or reset, DNS, TLS). */
    public static final int WEBHOOK_UNREACHABLE = 400221;
    /** The webhook did not answer within the configured time-out. */
    public static final int WEBHOOK_TIMEOUT = 400222;
    /** The webhook answered with a non-2xx HTTP status. */
    public static final int WEBHOOK_HTTP_STATUS = 400223;
    /** The webhook's answer is not a valid AllocationResponse (not JSON, not an object, bad twin or payload). */
    public static final int WEBHOOK_INVALID_RESPONSE = 400224;
    /** The webhook named no hub, or a hub that is not among the linked hubs it was offered. */
    public static final int WEBHOOK_HUB_NOT_LINKED = 400225;

    private final int errorCode;
    private final String detail;

    public AllocationFailure(int errorCode, String message, String detail) {
        super(message);
        this.errorCode = errorCode;
        this.detail = detail;
    }

    public AllocationFailure(int errorCode, String message) {
        this(errorCode, message, message);
    }

    public int errorCode() {
        return errorCode;
    }

    /** The operator's version: the message plus what only operators should see (e.g. an excerpt of the answer). */
    public String detail() {
        return detail;
    }
}
