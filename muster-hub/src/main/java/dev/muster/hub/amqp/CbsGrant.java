package dev.muster.hub.amqp;

import dev.muster.core.hub.DeviceQueue;
import java.time.Instant;

/**
 * What one accepted {@code put-token} allows on its connection, until {@code expiresAt}.
 *
 * @param audience the token's resource ({@code sr}), URL-decoded: the key under which a renewed token replaces this
 * @param device the device (or module) the token is for; null for a service token signed with a hub policy
 */
public record CbsGrant(String audience, Instant expiresAt, DeviceQueue device) {
    public boolean isService() {
        return device == null;
    }

    public boolean validAt(Instant now) {
        return expiresAt.isAfter(now);
    }
}
