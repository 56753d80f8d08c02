package dev.muster.hub.amqp;

import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import io.vertx.proton.ProtonLink;
import java.util.Locale;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;

/** Small AMQP shapes the hub's links share: refusing a link, rejecting a delivery with a hub error. */
final class AmqpLinks {
    private AmqpLinks() {}

    /** Attaches with a null terminus and detaches at once with the error: the AMQP way to refuse a link. */
    static void refuse(ProtonLink<?> link, Symbol condition, String description) {
        link.setCondition(new ErrorCondition(condition, description));
        link.open();
        link.close();
    }

    /** A link address without its leading slash, lower-cased: the SDKs differ in both. */
    static String normalise(String address) {
        if (address == null) {
            return "";
        }
        String a = address.startsWith("/") ? address.substring(1) : address;
        return a.toLowerCase(Locale.ROOT);
    }

    /**
     * A rejected outcome whose condition is one the service SDKs map to their exceptions (reference §2.3): queue full
     * → resource-limit-exceeded, unknown device → not-found, too large → message-size-exceeded.
     */
    static Rejected rejected(Throwable failure) {
        Rejected r = new Rejected();
        r.setError(condition(failure));
        return r;
    }

    static ErrorCondition condition(Throwable failure) {
        if (!(failure instanceof HubError e)) {
            return new ErrorCondition(AmqpError.INTERNAL_ERROR, "Internal error; see the server log.");
        }
        Symbol condition = switch (e.code()) {
            case DEVICE_MAXIMUM_QUEUE_DEPTH_EXCEEDED, THROTTLING -> AmqpError.RESOURCE_LIMIT_EXCEEDED;
            case DEVICE_NOT_FOUND, IOT_HUB_NOT_FOUND -> AmqpError.NOT_FOUND;
            case MESSAGE_TOO_LARGE -> LinkError.MESSAGE_SIZE_EXCEEDED;
            case UNAUTHORIZED -> AmqpError.UNAUTHORIZED_ACCESS;
            case PRECONDITION_FAILED -> Symbol.valueOf("amqp:precondition-failed");
            case SERVER_ERROR -> AmqpError.INTERNAL_ERROR;
            default -> AmqpError.NOT_ALLOWED;
        };
        return new ErrorCondition(condition, "ErrorCode:" + e.code().errorName() + ";" + e.getMessage());
    }

    static HubError unauthorized(String why) {
        return new HubError(HubErrorCode.UNAUTHORIZED, why);
    }
}
