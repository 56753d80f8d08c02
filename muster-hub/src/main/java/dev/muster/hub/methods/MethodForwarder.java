package dev.muster.hub.methods;

import dev.muster.core.hub.HubNode;
import dev.muster.hub.ConnectionKey;
import java.util.concurrent.CompletableFuture;

/**
 * Hands a direct method to the node holding the device's connection. The transport (a node-to-node HTTPS call) lives
 * outside the domain; the other node invokes the method on its own connection and its answer, or its refusal as a
 * {@link dev.muster.hub.HubError}, completes the future.
 */
public interface MethodForwarder {
    CompletableFuture<MethodResult> forward(HubNode node, ConnectionKey target, MethodCall call);
}
