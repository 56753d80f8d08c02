package dev.muster.hub.methods;

import dev.muster.hub.ConnectionKey;
import java.util.Optional;

/** This node's connections that can take direct methods now (looked up without blocking). */
@FunctionalInterface
public interface MethodChannels {
    Optional<MethodChannel> channel(ConnectionKey key);

}
